"""Move an embedded index's catalog to a PostgreSQL database (and, if asked, its vectors to a
Chroma server) without reading or embedding a report again.

    inspection-assistant migrate --index index --to postgresql://... [--chroma-url http://...]

Every catalog table is copied row for row in one transaction; the vectors, if moved, are
copied with their stored embeddings. It is verified before the index is switched: each
table's rows and the vectors counted on both sides, and a sample of searches asked of both
(the same passages, best first). Only then does the index dir record its schema; the SQLite
file is kept beside it as `catalog.sqlite3.migrated`, so nothing is lost and the embedded
index is not used by mistake afterwards (it is refused with what to do).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from ingest.catalog import ALL_TABLES, FILE, SCHEMA, Catalog
from ingest.core.errors import AssistantError, IndexNotFound, StoreUnavailable
from ingest.core.settings import Settings
from ingest.databases import SCHEMA_RECORD, PostgresEngine, tables_of
from ingest.workers import IngestLock

TABLES = tables_of(SCHEMA)  # the catalog's own (the term index is made from them on the database)
BATCH = 2000
MIGRATED = FILE + ".migrated"


class MigrationFailed(AssistantError):
    """The copy did not verify; the index is left as it was (embedded), the database's copy dropped."""


@dataclass
class Migration:
    schema: str
    rows: dict[str, int] = field(default_factory=dict)
    vectors: int | None = None  # copied to the Chroma server; None: left where they were
    collection: str = ""  # the Chroma server's collection made for them
    searches: int = 0
    searches_alike: int = 0

    def format(self) -> str:
        tables = ", ".join(f"{t} {n:,}" for t, n in self.rows.items() if n)
        moved = f"; vectors copied to the Chroma server: {self.vectors:,}" if self.vectors is not None else ""
        return (f"catalog copied to schema {self.schema}: {tables}{moved}\n"
                f"verified: every table's rows counted on both sides; {self.searches_alike} of {self.searches} "
                "sample searches gave the same passages in the same order")


def migrate(index_dir: Path, to_url: str, chroma_url: str | None = None, schema: str | None = None,
            settings: Settings | None = None, samples: int = 20,
            progress: Callable[[str], None] = lambda _: None) -> Migration:
    index_dir = Path(index_dir)
    if (index_dir / FILE).is_file() and (index_dir / SCHEMA_RECORD).is_file():
        raise StoreUnavailable(f"{index_dir}: an earlier migration did not finish; delete {index_dir / SCHEMA_RECORD} "
                               "and run migrate again")
    if not (index_dir / FILE).is_file():
        if (index_dir / SCHEMA_RECORD).is_file():
            raise StoreUnavailable(f"{index_dir}: its catalog is already on a database (schema "
                                   f"{(index_dir / SCHEMA_RECORD).read_text().strip()})")
        raise IndexNotFound(index_dir)
    base = (settings or Settings.from_env()).model_copy(deep=True)
    base.index_dir = index_dir
    base.store.database_url = None
    target_schema = schema or f"index_{uuid.uuid4().hex[:16]}"
    with IngestLock(index_dir):  # no ingest writes while the catalog is copied
        source = Catalog(index_dir / FILE)
        engine = PostgresEngine(to_url, target_schema)
        if held := engine.tables():  # never fill, nor drop on failure, a schema holding anything else
            raise StoreUnavailable(f"schema {target_schema} on {engine.where} already holds tables ({', '.join(held[:3])}"
                                   f"{'...' if len(held) > 3 else ''}); name a new one")
        target = Catalog(engine)
        on_server = bool(source.query("SELECT 1 FROM state WHERE key='chroma_collection'"))
        if not on_server:
            base.store.chroma_url = None  # embedded vectors, whatever CHROMA_URL says
        elif chroma_url:
            base.store.chroma_url = chroma_url  # already on a server: the catalog names its collection
        result = Migration(target_schema)
        try:
            _copy_catalog(source, target, result, progress)
            progress("indexing the terms of every chunk")
            target.index_all_terms()
            moved = base.model_copy(deep=True)
            if chroma_url and not on_server:
                result.vectors = _copy_vectors(index_dir, base, chroma_url, target, result, progress)
                moved.store.chroma_url = chroma_url
            _verify(index_dir, base, moved, to_url, target_schema, result, samples, progress)
        except BaseException:
            engine.drop(ALL_TABLES)
            if result.collection:
                _drop_collection(index_dir, base, chroma_url, result.collection)
            raise
        source.engine.close()
        record = index_dir / SCHEMA_RECORD
        part = record.with_name(record.name + ".part")
        part.write_text(target_schema + "\n", encoding="utf-8")
        os.replace(part, record)
        for suffix in ("", "-wal", "-shm"):
            if (index_dir / (FILE + suffix)).exists():
                os.replace(index_dir / (FILE + suffix), index_dir / (MIGRATED + suffix))
    return result


