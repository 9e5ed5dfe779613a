"""Scanned pages read by OCR: a page with (almost) no text layer but an image on it is
rendered with pdfium and read by Tesseract (Debian's tesseract-ocr, through pytesseract).
Its text is stored like any page's, so quotes from it are verified against what OCR read,
and answers mark them "read by OCR"."""

from __future__ import annotations

import shutil
from pathlib import Path


def unavailable() -> str:
    """Why OCR cannot run here, or "" when it can."""
    if shutil.which("tesseract") is None:
        return "Tesseract is not installed (apt-get install tesseract-ocr)"
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return "pytesseract is not installed"
    return ""


def read_page(path: str | Path, index: int, dpi: int, timeout_s: float) -> str:
    """The text Tesseract reads on page `index` (0-based), rendered at `dpi`."""
    import pypdfium2 as pdfium
    import pytesseract

    document = pdfium.PdfDocument(str(path))
    try:
        image = document[index].render(scale=dpi / 72).to_pil()
    finally:
        document.close()
    try:
        return pytesseract.image_to_string(image, lang="eng", timeout=timeout_s)
    except RuntimeError as exc:  # pytesseract's timeout
        raise TimeoutError(f"OCR of page {index + 1} took longer than {timeout_s:g} s") from exc
