"""Answers as chat Markdown, source cards (HTML) and a Markdown export for a board paper.

Pure functions of `Answer` / `ReportMeta`: the chat only wires them to widgets, and they are
tested without a browser.
"""

from __future__ import annotations

import html
import re

from assistant import phrases
from assistant.pages import find_quote
from ingest.core.types import Answer, Citation, Passage, ReportMeta, Table
from ingest.core.vocabulary import REPORT_TYPE_LABELS

# Characters of passage shown either side of the cited sentence in a source card.
CONTEXT_CHARS = 320
# What Markdown (and the HTML it lets through) could read as markup in text from a PDF or a
# user: links and images ([ ] < >), code, emphasis, tables, entities, headings. A backslash
# before each makes it literal, so the rendered text is exactly the PDF's (quotes stay findable).
# A citation marker "[n]" stays as it is: alone it is no link, and "[n](", "[n][" or "[n]:",
# which could start one, are escaped.
_MARKUP = re.compile(r"\[\d+\](?![(\[:])|([\\`*_\[\]<>|~&#])")


def markdown_text(text: str) -> str:
    """`text` (from a PDF, a file name or the user) as Markdown that renders as exactly that text."""
    return _MARKUP.sub(lambda m: "\\" + m[1] if m[1] else m[0], str(text))


def code_span(text: str) -> str:
    """`text` as a Markdown code span that shows it literally, whatever backticks it holds: the
    fence is one backtick longer than its longest run of them (CommonMark)."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def report_line(report: ReportMeta | None, file: str) -> str:
    """'Haringey · ILACS inspection · inspected 10 Feb 2023 · published 11 Apr 2023'."""
    if report is None:
        return file
    parts = [report.authority or file, REPORT_TYPE_LABELS.get(report.report_type, report.report_type)]
    if report.inspection_end:
        parts.append(f"inspected {report.inspection_end:%-d %b %Y}")
    if report.published:
        parts.append(f"published {report.published:%-d %b %Y}")
    return " · ".join(parts)


def _report(c: Citation | Passage) -> ReportMeta | None:
    return c.passage.report if isinstance(c, Citation) and c.passage else getattr(c, "report", None)


def abstention_lines(answer: Answer) -> list[str]:
    """The abstention said plainly, then the answer's own reason when it adds one."""
    reason = answer.text.strip()
    lines = [f"**{phrases.ABSTAIN}**"]
    if reason and reason != phrases.ABSTAIN:
        lines += ["", markdown_text(reason)]
    return lines


# Shapes whose table holds everything their list says: the bubble shows the table instead.
TABLE_REPLACES_LIST = {"coverage", "grades"}


def table_markdown(table: Table) -> list[str]:
    """A Markdown table; cells escaped, since their text comes from the PDFs."""
    def cell(text: str) -> str:
        return markdown_text(str(text).replace("\n", " "))

    lines = [f"**{cell(table.title)}**", ""] if table.title else []
    lines.append("| " + " | ".join(cell(c) for c in table.columns) + " |")
    lines.append("|" + "---|" * len(table.columns))
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in table.rows]
    return lines


def answer_body(answer: Answer) -> list[str]:
    """The answer's text as Markdown (the PDFs' words made literal), with its table (and without
    the list the table repeats)."""
    if answer.table is None:
        return [markdown_text(answer.text)]
    listed = {c.text for c in answer.claims} if answer.kind in TABLE_REPLACES_LIST else set()
    lines = [markdown_text(line) for line in answer.text.splitlines() if line.strip() not in listed]
    return [*lines, "", *table_markdown(answer.table)]


def chat_markdown(answer: Answer) -> str:
    """The chat bubble: how the question was read, then the answer with its [n] markers and a
    one-line key to each source."""
    read = [f"_{markdown_text(answer.reading)}_", ""] if answer.reading else []
    if answer.abstained:
        lines = read + abstention_lines(answer)
        if answer.passages:
            lines += ["", f"_{phrases.NEAREST_NOTE} see the panel on the right._"]
        return "\n".join(lines)
    lines = [*read, *answer_body(answer), ""]
    for c in answer.citations:
        report = _report(c)
        lines.append(f"<sub>[{c.marker}] {markdown_text(report.label if report else c.file)}, p. {c.page}{_ocr(c)}</sub>  ")
    return "\n".join(lines).rstrip()


def answer_markdown(answer: Answer) -> str:
    """The answer followed by its citations (report, date, page, quote), ready to paste; what came
    from a PDF or the user is escaped, so the pasted Markdown shows it as text, never as markup."""
    lines = [f"**Q:** {markdown_text(answer.question)}", ""] + ([f"*{markdown_text(answer.reading)}*", ""] if answer.reading else [])
    if answer.suggestions:
        lines += [phrases.OTHER_READINGS, *(f"- {markdown_text(s)}" for s in answer.suggestions), ""]
    if answer.abstained:
        lines += abstention_lines(answer) + [""]
        if answer.passages:
            lines.append(f"*{phrases.NEAREST_NOTE}*")
            for p in answer.passages[:3]:
                lines.append(f"- {markdown_text(report_line(p.report, p.file))}; {code_span(p.file)}, page {p.page_start}: "
                             f"{markdown_text(' '.join(p.text.split())[:240])}...")
        return "\n".join(lines)
    lines += [markdown_text(answer.text), ""]
    if answer.table is not None:
        lines += [*table_markdown(answer.table), ""]
    lines += ["**Sources**", ""]
    for c in answer.citations:
        link = f" <{c.url}>" if c.url else ""  # an autolink: sidecar links hold no space, < or > (ingest.sidecar)
        lines.append(f'[{c.marker}] {markdown_text(report_line(_report(c), c.file))}; {code_span(c.file)}, page {c.page}{link}'
                     f'{_ocr(c)}: "{markdown_text(c.quote)}"{markdown_text(also_in(c))}  ')
    return "\n".join(lines)


