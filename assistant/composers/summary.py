"""Summarise a report: its grades, its "What needs to improve" list, and the opening
judgement sentence of each judged area, every line cited to its page.

A graded inspection (ILACS, SIF) gets all three; a focused visit, an area SEND inspection or
a school report gets what its structure has: the opening sentences of its key sections
(headline and main findings; what works and what must be better) and its improvement items.
"""

from __future__ import annotations

import re

from assistant.composers.grades import cite_grades, graded_areas
from assistant.composers.pick import others_note, pick_report
from assistant.draft import Draft
from assistant.evidence import Evidence
from assistant.lexical import tokenize
from assistant.query import SUMMARY_TERMS, names_other_topic
from assistant.quotes import TITLE_BLOCK, area_name, cap, finding_sentence, quotable, sentences_of
from ingest.core.types import Answer, Passage, ReportMeta
from ingest.core.vocabulary import AREA_SECTIONS, IMPROVE_SECTIONS, KEY_SECTIONS

IMPERATIVE = re.compile(
    r"^(?:[\u2022\-]\s*|\d{1,3}\.\s+)?(ensure|improve|increase|develop|secure|strengthen|establish|review|reduce|"
    r"provide|make|take|enable|carry out|coordinate|co-ordinate|accelerate|consolidate|continue|embed|implement|"
    r"monitor|promote|raise|undertake|address|agree|clarify|complete|identify|publish|use|evaluate|prioritise|"
    r"put|tackle|extend|further|build|sustain|respond|work|set|challenge|commission|analyse|"
    r"the (?:quality|timeliness|effectiveness|consistency|identification|response|use|impact|provision|"
    r"understanding|oversight|sufficiency|stability|recording|application|availability|management)\b)\b", re.I)
# After this many finding sentences in a row, an improvement list has ended.
LIST_ENDS_AFTER = 3


def area_openings(ev: Evidence, meta: ReportMeta) -> dict[str, tuple[str, int, Passage]]:
    """{area key: (opening sentence, page, passage)}: the first finding of the section that
    carries the area's judgement (its longest section, not the grade table on page 1)."""
    sections: dict[str, list[Passage]] = {}
    for passage in ev.library.report_passages(meta.report_id):
        sections.setdefault(passage.section or "", []).append(passage)
    out: dict[str, tuple[str, int, Passage]] = {}
    for key, pattern in AREA_SECTIONS.items():
        matching = [name for name in sections if name and pattern.search(name)]
        if not matching:
            continue
        name = max(matching, key=lambda n: len(sections[n]))
        first = opening(sections[name], name, 1)
        if first and first[0][0] not in {sentence for sentence, _, _ in out.values()}:  # one section, one area
            out[key] = first[0]
    return out


def opening(passages: list[Passage], section: str, n: int) -> list[tuple[str, int, Passage]]:
    """The first `n` finding sentences of a section, its heading cut off where the text runs on."""
    out = []
    for passage in passages:
        for sentence, page in sentences_of(passage):
            if sentence.lower().startswith(section.lower()):
                sentence = _after_heading(sentence[len(section):])
            sentence = LEAD_IN.sub("", sentence)
            if finding_sentence(sentence):
                out.append((sentence, page, passage))
                if len(out) == n:
                    return out
    return out


# What runs into a section's first sentence from the page layout: a grade, "Summary", a bullet.
LEAD_IN = re.compile(r"^(?:(?i:(?:(?:requires improvement to be good|requires improvement|inadequate|outstanding|good|"
                     r"adequate)\s+)?summary)\s+|[\u2022-]\s*)(?=[A-Z])")


def _after_heading(rest: str) -> str:
    """What follows a heading on the same line: its grade word and paragraph number go too."""
    return re.sub(r"^[\s:.,-]*((requires improvement to be good|requires improvement|inadequate|outstanding|good|"
                  r"adequate|is|are)\b[\s.:-]*)?(\d{1,3}\.\s+)?", "", rest, flags=re.I).strip()


def summary_answer(ev: Evidence) -> Answer | None:
    areas = [k for k in ev.intent.judgement_keys if k not in ("overall_effectiveness", "send_outcome")]
    if areas or names_other_topic(ev.intent, SUMMARY_TERMS):
        return None  # "Tell me about corporate parenting (or care leavers) in X": what the report says about that
    meta = pick_report(ev)
    if meta is None:
        return None
    draft = Draft(ev.question, "summary", ev.library)
    draft.note(f"Summary of {meta.label} ({meta.file}, {meta.pages} pages).")
    keys = graded_areas(meta)
    if keys:
        draft.heading("Grades:")
        cite_grades(ev, draft, meta, keys)
    items = improvement_list(ev, meta)
    if items:
        draft.heading("What needs to improve:")
        for text, page, passage in items:
            mark = draft.cite(meta, page, text, passage)
            draft.claim(f"- {text} {mark}", "improve", meta, group="What needs to improve")
    openings = area_openings(ev, meta) if keys else {}
    if openings:
        draft.heading("What the inspectors found, area by area:")
        for key in [k for k in keys if k in openings] + [k for k in openings if k not in keys]:
            sentence, page, passage = openings[key]
            mark = draft.cite(meta, page, sentence, passage)
            draft.claim(f"- {cap(area_name(key))}: {sentence} {mark}", "opening", meta, key,
                        meta.judgements[key].grade if key in meta.judgements else "", area_name(key))
    else:
        _key_sections(ev, draft, meta)
    draft.note(others_note(ev, meta))
    return draft.finish(ev.passages)


def improvement_list(ev: Evidence, meta: ReportMeta) -> list[tuple[str, int, Passage | None]]:
    """Every item the report lists as needing to improve: the items extracted at ingest, then
    the imperative sentences that follow each improvement heading (SIF lists run on over
    sub-headings and chunks, which the ingest extraction can stop short of)."""
    items: list[tuple[str, int, Passage | None]] = [(t, p, None) for t, p in ev.library.improvement_items(meta.report_id)]
    seen = [set(tokenize(t)) for t, _, _ in items]
    listing, misses = False, 0
    for passage in ev.library.report_passages(meta.report_id):
        if passage.section and IMPROVE_SECTIONS.search(passage.section):
            listing, misses = True, 0
        if not listing:
            continue
        for sentence, page in sentences_of(passage):
            if not quotable(sentence) or TITLE_BLOCK.search(sentence):
                continue
            if not IMPERATIVE.search(sentence):
                misses += 1
                listing = misses < LIST_ENDS_AFTER
                if not listing:
                    break
                continue
            misses = 0
            terms = set(tokenize(sentence))
            if not any(len(terms & old) >= 0.8 * min(len(terms), len(old)) for old in seen):
                items.append((sentence, page, passage))
                seen.append(terms)
    return sorted(items, key=lambda item: item[1])  # stable: the list's own order within a page


def _key_sections(ev: Evidence, draft: Draft, meta: ReportMeta) -> None:
    """Reports without judged areas: the opening sentences of their key sections."""
    sections: dict[str, list[Passage]] = {}
    for passage in ev.library.report_passages(meta.report_id):
        if passage.section and KEY_SECTIONS.search(passage.section):
            sections.setdefault(passage.section, []).append(passage)
    for name, passages in sections.items():
        found = opening(passages, name, ev.settings.summary_sentences_per_section)
        if not found:
            continue
        draft.heading(f"{name.rstrip('?:')}:")
        for sentence, page, passage in found:
            mark = draft.cite(meta, page, sentence, passage)
            draft.claim(f"- {sentence} {mark}", "opening", meta, group=name)
