"""PDF -> cleaned page texts, with 1-based physical page numbers.

Cleaning removes running headers/footers and page numbers, joins lines broken after a
hyphen and normalises characters. The cleaned page text is what gets stored and what
quotes are verified against, so a chunk's text can always be found again on its page.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ingest.normalize import collapse, normalize_chars

logging.getLogger("pypdf").setLevel(logging.ERROR)

# A page with fewer visible characters than this is treated as having no text layer.
MIN_TEXT_CHARS = 40
# Header/footer candidates are looked for among this many lines at each end of a page.
EDGE_LINES = 3

_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I)
_DIGITS = re.compile(r"\d+")


class ReadError(Exception):
    """A file that cannot be indexed; the message is the per-file reason shown to users."""


@dataclass
class Page:
    number: int  # 1-based physical page number
    text: str  # cleaned text, lines joined by "\n"


@dataclass
class PdfText:
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.pages)


def read_pdf(path: str | Path, max_bytes: int = 200 * 2**20, max_pages: int = 3000) -> PdfText:
    """Extract and clean every page, or raise ReadError with a reason a person can act on."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty file (0 bytes)")
    if size > max_bytes:
        raise ReadError(f"file too large ({size / 2**20:.0f} MiB > {max_bytes / 2**20:.0f} MiB limit)")
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise ReadError("not a PDF (no %PDF header)")
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted and not _try_empty_password(reader):
            raise ReadError("encrypted PDF (password protected)")
        n_pages = len(reader.pages)
    except ReadError:
        raise
    except (FileNotDecryptedError, NotImplementedError) as exc:
        raise ReadError(f"encrypted PDF ({exc})") from exc
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on damaged files
        raise ReadError(f"corrupt or truncated PDF ({type(exc).__name__}: {exc})") from exc
    if n_pages == 0:
        raise ReadError("PDF has no pages")
    if n_pages > max_pages:
        raise ReadError(f"too many pages ({n_pages} > {max_pages} limit)")

    raw_pages: list[list[str]] = []
    warnings: list[str] = []
    for i in range(n_pages):
        try:
            raw = reader.pages[i].extract_text() or ""
        except Exception as exc:  # one bad page must not lose the rest of the report
            warnings.append(f"page {i + 1} could not be read ({type(exc).__name__}: {exc})")
            raw = ""
        raw_pages.append(_lines(raw))

    if sum(len("".join(lines)) for lines in raw_pages) < MIN_TEXT_CHARS * max(1, n_pages // 4):
        if warnings and len(warnings) == n_pages:
            raise ReadError(f"no page could be read ({warnings[0]})")
        raise ReadError("no text layer; OCR not available")

    edges = _running_lines(raw_pages)
    pages = [
        Page(number=i + 1, text=_dehyphenate(_strip_edges(lines, edges)))
        for i, lines in enumerate(raw_pages)
    ]
    return PdfText(pages=pages, warnings=warnings)


def _try_empty_password(reader: PdfReader) -> bool:
    """Many published PDFs are 'encrypted' with only an owner password; those open fine."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        return False


def _lines(raw: str) -> list[str]:
    lines = (collapse(normalize_chars(line)) for line in raw.splitlines())
    return [line for line in lines if line]


def _edge_key(line: str) -> str:
    return _DIGITS.sub("#", line.lower())


def _edge_slice(lines: list[str]) -> list[str]:
    if len(lines) <= 2 * EDGE_LINES:
        return lines
    return lines[:EDGE_LINES] + lines[-EDGE_LINES:]


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of lines that recur at the top or bottom of many pages (running heads/feet)."""
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_edge_key(line) for line in _edge_slice(lines)})
    threshold = max(2, (len(pages) + 1) // 2)
    return {key for key, n in counts.items() if n >= threshold}


def _strip_edges(lines: list[str], running: set[str]) -> list[str]:
    top = set(range(min(EDGE_LINES, len(lines))))
    bottom = set(range(max(0, len(lines) - EDGE_LINES), len(lines)))
    kept = []
    for i, line in enumerate(lines):
        at_edge = i in top or i in bottom
        if at_edge and (_edge_key(line) in running or _PAGE_NUMBER.match(line)):
            continue
        kept.append(line)
    return kept


def _dehyphenate(lines: list[str]) -> str:
    """Join a line that ends in a word-hyphen with the next line ("multi-" + "agency").

    The hyphen is kept: in these Word-generated reports a line-end hyphen is almost
    always a real compound hyphen, and dropping it would invent words.
    """
    out: list[str] = []
    for line in lines:
        if out and re.search(r"[A-Za-z]-$", out[-1]) and line[:1].islower():
            out[-1] = out[-1] + line
        else:
            out.append(line)
    return "\n".join(out)
