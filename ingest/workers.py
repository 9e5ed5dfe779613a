"""Who may ingest into an index at once, and which files each takes.

Embedded (a SQLite catalog, or vectors in the index dir's own Chroma): one ingest at a time,
the next waiting on a lock file in the index dir, as always.

With the catalog on PostgreSQL and the vectors on a Chroma server, many ingest workers (on one
machine or several) run at once, each through its own database session:

- each file is claimed before it is read (an advisory lock on its name and one on its bytes,
  held until its report commits), so two workers never index the same file, nor two names of
  the same bytes, at once; a worker finding a file claimed leaves it to the other one;
- the sweep of orphan vectors (written by an ingest killed before its catalog commit) runs
  only when no other worker is ingesting: every worker holds a shared lock while it ingests,
  and the sweep needs the exclusive one, so it never deletes the vectors of a report another
  worker is about to commit. A worker killed with -9 loses its session, and with it its locks.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Protocol

from ingest.catalog import Catalog
from ingest.core.errors import AssistantError, StoreUnavailable
from ingest.databases import PostgresEngine


class Turns(Protocol):
    shared: bool  # other workers may be ingesting at the same time

    def claim(self, file: str, sha: str) -> bool: ...
    def release(self, file: str, sha: str) -> None: ...
    def check(self) -> None: ...


class IngestLock:
    """One writer per index: a second ingest waits instead of interleaving writes."""

    shared = False

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / "ingest.lock"

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = self.path.open("w")
        fcntl.flock(self.fh, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()

    def claim(self, file: str, sha: str) -> bool:
        return True  # no one else is ingesting

    def release(self, file: str, sha: str) -> None:
        pass

    def check(self) -> None:
        pass  # the lock file is held while the process lives


def _key(*parts: str) -> int:
    """A 64-bit advisory lock key (hashtext's 32 bits would let two files share a claim)."""
    return int.from_bytes(hashlib.sha256("\0".join(parts).encode()).digest()[:8], "big", signed=True)


class DatabaseTurns:
    """Claims and the ingest lock as advisory locks of one session of the catalog's database."""

    shared = True

    def __init__(self, engine: PostgresEngine):
        self.engine = engine
        self.session = engine.session()
        self.ingesting = _key("ingest", engine.schema)

    def _lock(self, sql: str, key: int) -> bool:
        with self.engine.errors():
            return bool(self.session.execute(sql, (key,)).fetchone()[0])

    def begin(self, sweep: Callable[[], None]) -> None:
        if self._lock("SELECT pg_try_advisory_lock(%s)", self.ingesting):  # no other worker: sweep, then share
            try:
                sweep()
            finally:
                self._lock("SELECT pg_advisory_lock_shared(%s) IS NULL", self.ingesting)
                self._lock("SELECT pg_advisory_unlock(%s)", self.ingesting)
        else:
            self._lock("SELECT pg_advisory_lock_shared(%s) IS NULL", self.ingesting)

    def claim(self, file: str, sha: str) -> bool:
        if not self._lock("SELECT pg_try_advisory_lock(%s)", _key("file", self.engine.schema, file)):
            return False
        if self._lock("SELECT pg_try_advisory_lock(%s)", _key("bytes", self.engine.schema, sha)):
            return True
        self._lock("SELECT pg_advisory_unlock(%s)", _key("file", self.engine.schema, file))
        return False

    def release(self, file: str, sha: str) -> None:
        with suppress(AssistantError):  # a session that is gone took its locks with it
            self._lock("SELECT pg_advisory_unlock(%s)", _key("bytes", self.engine.schema, sha))
            self._lock("SELECT pg_advisory_unlock(%s)", _key("file", self.engine.schema, file))

    def check(self) -> None:
        """Before a report is written: the session holding this worker's locks is still there. Had
        it been dropped (an idle timeout, the network), another worker could sweep this one's new
        vectors as orphans before its commit; so it stops instead, one line, nothing written."""
        try:
            with self.engine.errors():
                self.session.execute("SELECT 1")
        except AssistantError:
            raise StoreUnavailable("this ingest worker lost its database session, and the claims it held; it stopped "
                                   "before writing the next report: run the ingest again") from None

    def close(self) -> None:
        self.session.close()  # every lock of the session goes with it


@contextmanager
def ingest_turns(catalog: Catalog, index_dir: Path, vectors_shared: bool,
                 sweep: Callable[[], None]) -> Iterator[Turns]:
    """The turns this ingest takes; `sweep` (the orphan vectors') runs when no one else ingests."""
    engine = catalog.engine
    if isinstance(engine, PostgresEngine) and vectors_shared:
        turns = DatabaseTurns(engine)
        try:
            turns.begin(sweep)
            yield turns
        finally:
            turns.close()
        return
    with IngestLock(index_dir) as lock:
        sweep()
        yield lock
