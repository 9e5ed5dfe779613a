"""Processes that open one new store at once take turns: SQLite's switch to WAL and embedded
Chroma's first tables are made as a store opens, unguarded, so two ingests started together
would fail ("database is locked", "table collections already exists")."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


@contextmanager
def taking_turns(lock_file: Path) -> Iterator[None]:
    """Hold `lock_file` while opening. A folder that cannot hold the lock file cannot be written
    to either, so the store opens without one (read-only, nothing to race with)."""
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        fh = lock_file.open("a")
    except OSError:
        yield
        return
    with fh:
        with suppress(OSError):  # a file system without locks (some network shares): open as before, unguarded
            fcntl.flock(fh, fcntl.LOCK_EX)
        yield
