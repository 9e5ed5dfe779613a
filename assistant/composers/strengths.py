"""Strengths and weaknesses of one council's report, each a cited sentence of the report.

Weaknesses: the report's "What needs to improve" items, then its most critical findings;
strengths: its most positive findings. A sentence's side is read from Ofsted's evaluative
wording (assistant/polarity.py), and findings are spread over the report's sections so
one paragraph does not fill the answer. A question naming an area (care leavers) reads
that area's section only.
"""

from __future__ import annotations

import re

from assistant import polarity
from assistant.composers.pick import others_note, pick_report
from assistant.composers.summary import improvement_list
from assistant.draft import Draft
from assistant.evidence import Evidence
from assistant.query import STRENGTH_TERMS, names_other_topic
from assistant.quotes import finding_sentence, sentences_of
from ingest.core.types import Answer, Passage, ReportMeta
from ingest.core.vocabulary import AREA_SECTIONS, AREA_WORDS, BOILERPLATE


def evaluative_sentences(ev: Evidence, meta: ReportMeta, keys: list[str], side: str | None = None,
                         per_section: int | None = None) -> list[tuple[float, str, int, Passage]]:
    """(polarity score, sentence, page, passage) of the report's finding sentences, in order:
    those of the asked areas' sections, else (a report without such a section) those that
    name the area. With `side`, only sentences that could be on that side are scored; with
    `per_section`, only each section's first sentences (where Ofsted puts its judgements)."""
    sections = [AREA_SECTIONS[k] for k in keys if k in AREA_SECTIONS]
    named = [re.compile(AREA_WORDS[k], re.I) for k in keys if k in AREA_WORDS]
    out, by_name, seen = [], [], set()
    read: dict[str, int] = {}
    for passage in ev.library.report_passages(meta.report_id):
        section = passage.section or ""
        if BOILERPLATE.search(section):
            continue
        in_area = not sections or any(p.search(section) for p in sections)
        for sentence, page in sentences_of(passage):
            if per_section and read.get(section, 0) >= per_section:
                break
            read[section] = read.get(section, 0) + 1
            if sentence in seen or (side and not polarity.could_be(sentence, side)) or not finding_sentence(sentence):
                continue
            seen.add(sentence)
            found = (polarity.score(sentence), sentence, page, passage)
            if in_area:
                out.append(found)
            elif any(p.search(sentence) for p in named):
                by_name.append(found)
    return out or by_name


def spread(found: list[tuple[float, str, int, Passage]], sign: int, limit: int) -> list[tuple[float, str, int, Passage]]:
    """The strongest sentences of one side, one per section before any section gets a second."""
    side = [f for f in found if polarity.classify(f[1]) == (polarity.WEAKNESS if sign < 0 else polarity.STRENGTH)]
    side.sort(key=lambda f: f[0] * sign, reverse=True)
    chosen: list[tuple[float, str, int, Passage]] = []
    used: set[str] = set()
    for rnd in range(2):  # one per section first, then the rest by strength
        for f in side:
            if len(chosen) == limit:
                break
            key = f[3].section
            if f not in chosen and (rnd > 0 or key not in used):
                chosen.append(f)
                used.add(key)
    return sorted(chosen, key=lambda f: (f[2], found.index(f)))


def strengths_answer(ev: Evidence) -> Answer | None:
    if len(ev.intent.authorities) != 1 or names_other_topic(ev.intent, STRENGTH_TERMS):
        return None  # "weaknesses in return home interviews": what the report says about them
    meta = pick_report(ev)
    if meta is None:
        return None
    keys = [k for k in ev.intent.judgement_keys if k != "overall_effectiveness"]
    found = evaluative_sentences(ev, meta, keys)
    draft = Draft(ev.question, "strengths", ev.library)
    draft.note(f"From {meta.label} ({meta.file}):")
    if ev.polarity <= 0:
        draft.heading("Weaknesses (most critical findings, spread over the report's sections):")
        for _, sentence, page, passage in spread(found, -1, ev.settings.strengths_per_side):
            mark = draft.cite(meta, page, sentence, passage)
            draft.claim(f"- {sentence} {mark}", "weakness", meta, group="Weaknesses")
        items = [] if keys else improvement_list(ev, meta)
        if items:
            draft.heading("What needs to improve (the report's own list):")
            for text, page, item_passage in items:
                mark = draft.cite(meta, page, text, item_passage)
                draft.claim(f"- {text} {mark}", "improve", meta, group="What needs to improve")
    if ev.polarity >= 0:
        draft.heading("Strengths (most positive findings):")
        for _, sentence, page, passage in spread(found, 1, ev.settings.strengths_per_side):
            mark = draft.cite(meta, page, sentence, passage)
            draft.claim(f"- {sentence} {mark}", "strength", meta, group="Strengths")
    draft.note(others_note(ev, meta))
    return draft.finish(ev.passages)
