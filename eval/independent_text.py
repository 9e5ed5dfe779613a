"""Page texts and text matching for the evaluation, independent of the code under test.

The assistant reads PDFs with its own reader (ingest.read, pypdf) and compares quotes with
its own normalisation (ingest.normalize.for_match). Checking its quotes, or building gold,
with the same two functions would check the code against itself. This module is the
evaluation's second opinion: it imports nothing from ingest/ or assistant/.

* Text: poppler's ``pdftotext`` (Debian package poppler-utils, installed by
  ``make install-pdftotext``), default reading-order mode, UTF-8, one page per form feed.
  Each file is extracted once per process; with ``cache_dir`` the page texts are also kept
  on disk (keyed by path, size, mtime and the poppler version).
* Normalisation: Unicode NFKC, typographic quotes and dashes folded, soft hyphens and
  zero-width characters dropped (``clean``), casefolded (``fold``); then letters and digits
  only, digits kept apart where anything separated them (``normalise``). Two extractors that
  space, hyphenate or break lines differently agree; a different word or number does not.
* Quotes: ``quote_on_page`` / ``independent_verifier`` -- the quote's letters and digits
  occur, in order and contiguous, in the page's, from the start of a word to the end of one.
* Coverage: ``page_mentions`` -- the phrase, or the phrase with a trailing "s" added to or
  removed from its last word, occurs as whole words: its letters and digits match and
  begin and end at word boundaries (spaces and hyphens inside the phrase do not matter:
  "trauma-informed" also matches "trauma informed" and "trauma-\\ninformed").

Scanned pages have no text layer, so pdftotext returns nothing for them; they cannot be
checked here (our reader OCRs them).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path

PDFTOTEXT = "pdftotext"
TIMEOUT_S = 300  # per file; the largest report in the corpus takes about a second

Verifier = Callable[[str, int, str], bool]  # (file, page, quote) -> quote is on that page (eval.metrics.Verifier)


class ExtractorMissing(RuntimeError):
    """pdftotext is not installed."""


class ExtractError(RuntimeError):
    """pdftotext failed on a file."""


# ---------------------------------------------------------------- normalisation

_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u0060\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", None),  # soft hyphen, zero-width
    }
)


def clean(text: str) -> str:
    """Readable form: NFKC, ASCII quotes and dashes, no soft hyphens or zero-width
    characters, whitespace runs collapsed to one space (case kept)."""
    text = unicodedata.normalize("NFKC", str(text or "")).translate(_FOLD)
    return " ".join(text.split())


def fold(text: str) -> str:
    """``clean`` and casefolded."""
    return clean(text).casefold().translate(_FOLD)


def normalise(text: str) -> str:
    """The compared form: the letters and digits of ``fold(text)``, with "#" where anything
    separated two digits ("5.2" is "5#2", never "52"; "2,345" is "2#345")."""
    return _compact(text)[0]


def _compact(text: str) -> tuple[str, bytearray]:
    """``normalise(text)`` and, per position 0..len, 1 where a word boundary falls there."""
    chars: list[str] = []
    bounds = bytearray([1])
    for ch in fold(text):
        if ch.isalnum():
            if bounds[-1] and chars and chars[-1].isdigit() and ch.isdigit():
                chars.append("#")  # digits apart stay apart: a decimal point or a thousands comma
                bounds.append(1)
            chars.append(ch)
            bounds.append(0)
        else:
            bounds[-1] = 1
    bounds[-1] = 1
    return "".join(chars), bounds


def _find_words(compact: str, bounds: bytearray, needle: str) -> bool:
    """Whether `needle` occurs in `compact` beginning and ending on word boundaries."""
    i = compact.find(needle)
    while i >= 0:
        if bounds[i] and bounds[i + len(needle)]:
            return True
        i = compact.find(needle, i + 1)
    return False


def phrase_variants(phrase: str) -> list[str]:
    """The normalised phrase and its plural variant (last word's trailing "s" added/removed)."""
    words = fold(phrase).split()
    if not normalise(phrase):
        return []
    last = words[-1]
    other = last[:-1] if last.endswith("s") else last + "s"
    out = [normalise(phrase), normalise(" ".join(words[:-1] + [other]))]
    return [v for i, v in enumerate(out) if v and v not in out[:i]]


def _mentions(compact: str, bounds: bytearray, variants: list[str]) -> bool:
    for v in variants:
        i = compact.find(v)
        while i >= 0:
            end = i + len(v)
            # from a word's start; a last word of letters may run on ("kinship care" in "kinship carers")
            if bounds[i] and (bounds[end] or (v[-1].isalpha() and compact[end].isalpha())):
                return True
            i = compact.find(v, i + 1)
    return False


def page_mentions(page_text: str, phrase: str) -> bool:
    """The coverage rule: the phrase (or its plural variant) occurs on the page from the start of
    a word; its last word may continue, as inflections do ("return home interview" is in "return
    home interviews", "kinship care" in "kinship carers"). Spacing and hyphens do not count."""
    compact, bounds = _compact(page_text)
    return _mentions(compact, bounds, phrase_variants(phrase))


def text_has_quote(page_text: str, quote: str) -> bool:
    """The quote's letters and digits occur contiguously in the page's, from the start of a word
    to the end of one ("ractice is" is not on a page saying "practice is"; an empty quote never is)."""
    q = normalise(quote)
    return bool(q) and _find_words(*_compact(page_text), q)


# ---------------------------------------------------------------- pdftotext


def _pdftotext() -> str:
    exe = shutil.which(PDFTOTEXT)
    if not exe:
        raise ExtractorMissing(
            "pdftotext not found: install poppler-utils (make install-pdftotext, or: sudo apt-get install poppler-utils)"
        )
    return exe


_VERSION: str | None = None


def poppler_version() -> str:
    global _VERSION
    if _VERSION is None:
        out = subprocess.run([_pdftotext(), "-v"], capture_output=True, text=True, timeout=30)
        _VERSION = ((out.stderr or out.stdout).splitlines() or ["unknown"])[0].strip()
    return _VERSION


def extract_pages(path: str | Path) -> list[str]:
    """Page texts of one PDF from pdftotext (one per physical page; "" for a page without text)."""
    proc = subprocess.run(
        [_pdftotext(), "-enc", "UTF-8", "-q", str(path), "-"],
        capture_output=True, timeout=TIMEOUT_S,
    )
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExtractError(f"pdftotext failed on {path} (exit {proc.returncode}){': ' + msg[-1] if msg else ''}")
    pages = proc.stdout.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():  # pdftotext ends every page, the last one too, with a form feed
        pages.pop()
    return pages


class IndependentPages:
    """Callable: relative file path (under corpus_root) -> list of pdftotext page texts.

    Each file is extracted at most once per instance; ``cache_dir`` (optional) keeps the
    page texts on disk across runs. ``reads`` counts actual pdftotext runs per file."""

    def __init__(self, corpus_root: str | Path, cache_dir: str | Path | None = None):
        self.corpus_root = Path(corpus_root)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.cache: dict[str, list[str]] = {}
        self.reads: dict[str, int] = {}
        self._lock = threading.Lock()
        self._compact: dict[tuple[str, int], tuple[str, bytearray]] = {}

    def path(self, rel: str) -> Path:
        p = Path(rel)
        return p if p.is_absolute() else self.corpus_root / p

    def _disk_key(self, path: Path) -> Path | None:
        if self.cache_dir is None:
            return None
        st = path.stat()
        key = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{poppler_version()}"
        return self.cache_dir / f"{hashlib.sha1(key.encode()).hexdigest()}.json"

    def __call__(self, rel: str) -> list[str]:
        rel = str(rel).replace("\\", "/")
        with self._lock:
            if rel in self.cache:
                return self.cache[rel]
        path = self.path(rel)
        disk = self._disk_key(path)
        pages = None
        if disk is not None and disk.is_file():
            try:
                pages = json.loads(disk.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pages = None
        if pages is None:
            pages = extract_pages(path)
            with self._lock:
                self.reads[rel] = self.reads.get(rel, 0) + 1
            if disk is not None:
                disk.parent.mkdir(parents=True, exist_ok=True)
                tmp = disk.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
                tmp.replace(disk)
        with self._lock:
            return self.cache.setdefault(rel, pages)

    def page(self, rel: str, page: int) -> str | None:
        """Text of 1-based `page`, None when out of range."""
        pages = self(rel)
        return pages[page - 1] if 1 <= page <= len(pages) else None

    def compact(self, rel: str, page: int) -> tuple[str, bytearray] | None:
        """(normalised text, word-boundary marks) of a page, computed once."""
        key = (rel, page)
        if key not in self._compact:
            text = self.page(rel, page)
            if text is None:
                return None
            self._compact[key] = _compact(text)
        return self._compact[key]

    def quote_on_page(self, rel: str, page: int, quote: str) -> bool:
        q = normalise(quote)
        c = self.compact(rel, page)
        return bool(q) and c is not None and _find_words(c[0], c[1], q)

    def mentions(self, rel: str, page: int, phrase: str) -> bool:
        c = self.compact(rel, page)
        return c is not None and _mentions(c[0], c[1], phrase_variants(phrase))

    def pages_mentioning(self, rel: str, phrase: str) -> list[int]:
        """1-based pages of `rel` that mention the phrase (``page_mentions``)."""
        return [n for n in range(1, len(self(rel)) + 1) if self.mentions(rel, n, phrase)]


# ---------------------------------------------------------------- module-level conveniences

_DEFAULT: dict[str, IndependentPages] = {}


def _pages_for(corpus_root: str | Path) -> IndependentPages:
    key = str(Path(corpus_root).resolve())
    if key not in _DEFAULT:
        _DEFAULT[key] = IndependentPages(corpus_root)
    return _DEFAULT[key]


def quote_on_page(file: str | Path, page: int, quote: str, corpus_root: str | Path | None = None) -> bool:
    """The quote is on 1-based `page` of the PDF `file` (absolute, or relative to corpus_root)."""
    root = Path(corpus_root) if corpus_root is not None else Path(file).parent
    rel = str(file) if corpus_root is not None else Path(file).name
    return _pages_for(root).quote_on_page(rel, page, quote)


def independent_verifier(
    corpus_root: str | Path, cache_dir: str | Path | None = None, pages: IndependentPages | None = None
) -> Verifier:
    """An eval.metrics.Verifier: (file, page, quote) -> the quote is on that page per pdftotext.

    `file` is relative to corpus_root (a leading "./" or backslashes are tolerated). A file
    that cannot be read, a page out of range or an empty quote verifies False. Raises
    ExtractorMissing at once when pdftotext is not installed."""
    _pdftotext()
    src = pages or IndependentPages(corpus_root, cache_dir)

    def verify(file: str, page: int, quote: str) -> bool:
        rel = str(file).replace("\\", "/")
        while rel.startswith("./"):
            rel = rel[2:]
        try:
            return src.quote_on_page(rel, int(page), quote)
        except ExtractorMissing:
            raise
        except Exception:
            return False

    return verify


def main(argv: list[str] | None = None) -> int:
    """Time pdftotext over a corpus: python -m eval.independent_text [corpus] [--check-pages]."""
    import argparse
    import time

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("corpus", nargs="?", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    ap.add_argument("--check-pages", action="store_true", help="compare page counts with pdfinfo")
    args = ap.parse_args(argv)
    root = Path(args.corpus)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.pdf"))
    src = IndependentPages(root)
    n_pages, empty, t0, mismatched = 0, 0, time.perf_counter(), []
    for rel in files:
        pages = src(rel)
        n_pages += len(pages)
        empty += sum(not p.strip() for p in pages)
    elapsed = time.perf_counter() - t0
    if args.check_pages:
        for rel in files:
            info = subprocess.run(["pdfinfo", str(root / rel)], capture_output=True, text=True).stdout
            want = next((int(ln.split()[1]) for ln in info.splitlines() if ln.startswith("Pages:")), -1)
            if want != len(src(rel)):
                mismatched.append((rel, len(src(rel)), want))
    print(f"{len(files)} files, {n_pages} pages ({empty} without text) in {elapsed:.1f} s: "
          f"{1000 * elapsed / max(n_pages, 1):.1f} ms/page ({poppler_version()})")
    if args.check_pages:
        print(f"page count differs from pdfinfo in {len(mismatched)} file(s): {mismatched[:5]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
