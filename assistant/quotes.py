"""Finding the quote that backs a statement: a grade's sentence on its page, a passage's best
sentences. Every composer picks its quotes here; `Draft.finish` then verifies them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.draft import Draft
from assistant.evidence import Library
from assistant.retrieve import sentence_support
from ingest.chunk import PAGE_JOIN
from ingest.core.types import Judgement, Passage, ReportMeta
from ingest.core.vocabulary import AREA_NAMES, AREA_WORDS, GRADE_WORDS, SEND_OUTCOME, SEND_OUTCOMES
from ingest.normalize import collapse, for_match
from ingest.sentences import sentence_spans

MIN_SENTENCE_WORDS = 6
# Longer 'sentences' are run-together headings, tables or title pages, not quotable findings.
MAX_SENTENCE_WORDS = 70


def area_name(key: str) -> str:
    return AREA_NAMES.get(key, key.replace("_", " "))


def cap(text: str) -> str:
    """First letter up, the rest as written ("The LSCB", not "The lscb")."""
    return text[:1].upper() + text[1:]


@dataclass
class Candidate:
    quote: str
    page: int
    passage: Passage
    score: float


def grade_quote(library: Library, meta: ReportMeta, key: str, judgement: Judgement) -> tuple[str, int]:
    """The shortest span of the grade's page that names the area and states the grade."""
    pages = [judgement.page] if judgement.page else []
    pages += [p for p in range(1, min(meta.pages, 4) + 1) if p not in pages]
    for page in pages:
        text = for_match(library.page_text(meta.file, page) or "")
        if key == "send_outcome":  # the sentence that states this outcome, not another one on the page
            outcome = re.compile(SEND_OUTCOMES.get(judgement.grade, r"$^"), re.I)
            for match in SEND_OUTCOME.finditer(text):
                if outcome.search(match.group(0)):
                    return match.group(0).strip(), page
            continue
        if judgement.label:
            label = for_match(judgement.label)
            at = text.lower().find(label.lower())
            stated = re.search(rf"\b{GRADE_WORDS}\s*$", label, re.I)
            if at >= 0 and stated and same_grade(stated.group(1), judgement.grade):
                return text[at : at + len(label)], page  # "Children's services in Kent are good"
            if at >= 0:
                tail = re.compile(GRADE_WORDS, re.I).search(text, at + len(label))
                if tail and tail.start() - at < len(label) + 80 and same_grade(tail.group(0), judgement.grade):
                    return text[at : tail.end()], page
        area = AREA_WORDS.get(key)
        if not area:
            continue
        for match in re.finditer(rf"({area})[^.]{{0,80}}?\b{GRADE_WORDS}\b", text, re.I):
            if match.lastindex and same_grade(match.group(match.lastindex), judgement.grade):
                return match.group(0), page
    return "", 0


def cite_grade(draft: Draft, meta: ReportMeta, key: str) -> tuple[str, int] | None:
    """(citation token, page) of the sentence stating the report's grade for `key`, or None when
    no sentence on its pages states it: every composer that shows a grade cites it this way."""
    quote, page = grade_quote(draft.library, meta, key, meta.judgements[key])
    if not quote:
        return None
    return draft.cite(meta, page, quote), page


def same_grade(found: str, grade: str) -> bool:
    found = found.lower()
    return found == grade or found.startswith(grade) or (grade == "requires improvement" and "requires improvement" in found)


# Letter heads, addresses and Ofsted's boilerplate: never quoted, whatever the question.
NOT_A_SENTENCE = re.compile(
    r"\b(dear (mr|mrs|ms|miss|dr|sir)|yours sincerely|piccadilly gate|store street|@ofsted|ofsted\.gov\.uk|"
    r"strategic director|director of children's services,|his majesty's inspector,|ofsted regulates|"
    r"it assesses council children's services|the office for standards in education|"
    # Ofsted's fixed definitions of each grade, printed at the end of SIF reports
    r"what the inspection judgements mean|\b(an outstanding|a good) (local authority|lscb) leads|"
    r"\ban? (local authority|lscb) that (requires improvement|is inadequate)\b)", re.I)
# Title blocks and grade tables: facts a question may ask for ("who led it?"), never a finding.
TITLE_BLOCK = re.compile(r"\b(inspection dates?|lead inspector|judgement grade|this letter summarises|www\.)", re.I)


def quotable(quote: str) -> bool:
    """A sentence, not a heading, a table row run together or a title page."""
    return MIN_SENTENCE_WORDS <= len(quote.split()) <= MAX_SENTENCE_WORDS


def finding_sentence(quote: str) -> bool:
    """A quotable sentence that states something: ends like a sentence, is no title block."""
    starts = quote[:1].isupper() or quote[:1].isdigit() or quote[:1] in "\u2022\"'\u201c("
    return (starts and quotable(quote) and quote.rstrip("\"')\u201d\u2019 ")[-1:] in ".!?:;"
            and not NOT_A_SENTENCE.search(quote) and not TITLE_BLOCK.search(quote))


def sentences_of(passage: Passage):
    """(sentence, page) of a passage, each sentence on the page it starts on."""
    for offset, segment in enumerate(passage.text.split(PAGE_JOIN)):
        for a, b in sentence_spans(segment):
            yield collapse(segment[a:b]), passage.page_start + offset


def best_sentences(passages: list[Passage], weights: dict[str, float], limit: int,
                   wants: Sequence[re.Pattern] = ()) -> list[Candidate]:
    cands = []
    for rank, passage in enumerate(passages):
        for quote, page in sentences_of(passage):
            if not quotable(quote) or NOT_A_SENTENCE.search(quote):
                continue
            score = sentence_support(quote, weights, wants) / (1 + 0.15 * rank)
            cands.append(Candidate(quote, page, passage, score))
    cands.sort(key=lambda c: -c.score)
    chosen, seen = [], set()
    for cand in cands:
        if cand.quote in seen:
            continue
        seen.add(cand.quote)
        chosen.append(cand)
        if len(chosen) == limit:
            break
    # Read in report order, not score order.
    top = chosen[0].score if chosen else 0
    chosen = [c for c in chosen if c.score >= 0.5 * top]
    return sorted(chosen, key=lambda c: (passages.index(c.passage), c.page)) if chosen and limit > 1 else chosen
