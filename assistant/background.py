"""Ingest in the background while the chat serves: the first run opens at once and fills as
reports are indexed. The same `Assistant.ingest` path as the CLI and uploads, on a thread of
the serving process (its readers already see each committed report whole, never a half one).
Stopping the server mid-way loses nothing: every report is committed on its own, and the next
start skips what is indexed and resumes with the rest.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from assistant import phrases
from ingest.normalize import printable
from ingest.pipeline import discover

SHOWN_REFUSED = 5  # files named in the page's line; the rest counted


@dataclass(frozen=True)
class IngestProgress:
    files: int = 0  # PDFs found under the paths
    to_do: int = 0  # of them new or changed (known once the first is stored)
    done: int = 0  # stored (or failed) so far in this run
    current: str = ""  # the file last stored
    started: float = 0.0
    running: bool = False
    refused: tuple[str, ...] = ()  # "file: reason" of each file the finished run could not index
    error: str = ""

    def seconds_left(self) -> float | None:
        if not self.running or not self.done or not self.to_do:
            return None
        return (time.monotonic() - self.started) / self.done * (self.to_do - self.done)


class BackgroundIngest:
    def __init__(self, assistant, paths: list[str | Path], root: str | Path | None = None):
        self.assistant, self.paths, self.root = assistant, [Path(p) for p in paths], root
        self._progress = IngestProgress()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def progress(self) -> IngestProgress:
        with self._lock:
            return self._progress

    def _set(self, **changes) -> None:
        with self._lock:
            self._progress = replace(self._progress, **changes)

    def start(self) -> BackgroundIngest:
        files = len(discover(self.paths, self.root))
        self._set(files=files, started=time.monotonic(), running=True)
        self._thread = threading.Thread(target=self._run, name="background-ingest", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        def step(fraction: float, name: str) -> None:
            done = self.progress.done + 1
            self._set(done=done, to_do=max(done, round(done / fraction)) if fraction else 0, current=name)

        try:
            summary = self.assistant.ingest(self.paths, root=self.root, progress=step)
            self._set(running=False, refused=tuple(f"{printable(r.file)}: {printable(r.reason)}" for r in summary.failed))
        except Exception as exc:  # shown in the page; the server keeps serving what is indexed
            self._set(running=False, error=f"{type(exc).__name__}: {exc}")

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.progress.running

    def so_far(self) -> str:
        """The note for an answer given while ingest runs, "" once it is done."""
        progress = self.progress
        if not progress.running:
            return ""
        return phrases.SO_FAR.format(n=self.assistant.stats()["reports"], total=progress.files)

    def status(self, indexed: int) -> str:
        """One line for the page: `indexed` reports of the total, the current file, time left."""
        p = self.progress
        if p.error:
            return phrases.INGEST_FAILED.format(error=p.error)
        if not p.running:
            if not p.refused:
                return ""
            more = f"; and {len(p.refused) - SHOWN_REFUSED} more" if len(p.refused) > SHOWN_REFUSED else ""
            return phrases.INGEST_REFUSED.format(k=len(p.refused), files="; ".join(p.refused[:SHOWN_REFUSED]) + more)
        left = p.seconds_left()
        eta = f", about {max(1, round(left / 60))} min left" if left is not None else ""
        current = f"; last indexed: {p.current}" if p.current else ""
        return phrases.INGESTING.format(n=indexed, total=p.files, done=p.done, to_do=p.to_do or "?",
                                        current=current, eta=eta)
