"""Extractive, offline answers: the report's own sentences, each cited to its page.

Three shapes: judgement answers from the extracted grades (cited to the page stating
them), comparisons (one line per report), and findings (the best-matching sentences of
the best passages). Every quote passes `verify_citations` before the answer leaves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant import aggregate, phrases
from assistant.lexical import tokenize
from assistant.query import Intent, proper_names
from assistant.retrieve import MONTH_WORDS, SCOPE_WORDS, Scope, sentence_support, term_weights, wanted_detail
from assistant.types import REPORT_TYPE_LABELS, Answer, Citation, Passage, ReportMeta
from assistant.verify import verify_citations
from ingest.chunk import PAGE_JOIN
from ingest.normalize import collapse, for_match
from ingest.sentences import sentence_spans

GRADE_WORDS = r"(requires improvement to be good|requires improvement|inadequate|outstanding|good|adequate)"
AREA_WORDS = {
    "overall_effectiveness": r"overall (effectiveness|judgement)",
    "impact_of_leaders": r"impact of leaders|leadership, management and governance",
    "help_and_protection": r"(need|needs) help and\s*protection",
    "in_care": r"children (in care|looked after)",
    "care_leavers": r"care leavers",
    "adoption": r"adoption performance|adoption",
    "lscb": r"local safeguarding children board|lscb",
}
AREA_NAMES = {
    "overall_effectiveness": "overall effectiveness",
    "impact_of_leaders": "the impact of leaders",
    "help_and_protection": "help and protection",
    "in_care": "children in care",
    "care_leavers": "care leavers",
    "adoption": "adoption performance",
    "lscb": "the LSCB",
    "send_outcome": "the area SEND outcome",
}
SEND_OUTCOME = re.compile(
    r"[^.]*(typically lead to positive|inconsistent experiences and outcomes|widespread and/or systemic failings)[^.]*\.",
    re.I,
)
MIN_SENTENCE_WORDS = 6
# Longer 'sentences' are run-together headings, tables or title pages, not quotable findings.
MAX_SENTENCE_WORDS = 70


@dataclass
class _Candidate:
    quote: str
    page: int
    passage: Passage
    score: float


def compose(assistant, question: str, intent: Intent, scope: Scope, passages: list[Passage]) -> Answer:
    if scope.problem:
        return _abstain(question, passages, phrases.NOT_INDEXED.format(reason=scope.problem))
    if intent.out_of_scope and (not intent.authorities or intent.asks_grade):
        return _abstain(question, passages, phrases.OUT_OF_SCOPE.format(what=intent.out_of_scope))
    if unknown := _unmentioned_names(question, assistant.lexical):
        return _abstain(question, passages, phrases.NOT_MENTIONED.format(name=unknown))
    if not passages:
        return _abstain(question, passages, phrases.ABSTAIN)
    if (across := aggregate.answer(assistant, question, intent, scope)) is not None:
        return across
    reports = _scoped_reports(assistant, scope, passages)
    if (intent.asks_grade and (intent.judgement_keys or not _names_topic(question, intent))) or "overall_effectiveness" in intent.judgement_keys:
        answer = _judgement_answer(assistant, question, intent, reports, passages)
        if answer is not None:
            return answer
    if intent.comparison and len({p.report.report_id for p in passages}) > 1 and scope.report_ids:
        return _comparison_answer(assistant, question, intent, reports, passages)
    return _finding_answer(assistant, question, intent, passages, scoped=bool(scope.report_ids))


# The words of "How did Ofsted rate X's children's services in 2015?": a grade question that
# names nothing else asks for the headline grade; one that names a topic ("services for
# missing children") asks what the report found about it.
GRADE_FRAME = set(tokenize(
    "how what was were is are did does do rate rated rating ratings grade graded grades judge judged judgement "
    "judgements score scored verdict outcome outcomes services service children's children overall effectiveness "
    "ofsted inspection inspections inspectors report get got give given receive received the its their it in of "
    "for at by on and latest most recent last previous first council's council local authority "
    "outstanding good inadequate requires require improvement adequate headline partnership partnership's arrangements"
)) | SCOPE_WORDS | MONTH_WORDS


def _names_topic(question: str, intent: Intent) -> bool:
    named = set(tokenize(" ".join(intent.authorities))) | {str(y) for y in intent.years}
    return any(t not in GRADE_FRAME and t not in named and not t.isdigit() for t in tokenize(question))


def _unmentioned_names(question: str, lexical) -> str:
    """A name the question relies on that no indexed report contains (a case, a hospital...)."""
    if not lexical.df:
        return ""
    for name in proper_names(question):
        terms = tokenize(name)
        if terms and all(lexical.df.get(t, 0) == 0 for t in terms):
            return name
    return ""


def _scoped_reports(assistant, scope: Scope, passages: list[Passage]) -> list[ReportMeta]:
    snap = assistant.snapshot()
    ids = scope.report_ids if scope.report_ids is not None else list(dict.fromkeys(p.report.report_id for p in passages[:3]))
    reports = [snap.reports[i] for i in ids if i in snap.reports]
    return sorted(reports, key=lambda m: m.inspection_end or m.published or m.inspection_start or date.min)


def _judgement_answer(assistant, question, intent, reports, passages) -> Answer | None:
    keys = intent.judgement_keys or ["overall_effectiveness"]
    if any(r.report_type == "area-send" for r in reports) and not intent.judgement_keys:
        keys = ["send_outcome", "overall_effectiveness"]
    graded = [r for r in reports if any(k in r.judgements for k in keys)]
    if not graded:
        return None
    if not intent.comparison and len(graded) > 1 and not intent.years:
        graded = graded[-1:]  # "How did Ofsted rate X?" means the latest graded inspection
    lines, citations, lead = [], [], []
    for meta in graded[:6]:
        for key in keys:
            judgement = meta.judgements.get(key)
            if judgement is None:
                continue
            quote, page = _grade_quote(assistant, meta, key, judgement)
            if not quote:
                continue
            n = len(citations) + 1
            citations.append(Citation(meta.file, page, quote, _page_passage(assistant, meta, page, quote), n))
            when = meta.inspection_end or meta.published
            lines.append(phrases.JUDGEMENT_LINE.format(
                authority=meta.authority, report_type=REPORT_TYPE_LABELS.get(meta.report_type, "report"),
                when=when.strftime("%B %Y") if when else "undated", area=AREA_NAMES.get(key, key.replace("_", " ")),
                grade=judgement.grade, n=n))
            lead.append(citations[-1].passage)
            break
    if not citations:
        return None
    ranked = _dedupe([p for p in lead if p] + passages)
    return _finish(assistant, question, " ".join(lines), citations, ranked, kind="comparison" if len(lines) > 1 else "judgement")


def _grade_quote(assistant, meta: ReportMeta, key: str, judgement) -> tuple[str, int]:
    """The shortest span of the grade's page that names the area and states the grade."""
    pages = [judgement.page] if judgement.page else []
    pages += [p for p in range(1, min(meta.pages, 4) + 1) if p not in pages]
    for page in pages:
        text = for_match(assistant.page_text(meta.file, page) or "")
        if key == "send_outcome":
            if match := SEND_OUTCOME.search(text):
                return match.group(0).strip(), page
            continue
        if judgement.label:
            label = for_match(judgement.label)
            at = text.lower().find(label.lower())
            stated = re.search(rf"\b{GRADE_WORDS}\s*$", label, re.I)
            if at >= 0 and stated and _same_grade(stated.group(1), judgement.grade):
                return text[at : at + len(label)], page  # "Children's services in Kent are good"
            if at >= 0:
                tail = re.compile(GRADE_WORDS, re.I).search(text, at + len(label))
                if tail and tail.start() - at < len(label) + 80 and _same_grade(tail.group(0), judgement.grade):
                    return text[at : tail.end()], page
        area = AREA_WORDS.get(key)
        if not area:
            continue
        for match in re.finditer(rf"({area})[^.]{{0,80}}?\b{GRADE_WORDS}\b", text, re.I):
            if _same_grade(match.group(match.lastindex), judgement.grade):
                return match.group(0), page
    return "", 0


