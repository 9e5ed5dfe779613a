"""The one line that opens every answer: how the question was read.

It names the answer's shape, the councils (or region, or grade group), the report chosen and
why, the period and which dates it reads, what a follow-up kept from earlier turns and any
name put right, so a reader can see at once when the question was taken another way than meant.
"""

from __future__ import annotations

from assistant.evidence import Evidence, published_apart, when
from assistant.intent import Shape, span_words
from ingest.core.types import Answer, ReportMeta

SHAPES = {
    Shape.SUMMARY: "a summary",
    Shape.GRADES: "the grades",
    Shape.COMPARISON: "a comparison",
    Shape.COVERAGE: "which reports mention it",
    Shape.THEMES: "common findings across reports",
    Shape.FINDING: "what the reports say",
}
ACROSS = {
    "grades": "councils by grade",
    "count": "a count of councils by grade",
    "transition": "councils whose grade changed",
    "history": "grades over time",
    "recommendations_of": "the report's recommendations",
    "recommendations": "recommendations across reports",
    "findings": "findings across councils",
}
KEPT = {"council": "the council of your last question", "report": "the report of your last answer",
        "question": "your last question, asked again", "period": "the period of your last questions",
        "kind": "the kind of report of your last question",
        "topic": "the topic of your last question", "scope": "the group, grades and years of your last question"}


def reading_line(ev: Evidence, answer: Answer) -> str:
    """"Read as: weaknesses · Leeds · ILACS inspection, Jul 2025 (the latest) · ..."."""
    intent = ev.intent
    parts = [_shape(ev) + (" (from its wording)" if intent.decided_by == "wording" else "")]
    if intent.vague:
        return "Read as: " + parts[0]
    if intent.authorities:
        parts.append(" and ".join(intent.authorities))
    elif intent.group:
        parts.append(f"councils of {intent.group}" if not intent.group.endswith("councils")
                     else f"{intent.group} (by their latest overall grade)")
    if report := _one_report(ev, answer):
        parts.append(f"{report.label}{_why(ev, report)}")
    if period := _period(ev):
        parts.append(period)
    if ev.reading and ev.reading.inherited:
        parts.append("kept: " + ", ".join(KEPT[k] for k in ev.reading.inherited))
    if ev.reading and ev.reading.question != ev.reading.asked and "question" in ev.reading.inherited:
        parts.append(f"read as \u201c{ev.reading.question}\u201d")
    if ev.reading and ev.reading.pasted:
        parts.append(f"the question at the end of your text: \u201c{ev.reading.question}\u201d")
    for written, council in intent.corrections:
        parts.append(f"\u201c{written}\u201d read as {council}")
    return "Read as: " + " \u00b7 ".join(parts)


def _shape(ev: Evidence) -> str:
    intent = ev.intent
    if intent.vague:
        return "unclear (it names no council, topic or grade)"
    if intent.across and intent.across.kind in ACROSS and intent.shape is Shape.FINDING:
        return ACROSS[intent.across.kind]
    if intent.shape is Shape.STRENGTHS:
        return {-1: "weaknesses", 1: "strengths"}.get(intent.polarity, "strengths and weaknesses")
    if intent.shape is Shape.THEMES and intent.polarity:
        return "common " + ("weaknesses" if intent.polarity < 0 else "strengths")
    if intent.shape is Shape.FINDING and intent.asks_grade and intent.authorities:
        return "the grade"
    return SHAPES.get(intent.shape, str(intent.shape))


def _one_report(ev: Evidence, answer: Answer) -> ReportMeta | None:
    files = {c.file for c in answer.citations}
    if len(files) != 1:
        return None
    file = files.pop()
    return next((m for m in ev.library.all_reports().values() if m.file == file), None)


def _why(ev: Evidence, report: ReportMeta) -> str:
    """Why this report, when the question left it open: the latest, or the latest graded one."""
    intent = ev.intent
    if ev.reading and "report" in ev.reading.inherited:
        return ""
    if intent.previous:
        own = [m for m in ev.library.all_reports().values()
               if m.authority == report.authority and m.report_type == report.report_type]
        newest = max(own, key=when, default=report)
        return (" (no earlier one is indexed: the latest)" if newest.report_id == report.report_id
                else " (the inspection before the latest)")
    if intent.years or intent.report_types or len(intent.authorities) != 1 or (ev.filters and not ev.filters.is_empty()):
        return ""  # the question or the filters chose it
    own = sorted((m for m in ev.library.all_reports().values() if m.authority == report.authority), key=when)
    graded = [m for m in own if m.judgements]
    if own and own[-1].report_id == report.report_id:
        return " (the latest report)" if len(own) > 1 else ""
    if graded and graded[-1].report_id == report.report_id:
        return f" (the latest graded inspection; the newer {own[-1].label.split(', ', 1)[-1]} is not graded)"
    return ""


def _period(ev: Evidence) -> str:
    """The period and which date it reads: a question across reports counts a report by the year
    it was inspected (and says how many published then were inspected before); one about a
    council's reports takes a report inspected or published then."""
    intent = ev.intent
    if intent.year_range:
        span = span_words(*intent.year_range)
    elif intent.years or intent.relative_years:
        span = ", ".join(map(str, sorted(set(intent.years) | set(intent.relative_years))))
    else:
        return ""
    if intent.across is None or intent.authorities or intent.shape is not Shape.FINDING:
        return f"{span} (inspected or published)"  # only answers across reports count inspection years
    left = published_apart(intent, ev.scoped_reports())
    across = intent.across
    if across.kind in ("grades", "count", "transition") and across.keys:
        left = [m for m in left if across.keys[0] in m.judgements]
    listed = across.kind == "grades" and bool(across.grades)  # a grade list shows them apart, marked
    note = (f"; {len(left)} published then but inspected before {'is' if len(left) == 1 else 'are'} "
            f"{'listed apart' if listed else 'left out'}" if left else "")
    if left and across.kind in ("grades", "count") and across.grades:
        rated = [m for m in left if m.judgements[across.keys[0]].grade in across.grades]
        note += f", {len(rated)} of them {' or '.join(across.grades)}" if rated else ""
    return f"inspected {'in ' if span[0].isdigit() else ''}{span}{note}"
