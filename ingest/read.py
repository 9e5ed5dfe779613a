"""PDF -> cleaned page texts, with 1-based physical page numbers.

Cleaning removes running headers/footers and page numbers, joins lines broken after a
hyphen and normalises characters. The cleaned page text is what gets stored and what
quotes are verified against, so a chunk's text can always be found again on its page.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ingest.normalize import collapse, normalize_chars
from ingest.ocr import read_page
from ingest.ocr import unavailable as ocr_unavailable
from ingest.wordpieces import known_words

logging.getLogger("pypdf").setLevel(logging.ERROR)

# A page with fewer visible characters than this is treated as having no text layer.
MIN_TEXT_CHARS = 40
# Header/footer candidates are looked for among this many lines at each end of a page.
EDGE_LINES = 3

# A page is garbled (see _garbled) past these: the corpus has no control characters, and its
# lowest share of known words is 0.44 (a page of names).
GARBLED_CONTROL_SHARE = 0.02
GARBLED_MIN_WORDS = 20
GARBLED_KNOWN_SHARE = 0.2
UNMAPPED = "text in fonts with no character mapping"

_WORD = re.compile(r"[^\W\d_]{3,}")
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
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages whose text OCR read

    @property
    def page_count(self) -> int:
        return len(self.pages)


def read_pdf(path: str | Path, max_bytes: int = 200 * 2**20, max_pages: int = 3000, ocr: bool = True,
             ocr_dpi: int = 300, ocr_timeout_s: float = 60, on_scan: Callable[[int], None] | None = None) -> PdfText:
    """Extract and clean every page, or raise ReadError with a reason a person can act on.

    A page with no text layer but an image (a scan) is read by OCR when `ocr` and Tesseract
    is installed; without it, a wholly scanned file is refused with the reason and a partly
    scanned one is kept with a warning naming its unread pages."""
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
    except (ReadError, MemoryError):  # MemoryError: the reader process's limit names itself
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
    garbled: list[int] = []
    warnings: list[str] = []
    for i in range(n_pages):
        try:
            raw = reader.pages[i].extract_text() or ""
        except MemoryError:  # the reader process's limit: the whole file is refused, with it
            raise
        except Exception as exc:  # one bad page must not lose the rest of the report
            warnings.append(f"page {i + 1} could not be read ({type(exc).__name__}: {exc})")
            raw = ""
        if _garbled(raw):
            garbled.append(i)
            raw = ""  # never index glyph ids as words: the page is read by OCR or left out
        raw_pages.append(_lines(raw))

    scanned = [i for i, lines in enumerate(raw_pages)
               if i not in garbled and len("".join(lines).strip()) < MIN_TEXT_CHARS and _has_image(reader, i)]
    to_read = sorted(scanned + garbled)
    ocr_pages: list[int] = []
    why_not = (ocr_unavailable() if ocr else "OCR is switched off") if to_read else ""
    if to_read and not why_not and on_scan:
        on_scan(len(to_read))
    for i in to_read if not why_not else []:
        try:
            raw_pages[i] = _lines(read_page(path, i, ocr_dpi, ocr_timeout_s))
            ocr_pages.append(i + 1)
        except MemoryError:
            raise
        except Exception as exc:  # one unreadable scan must not lose the rest of the report
            warnings.append(f"page {i + 1} could not be read by OCR ({type(exc).__name__}: {exc})")
    what = " and ".join(part for part, pages in (("scanned pages with no text layer", scanned),
                                                 (UNMAPPED, garbled)) if pages)
    if sum(len("".join(lines)) for lines in raw_pages) < MIN_TEXT_CHARS * max(1, n_pages // 4):
        if warnings and len(warnings) == n_pages:
            raise ReadError(f"no page could be read ({warnings[0]})")
        if why_not:
            raise ReadError(f"{what}, and {why_not}")
        raise ReadError("no text layer (no text and no scanned image to read)")
    if why_not:
        warnings.append(f"{len(to_read)} page(s) not read ({what}; {why_not}): "
                        + ", ".join(str(i + 1) for i in to_read[:10]))

    edges = _running_lines(raw_pages)
    pages = [
        Page(number=i + 1, text=_dehyphenate(_strip_edges(lines, edges)))
        for i, lines in enumerate(raw_pages)
    ]
    return PdfText(pages=pages, warnings=warnings, ocr_pages=ocr_pages)


def _garbled(raw: str) -> bool:
    """Text whose characters are glyph ids, not letters: a font with no character mapping (no
    ToUnicode) extracts as ",QVSHFWRUV\x03IRXQG". Control characters, or few known words among
    many. On the 4,212 corpus pages: no control characters, and at least 44% known words."""
    if len(raw) < MIN_TEXT_CHARS:
        return False
    # C0 controls only: Word's Symbol-font bullets (U+F0B7...) are private-use, yet real text.
    control = sum(1 for ch in raw if ch < " " and ch not in "\n\r\t")
    if control > GARBLED_CONTROL_SHARE * len(raw):
        return True
    words = _WORD.findall(raw)
    if len(words) < GARBLED_MIN_WORDS:
        return False
    known = known_words()
    return sum(w.lower() in known for w in words) < GARBLED_KNOWN_SHARE * len(words)


def _has_image(reader: PdfReader, index: int) -> bool:
    """Whether the page draws an image (a scan), not just nothing (a blank page)."""
    try:
        resources = reader.pages[index].get("/Resources")
        objects = resources.get_object().get("/XObject") if resources is not None else None
        if objects is None:
            return False
        return any(obj.get_object().get("/Subtype") == "/Image" for obj in objects.get_object().values())
    except Exception:
        return False


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
