"""Where an index's catalog lives: its SQLite file in the index dir, or its schema on the
database `store.database_url` names (recorded in the index dir: ingest.databases.schema_of)."""

from __future__ import annotations

from pathlib import Path

from ingest.catalog import FILE, Catalog
from ingest.core.errors import IndexNotFound, StoreUnavailable
from ingest.core.settings import StoreSettings
from ingest.databases import SCHEMA_RECORD, PostgresEngine, schema_of


def open_catalog(index_dir: Path, store: StoreSettings, create: bool = True) -> Catalog:
    """The catalog of the index at `index_dir`: its SQLite file, or its schema on `store.database_url`.
    A reader (create=False) of an index that was never made gets IndexNotFound; an index opened in
    the other mode than it was made in is refused with what to do."""
    index_dir = Path(index_dir)
    recorded = schema_of(index_dir, None, create=False)
    if recorded and (index_dir / FILE).exists() and not store.database_schema:
        raise StoreUnavailable(f"{index_dir}: a migration of its catalog to a database did not finish; delete "
                               f"{index_dir / SCHEMA_RECORD} and run `inspection-assistant migrate --index {index_dir} "
                               "--to DATABASE_URL` again")
    if not store.database_url:
        if recorded and not (index_dir / FILE).exists():
            raise StoreUnavailable(f"{index_dir}: its catalog is on a PostgreSQL database (schema {recorded}); pass "
                                   "its address (--database or INSPECTION_ASSISTANT_STORE__DATABASE_URL)")
        if not create and not (index_dir / FILE).is_file():
            raise IndexNotFound(index_dir)
        return Catalog(index_dir / FILE)
    if not store.database_schema and not recorded and (index_dir / FILE).exists():
        raise StoreUnavailable(f"{index_dir}: its catalog is in {FILE} here; move it to the database with "
                               f"`inspection-assistant migrate --index {index_dir} --to DATABASE_URL`, or open it without "
                               "--database")
    schema = schema_of(index_dir, store.database_schema, create)
    if schema is None:
        raise IndexNotFound(index_dir)
    engine = PostgresEngine(store.database_url, schema)
    if not create and not engine.has_table("reports"):
        raise IndexNotFound(index_dir)
    return Catalog(engine)


def catalog_exists(index_dir: Path, store: StoreSettings) -> bool:
    """Whether an index was made at `index_dir`, in either mode (open_catalog says which)."""
    index_dir = Path(index_dir)
    return bool((index_dir / FILE).is_file() or schema_of(index_dir, store.database_schema, create=False))
