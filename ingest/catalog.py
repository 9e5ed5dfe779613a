"""The catalog: the source of truth for what is indexed, in SQLite beside the vectors or in a
PostgreSQL schema (ingest.databases).

A report exists for readers only once its catalog transaction commits; vectors written
before that commit are invisible (queries keep only catalog ids) and are swept as orphans
on the next ingest. That is what makes a SIGKILL mid-ingest harmless.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.copies import page_print
from ingest.core.types import Judgement, ReportMeta
from ingest.databases import Connection, Engine, SqliteEngine, as_pg, tables_of
from ingest.term_index import SCHEMA as TERM_SCHEMA
from ingest.term_index import TermIndex

FILE = "catalog.sqlite3"  # in the index dir, when the catalog is not on a database server

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    file TEXT NOT NULL UNIQUE,
    source_path TEXT NOT NULL,
    meta TEXT NOT NULL,
    n_pages INTEGER NOT NULL,
    n_chunks INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS aliases (file TEXT PRIMARY KEY, report_id TEXT NOT NULL, source_path TEXT NOT NULL);
-- an alias whose bytes differ from its report's (the same text saved again): its own bytes' digest
CREATE TABLE IF NOT EXISTS alias_shas (file TEXT PRIMARY KEY, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    report_id TEXT NOT NULL, page INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (report_id, page)
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    section TEXT NOT NULL,
    paragraphs TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_report ON chunks(report_id);
CREATE TABLE IF NOT EXISTS recommendations (
    report_id TEXT NOT NULL, ordinal INTEGER NOT NULL, text TEXT NOT NULL, page INTEGER NOT NULL,
    PRIMARY KEY (report_id, ordinal)
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS page_prints (
    report_id TEXT NOT NULL, page INTEGER NOT NULL, print TEXT NOT NULL,
    copy INTEGER NOT NULL,  -- 1: the page repeats one indexed elsewhere, which is where its text is searched
    PRIMARY KEY (report_id, page)
);
CREATE INDEX IF NOT EXISTS page_prints_print ON page_prints(print);
-- where a file was published (from a metadata sidecar, ingest.sidecar), kept apart from the
-- reports so a changed sidecar changes it without reading or embedding anything again
CREATE TABLE IF NOT EXISTS sources (file TEXT PRIMARY KEY, url TEXT NOT NULL, title TEXT NOT NULL, sidecar TEXT NOT NULL);
-- a report's own reading of its council and date, kept while a sidecar's is preferred (--prefer-sidecar)
CREATE TABLE IF NOT EXISTS text_readings (report_id TEXT PRIMARY KEY, authority TEXT NOT NULL, published TEXT NOT NULL);
"""


@dataclass
class ChunkRow:
    chunk_id: str
    report_id: str
    ordinal: int
    text: str
    page_start: int
    page_end: int
    section: str
    paragraphs: list[int]
    char_start: int
    char_end: int


def meta_to_json(meta: ReportMeta) -> str:
    return json.dumps(meta.to_dict(), sort_keys=True)


def meta_from_json(raw: str) -> ReportMeta:
    data = json.loads(raw)
    for key in ("inspection_start", "inspection_end", "published"):
        data[key] = date.fromisoformat(data[key]) if data.get(key) else None
    data["judgements"] = {k: Judgement(**v) for k, v in data.get("judgements", {}).items()}
    return ReportMeta(**data)


def read_only_part(directory: Path, skip: tuple[str, ...] = ()) -> Path | None:
    """The first folder or file under `directory` (itself included, the names in `skip` left out)
    that this process cannot write, or None."""
    for folder, subfolders, files in os.walk(directory):
        subfolders[:] = [d for d in subfolders if d not in skip]
        for path in (Path(folder), *(Path(folder) / f for f in files if f not in skip)):
            if not os.access(path, os.W_OK):
                return path
    return None


ALL_TABLES = tables_of(SCHEMA + TERM_SCHEMA)  # what dropping an index on a database drops


