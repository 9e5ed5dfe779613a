"""Which report a question about one council means: the one it dates, else the latest.

"The latest inspection" is the latest full inspection (a graded ILACS, SIF or area SEND
inspection), not a focused-visit letter that came after it, unless the question asks for
visits; every answer names the report it used and lists the council's others.
"""

from __future__ import annotations

from assistant.evidence import Evidence, when
from assistant.retrieve import apply_filters, report_months, year_match
from ingest.core.types import ReportMeta

VISITS = {"focused-visit"}


def council_reports(ev: Evidence) -> list[ReportMeta]:
    """Every indexed report of the councils the question names, within its years and types and
    the user's filters. A report chosen by the conversation (the one the last answer drew on) or
    by "the one before" is the scope's, resolved once (assistant.retrieve.resolve_scope)."""
    if ev.intent.previous or (ev.reading is not None and ev.reading.pinned_files):
        return [m for m in ev.scoped_reports() if m.authority in ev.intent.authorities]
    out = []
    for meta in apply_filters(list(ev.library.all_reports().values()), ev.filters):
        if meta.authority not in ev.intent.authorities:
            continue
        if ev.intent.years and not year_match(ev.intent, [meta]):  # "before 2019": its range, not 2019
            continue
        if ev.intent.report_types and meta.report_type not in ev.intent.report_types:
            continue
        out.append(meta)
    if ev.intent.months and (in_month := [m for m in out if set(ev.intent.months) & report_months(m)]):
        out = in_month
    return sorted(out, key=when)


def pick_report(ev: Evidence, authority: str | None = None) -> ReportMeta | None:
    reports = [m for m in council_reports(ev) if authority is None or m.authority == authority]
    if not reports:
        return None
    if ev.intent.asks_send and not ev.intent.report_types:
        reports = [m for m in reports if m.report_type == "area-send"] or reports
    full = [m for m in reports if m.report_type not in VISITS]
    graded = [m for m in full if m.judgements]
    return (graded or full or reports)[-1]


def others(ev: Evidence, chosen: ReportMeta) -> list[ReportMeta]:
    """The council's other indexed reports, oldest first."""
    same = [m for m in ev.library.all_reports().values() if m.authority == chosen.authority and m.report_id != chosen.report_id]
    return sorted(same, key=when)


def others_note(ev: Evidence, chosen: ReportMeta) -> str:
    rest = others(ev, chosen)
    if not rest:
        return f"No other report of {chosen.authority} is indexed."
    return f"Other indexed reports of {chosen.authority}: " + "; ".join(m.label for m in rest) + "."