def also_in(c: Citation, most: int = 3) -> str:
    """" (the same text also in X p.7, Y p.2 and 3 more places)": where else the cited page's text is."""
    if not c.also_in:
        return ""
    more = len(c.also_in) - most
    return f" (the same text also in {', '.join(c.also_in[:most])}{f' and {more} more places' if more > 0 else ''})"


def highlighted_passage(text: str, quote: str | None) -> str:
    """The passage around `quote` as HTML, the quote in <mark>; the whole quote if not located."""
    flat = " ".join(text.split())
    span = find_quote(flat, quote) if quote else None
    if span is None:
        body = html.escape(flat[: 2 * CONTEXT_CHARS]) + ("…" if len(flat) > 2 * CONTEXT_CHARS else "")
        return f"<mark>{html.escape(quote)}</mark>" if quote else body
    first, last = span
    start, end = max(0, first - CONTEXT_CHARS), min(len(flat), last + 1 + CONTEXT_CHARS)
    return ("…" if start else "") + html.escape(flat[start:first]) + f"<mark>{html.escape(flat[first:last + 1])}</mark>" \
        + html.escape(flat[last + 1:end]) + ("…" if end < len(flat) else "")


def sources_html(answer: Answer | None) -> str:
    """Source cards; each carries data-source=<index> so a click can open its page."""
    if answer is None:
        return "<div class='sources-empty'>Sources for the answer will appear here. Click one to see its page.</div>"
    return f"<div class='sources-for'>Sources for “{html.escape(answer.question)}”</div>" + _cards(answer)


def _cards(answer: Answer) -> str:
    """One card per source. Its head is a button (by keyboard: Tab, then Enter) whose name tells
    the sources apart by ear ("citation 2, Haringey · ILACS inspection · ..., page 7"); a click
    anywhere on the card opens the page too. The publisher's link sits beside it, never inside."""
    if answer.abstained or not answer.citations:
        cards = [
            f"<div class='source nearest' data-source='{i}'>"
            f"<div class='badge'>not an answer</div>"
            + _open_button(f"{phrases.NEAREST_SPOKEN} {i + 1}, ", html.escape(report_line(p.report, p.file)), p.page_start)
            + f"<div class='source-meta'>{html.escape(p.file)} · page {p.page_start}</div>"
            f"<p>{highlighted_passage(p.text, None)}</p></div>"
            for i, p in enumerate(answer.passages[:3])
        ]
        head = f"<div class='abstain-note'><b>{html.escape(phrases.ABSTAIN)}</b>"
        if cards:
            head += f"<br>{html.escape(phrases.NEAREST_NOTE)}"
        return head + "</div>" + "".join(cards)
    cards = []
    for i, c in enumerate(answer.citations):
        text = c.passage.text if c.passage else c.quote
        cards.append(
            f"<div class='source' data-source='{i}'>"
            + _open_button(f"{phrases.CITATION_SPOKEN} {c.marker}, ",
                           f"<span aria-hidden='true'>[{c.marker}] </span>{html.escape(report_line(_report(c), c.file))}", c.page)
            + f"<div class='source-meta'>{html.escape(c.file)} · page {c.page}{_ocr(c, ' ·')}"
            f"{html.escape(also_in(c))}</div>"
            f"<p>{highlighted_passage(text, c.quote)}</p>{publisher_link(c)}</div>"
        )
    return "".join(cards)


def _open_button(spoken: str, shown: str, page: int) -> str:
    """The card's head: what a screen reader says first (`spoken`, visually hidden), the report
    as shown, and the page."""
    return (f"<button type='button' class='source-open' title='Show page {page}'><span class='sr-only'>{spoken}</span>"
            f"<span class='source-head'>{shown}</span><span class='sr-only'>, page {page}</span></button>")


def publisher_link(c: Citation) -> str:
    """The citation's page on the publisher's site, opened in a new tab (a click on it is not a
    click on the card, which shows the indexed page)."""
    if not c.url:
        return ""
    return (f"<a class='publisher' href='{html.escape(c.url, quote=True)}' target='_blank' rel='noopener noreferrer'>"
            f"{html.escape(phrases.OPEN_PUBLISHED)}</a>")


def source_target(answer: Answer, index: int) -> tuple[str, int, str | None] | None:
    """(file, page, quote to highlight) for the clicked card; nearest passages get no highlight."""
    if answer.citations and not answer.abstained:
        if 0 <= index < len(answer.citations):
            c = answer.citations[index]
            return c.file, c.page, c.quote
        return None
    if 0 <= index < len(answer.passages):
        p = answer.passages[index]
        return p.file, p.page_start, None
    return None


def report_rows(reports: list[ReportMeta], query: str = "") -> list[list]:
    """The Reports view: one row per report, kept when every word of `query` appears in it."""
    words = query.lower().split()
    rows = []
    for m in reports:
        when = m.published or m.inspection_end
        judgements = "; ".join(f"{k.replace('_', ' ')}: {j.grade}" for k, j in m.judgements.items())
        row = [m.authority, REPORT_TYPE_LABELS.get(m.report_type, m.report_type), when.isoformat() if when else "",
               judgements, m.pages, m.file]
        haystack = " ".join(map(str, row)).lower()
        if all(w in haystack for w in words):
            rows.append(row)
    return rows


def _ocr(citation, sep: str = ",") -> str:
    """A scanned page's quote is verified against what OCR read there: say so."""
    return f"{sep} {phrases.READ_BY_OCR}" if citation.ocr else ""