def _same_grade(found: str, grade: str) -> bool:
    found = found.lower()
    return found == grade or found.startswith(grade) or (grade == "requires improvement" and "requires improvement" in found)


def _page_passage(assistant, meta: ReportMeta, page: int, quote: str) -> Passage | None:
    """The chunk of this report that shows the quote (else the page's first chunk)."""
    snap = assistant.snapshot()
    chunks = [c for c in snap.by_report.get(meta.report_id, []) if c.page_start <= page <= c.page_end]
    if not chunks:
        return None
    needle = for_match(quote)
    best = min(chunks, key=lambda c: (needle not in for_match(c.text), c.ordinal))
    return assistant._passage(snap, best.chunk_id, 1.0)


def _comparison_answer(assistant, question, intent, reports, passages) -> Answer:
    by_report: dict[str, list[Passage]] = {}
    for p in passages:
        by_report.setdefault(p.report.report_id, []).append(p)
    order = [r for r in reports if r.report_id in by_report]
    citations, parts, lead = [], [], []
    weights = term_weights(question, assistant.lexical.idf, intent)
    for meta in order:
        best = _best_sentences(by_report[meta.report_id], weights, limit=1, wants=wanted_detail(question))
        for cand in best:
            n = len(citations) + 1
            citations.append(Citation(meta.file, cand.page, cand.quote, cand.passage, n))
            parts.append(f"{meta.label}: {cand.quote} [{n}]")
            lead.append(cand.passage)
    if not citations:
        return _abstain(question, passages, phrases.ABSTAIN)
    return _finish(assistant, question, "\n".join(parts), citations, _dedupe(lead + passages), kind="comparison")


