"""A PDF page as an image, with a cited quote highlighted where it really is on the page.

Quotes come from our cleaned pypdf text, pdfium has its own text layer: line breaks,
hyphenation, ligatures, quote marks and bullets can all differ. Both sides are reduced to
their letters and digits (after our own normalisation, case-folded), pdfium's with a map
back to its char indices, so the quote is found whatever the spacing and punctuation, and
its boxes come from pdfium's own text rectangles. A quote that cannot be found is not
highlighted at all: a guessed box would look like evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from ingest.normalize import normalize_chars

HIGHLIGHT_FILL = (255, 213, 0, 96)
HIGHLIGHT_EDGE = (230, 160, 0, 255)
# Fewer matching letters than this could land on any page by chance.
MIN_MATCH_CHARS = 8
PAD = 2  # pixels around each highlighted line


@dataclass
class RenderedPage:
    image: Image.Image
    boxes: list[tuple[int, int, int, int]]  # highlight boxes in image pixels (left, top, right, bottom)
    page_count: int


def _key(text: str) -> tuple[str, list[int]]:
    """Letters and digits only, case-folded, with each kept char's index in `text`."""
    chars, where = [], []
    for i, ch in enumerate(text):
        for c in normalize_chars(ch).casefold():
            if c.isalnum():
                chars.append(c)
                where.append(i)
    return "".join(chars), where


def find_quote(page_chars: str, quote: str) -> tuple[int, int] | None:
    """(first, last) index in `page_chars` covering `quote`, or None if it is not there."""
    needle, _ = _key(quote)
    if len(needle) < MIN_MATCH_CHARS:
        return None
    hay, where = _key(page_chars)
    at = hay.find(needle)
    if at < 0:
        return None
    last = where[at + len(needle) - 1]
    # Keep the quote's closing punctuation ("." or ")") when the page has it too.
    tail = quote.strip()[len(quote.strip().rstrip(".,;:!?)'\"")):]
    if tail and page_chars[last + 1:last + 1 + len(tail)] == tail:
        last += len(tail)
    return where[at], last


def _page_chars(textpage) -> str:
    """One character per pdfium char index, so a match maps straight to char indices."""
    raw = pdfium.raw
    out = []
    for i in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage, i)
        out.append(chr(code) if 0 < code < 0x110000 else " ")
    return "".join(out)


def render(path: str | Path, page: int, highlight: str | None = None, scale: float = 1.5) -> RenderedPage:
    """Render 1-based `page` of `path`; mark `highlight` if it occurs on the page."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"page {page} is outside 1-{len(pdf)}")
        pdf_page = pdf[page - 1]
        bitmap = pdf_page.render(scale=scale, may_draw_forms=False)
        image = bitmap.to_pil().convert("RGBA")
        boxes = _quote_boxes(pdf_page, bitmap, highlight) if highlight else []
        if boxes:
            overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
            draw = ImageDraw.Draw(overlay)
            for box in boxes:
                draw.rectangle(box, fill=HIGHLIGHT_FILL, outline=HIGHLIGHT_EDGE, width=1)
            image = Image.alpha_composite(image, overlay)
        return RenderedPage(image.convert("RGB"), boxes, len(pdf))
    finally:
        pdf.close()


def _quote_boxes(pdf_page, bitmap, quote: str) -> list[tuple[int, int, int, int]]:
    textpage = pdf_page.get_textpage()
    try:
        span = find_quote(_page_chars(textpage), quote)
        if span is None:
            return []
        first, last = span
        conv = bitmap.get_posconv(pdf_page)
        boxes = []
        for i in range(textpage.count_rects(first, last - first + 1)):
            left, bottom, right, top = textpage.get_rect(i)
            x0, y0 = conv.to_bitmap(left, top)
            x1, y1 = conv.to_bitmap(right, bottom)
            boxes.append((min(x0, x1) - PAD, min(y0, y1) - PAD, max(x0, x1) + PAD, max(y0, y1) + PAD))
        return _join_lines(boxes)
    finally:
        textpage.close()


def _join_lines(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """One box per printed line: pdfium splits a line into a rect per text run."""
    lines: list[list[int]] = []
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        line = lines[-1] if lines else None
        if line and box[1] < (line[1] + line[3]) / 2 < box[3]:
            line[:] = [min(line[0], box[0]), min(line[1], box[1]), max(line[2], box[2]), max(line[3], box[3])]
        else:
            lines.append(list(box))
    return [(line[0], line[1], line[2], line[3]) for line in lines]


def render_page(path: str | Path, page: int, highlight: str | None = None, scale: float = 1.5) -> Image.Image:
    """The page as a PIL image (the `Assistant.page_image` seam)."""
    return render(path, page, highlight, scale).image
