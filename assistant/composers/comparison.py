"""Two or more reports side by side: per judgement area, each report's grade (cited to the
page stating it) and the area's opening finding, and what changed between them.

"Compare Rotherham's 2014 and 2018 inspections" (one council over time), "Compare the
latest inspections of Haringey and Barnet" (several councils). The change is read from
the grades (improved, declined, same), never from the wording.
"""

from __future__ import annotations

from assistant.composers.grades import graded_areas
from assistant.composers.pick import VISITS, council_reports, pick_report
from assistant.composers.summary import area_openings
from assistant.draft import Draft
from assistant.evidence import Evidence
from assistant.query import names_other_topic
from assistant.quotes import area_name, cap, cite_grade
from ingest.core.types import Answer, ReportMeta
from ingest.core.vocabulary import RANK


def reports_to_compare(ev: Evidence) -> list[ReportMeta]:
    """One report per named council (its latest, or the one in the named year), or, for one
    council, its full inspections in the named years (else its latest few), oldest first."""
    if len(ev.intent.authorities) > 1:
        chosen = [pick_report(ev, a) for a in ev.intent.authorities]
        return [m for m in chosen if m is not None]
    reports = council_reports(ev)
    full = [m for m in reports if m.report_type not in VISITS] or reports
    if ev.intent.years:
        per_year = {}
        for meta in full:  # oldest first: a year's last full inspection wins
            years = {y for y in ev.intent.years if y in {meta.year, meta.published.year if meta.published else None}}
            for year in years:
                per_year[year] = meta
        picked = list({m.report_id: m for m in per_year.values()}.values())
        if len(picked) >= 2:
            return sorted(picked, key=lambda m: full.index(m))
    graded = [m for m in full if m.judgements] or full
    return graded[-ev.settings.comparison_max_reports:]


def change(grades: list[str]) -> str:
    if not all(g in RANK for g in grades if g):
        return ""  # a grade outside the scale (none should be) is not compared
    ranks = [RANK[g] for g in grades if g]
    if len(ranks) < 2:
        return ""
    if ranks[-1] > ranks[0]:
        return "improved"
    if ranks[-1] < ranks[0]:
        return "declined"
    return "same grade"


def standing(grades: list[str], councils: list[str]) -> str:
    """Councils side by side are not one council over time: which is graded higher, or level."""
    ranked = [(RANK[g], c) for g, c in zip(grades, councils, strict=True) if g in RANK]
    if len(ranked) < 2:
        return ""
    top = max(r for r, _ in ranked)
    if all(r == top for r, _ in ranked):
        return "level"
    return "higher: " + " and ".join(dict.fromkeys(c for r, c in ranked if r == top))


def comparison_answer(ev: Evidence) -> Answer | None:
    if names_other_topic(ev.intent):
        return None  # "compare the looked-after population in 2015 and 2017": each report's own words
    reports = reports_to_compare(ev)
    if len(reports) < 2:
        return None
    draft = Draft(ev.question, "comparison", ev.library)
    draft.note(f"Comparing {len(reports)} reports: " + "; ".join(f"{m.label} ({m.file})" for m in reports) + ".")
    keys = []
    for meta in reports:
        keys += [k for k in graded_areas(meta) if k not in keys]
    asked = [k for k in ev.intent.judgement_keys if k in keys]
    keys = asked or keys
    if not keys:
        return None  # focused visits have no grades to set side by side: each report's findings answer
    over_time = len({m.authority for m in reports}) == 1  # else councils side by side: no "improved" or "declined"
    draft.table(["Area", *[m.label for m in reports], "Change" if over_time else "Graded higher"],
                title="Comparison: " + " / ".join(m.label for m in reports))
    openings = {m.report_id: area_openings(ev, m) for m in reports}
    moves = []
    for key in keys:
        grades = [m.judgements[key].grade if key in m.judgements else "" for m in reports]
        moved = change(grades) if over_time else standing(grades, [m.authority for m in reports])
        if moved:
            moves.append((key, moved))
        shown = (" -> ".join(g for g in grades if g) if over_time
                 else ", ".join(f"{m.authority} {g}" for m, g in zip(reports, grades, strict=True) if g))
        draft.heading(f"{cap(area_name(key))}" + (f": {moved} ({shown})" if moved else "") + ":")
        cells = []
        for meta in reports:  # the grades side by side first, then what each report says of the area
            cell = "-"
            if key in meta.judgements:
                grade = meta.judgements[key].grade
                if (cited := cite_grade(draft, meta, key)) is not None:
                    mark = cited[0]
                    draft.claim(f"- {meta.label}: {grade} {mark}", "grade", meta, key, grade, meta.label)
                    cell = f"{grade} {mark}"
            cells.append(cell)
        for meta in reports:
            if key in openings[meta.report_id]:
                sentence, page, passage = openings[meta.report_id][key]
                mark = draft.cite(meta, page, sentence, passage)
                draft.claim(f"  In the {meta.label} report: {sentence} {mark}", "opening", meta, key, group=meta.label)
        draft.row([cap(area_name(key)), *cells, moved])
    if moves:
        said: dict[str, list[str]] = {}
        for key, moved in moves:
            said.setdefault(moved, []).append(area_name(key))
        draft.note(("What changed: " if over_time else "Side by side: ")
                   + "; ".join(f"{m}: {', '.join(a)}" for m, a in said.items()) + ".")
    return draft.finish(ev.passages)
