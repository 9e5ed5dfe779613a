"""The catalog on both engines: a SQLite file (the default) and a schema of a real PostgreSQL
server (`--database`). The same operations give the same results on each; the server's own
cases (a schema per index, two processes creating one, a server that stops and comes back, a
bad address) are said in one line and recovered from."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
import uuid
from datetime import date
from pathlib import Path

import pytest

from ingest.catalog import Catalog, ChunkRow
from ingest.index_store import open_catalog
from ingest.core.errors import DatabaseUnreachable, IndexNotFound, StoreUnavailable
from ingest.core.settings import Settings, StoreSettings
from ingest.core.types import Judgement, ReportMeta
from ingest.databases import SCHEMA_RECORD, PostgresEngine, redacted

REPO = Path(__file__).resolve().parents[1]


def fresh_schema() -> str:
    return f"test_{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=["sqlite", "postgresql"])
def make_catalog(request, tmp_path):
    """A function making catalogs on one engine; two calls with one `name` open the same catalog."""
    made: dict[str, str] = {}

    def make(name: str = "main") -> Catalog:
        if request.param == "sqlite":
            return Catalog(tmp_path / f"{name}.sqlite3")
        url = request.getfixturevalue("database_url")
        return Catalog(PostgresEngine(url, made.setdefault(name, fresh_schema())))

    return make


def report(report_id: str, file: str, pages: list[str]) -> tuple[ReportMeta, list[ChunkRow]]:
    meta = ReportMeta(report_id=report_id, file=file, authority="Haringey", report_type="ilacs",
                      published=date(2023, 4, 11), judgements={"overall": Judgement("overall", "good", 1)},
                      pages=len(pages))
    chunks = [ChunkRow(f"{report_id}-{i}", report_id, i, text, i + 1, i + 1, "Summary", [0, 1], 0, len(text))
              for i, text in enumerate(pages)]
    return meta, chunks


PAGES = ["Leaders have improved management oversight of casework across the service. " * 4,
         "Risk assessments are thorough and updated when circumstances change for children. " * 4]


def test_a_report_reads_back_alike_on_both_engines(make_catalog):
    catalog = make_catalog()
    assert catalog.generation() == 0 and catalog.stats() == {"reports": 0, "pages": 0, "chunks": 0}
    meta, chunks = report("r1", "a/haringey.pdf", PAGES)
    catalog.replace_report(meta, "sha-1", "/src/a/haringey.pdf", PAGES, chunks, [("Improve supervision.", 2)], None)
    assert catalog.generation() == 1
    assert catalog.stats() == {"reports": 1, "pages": 2, "chunks": 2}
    assert catalog.reports() == [meta]
    assert catalog.chunks() == chunks and catalog.chunks(["r1-1", "no-such"]) == chunks[1:]
    assert catalog.pages("r1") == PAGES and catalog.page_text("r1", 2) == PAGES[1] and catalog.page_text("r1", 9) is None
    assert catalog.recommendations("r1") == [("Improve supervision.", 2)]
    assert catalog.report_by_file("a/haringey.pdf") == ("r1", "sha-1")
    assert catalog.report_by_sha("sha-1") == ("r1", "a/haringey.pdf")

    catalog.add_alias("b/copy.pdf", "r1", "/src/b/copy.pdf", sha="sha-2")
    catalog.add_alias("b/copy.pdf", "r1", "/src/b/copy-moved.pdf")  # again: replaced, not duplicated
    assert catalog.files() == [("a/haringey.pdf", "r1", "/src/a/haringey.pdf", False),
                               ("b/copy.pdf", "r1", "/src/b/copy-moved.pdf", True)]
    assert catalog.report_by_file("b/copy.pdf") == ("r1", "sha-1")

    covered = ["a/haringey.pdf", "b/copy.pdf"]
    assert catalog.set_sources("/m.csv", {"a/haringey.pdf": ("https://example.org/r1", "Haringey")}, covered) == 1
    assert catalog.set_sources("/m.csv", {"a/haringey.pdf": ("https://example.org/r1", "Haringey")}, covered) == 0
    assert catalog.source_url("b/copy.pdf") == "https://example.org/r1"  # another name of the same report's

    other_pages = [PAGES[0], "A page of its own, long enough to be told apart from every other page. " * 3]
    other, other_chunks = report("r2", "c/other.pdf", other_pages)
    catalog.replace_report(other, "sha-3", "/src/c/other.pdf", other_pages, other_chunks, [], None, copied=[1])
    assert catalog.copies_of("r1", 1) == [("c/other.pdf", 1)]
    assert catalog.printed_pages(set(catalog.query("SELECT print FROM page_prints WHERE report_id='r1' AND page=1")[0]),
                                 None) != {}

    catalog.remove_report("r1")
    assert [m.report_id for m in catalog.reports()] == ["r2"]
    assert catalog.files() == [("c/other.pdf", "r2", "/src/c/other.pdf", False)]
    assert catalog.report_by_file("c/other.pdf") == ("r2", "")  # its copied page's original is gone: read again
    assert catalog.source_url("a/haringey.pdf") is None  # no longer indexed under any name
    assert catalog.generation() == 5


def test_a_second_opening_sees_the_first_ones_commits(make_catalog):
    writer, reader = make_catalog("one"), make_catalog("one")
    meta, chunks = report("r1", "a.pdf", PAGES)
    writer.replace_report(meta, "sha", "/a.pdf", PAGES, chunks, [], None)
    assert reader.generation() == 1 and reader.chunk_ids() == {"r1-0", "r1-1"}


def test_a_read_sees_one_committed_state_while_a_writer_commits(make_catalog):
    writer, reader = make_catalog("one"), make_catalog("one")
    meta, chunks = report("r1", "a.pdf", PAGES)
    writer.replace_report(meta, "sha", "/a.pdf", PAGES, chunks, [], None)
    with reader.read():
        before = reader.stats()
        second, second_chunks = report("r2", "b.pdf", PAGES)
        writer.replace_report(second, "sha2", "/b.pdf", PAGES, second_chunks, [], None)
        assert reader.stats() == before  # the snapshot the read began with
    assert reader.stats()["reports"] == 2


def test_writers_in_threads_queue_and_every_commit_counts(make_catalog):
    catalog = make_catalog()
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            meta, chunks = report(f"r{n}", f"f{n}.pdf", PAGES)
            catalog.replace_report(meta, f"sha{n}", f"/f{n}.pdf", PAGES, chunks, [], None)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert catalog.stats()["reports"] == 8 and catalog.generation() == 8


def _open_schema(url: str, schema: str, barrier) -> None:
    barrier.wait(timeout=60)
    Catalog(PostgresEngine(url, schema)).generation()


def test_two_processes_creating_one_schema_at_once_both_open_it(database_url):
    ctx = multiprocessing.get_context("spawn")
    for _ in range(5):
        schema = fresh_schema()
        barrier = ctx.Barrier(2)
        procs = [ctx.Process(target=_open_schema, args=(database_url, schema, barrier)) for _ in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=120)
        assert [p.exitcode for p in procs] == [0, 0]


def test_each_index_dir_gets_a_schema_of_its_own_and_readers_find_it(database_url, tmp_path):
    store = StoreSettings(database_url=database_url, chroma_url=None)
    with pytest.raises(IndexNotFound):
        open_catalog(tmp_path / "never-made", store, create=False)
    first = open_catalog(tmp_path / "a", store)
    second = open_catalog(tmp_path / "b", store)
    meta, chunks = report("r1", "a.pdf", PAGES)
    first.replace_report(meta, "sha", "/a.pdf", PAGES, chunks, [], None)
    assert second.stats()["reports"] == 0
    assert open_catalog(tmp_path / "a", store, create=False).stats()["reports"] == 1
    schema = (tmp_path / "a" / SCHEMA_RECORD).read_text().strip()
    named = StoreSettings(database_url=database_url, chroma_url=None, database_schema=schema)
    assert open_catalog(tmp_path / "elsewhere", named, create=False).stats()["reports"] == 1  # another machine's dir


def test_a_stopped_server_is_one_typed_error_and_the_same_catalog_answers_once_it_is_back(tmp_path):
    from scripts.with_postgres_server import Cluster, bin_dir

    if bin_dir() is None:
        pytest.skip("PostgreSQL is not installed")
    cluster = Cluster()
    try:
        cluster.start()
        catalog = Catalog(PostgresEngine(cluster.url, fresh_schema()))
        meta, chunks = report("r1", "a.pdf", PAGES)
        catalog.replace_report(meta, "sha", "/a.pdf", PAGES, chunks, [], None)
        cluster.stop()
        with pytest.raises(DatabaseUnreachable) as caught:
            catalog.stats()
        assert "\n" not in str(caught.value) and "cannot reach the catalog's database" in str(caught.value)
        second, second_chunks = report("r2", "b.pdf", PAGES)
        with pytest.raises(DatabaseUnreachable):
            catalog.replace_report(second, "sha2", "/b.pdf", PAGES, second_chunks, [], None)
        cluster.start()
        assert catalog.stats()["reports"] == 1  # nothing half-written, and the same object reconnects
    finally:
        cluster.remove()


def test_the_cli_says_in_one_line_when_the_database_cannot_be_reached(tmp_path, pdf_maker):
    from scripts.with_chroma_server import free_port

    folder = tmp_path / "pdfs"
    folder.mkdir()
    pdf_maker("pdfs/a.pdf", ["Risk assessments are thorough. " * 20])
    url = f"postgresql://ann:s3cret@127.0.0.1:{free_port()}/idx"
    said = []
    for command, index in ((["ingest", str(folder)], "i"), (["search", "risk"], "i"), (["search", "risk"], "never")):
        out = subprocess.run([sys.executable, "-m", "assistant.cli", *command, "--index", str(tmp_path / index),
                              "--database", url], capture_output=True, text=True, cwd=REPO, timeout=120)
        assert out.returncode != 0 and len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert "Traceback" not in out.stderr and "s3cret" not in out.stderr + out.stdout
        said.append(out.stderr)
    assert all("cannot reach the catalog's database at postgresql://ann@127.0.0.1" in s for s in said[:2])
    assert "no index at" in said[2]  # a reader of an index never made: not found, before any connection


TEXTS = ["Management oversight of casework is variable and supervision is infrequent for many social workers.",
         "Care leavers are well supported by personal advisers, and most live in suitable accommodation.",
         "Agency social workers make up a third of the workforce; staff turnover slows children's plans.",
         "The pandemic (COVID-19) delayed some visits, but management oversight stayed strong throughout.",
         "Children's children's services: supervision, supervision and more supervision of agency staff."]
QUERIES = ["management oversight", "agency social workers and staff turnover", "care leavers accommodation",
           "supervision supervision", "COVID-19 pandemic visits", "nothing indexed says zebra"]


def test_the_database_ranks_a_question_as_bm25s_does_through_every_change(database_url, tmp_path):
    from assistant.lexical import DatabaseLexicalIndex, LexicalIndex
    from ingest.term_index import chunk_text

    catalog = Catalog(PostgresEngine(database_url, fresh_schema()))
    for n in range(3):
        meta, _ = report(f"r{n}", f"f{n}.pdf", PAGES)
        meta.authority = ["Leeds", "Kent", "Wirral"][n]
        chunks = [ChunkRow(f"r{n}-{i}", f"r{n}", i, text, 1, 1, "Summary", [0], 0, len(text))
                  for i, text in enumerate(TEXTS[n:] + TEXTS[:n])]
        catalog.replace_report(meta, f"sha{n}", f"/f{n}.pdf", PAGES, chunks, [], None)

    def agree() -> None:
        reports = {m.report_id: m for m in catalog.reports()}
        rows = catalog.chunks()
        expected = LexicalIndex(tmp_path / "bm25")
        expected.build([c.chunk_id for c in rows], [chunk_text(reports[c.report_id], c.section, c.text) for c in rows], 0)
        got = DatabaseLexicalIndex(catalog)
        got.load()
        for query in QUERIES:
            for allowed in (None, {c.chunk_id for c in rows if c.report_id == "r1"}):
                want, have = expected.search(query, 7, allowed), got.search(query, 7, allowed)
                assert [round(s, 4) for _, s in have] == [round(s, 4) for _, s in want], query
                assert {c for c, _ in have} == {c for c, _ in want} or len({round(s, 4) for _, s in want}) < len(want)
            for term in ("supervis", "oversight", "leed", "zebra"):
                assert got.idf(term) == pytest.approx(expected.idf(term)) and got.df.get(term) == expected.df.get(term, 0)
        assert len(got.df) == len(expected.df)

    agree()
    meta = next(m for m in catalog.reports() if m.report_id == "r0")
    catalog.set_reading(meta, "Bradford", date(2020, 1, 2))  # the context line each chunk is indexed with changes
    agree()
    assert DatabaseLexicalIndex(catalog).search("Bradford", 3) and not DatabaseLexicalIndex(catalog).search("Leeds", 3)
    catalog.restore_text_readings({"r0"})
    catalog.remove_report("r2")
    agree()
    assert catalog.query("SELECT COUNT(*) FROM terms")[0][0] == 10


def test_a_schema_holding_other_things_is_never_filled_by_migrate_nor_dropped_by_a_rebuild(database_url, tmp_path):
    import psycopg

    from assistant import Assistant
    from assistant.migrate import migrate
    from ingest.catalog import ALL_TABLES

    schema = fresh_schema()
    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute(f'CREATE SCHEMA "{schema}"')
        db.execute(f'CREATE TABLE "{schema}".precious (x int)')
    embedded = Catalog(tmp_path / "index" / "catalog.sqlite3")
    meta, chunks = report("r1", "a.pdf", PAGES)
    embedded.replace_report(meta, "sha", "/a.pdf", PAGES, chunks, [], None)
    with pytest.raises(StoreUnavailable, match="already holds tables \\(precious\\)"):
        migrate(tmp_path / "index", database_url, schema=schema)
    engine = PostgresEngine(database_url, schema)
    Catalog(engine)  # an index made beside the table, then thrown away (ingest --rebuild)
    engine.drop(ALL_TABLES)
    assert engine.tables() == ["precious"]
    store = StoreSettings(database_url=database_url, chroma_url=None, database_schema=schema)
    Assistant.wipe(tmp_path / "other", Settings(store=store))
    assert engine.tables() == ["precious"]


def test_text_with_a_nul_is_stored_on_postgresql_as_on_sqlite_without_it(make_catalog):
    catalog = make_catalog()
    pages = ["A page with a stray \x00 in its text layer. " * 6, PAGES[1]]
    meta, chunks = report("r1", "a.pdf", pages)
    catalog.replace_report(meta, "sha", "/a.pdf", pages, chunks, [], None)
    assert catalog.page_text("r1", 1).replace("\x00", "") == pages[0].replace("\x00", "")


def test_a_transaction_left_open_by_an_interrupted_caller_does_not_poison_the_thread(database_url):
    catalog = Catalog(PostgresEngine(database_url, fresh_schema()))
    db = catalog.engine.connection()
    db.execute("BEGIN")
    with pytest.raises(Exception):  # noqa: B017 - any failure inside the open transaction
        db.execute("SELECT no_such_column FROM reports")
    assert catalog.stats()["reports"] == 0  # rolled back, not "current transaction is aborted"
    meta, chunks = report("r1", "a.pdf", PAGES)
    catalog.replace_report(meta, "sha", "/a.pdf", PAGES, chunks, [], None)
    assert catalog.stats()["reports"] == 1


def test_a_role_that_may_only_read_opens_the_index_and_a_write_is_one_line(database_url):
    import psycopg

    schema = fresh_schema()
    writer = Catalog(PostgresEngine(database_url, schema))
    meta, chunks = report("r1", "a.pdf", PAGES)
    writer.replace_report(meta, "sha", "/a.pdf", PAGES, chunks, [], None)
    role = f"reader_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-of-the-reader'")
        db.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}')
        db.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO {role}')
    parts = psycopg.conninfo.conninfo_to_dict(database_url)
    url = psycopg.conninfo.make_conninfo(**{**parts, "user": role, "password": "pw-of-the-reader"})
    reader = Catalog(PostgresEngine(url, schema))
    assert reader.stats()["reports"] == 1 and reader.chunk_ids() == {"r1-0", "r1-1"}
    with pytest.raises(StoreUnavailable) as caught:
        reader.remove_report("r1")
    assert "refused" in str(caught.value) and "pw-of-the-reader" not in str(caught.value)


def test_a_reader_of_a_schema_that_does_not_exist_is_told_so_and_makes_none(database_url, tmp_path):
    from assistant import Assistant

    settings = Settings(store=StoreSettings(database_url=database_url, chroma_url=None, database_schema=fresh_schema()))
    with pytest.raises(IndexNotFound):
        Assistant.open(tmp_path / "i", settings=settings, create=False)
    assert PostgresEngine(database_url, settings.store.database_schema).tables() == []


@pytest.mark.parametrize("address", [
    "postgresql://ann:s3cret@db.example:5433/idx", "postgresql://ann@db.example/idx?password=s3cret",
    "host=db.example user=ann password=s3cret dbname=idx", "postgresql://ann:s3cret@h1:5432,h2:5433/idx",
    "postgresql://ann:s3cret@[::1]:5432/idx"])
def test_addresses_in_messages_never_show_the_password(address):
    shown = redacted(address)
    assert "s3cret" not in shown and "ann@" in shown and "idx" in shown and "(password hidden)" in shown


def test_a_worker_that_lost_its_session_stops_before_writing(database_url):
    import psycopg

    from ingest.workers import DatabaseTurns

    catalog = Catalog(PostgresEngine(database_url, fresh_schema()))
    turns = DatabaseTurns(catalog.engine)
    turns.begin(lambda: None)
    assert turns.claim("a.pdf", "sha") and not DatabaseTurns(catalog.engine).claim("a.pdf", "sha")
    turns.check()
    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute("SELECT pg_terminate_backend(%s)", (turns.session.info.backend_pid,))
    with pytest.raises(StoreUnavailable, match="lost its database session"):
        turns.check()
