"""Where the catalog lives: a SQLite file beside the vectors (the default), or a schema of a
PostgreSQL database shared by many processes and machines (`store.database_url`).

The catalog (ingest.catalog) speaks one SQL to both: `?` placeholders, `INSERT ... ON CONFLICT`,
plain types. Each engine opens a connection per thread, begins the two kinds of transaction and
turns its driver's errors into the user errors of ingest.core.errors:

- a write transaction takes the one writer's lock (SQLite's BEGIN IMMEDIATE; on PostgreSQL an
  advisory lock on the schema), so writers queue as they always have;
- a read transaction sees one committed state (SQLite's WAL snapshot; REPEATABLE READ).
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from ingest.core.errors import BadSetting, DatabaseUnreachable, IndexDamaged, IndexReadOnly, StoreUnavailable
from ingest.core.turns import taking_turns

SCHEMA_RECORD = "catalog-schema"  # in the index dir: the PostgreSQL schema holding its catalog
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class Connection(Protocol):
    def execute(self, sql: str, args: Any = ..., /) -> Any: ...
    def executemany(self, sql: str, rows: Any, /) -> Any: ...


class Engine(Protocol):
    where: str  # the index or database, as errors name it
    read_only: bool
    keeps_terms: bool  # holds the lexical index too (ingest.term_index), else bm25s in the index dir does

    def connection(self) -> Connection: ...
    def create(self, schema_sql: str) -> None: ...
    def begin_write(self, db: Connection) -> None: ...
    def begin_read(self, db: Connection) -> None: ...
    def has_table(self, name: str) -> bool: ...
    def close(self) -> None: ...
    @contextmanager
    def errors(self) -> Iterator[None]: ...


class SqliteEngine:
    """One file, one writer at a time, readers on WAL snapshots."""

    keeps_terms = False

    def __init__(self, path: Path):
        self.path = Path(path)
        self.where = str(self.path.parent)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # SQLite writes beside the file (-wal, -shm) even to read, so both must be writable.
        self.read_only = self.path.exists() and not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK))

    def connection(self) -> sqlite3.Connection:
        # One connection per thread: sqlite3 connections must not cross threads.
        db = getattr(self._local, "db", None)
        if db is None and self.read_only:
            # A WAL database needs a -shm file to be read, which a read-only folder cannot hold. With
            # no -wal file every commit is in the database file and no one without write access can
            # add one, so it is read as immutable (no -shm, no locks); a -wal left there is read too.
            wal = self.path.with_name(self.path.name + "-wal").exists()
            uri = f"file:{quote(str(self.path))}?mode=ro" + ("" if wal else "&immutable=1")
            db = self._local.db = sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None)
        elif db is None:
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def create(self, schema_sql: str) -> None:
        try:
            with nullcontext() if self.read_only else taking_turns(self.path.with_name("catalog.lock")):
                self.connection().executescript("SELECT 1 FROM state LIMIT 1" if self.read_only else schema_sql)
        except sqlite3.DatabaseError as exc:  # truncated or overwritten: say so, never a traceback
            if self.read_only and type(exc) is sqlite3.OperationalError:  # e.g. a -wal it cannot read without writing
                raise IndexReadOnly(self.path.parent, self.path, "read") from None
            raise IndexDamaged(self.path.parent, f"catalog unreadable: {exc}") from None

    def begin_write(self, db: Connection) -> None:
        if self.read_only:
            raise IndexReadOnly(self.path.parent, self.path, "write to")
        db.execute("BEGIN IMMEDIATE")

    def begin_read(self, db: Connection) -> None:
        db.execute("BEGIN")

    def has_table(self, name: str) -> bool:
        return bool(self.connection().execute("SELECT 1 FROM sqlite_master WHERE name=?", (name,)).fetchall())

    def close(self) -> None:
        """Close this thread's connection (a file about to be moved aside)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    @contextmanager
    def errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if type(exc) is not sqlite3.DatabaseError:  # locked, a bad query...: not damage, keep the traceback
                raise
            raise IndexDamaged(self.path.parent, f"catalog unreadable: {exc}") from None


def redacted(url: str) -> str:
    """The address without its password, for messages (from a URL or libpq's key=value form,
    wherever the password was given)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        parts = conninfo_to_dict(url)
    except Exception:  # noqa: BLE001 - not an address libpq can read: show none of it
        return "(an address libpq cannot read)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    hidden = " (password hidden)" if parts.get("password") else ""
    return f"postgresql://{user}{parts.get('host') or ''}{port}/{parts.get('dbname') or ''}{hidden}"


def _scrubbed(text: str, url: str) -> str:
    """An error's text without the password, wherever the driver echoed it."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        password = str(conninfo_to_dict(url).get("password") or "")
    except Exception:  # noqa: BLE001 - unreadable: take the whole address out instead
        password = url
    return text.replace(password, "***") if password else text