def _copy_catalog(source: Catalog, target: Catalog, result: Migration, progress) -> None:
    with source.read(), target.transaction() as db:
        for table in TABLES:
            if not source.engine.has_table(table):  # an index made before the table existed
                result.rows[table] = 0
                continue
            progress(f"copying {table}")
            rows = source.query(f"SELECT * FROM {table}")
            db.execute(f"DELETE FROM {table}")  # the state a new schema starts with (no generation yet)
            for i in range(0, len(rows), BATCH):
                part = rows[i:i + BATCH]
                db.executemany(f"INSERT INTO {table} VALUES({', '.join('?' * len(part[0]))})", part)
            result.rows[table] = len(rows)
    for table, n in result.rows.items():
        (got,), = target.query(f"SELECT COUNT(*) FROM {table}")
        if got != n:
            raise MigrationFailed(f"{table}: {n:,} rows in the index, {got:,} on the database")


def _copy_vectors(index_dir: Path, settings: Settings, chroma_url: str, target: Catalog, result: Migration,
                  progress) -> int:
    from assistant.vectors import VectorStore

    embedded = VectorStore(index_dir, settings.store)
    name = result.collection = f"reports-{uuid.uuid4().hex[:16]}"
    with target.transaction() as db:
        db.execute("INSERT INTO state(key, value) VALUES('chroma_collection', ?)", (name,))
    server = VectorStore(index_dir, settings.store.model_copy(update={"chroma_url": chroma_url, "collection": name}))
    total = embedded.count()
    for offset in range(0, total, BATCH):
        progress(f"copying vectors {offset:,}-{min(offset + BATCH, total):,} of {total:,}")
        got = embedded.collection.get(include=["embeddings", "metadatas", "documents"], limit=BATCH, offset=offset)
        server.collection.add(ids=got["ids"], embeddings=got["embeddings"], metadatas=got["metadatas"],
                              documents=got["documents"])
    if server.count() != total:
        raise MigrationFailed(f"vectors: {total:,} in the index, {server.count():,} on the Chroma server")
    return total


def _drop_collection(index_dir: Path, settings: Settings, chroma_url: str | None, name: str) -> None:
    from assistant.vectors import make_client

    with suppress(Exception):  # the failure being reported matters more than this clean-up's
        make_client(index_dir, settings.store.model_copy(update={"chroma_url": chroma_url})).delete_collection(name)


def _verify(index_dir: Path, before: Settings, after: Settings, url: str, schema: str, result: Migration,
            samples: int, progress) -> None:
    """The same searches asked of the index as it was and as it will be: the same passages, best first."""
    from assistant.api import Assistant

    old = Assistant(before)
    after = after.model_copy(deep=True)
    after.store.database_url, after.store.database_schema = url, schema
    new = Assistant(after)
    if old.stats() != new.stats():
        raise MigrationFailed(f"the index counts {old.stats()}, the database {new.stats()}")
    chunks = old.catalog.chunks()
    step = max(1, len(chunks) // max(1, samples))
    questions = [" ".join(c.text.split()[:12]) for c in chunks[::step][:samples]]
    progress(f"asking {len(questions)} sample searches of both")
    for question in questions:
        a = [p.chunk_id for p in old.search(question, k=5)]
        b = [p.chunk_id for p in new.search(question, k=5)]
        result.searches += 1
        result.searches_alike += a == b
    old.catalog.engine.close()  # before its file is moved aside
    if result.searches and result.searches_alike < result.searches * 0.9:
        raise MigrationFailed(f"only {result.searches_alike} of {result.searches} sample searches gave the same "
                              "passages; the index is left as it was")

