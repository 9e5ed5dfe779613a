"""First run: `serve --ingest FOLDER` on an empty index opens the chat before the reports are
indexed and fills it behind the page. In a real browser, a question asked mid-ingest gets a
cited answer that says how many reports it is based on; the page shows the progress. The
server is then killed mid-ingest and started again: it resumes, and the index ends whole
(every report once, the vectors exactly the catalog's chunks)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.catalog import Catalog
from scripts.with_chroma_server import free_port
from tests.conftest import CORPUS, REPO
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, _require_browser
from tests.test_crash import chroma_ids

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

FILES = sorted((CORPUS / "ofsted-focused-visits").glob("*.pdf"))[:24]
QUESTION = "What did the focused visit to Birmingham in 2020 find?"  # the first file in the folder


def serve(index: Path, folder: Path, port: int, log: Path) -> subprocess.Popen:
    cli = Path(sys.executable).with_name("inspection-assistant")
    env = dict(os.environ, CHROMA_URL="")  # embedded: this test is about the first run on one machine
    return subprocess.Popen([cli, "serve", "--index", index, "--ingest", folder, "--port", str(port)], cwd=REPO,
                            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def reachable(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} not reachable in {timeout:.0f}s")


def reports(index: Path) -> int:
    path = index / "catalog.sqlite3"
    return Catalog(path).stats()["reports"] if path.exists() else 0


def test_the_chat_opens_before_ingest_and_answers_so_far_then_resumes_after_a_kill(tmp_path):
    _require_browser()
    from playwright.sync_api import sync_playwright

    folder = tmp_path / "reports"
    folder.mkdir()
    for pdf in FILES:
        shutil.copyfile(pdf, folder / pdf.name)
    index = tmp_path / "index"
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    proc = serve(index, folder, port, tmp_path / "serve.log")
    try:
        reachable(url, proc, 120)
        assert reports(index) < len(FILES)  # open before the reports are in
        while reports(index) < 2:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-2000:]
            time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(url)
            page.wait_for_selector("#ingest-progress progress")  # the bar, with reports done of total
            assert f"of {len(FILES)} indexed" in page.locator("#ingest-progress").inner_text()
            page.fill("#question textarea", QUESTION)
            page.press("#question textarea", "Enter")
            page.wait_for_function("q => document.querySelector('#sources .sources-for')?.innerText.includes(q)",
                                   arg=QUESTION)
            reply = page.locator('#chat [data-testid="bot"]').last.inner_text()
            browser.close()
        assert reply.startswith("Based on ") and f"of {len(FILES)} reports indexed so far." in reply, reply
        assert "[1]" in reply
        before = reports(index)
        assert before < len(FILES), "ingest finished before the kill: the test needs more files"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # mid-ingest, as a crash or a pulled plug
        proc.wait()
    proc = serve(index, folder, port, tmp_path / "again.log")  # resumes: indexed reports are skipped
    try:
        reachable(url, proc, 120)
        deadline = time.monotonic() + 900
        while reports(index) < len(FILES) and time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "again.log").read_text()[-2000:]
            time.sleep(1)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    catalog = Catalog(index / "catalog.sqlite3")
    assert catalog.stats()["reports"] == len(FILES)
    chunks = {c.chunk_id for c in catalog.chunks()}
    assert chunks and chroma_ids(index) == chunks  # nothing lost, nothing twice