class Catalog:
    def __init__(self, engine: Engine | Path):
        """`engine`: where the catalog lives (a Path is a SQLite file, as before databases)."""
        self.engine: Engine = SqliteEngine(engine) if isinstance(engine, Path) else engine
        self.read_only = self.engine.read_only
        # On a database the lexical index is the catalog's too (ingest.term_index), kept in its transactions.
        self.terms = TermIndex() if self.engine.keeps_terms else None
        self.engine.create(SCHEMA + (TERM_SCHEMA if self.terms else ""))
        if not self.read_only:
            self._print_pages_of_older_index()
            if self.terms and not self.query("SELECT 1 FROM postings LIMIT 1") and self.query("SELECT 1 FROM chunks LIMIT 1"):
                self.index_all_terms()  # a catalog copied in, or made before the term index had postings

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.errors():
            db = self.engine.connection()
            try:  # begun inside: an interrupted wait for the writers' lock is rolled back too
                self.engine.begin_write(db)
                yield db
            except BaseException:
                with suppress(Exception):  # no transaction begun, or the connection is gone
                    db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[None]:
        """Every query inside sees one committed state."""
        with self.engine.errors():
            db = self.engine.connection()
            self.engine.begin_read(db)
            try:
                yield
            finally:
                db.execute("COMMIT")

    def query(self, sql: str, args: Iterable = ()) -> list[tuple]:
        with self.engine.errors():
            return [tuple(row) for row in self.engine.connection().execute(sql, tuple(args)).fetchall()]

    # -- state -------------------------------------------------------------------------
    def generation(self) -> int:
        rows = self.query("SELECT value FROM state WHERE key='generation'")
        return int(rows[0][0]) if rows else 0

    @staticmethod
    def _bump(db: Connection) -> None:
        db.execute(
            "INSERT INTO state(key, value) VALUES('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(state.value AS INTEGER) + 1 AS TEXT)"
        )

    # -- reports -----------------------------------------------------------------------
    def report_by_file(self, file: str) -> tuple[str, str] | None:
        """(report_id, sha256) of the report indexed under this file name or alias."""
        rows = self.query("SELECT report_id, sha256 FROM reports WHERE file=?", (file,))
        if rows:
            return rows[0]
        rows = self.query(
            "SELECT r.report_id, COALESCE(s.sha256, r.sha256) FROM aliases a JOIN reports r USING(report_id) "
            "LEFT JOIN alias_shas s ON s.file = a.file WHERE a.file=?", (file,)
        )
        return rows[0] if rows else None

    def own_report(self, file: str) -> str | None:
        """The report stored under this file name itself (not reached through an alias)."""
        rows = self.query("SELECT report_id FROM reports WHERE file=?", (file,))
        return rows[0][0] if rows else None

    def promote_alias(self, report_id: str) -> str | None:
        """Hand a report to one of its aliases whose file still exists; returns that file.

        Used when the report's own file is gone or now holds other bytes: the copy (of its bytes or
        of its text) keeps the content indexed without re-embedding it.
        """
        for file, source_path in self.query("SELECT file, source_path FROM aliases WHERE report_id=? ORDER BY file", (report_id,)):
            if not os.path.exists(source_path):
                continue
            (raw,), = self.query("SELECT meta FROM reports WHERE report_id=?", (report_id,))
            meta = meta_from_json(raw)
            meta.file = file
            with self.transaction() as db:
                db.execute("DELETE FROM aliases WHERE file=?", (file,))
                db.execute(  # a copy of the text, not the bytes, brings its own digest
                    "UPDATE reports SET sha256 = COALESCE((SELECT sha256 FROM alias_shas WHERE file=?), sha256) "
                    "WHERE report_id=?", (file, report_id))
                db.execute("DELETE FROM alias_shas WHERE file=?", (file,))
                db.execute(
                    "UPDATE reports SET file=?, source_path=?, meta=? WHERE report_id=?",
                    (file, source_path, meta_to_json(meta), report_id),
                )
                self._bump(db)
            return file
        return None

    def report_by_sha(self, sha: str) -> tuple[str, str] | None:
        rows = self.query("SELECT report_id, file FROM reports WHERE sha256=?", (sha,))
        return rows[0] if rows else None

    def add_alias(self, file: str, report_id: str, source_path: str, sha: str | None = None) -> None:
        """`file` is another name for the report; `sha`: its own bytes, when they are not the report's."""
        with self.transaction() as db:
            db.execute("INSERT INTO aliases VALUES(?, ?, ?) ON CONFLICT(file) DO UPDATE SET report_id=excluded.report_id, "
                       "source_path=excluded.source_path", (file, report_id, source_path))
            db.execute("DELETE FROM alias_shas WHERE file=?", (file,))
            if sha is not None:
                db.execute("INSERT INTO alias_shas VALUES(?, ?)", (file, sha))
            self._bump(db)

    def replace_report(
        self,
        meta: ReportMeta,
        sha: str,
        source_path: str,
        pages: list[str],
        chunks: list[ChunkRow],
        recommendations: list[tuple[str, int]],
        replaces: str | None,
        copied: Iterable[int] = (),
    ) -> None:
        """Commit a report (and drop the one it replaces) in one transaction; `copied`: its pages
        that repeat a page indexed elsewhere (ingest.copies)."""
        copied = set(copied)
        with self.transaction() as db:
            if replaces:
                self._delete(db, replaces)
            db.execute("DELETE FROM aliases WHERE file=?", (meta.file,))
            db.execute("DELETE FROM alias_shas WHERE file=?", (meta.file,))
            db.execute(
                "INSERT INTO reports VALUES(?, ?, ?, ?, ?, ?, ?)",
                (meta.report_id, sha, meta.file, source_path, meta_to_json(meta), len(pages), len(chunks)),
            )
            db.executemany(
                "INSERT INTO pages VALUES(?, ?, ?)", [(meta.report_id, i + 1, t) for i, t in enumerate(pages)]
            )
            db.executemany("INSERT INTO page_prints VALUES(?, ?, ?, ?)",
                           [(meta.report_id, i + 1, mark, int(i + 1 in copied)) for i, t in enumerate(pages)
                            if (mark := page_print(t))])
            db.executemany(
                "INSERT INTO chunks VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (c.chunk_id, c.report_id, c.ordinal, c.text, c.page_start, c.page_end, c.section,
                     json.dumps(c.paragraphs), c.char_start, c.char_end)
                    for c in chunks
                ],
            )
            db.executemany(
                "INSERT INTO recommendations VALUES(?, ?, ?, ?)",
                [(meta.report_id, i, text, page) for i, (text, page) in enumerate(recommendations)],
            )
            if self.terms:
                self.terms.add(as_pg(db), meta, [(c.chunk_id, c.section, c.text) for c in chunks])
            self._release_copies(db)
            self._bump(db)

    def remove_report(self, report_id: str) -> None:
        with self.transaction() as db:
            self._delete(db, report_id)
            self._release_copies(db)
            self._bump(db)

    def remove_alias(self, file: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM aliases WHERE file=?", (file,))
            db.execute("DELETE FROM alias_shas WHERE file=?", (file,))
            self._bump(db)

    def _delete(self, db: Connection, report_id: str) -> None:
        if self.terms:
            self.terms.drop(as_pg(db), report_id)
        db.execute("DELETE FROM alias_shas WHERE file IN (SELECT file FROM aliases WHERE report_id=?)", (report_id,))
        for table in ("reports", "pages", "chunks", "recommendations", "aliases", "page_prints", "text_readings"):
            db.execute(f"DELETE FROM {table} WHERE report_id=?", (report_id,))

    @staticmethod
    def _release_copies(db: Connection) -> None:
        """A file whose copied pages were searched in a report that is gone (or changed) is read
        again on the next run: its digest is cleared, so it no longer reads as unchanged."""
        db.execute("UPDATE reports SET sha256 = '' WHERE report_id IN (SELECT c.report_id FROM page_prints c "
                   "WHERE c.copy = 1 AND NOT EXISTS (SELECT 1 FROM page_prints o WHERE o.print = c.print "
                   "AND o.copy = 0))")

    def files(self) -> list[tuple[str, str, str, bool]]:
        """(file, report_id, source_path, is_alias) for every indexed file name."""
        rows = [(*r, False) for r in self.query("SELECT file, report_id, source_path FROM reports")]
        rows += [(*r, True) for r in self.query("SELECT file, report_id, source_path FROM aliases")]
        return sorted(rows)

    # -- publishers' addresses ------------------------------------------------------------
    def set_sources(self, sidecar: str, rows: dict[str, tuple[str, str]], covered: Iterable[str]) -> int:
        """Each file of `covered` (the indexed files `sidecar` could name) takes its row of `rows`
        (file -> (url, title)); one it no longer names loses the address it gave. Returns how many changed."""
        changed = 0
        with self.transaction() as db:
            for file in covered:
                old = db.execute("SELECT url, title, sidecar FROM sources WHERE file=?", (file,)).fetchone()
                if file in rows:
                    if old is None or tuple(old) != (*rows[file], sidecar):
                        db.execute("INSERT INTO sources VALUES(?, ?, ?, ?) ON CONFLICT(file) DO UPDATE SET url=excluded.url, "
                                   "title=excluded.title, sidecar=excluded.sidecar", (file, *rows[file], sidecar))
                        changed += 1
                elif old is not None and old[2] == sidecar:
                    db.execute("DELETE FROM sources WHERE file=?", (file,))
                    changed += 1
        return changed

    def source_url(self, file: str) -> str | None:
        """Where `file` was published; a file with none known takes another name of the same
        report's (the first by name). None in a read-only index made before addresses were kept."""
        if self.read_only and not self.engine.has_table("sources"):
            return None
        rows = self.query(
            "SELECT s.url FROM sources s JOIN (SELECT file, report_id FROM reports UNION ALL "
            "SELECT file, report_id FROM aliases) f ON f.file = s.file WHERE s.file=? OR f.report_id IN ("
            "SELECT report_id FROM reports WHERE file=? UNION SELECT report_id FROM aliases WHERE file=?) "
            "ORDER BY s.file <> ?, s.file", (file, file, file, file))
        return rows[0][0] if rows else None

    def forget_source(self, file: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM sources WHERE file=?", (file,))

    def forget_sidecars_gone(self) -> int:
        """Addresses from a sidecar that no longer exists (deleted or renamed) are dropped."""
        gone = [path for (path,) in self.query("SELECT DISTINCT sidecar FROM sources") if not os.path.exists(path)]
        with self.transaction() as db:
            db.executemany("DELETE FROM sources WHERE sidecar=?", [(path,) for path in gone])
        return len(gone)

    def set_reading(self, meta: ReportMeta, authority: str, published: date | None) -> None:
        """A report's council and date as a sidecar gives them, its text's kept to restore; readers see it at once."""
        with self.transaction() as db:
            db.execute("INSERT INTO text_readings VALUES(?, ?, ?) ON CONFLICT DO NOTHING",
                       (meta.report_id, meta.authority, meta.published.isoformat() if meta.published else ""))
            meta.authority, meta.published = authority, published
            db.execute("UPDATE reports SET meta=? WHERE report_id=?", (meta_to_json(meta), meta.report_id))
            self._index_terms_again(db, meta)
            self._bump(db)

    def restore_text_readings(self, report_ids: set[str]) -> int:
        """These reports, if a sidecar's council and date were preferred, read their text's again."""
        rows = [r for r in self.query("SELECT t.report_id, t.authority, t.published, r.meta FROM text_readings t "
                                      "JOIN reports r USING(report_id)") if r[0] in report_ids]
        with self.transaction() as db:
            for report_id, authority, published, raw in rows:
                meta = meta_from_json(raw)
                meta.authority, meta.published = authority, date.fromisoformat(published) if published else None
                db.execute("UPDATE reports SET meta=? WHERE report_id=?", (meta_to_json(meta), report_id))
                self._index_terms_again(db, meta)
            db.executemany("DELETE FROM text_readings WHERE report_id=?", [(r[0],) for r in rows])
            if rows:
                self._bump(db)
        return len(rows)

    def _index_terms_again(self, db: Connection, meta: ReportMeta) -> None:
        """A report's council or date changed: its chunks' indexed text (their context line) did too."""
        if self.terms:
            self.terms.drop(as_pg(db), meta.report_id)
            self.terms.add(as_pg(db), meta, db.execute("SELECT chunk_id, section, text FROM chunks WHERE report_id=? "
                                                "ORDER BY ordinal", (meta.report_id,)).fetchall())

    def index_all_terms(self) -> None:
        """Index every report's terms (a catalog copied in by `migrate`, or made before the term index)."""
        if not self.terms:
            return
        with self.transaction() as db:
            for table in ("terms", "term_df", "postings"):
                db.execute(f"DELETE FROM {table}")
            for (raw,) in db.execute("SELECT meta FROM reports ORDER BY report_id").fetchall():
                meta = meta_from_json(raw)
                self.terms.add(as_pg(db), meta, db.execute("SELECT chunk_id, section, text FROM chunks WHERE report_id=? "
                                                    "ORDER BY ordinal", (meta.report_id,)).fetchall())

    def chunk_ids_of(self, report_id: str) -> list[str]:
        return [cid for (cid,) in self.query("SELECT chunk_id FROM chunks WHERE report_id=?", (report_id,))]

    def reports(self) -> list[ReportMeta]:
        return [meta_from_json(raw) for (raw,) in self.query("SELECT meta FROM reports ORDER BY file")]

    def chunk_ids(self) -> set[str]:
        return {cid for (cid,) in self.query("SELECT chunk_id FROM chunks")}

    def chunks(self, ids: Iterable[str] | None = None) -> list[ChunkRow]:
        sql = "SELECT * FROM chunks"
        if ids is None:
            rows = self.query(sql + " ORDER BY report_id, ordinal")
        else:
            ids = list(ids)
            rows = []
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                rows += self.query(sql + f" WHERE chunk_id IN ({','.join('?' * len(part))})", part)
        return [ChunkRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8], r[9]) for r in rows]

    def page_text(self, report_id: str, page: int) -> str | None:
        rows = self.query("SELECT text FROM pages WHERE report_id=? AND page=?", (report_id, page))
        return rows[0][0] if rows else None

    def pages(self, report_id: str) -> list[str]:
        return [t for (t,) in self.query("SELECT text FROM pages WHERE report_id=? ORDER BY page", (report_id,))]

    def printed_pages(self, prints: set[str], other_than: str | None) -> dict[str, list[tuple[str, str, int]]]:
        """print -> every (report_id, file, page) where that text is indexed (not a copy of it),
        leaving out report `other_than`."""
        found: dict[str, list[tuple[str, str, int]]] = {}
        marks = sorted(prints)
        for i in range(0, len(marks), 500):
            part = marks[i : i + 500]
            rows = self.query(
                "SELECT p.print, p.report_id, r.file, p.page FROM page_prints p JOIN reports r USING(report_id) "
                f"WHERE p.print IN ({','.join('?' * len(part))}) AND p.report_id != ? AND p.copy = 0 "
                "ORDER BY r.file, p.page",
                [*part, other_than or ""])
            for mark, rid, file, page in rows:
                found.setdefault(mark, []).append((rid, file, page))
        return found

    def page_count(self, report_id: str) -> int:
        rows = self.query("SELECT n_pages FROM reports WHERE report_id=?", (report_id,))
        return rows[0][0] if rows else 0

    def copies_of(self, report_id: str, page: int) -> list[tuple[str, int]]:
        """(file, page) of every other indexed page with the same text as this one (none in a
        read-only index made before pages had prints)."""
        if self.read_only and not self.engine.has_table("page_prints"):
            return []
        return [(f, p) for f, p in self.query(
            "SELECT r.file, o.page FROM page_prints s JOIN page_prints o ON o.print = s.print "
            "JOIN reports r ON r.report_id = o.report_id WHERE s.report_id=? AND s.page=? "
            "AND NOT (o.report_id=? AND o.page=?) ORDER BY r.file, o.page", (report_id, page, report_id, page))]

    def _print_pages_of_older_index(self) -> None:
        """An index made before pages had prints gets them, once."""
        if self.query("SELECT 1 FROM page_prints LIMIT 1") or not self.query("SELECT 1 FROM pages LIMIT 1"):
            return
        with self.transaction() as db:
            rows = db.execute("SELECT report_id, page, text FROM pages").fetchall()
            db.executemany("INSERT INTO page_prints VALUES(?, ?, ?, 0) ON CONFLICT DO NOTHING",
                           [(rid, page, mark) for rid, page, text in rows if (mark := page_print(text))])

    def recommendations(self, report_id: str) -> list[tuple[str, int]]:
        return [(t, p) for t, p in self.query(
            "SELECT text, page FROM recommendations WHERE report_id=? ORDER BY ordinal", (report_id,)
        )]

    def stats(self) -> dict[str, int]:
        (reports, pages, chunks), = self.query(
            "SELECT COUNT(*), COALESCE(SUM(n_pages), 0), COALESCE(SUM(n_chunks), 0) FROM reports"
        )
        return {"reports": reports, "pages": pages, "chunks": chunks}
