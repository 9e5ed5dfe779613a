"""A report's grades: every graded area in a small table, each grade cited to its page.

"What grades did Haringey get in 2023?", "Which areas were rated inadequate in
Birmingham's 2014 inspection?". Grades come from the reports table (extracted at ingest);
each row shows only if the sentence stating it is found and verified on its page.
"""

from __future__ import annotations

from assistant.composers.pick import others_note, pick_report
from assistant.draft import Draft
from assistant.evidence import Evidence
from assistant.quotes import area_name, cap, cite_grade
from ingest.core.types import Answer, ReportMeta
from ingest.core.vocabulary import AREA_NAMES


def graded_areas(meta: ReportMeta) -> list[str]:
    """The report's judgement keys in Ofsted's order (overall first)."""
    order = list(AREA_NAMES)
    return sorted(meta.judgements, key=lambda k: order.index(k) if k in order else len(order))


def cite_grades(ev: Evidence, draft: Draft, meta: ReportMeta, keys: list[str], group: str = "") -> dict[str, tuple[str, int]]:
    """A grade claim per area whose grade sentence can be quoted: {key: (citation token, page)}."""
    marks = {}
    for key in keys:
        judgement = meta.judgements[key]
        if (cited := cite_grade(draft, meta, key)) is None:
            continue
        marks[key] = cited
        mark = cited[0]
        draft.claim(f"- {cap(area_name(key))}: {judgement.grade} {mark}", "grade", meta, key,
                    judgement.grade, group or meta.label)
    return marks


def grades_answer(ev: Evidence) -> Answer | None:
    if len(ev.intent.years) > 1:
        return None  # "in 2017 and in 2022": two reports, the judgement answer lists both
    meta = pick_report(ev)
    if meta is None or not meta.judgements:
        return None
    keys = graded_areas(meta)
    asked = [k for k in ev.intent.judgement_keys if k in meta.judgements and k != "overall_effectiveness"]
    wanted_grades = list(ev.intent.grades)
    draft = Draft(ev.question, "grades", ev.library)
    if wanted_grades:
        hits = [k for k in keys if meta.judgements[k].grade in wanted_grades]
        said = " or ".join(f"'{g}'" for g in wanted_grades)
        total = len(keys)

        def head(kept, dropped: int) -> str:  # counted after verification: a row without its quote is not shown
            unquoted = f" ({dropped} more without a sentence stating it on its page)" if dropped else ""
            return (f"In {meta.label} ({meta.file}), {len(kept)} of {total} graded areas "
                    f"{'was' if len(kept) == 1 else 'were'} judged {said}{unquoted}" + (":" if kept else "."))

        draft.note(head)
        keys = hits
    elif asked:
        keys = asked
        draft.note(f"From {meta.label} ({meta.file}):")
    else:
        draft.note(f"Grades in {meta.label} ({meta.file}), {len(keys)} graded areas:")
    draft.table(["Area", "Grade", "Page"], title=f"Grades: {meta.label}")
    marks = cite_grades(ev, draft, meta, keys)
    for key in keys:
        if key in marks:
            mark, page = marks[key]
            draft.row([cap(area_name(key)), f"{meta.judgements[key].grade} {mark}", str(page)], requires=[mark])
    draft.note(others_note(ev, meta))
    return draft.finish([], abstain_if_empty=not wanted_grades)
