"""Judgement grades as a table and as SVG charts, shaped from `Assistant.reports()` only.

The charts are plain SVG strings so each point can carry the report page that states its
grade (data-file / data-page / data-quote); the chat turns a click into the page image.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from datetime import date

from ingest.core.types import ReportMeta
from ingest.core.vocabulary import REPORT_TYPE_LABELS

# Judgement keys in the order a reader expects them (the headline first).
KEY_ORDER = [
    "overall_effectiveness", "impact_of_leaders", "help_and_protection", "in_care", "care_leavers",
    "adoption", "lscb", "send_outcome", "leadership_and_management", "quality_of_provision",
    "outcomes", "capacity_to_improve", "teaching_learning_assessment", "personal_development",
    "early_years", "sixth_form",
]
KEY_LABELS = {
    "overall_effectiveness": "Overall effectiveness", "impact_of_leaders": "Impact of leaders",
    "help_and_protection": "Help and protection", "in_care": "Children in care", "care_leavers": "Care leavers",
    "adoption": "Adoption", "lscb": "LSCB", "send_outcome": "Area SEND outcome",
}

# Two scales that must not share an axis: Ofsted's four grades (LAC 2013's "adequate" sits
# where "requires improvement" later did) and the three area SEND outcomes.
SCALES = {
    "grade": {"outstanding": 4, "good": 3, "requires improvement": 2, "adequate": 2, "inadequate": 1},
    "send": {"positive experiences and outcomes": 3, "inconsistent experiences and outcomes": 2,
             "widespread and/or systemic failings": 1},
}
SCALE_TICKS = {
    "grade": {4: "Outstanding", 3: "Good", 2: "Requires improvement", 1: "Inadequate"},
    "send": {3: "Positive", 2: "Inconsistent", 1: "Systemic failings"},
}
GRADE_COLOURS = {
    "outstanding": "#1b7837", "good": "#7fbf7b", "requires improvement": "#f1a340", "adequate": "#fdd49e",
    "inadequate": "#d7301f", "positive experiences and outcomes": "#1b7837",
    "inconsistent experiences and outcomes": "#f1a340", "widespread and/or systemic failings": "#d7301f",
}
SERIES_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"]


def key_label(key: str) -> str:
    return KEY_LABELS.get(key, key.replace("_", " ").capitalize())




def grade_keys(reports: list[ReportMeta]) -> list[str]:
    present = {k for m in reports for k in m.judgements}
    return [k for k in KEY_ORDER if k in present] + sorted(present - set(KEY_ORDER))


def table(reports: list[ReportMeta]) -> tuple[list[str], list[list]]:
    """(headers, rows): one row per report, one column per judgement any of them states."""
    keys = grade_keys(reports)
    headers = ["Authority", "Type", "Date"] + [key_label(k) for k in keys] + ["File"]
    rows = []
    for m in reports:
        when = m.when
        rows.append([m.authority, REPORT_TYPE_LABELS.get(m.report_type, m.report_type), when.isoformat() if when else ""]
                    + [m.judgements[k].grade if k in m.judgements else "" for k in keys] + [m.file])
    return headers, rows


@dataclass
class Point:
    key: str
    when: date
    grade: str
    level: int
    file: str
    page: int | None
    label: str  # the report's own wording, highlighted on the page image


def timeline(reports: list[ReportMeta], scale: str) -> dict[str, list[Point]]:
    """Per judgement key, its grades over time on one scale, oldest first."""
    out: dict[str, list[Point]] = {}
    dated = [(day, m) for m in reports if (day := m.when)]
    for day, m in sorted(dated, key=lambda pair: pair[0]):
        for key, j in m.judgements.items():
            level = SCALES[scale].get(j.grade)
            if level is not None:
                out.setdefault(key, []).append(Point(key, day, j.grade, level, m.file, j.page, j.label))
    return {k: out[k] for k in grade_keys(reports) if k in out}


def distribution(reports: list[ReportMeta], key: str) -> dict[int, Counter]:
    """Year -> how many reports got each grade for `key`."""
    out: dict[int, Counter] = {}
    for m in reports:
        if key in m.judgements and m.year:
            out.setdefault(m.year, Counter())[m.judgements[key].grade] += 1
    return dict(sorted(out.items()))


# -- SVG ---------------------------------------------------------------------------------------
W, H, LEFT, RIGHT, TOP, BOTTOM = 760, 300, 150, 20, 20, 40


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def timeline_svg(reports: list[ReportMeta], scale: str = "grade", title: str = "") -> str:
    """Grades over time, one coloured series per judgement key; each point opens its page."""
    series = timeline(reports, scale)
    if not series:
        return ""
    dates = [p.when.toordinal() for pts in series.values() for p in pts]
    lo, hi = min(dates) - 120, max(dates) + 120
    levels = SCALE_TICKS[scale]
    top_level = max(levels)

    def x(d: date) -> float:
        return LEFT + (d.toordinal() - lo) / (hi - lo) * (W - LEFT - RIGHT)

    def y(level: int) -> float:
        return TOP + (top_level - level) / (top_level - 1) * (H - TOP - BOTTOM)

    height = H + 24 * ((len(series) + 2) // 3)
    label = _esc(title or "Grades over time")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" class="grade-chart" role="img" aria-label="{label}">']
    for level, name in levels.items():
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(level):.1f}" y2="{y(level):.1f}" stroke="#ddd"/>'
                     f'<text x="{LEFT - 8}" y="{y(level) + 4:.1f}" text-anchor="end" font-size="12">{_esc(name)}</text>')
    for year in range(date.fromordinal(lo).year + 1, date.fromordinal(hi).year + 1):
        xx = x(date(year, 1, 1))
        parts.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP}" y2="{H - BOTTOM}" stroke="#f0f0f0"/>'
                     f'<text x="{xx:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" font-size="11">{year}</text>')
    for n, (key, points) in enumerate(series.items()):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        # Keys are offset a few pixels so equal grades on one date stay clickable.
        dy = (n - (len(series) - 1) / 2) * 8
        path = " ".join(f"{x(p.when):.1f},{y(p.level) + dy:.1f}" for p in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5" opacity="0.7"/>')
        for p in points:
            tip = f"{key_label(key)}: {p.grade} ({p.when.isoformat()}, page {p.page})"
            parts.append(
                f'<circle class="grade-point" cx="{x(p.when):.1f}" cy="{y(p.level) + dy:.1f}" r="5" fill="{colour}" '
                f'data-file="{_esc(p.file)}" data-page="{p.page or 1}" data-quote="{_esc(p.label)}" '
                f'style="cursor:pointer"><title>{_esc(tip)}</title></circle>')
        lx, ly = LEFT + (n % 3) * 200, H + 10 + 24 * (n // 3)
        parts.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{lx + 18}" y="{ly + 11}" font-size="12">{_esc(key_label(key))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def distribution_svg(reports: list[ReportMeta], key: str = "overall_effectiveness") -> str:
    """Stacked bars: per year, how many reports got each grade for `key`."""
    counts = distribution(reports, key)
    if not counts:
        return ""
    scale = "send" if key == "send_outcome" else "grade"
    order = sorted(SCALES[scale], key=lambda g: -SCALES[scale][g])
    tallest = max(sum(c.values()) for c in counts.values())
    band = (W - LEFT - RIGHT) / len(counts)
    plot_h = H - TOP - BOTTOM

    label = _esc(f"{key_label(key)} grades by year")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H + 30}" class="grade-chart" role="img" aria-label="{label}">']
    for tick in range(0, tallest + 1, max(1, tallest // 5)):
        yy = H - BOTTOM - tick / tallest * plot_h
        parts.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#eee"/>'
                     f'<text x="{LEFT - 8}" y="{yy + 4:.1f}" text-anchor="end" font-size="11">{tick}</text>')
    for i, (year, counter) in enumerate(counts.items()):
        x0, base = LEFT + i * band + band * 0.15, float(H - BOTTOM)
        for grade in order:
            n = counter.get(grade, 0)
            if not n:
                continue
            h = n / tallest * plot_h
            base -= h
            parts.append(f'<rect x="{x0:.1f}" y="{base:.1f}" width="{band * 0.7:.1f}" height="{h:.1f}" '
                         f'fill="{GRADE_COLOURS.get(grade, "#999")}"><title>{year}: {n} {_esc(grade)}</title></rect>')
        parts.append(f'<text x="{x0 + band * 0.35:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle" font-size="11">{year}</text>')
    for n, grade in enumerate(g for g in order if any(grade_count.get(g) for grade_count in counts.values())):
        lx = LEFT + n * (250 if scale == "send" else 150)
        parts.append(f'<rect x="{lx}" y="{H + 8}" width="12" height="12" fill="{GRADE_COLOURS.get(grade, "#999")}"/>'
                     f'<text x="{lx + 18}" y="{H + 19}" font-size="12">{_esc(grade)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# -- the same as tables (a chart is never the only way to read its data: WCAG 1.4.1, 1.1.1) -------
def timeline_table(reports: list[ReportMeta], scale: str = "grade") -> str:
    """The timeline's points as rows: date, judgement, grade; each grade a button that opens its page."""
    series = timeline(reports, scale)
    rows = sorted(((p.when, key_label(key), p) for key, points in series.items() for p in points), key=lambda r: r[:2])
    if not rows:
        return ""
    body = "".join(
        f"<tr><td>{when.isoformat()}</td><td>{_esc(label)}</td><td><button type='button' data-file='{_esc(p.file)}' "
        f"data-page='{p.page or 1}' data-quote='{_esc(p.label)}' title='Show page {p.page or 1}'>{_esc(p.grade)}</button></td></tr>"
        for when, label, p in rows)
    return (f"<table class='grade-data'><caption class='sr-only'>The chart's grades as a table</caption>"
            f"<thead><tr><th scope='col'>Date</th><th scope='col'>Judgement</th><th scope='col'>Grade (opens its page)</th></tr>"
            f"</thead><tbody>{body}</tbody></table>")


def distribution_table(reports: list[ReportMeta], key: str = "overall_effectiveness") -> str:
    """The stacked bars as counts: a row per year, a column per grade."""
    counts = distribution(reports, key)
    if not counts:
        return ""
    scale = "send" if key == "send_outcome" else "grade"
    grades = [g for g in sorted(SCALES[scale], key=lambda g: -SCALES[scale][g]) if any(c.get(g) for c in counts.values())]
    head = "".join(f"<th scope='col'>{_esc(g)}</th>" for g in grades)
    body = "".join(f"<tr><th scope='row'>{year}</th>" + "".join(f"<td>{c.get(g, 0)}</td>" for g in grades) + "</tr>"
                   for year, c in counts.items())
    return (f"<table class='grade-data'><caption class='sr-only'>{_esc(key_label(key))} grades by year, as a table</caption>"
            f"<thead><tr><th scope='col'>Year</th>{head}</tr></thead><tbody>{body}</tbody></table>")
