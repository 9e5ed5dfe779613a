"""Server mode against a real `chroma run` (CHROMA_URL's, or one started for the session).

- vectors live on the server, the catalog and BM25 stay in the index dir (the catalog on
  PostgreSQL instead under `make test-server`), and no Chroma files are written there;
- each index dir gets a collection of its own, so two indexes on one server never sweep
  each other's vectors as orphans; an explicit collection name is used as given;
- another process (the CLI with --chroma-url, or CHROMA_URL alone) finds the same collection.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.core.errors import StoreUnavailable
from ingest.normalize import for_match

pytestmark = pytest.mark.corpus

REPO = Path(__file__).resolve().parents[1]
HARINGEY_FV = "ofsted-focused-visits/haringey_2025-03-14_focused-visit.pdf"
CROYDON_FV = "ofsted-focused-visits/croydon_2021-07-26_focused-visit.pdf"
DONCASTER_FV = "ofsted-focused-visits/doncaster_2019-01-04_focused-visit.pdf"


def folder_of(corpus: Path, tmp_path: Path, name: str, *files: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for f in files:
        shutil.copyfile(corpus / f, folder / Path(f).name)
    return folder


def server_collections(url: str) -> set[str]:
    from assistant.vectors import make_client
    from ingest.core.settings import StoreSettings

    return {c.name for c in make_client(Path("."), StoreSettings(chroma_url=url)).list_collections()}


def assert_consistent(assistant) -> None:
    assert sorted(assistant.vectors.ids()) == sorted(assistant.catalog.chunk_ids())
    assert assistant.vectors.count() == assistant.stats()["chunks"] > 0


def test_server_index_answers_with_citations_and_keeps_no_vectors_locally(corpus, chroma_url, tmp_path):
    from assistant import Assistant

    folder = folder_of(corpus, tmp_path, "in", HARINGEY_FV, CROYDON_FV)
    index_dir = tmp_path / "index"
    assistant = Assistant.open(index_dir, chroma_url=chroma_url)
    summary = assistant.ingest(folder, progress=False)
    assert summary.count("new") == 2, summary.format()

    name = assistant.vectors.name
    assert name.startswith("reports-") and name in server_collections(chroma_url)
    assert_consistent(assistant)
    local = {"bm25", "bm25.lock", "catalog.sqlite3", "catalog.sqlite3-wal", "catalog.sqlite3-shm", "catalog.lock", "ingest.lock",
             "embedder.json", "catalog-schema"}
    assert {p.name for p in index_dir.iterdir()} <= local
    if os.environ.get("INSPECTION_ASSISTANT_STORE__DATABASE_URL"):  # make test-server: the catalog is on the database
        assert not (index_dir / "catalog.sqlite3").exists() and (index_dir / "catalog-schema").is_file()

    answer = assistant.ask("What did Ofsted find on the focused visit to Croydon in 2021?")
    assert not answer.abstained and answer.citations
    for c in answer.citations:
        assert c.file == Path(CROYDON_FV).name
        assert for_match(c.quote) in for_match(assistant.page_text(c.file, c.page))

    # Another process, told only the URL, finds this index's collection through its catalog.
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "search", "focused visit Croydon 2021 social workers",
         "--index", str(index_dir), "--chroma-url", chroma_url, "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=True,
    ).stdout
    hits = json.loads(out)
    assert hits and hits[0]["file"] == Path(CROYDON_FV).name
    code = ("import json, sys; from pathlib import Path; from ingest.core.settings import StoreSettings; "
            "from assistant.vectors import VectorStore; v = VectorStore(Path(sys.argv[1]), StoreSettings()); "
            "print(json.dumps([v.name, v.count()]))")
    child = subprocess.run([sys.executable, "-c", code, str(index_dir)], cwd=REPO, capture_output=True, text=True,
                           env=dict(env, CHROMA_URL=chroma_url), timeout=120, check=True).stdout
    assert json.loads(child.strip().splitlines()[-1]) == [name, assistant.vectors.count()]
    assert not (index_dir / "chroma").exists()


def test_two_indexes_on_one_server_keep_their_own_vectors(corpus, chroma_url, tmp_path):
    from assistant import Assistant

    first = Assistant.open(tmp_path / "first", chroma_url=chroma_url)
    second = Assistant.open(tmp_path / "second", chroma_url=chroma_url)
    first_in = folder_of(corpus, tmp_path, "first_in", CROYDON_FV)
    second_in = folder_of(corpus, tmp_path, "second_in", DONCASTER_FV)
    assert first.ingest(first_in, progress=False).count("new") == 1
    # Each ingest sweeps vectors its catalog does not know: on a shared collection this
    # second ingest would delete the first index's report.
    assert second.ingest(second_in, progress=False).count("new") == 1
    assert first.ingest(first_in, progress=False).count("unchanged") == 1

    assert first.vectors.name != second.vectors.name
    assert_consistent(first)
    assert_consistent(second)
    assert not first.vectors.ids() & second.vectors.ids()
    assert {h.file for h in first.search("social workers and children", k=10)} == {Path(CROYDON_FV).name}
    assert {h.file for h in second.search("social workers and children", k=10)} == {Path(DONCASTER_FV).name}

    # Reopened, each index dir finds its own collection again.
    again = Assistant.open(tmp_path / "first", chroma_url=chroma_url)
    assert again.vectors.name == first.vectors.name and again.vectors.ids() == first.vectors.ids()


def test_an_explicit_collection_name_is_used_as_given(chroma_url, tmp_path):
    from assistant.vectors import VectorStore
    from ingest.core.settings import StoreSettings

    name = f"explicit-{tmp_path.name[-20:].replace('_', '-')}x"
    store = VectorStore(tmp_path / "index", StoreSettings(chroma_url=chroma_url, collection=name))
    store.add(["a-0000"], [[1.0] + [0.0] * 383], ["text"], [{"report_id": "a"}])
    assert store.name == name and name in server_collections(chroma_url)
    assert VectorStore(tmp_path / "other", StoreSettings(chroma_url=chroma_url, collection=name)).ids() == {"a-0000"}
    assert store.query([1.0] + [0.0] * 383, 5) == [("a-0000", pytest.approx(1.0, abs=1e-5))]


def test_an_index_opened_in_the_other_mode_is_refused(corpus, chroma_url, tmp_path):
    """Its vectors would look missing while the catalog says every file is indexed."""
    from assistant import Assistant
    from assistant.vectors import VectorStore
    from ingest.core.settings import Settings, StoreSettings

    folder = folder_of(corpus, tmp_path, "in", DONCASTER_FV)
    embedded_dir, server_dir = tmp_path / "embedded", tmp_path / "server"
    embedded = Assistant.open(embedded_dir, settings=Settings(index_dir=embedded_dir, store=StoreSettings(chroma_url=None)))
    assert embedded.ingest(folder, progress=False).count("new") == 1
    assert Assistant.open(server_dir, chroma_url=chroma_url).ingest(folder, progress=False).count("new") == 1

    with pytest.raises(StoreUnavailable, match="embedded in"):
        VectorStore(embedded_dir, StoreSettings(chroma_url=chroma_url))
    with pytest.raises(StoreUnavailable, match="on a Chroma server"):
        VectorStore(server_dir, StoreSettings(chroma_url=None))
    assert VectorStore(embedded_dir, StoreSettings(chroma_url=None)).count() == embedded.stats()["chunks"]
