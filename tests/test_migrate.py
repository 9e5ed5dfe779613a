"""`inspection-assistant migrate`: an embedded index moved to a real PostgreSQL server (and its
vectors to a real Chroma server) answers as it did, nothing embedded again; the index left
behind is refused with what to do, and a migration that cannot verify leaves it as it was."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.core.errors import StoreUnavailable
from ingest.databases import PostgresEngine

pytestmark = pytest.mark.corpus

REPO = Path(__file__).resolve().parents[1]
FILES = ["ofsted-focused-visits/haringey_2025-03-14_focused-visit.pdf",
         "ofsted-focused-visits/croydon_2021-07-26_focused-visit.pdf",
         "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"]
QUESTIONS = ["What did the Haringey focused visit find about management oversight?",
             "Summarise Croydon's focused visit",
             "How was Haringey graded in 2023?",
             "Which reports mention care leavers?",
             "What are the weaknesses in Haringey's 2023 inspection?"]


def answers_of(assistant) -> list[tuple[str, list[tuple[str, int, str]]]]:
    out = []
    for q in QUESTIONS:
        answer = assistant.ask(q)
        out.append((answer.text, [(c.file, c.page, c.quote) for c in answer.citations]))
    return out


@pytest.fixture
def embedded_index(corpus, tmp_path, monkeypatch):
    """A fresh embedded index of FILES, whatever the run's server settings."""
    from assistant import Assistant

    monkeypatch.delenv("INSPECTION_ASSISTANT_STORE__DATABASE_URL", raising=False)
    monkeypatch.delenv("CHROMA_URL", raising=False)
    folder = tmp_path / "pdfs"
    for f in FILES:
        (folder / Path(f).parent).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / f, folder / f)
    index_dir = tmp_path / "index"
    assistant = Assistant.open(index_dir)
    assert assistant.ingest(folder, progress=False).count("new") == len(FILES)
    return index_dir, answers_of(assistant)


def test_a_migrated_catalog_answers_alike_and_the_old_one_is_refused(embedded_index, database_url):
    from assistant import Assistant

    index_dir, before = embedded_index
    vectors_before = sorted(p.name for p in (index_dir / "chroma").rglob("*") if p.is_file())
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "migrate", "--index", str(index_dir), "--to", database_url],
                         capture_output=True, text=True, cwd=REPO, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "sample searches gave the same passages" in out.stdout and "chunks" in out.stdout
    assert not (index_dir / "catalog.sqlite3").exists() and (index_dir / "catalog.sqlite3.migrated").is_file()

    moved = Assistant.open(index_dir, database_url=database_url, create=False)
    assert isinstance(moved.catalog.engine, PostgresEngine)
    assert answers_of(moved) == before
    assert sorted(p.name for p in (index_dir / "chroma").rglob("*") if p.is_file()) == vectors_before  # not re-embedded
    with pytest.raises(StoreUnavailable, match="on a PostgreSQL database"):
        Assistant.open(index_dir, create=False)
    again = subprocess.run([sys.executable, "-m", "assistant.cli", "migrate", "--index", str(index_dir), "--to",
                            database_url], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert again.returncode != 0 and "already on a database" in again.stderr and "Traceback" not in again.stderr


def test_an_index_migrated_with_its_vectors_to_a_chroma_server_answers_alike(embedded_index, database_url, chroma_url):
    from assistant import Assistant
    from assistant.migrate import migrate

    index_dir, before = embedded_index
    result = migrate(index_dir, database_url, chroma_url=chroma_url)
    assert result.vectors == result.rows["chunks"] > 0
    moved = Assistant.open(index_dir, database_url=database_url, chroma_url=chroma_url, create=False)
    assert moved.vectors.count() == result.vectors and moved.vectors.name.startswith("reports-")
    assert answers_of(moved) == before


def test_a_database_opened_on_an_embedded_index_points_at_migrate(embedded_index, database_url):
    from assistant import Assistant

    index_dir, _ = embedded_index
    with pytest.raises(StoreUnavailable, match="inspection-assistant migrate"):
        Assistant.open(index_dir, database_url=database_url)
