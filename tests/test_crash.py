"""SIGKILL mid-ingest, then resume: the index ends up exactly as a clean ingest would leave it.

A real `python -m assistant.cli ingest` process is killed after its first report commits
and before it finishes; the re-run must converge on the same catalog rows and Chroma ids
as a fresh ingest of the same folder, with no orphan vectors and no half-written report.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Small real reports (4-6 pages, ~10-16 chunks each), in the order the ingest takes them.
LETTERS = [
    "ofsted-focused-visits/birmingham_2020-03-13_focused-visit.pdf",
    "ofsted-focused-visits/birmingham_2021-12-01_focused-visit.pdf",
    "ofsted-focused-visits/camden_2018-06-08_focused-visit.pdf",
    "ofsted-focused-visits/croydon_2021-07-26_focused-visit.pdf",
    "ofsted-focused-visits/doncaster_2019-01-04_focused-visit.pdf",
    "ofsted-focused-visits/enfield_2018-10-18_focused-visit.pdf",
]


def committed_reports(db_path: Path) -> int:
    """Reports committed to the catalog so far (0 while the catalog does not exist yet)."""
    if not db_path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:  # schema not created yet, or a writer holds a lock
        return 0


def cli_ingest(folder: Path, index_dir: Path, stdout=subprocess.PIPE) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false", PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--index", str(index_dir)],
        cwd=REPO, env=env, stdout=stdout, stderr=subprocess.STDOUT, text=True,
    )


def kill_after_first_commit(folder: Path, index_dir: Path, total: int, timeout: float = 240) -> int:
    """Start an ingest, SIGKILL it once >= 1 report is committed; return reports committed by then.

    Returns -1 when the process finished (or committed everything) before it could be killed.
    """
    log_path = index_dir.parent / f"{index_dir.name}.log"
    log = log_path.open("w")
    proc = cli_ingest(folder, index_dir, stdout=log)
    db_path = index_dir / "catalog.sqlite3"
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return -1
            done = committed_reports(db_path)
            if done >= total:
                proc.kill()
                proc.wait()
                return -1
            if done >= 1:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                assert proc.returncode == -signal.SIGKILL
                done = committed_reports(db_path)
                return done if done < total else -1
            time.sleep(0.02)
        raise AssertionError(f"no report committed within {timeout}s:\n{log_path.read_text()}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


def chroma_ids(index_dir: Path) -> set[str]:
    """Chroma ids of an index, read by a separate process."""
    code = (
        "import json, sys; from pathlib import Path; from ingest.core.settings import StoreSettings; "
        "from assistant.vectors import VectorStore; "
        "print(json.dumps(sorted(VectorStore(Path(sys.argv[1]), StoreSettings()).ids())))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(index_dir)], cwd=REPO, capture_output=True,
                         text=True, timeout=300, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def state(assistant) -> tuple[list[tuple], list[str]]:
    """(catalog chunk rows, Chroma ids), comparable across indexes."""
    rows = sorted(
        (c.chunk_id, c.report_id, c.ordinal, c.text, c.page_start, c.page_end, c.section, tuple(c.paragraphs))
        for c in assistant.catalog.chunks()
    )
    return rows, sorted(assistant.vectors.ids())


@pytest.mark.corpus
def test_sigkill_mid_ingest_then_resume_equals_clean_ingest(corpus, tmp_path):
    from assistant import Assistant
    from ingest.catalog import Catalog

    attempts = [LETTERS[:4], LETTERS]  # more files give a wider window to kill in
    for attempt, names in enumerate(attempts):
        folder = tmp_path / f"in{attempt}"
        folder.mkdir()
        for name in names:
            shutil.copyfile(corpus / name, folder / Path(name).name)
        killed_index = tmp_path / f"killed{attempt}"
        committed = kill_after_first_commit(folder, killed_index, total=len(names))
        if committed >= 1:
            break
    else:
        pytest.fail(
            "every ingest finished before it could be killed; the crash path was never exercised "
            "(add more or larger files to LETTERS)"
        )
    assert 1 <= committed < len(names)

    # Right after the kill: the catalog holds whole reports only, each with its vectors.
    # (Chroma is read in a child process: this process opens the index only once it is final,
    # so no client here caches the state of a store another process is writing.)
    catalog = Catalog(killed_index / "catalog.sqlite3")
    assert len(catalog.files()) == committed
    for report_id, n_pages, n_chunks in catalog.query("SELECT report_id, n_pages, n_chunks FROM reports"):
        assert len(catalog.chunk_ids_of(report_id)) == n_chunks > 0
        assert catalog.page_text(report_id, n_pages) is not None
    missing = catalog.chunk_ids() - chroma_ids(killed_index)
    assert not missing, f"committed chunks without a vector: {sorted(missing)[:5]}"

    # Resume with the same command, to completion.
    resume = cli_ingest(folder, killed_index)
    out, _ = resume.communicate(timeout=600)
    assert resume.returncode == 0, out
    assert f"files seen: {len(names)}" in out, out
    assert f"unchanged: {committed}" in out, out
    assert f"new: {len(names) - committed}" in out and "failed: 0" in out, out

    # A clean ingest of the same folder into a fresh index, for comparison.
    clean = Assistant.open(tmp_path / "clean")
    summary = clean.ingest(folder, progress=False)
    assert summary.count("new") == len(names), summary.format()

    resumed = Assistant.open(killed_index)
    resumed_rows, resumed_vectors = state(resumed)
    clean_rows, clean_vectors = state(clean)
    assert [r[0] for r in resumed_rows] == [r[0] for r in clean_rows]
    assert resumed_rows == clean_rows
    assert resumed_vectors == clean_vectors == [r[0] for r in clean_rows]
    assert resumed.vectors.count() == clean.vectors.count() == len(clean_rows)
    assert resumed.stats() == clean.stats()
    assert resumed.files() == clean.files() == sorted(Path(n).name for n in names)
    assert [m.to_dict() for m in resumed.catalog.reports()] == [m.to_dict() for m in clean.catalog.reports()]
    assert not resumed.vectors.ids() - resumed.catalog.chunk_ids(), "orphan vectors left after resume"
