"""One report's sentences on the topic asked, or word that it does not discuss it.

"What did Sandwell's 2023 SEND report say about the timeliness of EHC plans?" must not be
answered with the report's sentences about the quality of EHC plans as if they were the answer.
Every page of the report is read for the topic as the user means it (assistant/topic.py: its words
in any form, the reports' own words for the same thing); failing that, for a sentence holding
`topic_words_together` of the topic's words in any order ("wait too long for mental health
support" for "waits for mental health support"). When neither is found, the report does not
discuss the topic, and the answer says so before any nearest passage.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.composers.topic import asks_what_is_said, named_topic
from assistant.evidence import Evidence
from assistant.lexical import tokenize
from assistant.quotes import quotable
from assistant.retrieve import coverage
from ingest.core.types import Passage, ReportMeta
from ingest.normalize import collapse
from ingest.sentences import sentence_spans


@dataclass(frozen=True)
class Grounding:
    topic: str  # as the answer names it
    quotes: tuple[tuple[int, str], ...]  # (page, sentence) on the topic, the pages the search ranked first
    counted: str  # what a sentence was looked for with, in words
    pages: int  # the report's pages read

    @property
    def silent(self) -> bool:
        return not self.quotes


def ground(ev: Evidence, meta: ReportMeta, topic: str, searched: list[Passage] | None = None) -> Grounding | None:
    """The report's sentences on the question's topic, the pages among `searched` (the passages a
    search ranked, the question's by default) first; None when the question names no topic or
    asks a question of fact about it, which the best sentences of the passages found answer."""
    matcher = named_topic(ev, ev.intent.topic)
    if matcher is None or not asks_what_is_said(ev.question):
        return None
    ranked = [p for p in (ev.passages if searched is None else searched) if p.report.report_id == meta.report_id]
    rank: dict[int, int] = {}
    for i, passage in enumerate(ranked):
        for page in passage.pages:
            rank.setdefault(page, i)
    weights = {t: ev.library.idf(t) for t in dict.fromkeys(ev.intent.topic_terms)}

    def order(found: list[tuple[int, str]]) -> tuple[tuple[int, str], ...]:
        found = list(dict.fromkeys(found))
        found.sort(key=lambda h: (rank.get(h[0], len(ranked)), -coverage(weights, set(tokenize(h[1])))))
        return tuple(found)

    pages = ev.library.report_pages(meta.report_id)
    named = [(number, s) for number, text in enumerate(pages, 1) for s in matcher.sentences(text) if quotable(s)]
    if named:
        return Grounding(topic, order(named), matcher.counted, len(pages))
    together = [(number, quote) for number, text in enumerate(pages, 1) for a, b in sentence_spans(text)
                if weights and quotable(quote := collapse(text[a:b]))
                and coverage(weights, set(tokenize(quote))) >= ev.settings.topic_words_together]
    return Grounding(topic, order(together), matcher.counted, len(pages))
