"""Cleaned pages -> paragraph-aware chunks that fit the embedder's real window.

Chunks follow sections and paragraphs: a chunk never spans two sections, closes at a
paragraph end once it is big enough, and is cut at sentence ends only when a paragraph
alone is too big. Sizes are counted in the embedder's word pieces (not tiktoken tokens),
with the context line that is embedded with the chunk included in the budget.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.read import Page
from ingest.sentences import sentence_spans

PAGE_JOIN = "\n\n"

# Section headings Ofsted uses across ILACS, SIF, focused-visit, area SEND and LAC reports.
_KNOWN_HEADINGS = re.compile(
    r"^(What needs to improve\b|The experiences and progress of\b|The impact of leaders\b|"
    r"Overall effectiveness\b|Summary of findings\b|Summary for children\b|Recommendations\b|"
    r"Information about this\b|Inspection judgements\b|Leadership, management and governance\b|"
    r"Children who need help and protection\b|Children looked after\b|Adoption performance\b|"
    r"The Local Safeguarding Children Board\b|Review of the effectiveness\b|Executive summary\b|"
    r"Headline findings\b|Findings\b|Areas for (priority )?(action|improvement)\b|"
    r"What is it like to be a child\b|What is the (local )?area partnership doing\b|"
    r"What does the (local )?area partnership need\b|Local area partnership details\b|"
    r"Next steps\b|Key findings\b|Main findings\b|Local authority children's services details\b|"
    r"Local Safeguarding Children Board details\b|What happens next\b|Annex [A-Z]\b)",
    re.I,
)
_NUMBERED = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
_TERMINAL = re.compile(r"[.!?:;,]['\")\]]?\d{0,2}$")


@dataclass
class Chunk:
    ordinal: int
    text: str
    char_start: int  # offsets into the report text (pages joined by PAGE_JOIN)
    char_end: int
    page_start: int
    page_end: int
    section: str
    paragraphs: list[int] = field(default_factory=list)

    @property
    def pages(self) -> list[int]:
        return list(range(self.page_start, self.page_end + 1))


@dataclass
class _Block:
    start: int
    end: int
    section: str
    paragraph: int | None


def report_text(pages: list[Page]) -> tuple[str, list[int]]:
    """The report's text and the offset at which each page starts in it."""
    starts, parts, pos = [], [], 0
    for page in pages:
        starts.append(pos)
        parts.append(page.text)
        pos += len(page.text) + len(PAGE_JOIN)
    return PAGE_JOIN.join(parts), starts