def _without_nul(value):
    """PostgreSQL text holds no NUL (SQLite's does); a stray one in a PDF's text is dropped."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class PgConnection:
    """A psycopg connection that takes the catalog's `?` placeholders."""

    def __init__(self, raw):
        self.raw = raw

    def execute(self, sql: str, args: Iterable = ()):
        return self.raw.execute(sql.replace("?", "%s"), tuple(_without_nul(a) for a in args))

    def executemany(self, sql: str, rows: Iterable[Iterable]):
        rows = [tuple(_without_nul(a) for a in r) for r in rows]
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(sql.replace("?", "%s"), rows)

    def copy_rows(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
        """Many rows at once through COPY (the term index writes about a hundred per chunk)."""
        with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(tuple(_without_nul(a) for a in row))


def tables_of(schema_sql: str) -> list[str]:
    return re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", schema_sql)


def as_pg(db: Connection) -> PgConnection:
    """A connection known to be PostgreSQL's (the term index is kept there alone)."""
    assert isinstance(db, PgConnection)
    return db


def _unreachable(exc: BaseException) -> bool:
    """The server is gone (connection classes 08, shutdown 57P0x), not a query that failed."""
    state = getattr(exc, "sqlstate", None) or ""
    return not state or state.startswith("08") or state.startswith("57P0")


class PostgresEngine:
    """A schema of one PostgreSQL database: every process that names it sees one catalog."""

    read_only = False
    keeps_terms = True

    def __init__(self, url: str, schema: str):
        if not SCHEMA_NAME.match(schema):
            raise BadSetting(f"not a schema name: {schema!r} (lower-case letters, digits and _, at most 63)")
        self.url, self.schema = url, schema
        self.where = f"{redacted(url)} (schema {schema})"
        self._local = threading.local()

    def _connect(self):
        import psycopg

        try:  # keepalives: a session idle while a PDF is read is not dropped by the network unseen
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10, keepalives=1, keepalives_idle=30)
        except psycopg.Error as exc:
            raise DatabaseUnreachable(redacted(self.url), _scrubbed(_first_line(exc), self.url)) from None

    def connection(self) -> PgConnection:
        db = getattr(self._local, "db", None)
        if db is not None and not db.raw.closed and not db.raw.broken:
            from psycopg.pq import TransactionStatus

            if db.raw.info.transaction_status == TransactionStatus.INERROR:
                db.raw.execute("ROLLBACK")  # a failed transaction an interrupted caller left open
            return db
        raw = self._connect()
        raw.execute(f'SET search_path TO "{self.schema}"')
        db = self._local.db = PgConnection(raw)
        return db

    def session(self):
        """A connection of its own (autocommit), for session-level advisory locks (ingest.workers)."""
        return self._connect()

    def _lock_key(self) -> str:
        return f"inspection-assistant:{self.schema}"

    def create(self, schema_sql: str) -> None:
        """Make the schema's tables once; an index that has them opens without DDL (a role that
        may read and write but not own tables opens it too)."""
        if all(self.has_table(t) for t in tables_of(schema_sql)):
            return
        schema_sql = schema_sql.replace(" TEXT", ' TEXT COLLATE "C"')  # ordered by bytes, as SQLite orders
        with self.errors():
            db = self.connection()
            db.execute("BEGIN")
            try:  # two processes creating one schema at once: the second waits, then finds it made
                db.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (self._lock_key(),))
                db.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                db.raw.execute(schema_sql)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def begin_write(self, db: Connection) -> None:
        db.execute("BEGIN")
        db.execute("SELECT pg_advisory_xact_lock(hashtext(?))", (self._lock_key(),))

    def begin_read(self, db: Connection) -> None:
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def has_table(self, name: str) -> bool:
        with self.errors():
            return bool(self.connection().execute(
                "SELECT 1 FROM information_schema.tables WHERE table_schema=? AND table_name=?", (self.schema, name)
            ).fetchall())

    def tables(self) -> list[str]:
        with self.errors():
            return [t for (t,) in self.connection().execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema=? ORDER BY 1", (self.schema,))]

    @contextmanager
    def errors(self) -> Iterator[None]:
        """A server that stopped or restarted is one typed error, and the next call connects
        again; a role without the rights it needs is one line too."""
        import psycopg

        try:
            yield
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StoreUnavailable(f"the catalog's database at {redacted(self.url)} refused: "
                                   f"{_scrubbed(_first_line(exc), self.url)}") from None
        except psycopg.OperationalError as exc:
            if not _unreachable(exc):
                raise
            self._local.db = None
            raise DatabaseUnreachable(redacted(self.url), _scrubbed(_first_line(exc), self.url)) from None

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.raw.close()
            self._local.db = None

    def drop(self, tables: Iterable[str]) -> None:
        """Drop the catalog's `tables`, and the schema if nothing else is left in it: a schema
        named by the user may hold other things, which are never touched."""
        with self.errors():
            db = self.connection()
            for table in tables:
                db.execute(f'DROP TABLE IF EXISTS "{self.schema}"."{table}" CASCADE')
            if not self.tables():
                db.execute(f'DROP SCHEMA IF EXISTS "{self.schema}"')


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def schema_of(index_dir: Path, explicit: str | None, create: bool) -> str | None:
    """The schema holding this index's catalog: `explicit` if given, else the one recorded in the
    index dir, else (with `create`) a new one of its own, recorded there: two indexes on one
    database never mix, and every process opening the index dir finds the same one."""
    if explicit:
        return explicit
    record = Path(index_dir) / SCHEMA_RECORD
    if record.is_file():
        return record.read_text(encoding="utf-8").strip()
    if not create:
        return None
    with taking_turns(Path(index_dir) / "catalog.lock"):
        if not record.is_file():  # another process may have made it while this one waited
            part = record.with_name(record.name + ".part")
            part.write_text(f"index_{uuid.uuid4().hex[:16]}\n", encoding="utf-8")
            part.replace(record)
    return record.read_text(encoding="utf-8").strip()