def _finding_answer(assistant, question, intent, passages, scoped: bool) -> Answer:
    """Best sentences of the best passages. A question about a named, indexed report gets its
    closest sentences; an unscoped one must clear `min_support` or the assistant abstains."""
    weights = term_weights(question, assistant.lexical.idf, intent)
    cfg = assistant.settings.answer
    best = _best_sentences(passages[:5], weights, limit=cfg.max_sentences, wants=wanted_detail(question))
    if not best or best[0].score <= 0 or (not scoped and best[0].score < cfg.min_support):
        return _abstain(question, passages, phrases.ABSTAIN)
    citations, parts, current = [], [], None
    for cand in best:
        n = len(citations) + 1
        citations.append(Citation(cand.passage.file, cand.page, cand.quote, cand.passage, n))
        label = cand.passage.report.label
        if label != current:
            parts.append(phrases.FINDING_INTRO.format(report=label))
            current = label
        parts.append(f"{cand.quote} [{n}]")
    lead = list(dict.fromkeys(c.passage.chunk_id for c in best))
    ranked = sorted(passages, key=lambda p: (p.chunk_id not in lead, lead.index(p.chunk_id) if p.chunk_id in lead else 0))
    return _finish(assistant, question, " ".join(parts), citations, ranked, kind="finding")


def _best_sentences(passages: list[Passage], weights: dict[str, float], limit: int, wants: list[re.Pattern] = ()) -> list[_Candidate]:
    cands = []
    for rank, passage in enumerate(passages):
        for offset, segment in enumerate(passage.text.split(PAGE_JOIN)):
            for a, b in sentence_spans(segment):
                quote = collapse(segment[a:b])
                words = len(quote.split())
                if words < MIN_SENTENCE_WORDS or words > MAX_SENTENCE_WORDS:
                    continue
                score = sentence_support(quote, weights, wants) / (1 + 0.15 * rank)
                cands.append(_Candidate(quote, passage.page_start + offset, passage, score))
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


def _dedupe(passages: list[Passage]) -> list[Passage]:
    seen, out = set(), []
    for p in passages:
        if p.chunk_id not in seen:
            seen.add(p.chunk_id)
            out.append(p)
    return out


def _finish(assistant, question, text, citations, passages, kind) -> Answer:
    kept, dropped = verify_citations(citations, assistant.page_text)
    for bad in dropped:
        text = text.replace(f"{bad.quote} [{bad.marker}]", "").replace(f"[{bad.marker}]", "")
    if not kept:
        return _abstain(question, passages, phrases.ABSTAIN)
    return Answer(text=collapse(text), citations=kept, abstained=False, passages=passages, kind=kind, question=question)


def _abstain(question: str, passages: list[Passage], reason: str) -> Answer:
    return Answer(text=reason, citations=[], abstained=True, passages=passages, kind="abstain", question=question)

