"""Every sentence a language model writes is checked against the passages it cites before it
is shown. A sentence is supported when
- it cites at least one passage it was given, by number, and carries no markup or link;
- every span it puts in quotation marks occurs verbatim on a cited page;
- every number it states occurs in a cited passage (or the report's own label), and so
  does every grade it names;
- its distinctive words, weighted by rarity, occur in the cited passages
  (`LLMSettings.min_term_share`); and
- one sentence of a cited passage means nearly the same (MiniLM cosine >= `min_similarity`)
  and neither of the two says "not" where the other does not.
That closest sentence becomes the citation's quote, so what the user is shown as support is
the report's own words on its page, verified again by the Draft like every other quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.evidence import Library
from assistant.lexical import tokenize
from assistant.verify import on_matched_page
from ingest.core.settings import LLMSettings
from ingest.core.types import Passage
from ingest.core.vocabulary import GRADE_WORDS, SEND_OUTCOMES
from ingest.normalize import for_match
from ingest.sentences import split_sentences

MARKERS = re.compile(r"\s*\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
# A marker placed after the full stop ("... plans. [2]") belongs to the sentence before it.
MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\])+)")
TRAILING_MARKERS = re.compile(r"(?:\s*\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\])+\s*[.!?]?[\"'\u201d)]*\s*$")
# A small model may echo a passage's header from the prompt ("[1] Rotherham, SIF, Nov 2014, page 3:").
ECHOED_HEADER = re.compile(r"\[\d{1,3}\][^\[\]]{0,160}?,\s*pages?\s+\d+(?:-\d+)?:")
QUOTED = re.compile(r"[\"\u201c]([^\"\u201d]{3,400})[\"\u201d]")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MARKUP = re.compile(r"<\s*[a-z/!]|\]\(|\b(?:https?|javascript|data):", re.I)
GRADE = re.compile(rf"\b{GRADE_WORDS}\b|{'|'.join(SEND_OUTCOMES.values())}", re.I)
NEGATION = re.compile(r"\b(not|no|never|nor|cannot|without|none|neither)\b|n't\b", re.I)


@dataclass
class Support:
    passage: Passage
    page: int
    sentence: str  # the passage's sentence closest to the claim; it is on `page`
    similarity: float


@dataclass
class Verdict:
    text: str  # the sentence as written, without its markers
    cited: list[int]  # passage numbers as the model wrote them
    support: list[Support] = field(default_factory=list)  # cited passages that back it, closest first
    reason: str = ""  # why it is not supported; "" when it is
    similarity: float = 0.0
    term_share: float = 0.0

    @property
    def supported(self) -> bool:
        return not self.reason


def split_reply(reply: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers, the passage numbers it cites) for each sentence of a reply."""
    text = ECHOED_HEADER.sub(" ", " ".join(reply.split()))
    text = MARKERS_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    out = []
    for sentence in split_sentences(text):
        # Only markers that close the sentence cite; "[1] Rotherham, SIF..." echoes a passage's label.
        tail = TRAILING_MARKERS.search(sentence)
        groups = MARKERS.findall(tail.group(0)) if tail else []
        cited = [int(n) for group in groups for n in re.split(r"\s*[,;]\s*", group)]
        bare = " ".join(MARKERS.sub(" ", sentence).split())
        bare = re.sub(r"\s+([.,;:!?])", r"\1", bare)
        if bare and re.search(r"[A-Za-z]", bare):
            out.append((bare, list(dict.fromkeys(cited))))
    return out


class Checker:
    def __init__(self, library: Library, cfg: LLMSettings):
        self.library, self.cfg = library, cfg

    def check(self, text: str, cited: list[int], passages: list[Passage]) -> Verdict:
        verdict = Verdict(text, cited)
        if not cited:
            verdict.reason = "cites no passage"
            return verdict
        if MARKUP.search(text):  # a model's sentence is shown as text: no tags, links or images of its own
            verdict.reason = "contains markup or a link"
            return verdict
        if any(not 1 <= n <= len(passages) for n in cited):
            verdict.reason = "cites a passage it was not given"
            return verdict
        given = [passages[n - 1] for n in cited]
        # Each cited page normalised once: every quote and candidate sentence is looked up in it.
        pages = {(p.file, page): for_match(self.library.page_text(p.file, page) or "") for p in given for page in p.pages}
        for span in QUOTED.findall(text):
            if len(span.split()) >= 2 and not any(on_matched_page(span, page) for page in pages.values()):
                verdict.reason = "quotes words that are not on the cited page"
                return verdict
        evidence = " ".join([p.text for p in given] + [p.report.label for p in given])
        known = {_number(n) for n in NUMBER.findall(evidence)}
        if stray := [n for n in NUMBER.findall(text) if _number(n) not in known]:
            verdict.reason = f"states {stray[0]}, which the cited passage does not"
            return verdict
        flat = " ".join(evidence.lower().split())
        if wrong := [m.group(0) for m in GRADE.finditer(text) if " ".join(m.group(0).lower().split()) not in flat]:
            verdict.reason = f"says '{wrong[0]}', a grade the cited passage does not state"
            return verdict
        verdict.term_share = self._term_share(text, evidence)
        if verdict.term_share < self.cfg.min_term_share:
            verdict.reason = "uses words the cited passage does not"
            return verdict
        verdict.support = self._closest(text, given, pages)
        verdict.similarity = verdict.support[0].similarity if verdict.support else 0.0
        if verdict.similarity < self.cfg.min_similarity:
            verdict.reason = "says something no sentence of the cited passage says"
            verdict.support = []
        elif _negated(text) != _negated(verdict.support[0].sentence):
            # Close in meaning but one of them says "not": embeddings barely see the flip.
            verdict.reason = "says the opposite of the cited sentence"
            verdict.support = []
        return verdict

    def _term_share(self, text: str, evidence: str) -> float:
        terms = list(dict.fromkeys(tokenize(text)))
        if not terms:
            return 0.0
        present = set(tokenize(evidence))
        weights = {t: self.library.idf(t) for t in terms}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in present) / total if total else 0.0

    def _closest(self, text: str, given: list[Passage], pages: dict[tuple[str, int], str]) -> list[Support]:
        """`pages`: the cited pages' text, normalised (`for_match`)."""
        """Per cited passage, its sentence closest in meaning that lies on one page; those at or
        above the threshold, closest first."""
        candidates: list[tuple[Passage, int, str]] = []
        for passage in given:
            for sentence in split_sentences(passage.text):
                page = next((pg for pg in passage.pages if on_matched_page(sentence, pages.get((passage.file, pg), ""))), 0)
                if page and len(sentence.split()) >= 4:
                    candidates.append((passage, page, sentence))
        if not candidates:
            return []
        vectors = np.asarray(self.library.embed([text] + [s for _, _, s in candidates]), dtype=np.float32)
        scores = vectors[1:] @ vectors[0]
        best: dict[str, Support] = {}
        for (passage, page, sentence), score in zip(candidates, scores, strict=True):
            current = best.get(passage.chunk_id)
            if current is None or score > current.similarity:
                best[passage.chunk_id] = Support(passage, page, sentence, float(score))
        return sorted((s for s in best.values() if s.similarity >= self.cfg.min_similarity),
                      key=lambda s: -s.similarity) or sorted(best.values(), key=lambda s: -s.similarity)[:1]


def _negated(text: str) -> bool:
    return bool(NEGATION.search(text))


def _number(text: str) -> str:
    return text.replace(",", "").rstrip(".")
