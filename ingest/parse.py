"""One PDF -> its pages, report metadata, recommendations and chunks (what ingest embeds and
stores). Runs inside a reader process (ingest.parse_worker), never in the ingest process."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ingest.chunk import Chunk, chunk_report
from ingest.core.settings import Settings
from ingest.core.types import ReportMeta
from ingest.core.vocabulary import REPORT_TYPE_LABELS
from ingest.read import ReadError, read_pdf
from ingest.structure import extract_recommendations, extract_report_meta
from ingest.wordpieces import count_wordpieces

READER_STAGES = ("read", "structure", "chunk")  # what parse_file does, in a reader process


@dataclass
class Parsed:
    file: str
    source_path: str
    sha: str
    meta: ReportMeta | None = None
    pages: list[str] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    recommendations: list[tuple[str, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str = ""


def context_line(meta: ReportMeta, section: str) -> str:
    """The short line embedded with every chunk so its vector knows whose report it is."""
    when = meta.inspection_end or meta.published
    parts = [meta.authority, REPORT_TYPE_LABELS.get(meta.report_type, meta.report_type)]
    if when:
        parts.append(when.strftime("%B %Y"))
    head = ", ".join(p for p in parts if p)
    return f"{head}. {section}".strip() if section else head


class StageClock:
    """Seconds per ingest stage (read, structure, chunk, embed, write), summed over files: wall,
    and CPU of the thread doing the stage. Parsing runs in a reader process beside embedding, so
    the stages' wall seconds add up to more than the run's; the embedder's worker threads count
    only in the process's CPU total, the reader's CPU only in its stages."""

    def __init__(self) -> None:
        self.seconds: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def add(self, seconds: dict[str, tuple[float, float]]) -> None:
        """Another clock's totals (a reader process's), added in."""
        with self._lock:
            for stage, (wall, cpu) in seconds.items():
                w, c = self.seconds.get(stage, (0.0, 0.0))
                self.seconds[stage] = (w + wall, c + cpu)

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            with self._lock:
                w, c = self.seconds.get(stage, (0.0, 0.0))
                self.seconds[stage] = (w + time.perf_counter() - wall, c + time.thread_time() - cpu)


def parse_file(path: str, rel: str, sha: str, settings: Settings, clock: StageClock | None = None,
               on_scan: Callable[[int], None] | None = None) -> Parsed:
    """Read, describe and chunk one PDF; never raises for bad input, except MemoryError (the
    reader process reports it with its limit). `on_scan(n)` hears of n pages about to be OCR'd."""
    clock = clock or StageClock()
    parsed = Parsed(file=rel, source_path=path, sha=sha)
    try:
        cfg_in = settings.ingest
        with clock("read"):
            pdf = read_pdf(path, max_bytes=cfg_in.max_file_mb * 2**20, max_pages=cfg_in.max_pages, ocr=cfg_in.ocr,
                           ocr_dpi=cfg_in.ocr_dpi, ocr_timeout_s=cfg_in.ocr_timeout_s, on_scan=on_scan)
    except ReadError as exc:
        parsed.error = str(exc)
        return parsed
    except MemoryError:
        raise
    except Exception as exc:  # a parser bug must cost one file, not the run
        parsed.error = f"could not read PDF ({type(exc).__name__}: {exc})"
        return parsed
    with clock("structure"):
        meta = extract_report_meta(pdf.pages, rel, sha[:16])
        parsed.recommendations = extract_recommendations(pdf.pages)
    meta.pages = pdf.page_count
    meta.ocr_pages = pdf.ocr_pages
    cfg = settings.chunk
    with clock("chunk"):
        parsed.chunks = chunk_report(
            pdf.pages,
            count_wordpieces,
            lambda section: context_line(meta, section),
            window=cfg.window_wordpieces,
            target=cfg.target_wordpieces,
            minimum=cfg.min_wordpieces,
        )
    if not parsed.chunks:
        parsed.error = "no text to index (no text layer, and nothing read by OCR)"
        return parsed
    parsed.meta = meta
    parsed.pages = [p.text for p in pdf.pages]
    parsed.warnings = pdf.warnings
    return parsed