def page_at(offset: int, page_starts: list[int]) -> int:
    """1-based page holding a character offset."""
    lo, hi = 0, len(page_starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if page_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def _is_heading(line: str, prev: str | None, nxt: str | None, width: float) -> bool:
    if _KNOWN_HEADINGS.match(line):
        return True
    if not line[:1].isupper() or _NUMBERED.match(line) or _TERMINAL.search(line):
        return False
    if len(line) > 0.75 * width or len(line.split()) > 12:
        return False
    prev_closed = prev is None or bool(re.search(r"[.!?:]['\")]?$", prev))
    next_opens = nxt is None or nxt[:1].isupper() or nxt[:1].isdigit() or nxt.startswith("\u2022")
    return prev_closed and next_opens


def _blocks(text: str, page_starts: list[int]) -> list[_Block]:
    """Paragraph blocks with their section heading and Ofsted paragraph number."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append((pos, raw))
        pos += len(raw) + 1
    widths = sorted(len(line) for _, line in lines) or [80]
    width = widths[int(0.8 * (len(widths) - 1))]

    blocks: list[_Block] = []
    section, paragraph = "", None
    open_block: _Block | None = None
    i = 0
    while i < len(lines):
        start, line = lines[i]
        prev = lines[i - 1][1] if i else None
        nxt = lines[i + 1][1] if i + 1 < len(lines) else None
        if _is_heading(line, prev, nxt, width):
            heading, j = line, i + 1
            # Two-line headings: the second line continues in lower case ("improvement to be good").
            while j < len(lines) and lines[j][1][:1].islower() and not _TERMINAL.search(heading) and len(lines[j][1]) < 0.75 * width:
                heading += " " + lines[j][1]
                j += 1
            section, paragraph = heading.strip(), None
            open_block = None
            i = j
            continue
        numbered = _NUMBERED.match(line)
        starts_new = (
            open_block is None
            or numbered is not None
            or line.startswith("\u2022")
            or bool(re.search(r"[.!?:]['\")]?$", prev or "") and len(prev or "") < 0.85 * width)
        )
        if numbered:
            paragraph = int(numbered.group(1))
        if starts_new or open_block is None:
            # An unnumbered block inside a numbered paragraph is that paragraph continuing.
            open_block = _Block(start, start + len(line), section, paragraph)
            blocks.append(open_block)
        else:
            open_block.end = start + len(line)
        i += 1
    return blocks


def chunk_report(
    pages: list[Page],
    count_wordpieces: Callable[[str], int],
    context_for: Callable[[str], str],
    window: int = 256,
    target: int = 220,
    minimum: int = 40,
) -> list[Chunk]:
    """Split a report into chunks; `context_for(section)` is the line embedded with each chunk.

    `count_wordpieces` counts without special tokens; the window includes [CLS] and [SEP].
    """
    text, page_starts = report_text(pages)
    pieces: list[tuple[int, int, str, int | None, bool]] = []  # start, end, section, para, paragraph_start
    for block in _blocks(text, page_starts):
        spans = sentence_spans(text[block.start : block.end])
        for n, (a, b) in enumerate(spans):
            pieces.append((block.start + a, block.start + b, block.section, block.paragraph, n == 0))

    chunks: list[Chunk] = []
    current: list[tuple[int, int, str, int | None, bool]] = []
    used = 0
    budget_cache: dict[str, int] = {}

    def budget(section: str) -> int:
        if section not in budget_cache:
            budget_cache[section] = window - 2 - count_wordpieces(context_for(section)) - 2
        return budget_cache[section]

    def flush() -> None:
        nonlocal current, used
        if current:
            start, end = current[0][0], current[-1][1]
            paras = sorted({c[3] for c in current if c[3] is not None})
            chunks.append(
                Chunk(
                    ordinal=len(chunks),
                    text=text[start:end],
                    char_start=start,
                    char_end=end,
                    page_start=page_at(start, page_starts),
                    page_end=page_at(max(start, end - 1), page_starts),
                    section=current[0][2],
                    paragraphs=paras,
                )
            )
        current, used = [], 0

    for piece in _split_long(pieces, text, count_wordpieces, budget):
        start, end, section, _para, para_start = piece
        size = count_wordpieces(text[start:end])
        if current and (
            section != current[0][2]
            or used + size > budget(section)
            or (para_start and used >= target - 2 - 30)
        ):
            flush()
        current.append(piece)
        used += size
    flush()
    return _merge_tiny(chunks, text, page_starts, count_wordpieces, budget, minimum)


def _split_long(pieces, text, count_wordpieces, budget):
    """Sentences longer than the budget are cut at word boundaries."""
    for start, end, section, para, para_start in pieces:
        limit = budget(section)
        if count_wordpieces(text[start:end]) <= limit:
            yield start, end, section, para, para_start
            continue
        words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
        piece_start, used, first = words[0][0], 0, para_start
        last_end = words[0][1]
        for a, b in words:
            size = count_wordpieces(text[a:b])
            if used + size > limit and used:
                yield piece_start, last_end, section, para, first
                piece_start, used, first = a, 0, False
            used += size
            last_end = b
        yield piece_start, last_end, section, para, first


def _merge_tiny(chunks, text, page_starts, count_wordpieces, budget, minimum):
    """A tiny chunk (a lone heading-level sentence) joins its predecessor in the same section when it fits."""
    merged: list[Chunk] = []
    for chunk in chunks:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and prev.section == chunk.section
            and count_wordpieces(chunk.text) < minimum
            and count_wordpieces(text[prev.char_start : chunk.char_end]) <= budget(chunk.section)
        ):
            prev.char_end = chunk.char_end
            prev.text = text[prev.char_start : prev.char_end]
            prev.page_end = page_at(max(prev.char_start, prev.char_end - 1), page_starts)
            prev.paragraphs = sorted(set(prev.paragraphs) | set(chunk.paragraphs))
            continue
        merged.append(chunk)
    for i, chunk in enumerate(merged):
        chunk.ordinal = i
    return merged
