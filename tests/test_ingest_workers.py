"""Many ingest workers on one index: the catalog on a real PostgreSQL server, the vectors on a
real Chroma server, each worker a process of its own (its own index dir, as on its own machine,
sharing the index through an explicit schema).

- two workers started together over one folder index every file exactly once between them,
  and the index they leave is whole (every catalog chunk has its vector and no vector is left
  over);
- a worker killed with -9 mid-ingest leaves nothing half-visible; the next worker finishes the
  job and sweeps the vectors the killed one wrote before its commit.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.corpus

REPO = Path(__file__).resolve().parents[1]
FILES = [f"ofsted-focused-visits/{name}" for name in (
    "birmingham_2020-03-13_focused-visit.pdf", "bradford_2021-02-12_focused-visit.pdf",
    "camden_2018-06-08_focused-visit.pdf", "croydon_2021-07-26_focused-visit.pdf",
    "doncaster_2019-01-04_focused-visit.pdf", "enfield_2018-10-18_focused-visit.pdf")]


@pytest.fixture
def shared(corpus, tmp_path, database_url, chroma_url):
    """(folder of FILES, environment naming one shared index, a function opening it)."""
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for f in FILES:
        shutil.copyfile(corpus / f, folder / Path(f).name)
    schema = f"workers_{uuid.uuid4().hex[:12]}"
    env = dict(os.environ, INSPECTION_ASSISTANT_STORE__DATABASE_URL=database_url, CHROMA_URL=chroma_url,
               INSPECTION_ASSISTANT_STORE__DATABASE_SCHEMA=schema)

    def open_index():
        from assistant import Assistant
        from ingest.core.settings import Settings

        settings = Settings.from_env()
        settings.store.database_url, settings.store.chroma_url, settings.store.database_schema = \
            database_url, chroma_url, schema
        return Assistant.open(tmp_path / "reader", settings=settings, create=False)

    return folder, env, open_index


def worker(folder: Path, index: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--index", str(index)],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def assert_whole(assistant) -> None:
    assert sorted(assistant.vectors.ids()) == sorted(assistant.catalog.chunk_ids())
    files = [f for f, _, _, _ in assistant.catalog.files()]
    assert sorted(files) == sorted(Path(f).name for f in FILES)  # each once


def test_two_workers_started_together_index_each_file_once_between_them(shared, tmp_path):
    folder, env, open_index = shared
    procs = [worker(folder, tmp_path / f"worker-{n}", env) for n in range(2)]
    outs = [p.communicate(timeout=900) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    news = [int(out.split("new: ")[1].split()[0]) for out, _ in outs]
    assert sum(news) == len(FILES), outs
    assert all(n > 0 for n in news), f"one worker did all the work: {outs}"
    assert all("Traceback" not in err for _, err in outs)
    assistant = open_index()
    assert assistant.stats()["reports"] == len(FILES)
    assert_whole(assistant)
    again = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--index", str(tmp_path / "w3")],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert f"unchanged: {len(FILES)}" in again.stdout, again.stdout


def test_a_worker_killed_mid_ingest_leaves_nothing_half_visible_and_the_next_one_finishes(shared, tmp_path):
    folder, env, open_index = shared
    proc = worker(folder, tmp_path / "killed", env)
    deadline = time.monotonic() + 600
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            seen = open_index().stats()["reports"]
        except Exception:  # noqa: BLE001 - the index may not exist yet
            seen = 0
        if seen >= 2:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the worker finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    half = open_index()
    reports = half.stats()["reports"]
    assert 2 <= reports < len(FILES)
    for meta in half.catalog.reports():  # what is visible is whole
        assert len(half.catalog.chunk_ids_of(meta.report_id)) == half.catalog.query(
            "SELECT n_chunks FROM reports WHERE report_id=?", (meta.report_id,))[0][0]
    done = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--index", str(tmp_path / "next")],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    assert f"unchanged: {reports}" in done.stdout and f"new: {len(FILES) - reports}" in done.stdout, done.stdout
    assert_whole(open_index())
