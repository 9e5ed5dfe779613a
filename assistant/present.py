"""Answers as Markdown: for the chat's sources panel and for copy/download into a board paper."""

from __future__ import annotations

import html

from assistant import phrases
from assistant.types import Answer


def citation_line(answer: Answer, i: int) -> str:
    c = answer.citations[i]
    report = c.passage.report if c.passage else None
    label = report.label if report else c.file
    return f'[{c.marker}] {label}, {c.file}, page {c.page}: "{c.quote}"'


def answer_markdown(answer: Answer) -> str:
    """The answer followed by its citations (report, date, page, quote)."""
    lines = [f"**Q:** {answer.question}", "", answer.text, ""]
    if answer.citations:
        lines.append("**Sources**")
        lines += [f"- {citation_line(answer, i)}" for i in range(len(answer.citations))]
    elif answer.passages:
        lines.append(f"*{phrases.NEAREST_NOTE}*")
        for p in answer.passages[:3]:
            lines.append(f"- {p.report.label}, {p.file}, page {p.page_start}: {' '.join(p.text.split())[:240]}...")
    return "\n".join(lines)


def sources_html(answer: Answer) -> str:
    """Each cited passage with the quoted sentence highlighted."""
    if not answer.citations:
        if not answer.passages:
            return ""
        items = "".join(
            f"<li><b>{html.escape(p.report.label)}</b> &middot; {html.escape(p.file)} p.{p.page_start}"
            f"<br><span style='opacity:.8'>{html.escape(' '.join(p.text.split())[:400])}...</span></li>"
            for p in answer.passages[:3]
        )
        return f"<p><i>{html.escape(phrases.NEAREST_NOTE)}</i></p><ul>{items}</ul>"
    blocks = []
    for c in answer.citations:
        context = " ".join(c.passage.text.split()) if c.passage else c.quote
        escaped, quote = html.escape(context), html.escape(c.quote)
        body = escaped.replace(quote, f"<mark>{quote}</mark>", 1) if quote in escaped else f"<mark>{quote}</mark>"
        label = html.escape(c.passage.report.label if c.passage else c.file)
        blocks.append(
            f"<div class='citation'><b>[{c.marker}] {label}</b> &middot; {html.escape(c.file)} &middot; page {c.page}"
            f"<p>{body}</p></div>"
        )
    return "".join(blocks)
