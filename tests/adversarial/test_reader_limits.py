"""Hard limits per file: every PDF is parsed in a reader process (ingest.parse_worker) that is
killed past `ingest.read_timeout_s` and refused memory past `ingest.max_parse_mb`; the file
gets one line, the run goes on with a fresh reader, and the good files are indexed as in a
clean run. Also: a font with no character mapping (its text extracts as glyph ids) is read by
OCR or refused, never indexed as garbage; and a 1,000-page file (make test-slow)."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import ingest_bar
from assistant import Assistant
from assistant.background import BackgroundIngest
from ingest.core.settings import Settings
from tests.adversarial import hostile_pdfs as hostile
from tests.conftest import REPO

CLI = Path(sys.executable).with_name("inspection-assistant")
UNMAPPED_LINES = ["Inspectors found that leaders review every plan for children in care.",
                  "Supervision is regular and reflective in all of the teams visited.",
                  "Care leavers live in suitable accommodation and are well supported."]


def ingest(folder: Path, index: Path, **settings: str) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, **{f"INSPECTION_ASSISTANT_INGEST__{k.upper()}": v for k, v in settings.items()}}
    start = time.monotonic()
    done = subprocess.run([CLI, "ingest", folder, "--index", index], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=600)
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done, time.monotonic() - start


def failed(done: subprocess.CompletedProcess) -> dict[str, str]:
    lines = [line.removeprefix("FAILED ") for line in done.stdout.splitlines() if line.startswith("FAILED ")]
    return dict(line.split(": ", 1) for line in lines)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("limits")
    hostile.text_pdf(root / "before.pdf", pages=2)
    hostile.operator_flood(root / "flood.pdf")
    hostile.text_pdf(root / "after.pdf", pages=2, line="Leaders have a clear plan for care leavers.")
    return root


def _chunks(index: Path) -> dict[str, list[str]]:
    assistant = Assistant.open(index, create=False)
    snap = assistant.snapshot()
    return {file: [c.text for c in snap.by_report[rid]] for file, rid in snap.by_file.items()}


def test_a_file_past_the_time_limit_is_stopped_and_the_run_goes_on(folder, tmp_path):
    done, seconds = ingest(folder, tmp_path / "index", read_timeout_s="1")
    assert failed(done) == {"flood.pdf": "took longer than 1 s to read, so it was stopped (limit: ingest.read_timeout_s, "
                                         "plus ingest.ocr_timeout_s per scanned page)"}
    clean = tmp_path / "clean"
    good = tmp_path / "good"
    good.mkdir()
    for name in ("before.pdf", "after.pdf"):
        shutil.copy(folder / name, good / name)
    ingest(good, clean)
    assert _chunks(tmp_path / "index") == _chunks(clean)  # the files after it too, by a fresh reader
    # The limit, not the file: with the default limit the same file is read.
    again, _ = ingest(folder, tmp_path / "index")
    assert not failed(again) and "flood.pdf" in _chunks(tmp_path / "index")
    print(f"\ntime limit: refused after 1 s, whole run {seconds:.1f} s")


def test_a_file_past_the_memory_limit_is_refused_and_the_run_goes_on(folder, tmp_path):
    done, _ = ingest(folder, tmp_path / "index", max_parse_mb="64")
    reasons = failed(done)
    assert list(reasons) == ["flood.pdf"], done.stdout
    # The reader's own MemoryError, reported with its limit (not a crash, not "corrupt PDF").
    assert reasons["flood.pdf"] == "needs more than 64 MiB of memory to read (limit: ingest.max_parse_mb)"
    assert set(_chunks(tmp_path / "index")) == {"before.pdf", "after.pdf"}
    print(f"\nmemory limit: {reasons['flood.pdf']}")


@pytest.fixture(scope="module")
def unmapped(tmp_path_factory):
    root = tmp_path_factory.mktemp("unmapped")
    hostile.unmapped_font(root / "glyph-ids.pdf", UNMAPPED_LINES)
    hostile.text_pdf(root / "plain.pdf")
    return root


def test_text_in_a_font_with_no_character_mapping_is_read_by_ocr(unmapped, tmp_path):
    if os.environ.get("INSPECTION_ASSISTANT_REQUIRE_OCR") != "1" and not shutil.which("tesseract"):
        pytest.skip("tesseract not installed (make install-ocr)")
    done, _ = ingest(unmapped, tmp_path / "index")
    assert not failed(done), done.stdout
    assistant = Assistant.open(tmp_path / "index", create=False)
    meta = next(m for m in assistant.reports() if m.file == "glyph-ids.pdf")
    assert meta.ocr_pages == [1]
    text = assistant.page_text("glyph-ids.pdf", 1) or ""
    assert "QVSHFWRUV" not in text and "\x03" not in text  # no glyph ids indexed
    words = " ".join(UNMAPPED_LINES).split()
    read = sum(word in text.split() for word in words)
    assert read >= 0.8 * len(words), text  # OCR's usual slips ("teans") aside, the page's words
    answer = assistant.ask("Is supervision regular and reflective in the teams visited?")
    assert any(c.file == "glyph-ids.pdf" and c.ocr for c in answer.citations), answer.text
    print(f"\nno character mapping: OCR read {read} of {len(words)} words")


def test_without_ocr_such_a_file_is_refused_in_one_line_not_indexed_as_garbage(unmapped, tmp_path):
    done, _ = ingest(unmapped, tmp_path / "index", ocr="false")
    assert failed(done) == {"glyph-ids.pdf": "text in fonts with no character mapping, and OCR is switched off"}
    assert set(_chunks(tmp_path / "index")) == {"plain.pdf"}


@pytest.mark.stress
def test_a_1000_page_file_is_indexed_whole_in_bounded_time_and_memory(tmp_path):
    (tmp_path / "in").mkdir()
    pdf = hostile.text_pdf(tmp_path / "in" / "long.pdf", pages=1000)
    start = time.monotonic()
    summary = Assistant.open(tmp_path / "index", settings=Settings.from_env()).ingest(pdf.parent, progress=False)
    seconds = time.monotonic() - start
    assert summary.count("new") == 1 and summary.pages == 1000, summary.format()
    assistant = Assistant.open(tmp_path / "index", create=False)
    assert "Finding 1000 is about" in (assistant.page_text("long.pdf", 1000) or "")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n1,000 pages: {seconds:.1f} s, {summary.chunks} chunks, peak RSS of the ingest process {peak_mb:.0f} MB")


def test_serve_ingest_names_each_file_it_could_not_index_in_the_page(folder, tmp_path):
    settings = Settings.from_env({"ingest": {"read_timeout_s": 1}})
    assistant = Assistant.open(tmp_path / "index", settings=settings)
    background = BackgroundIngest(assistant, [folder]).start()
    assert background.wait(timeout=300)
    line = background.status(assistant.stats()["reports"])
    assert line.startswith("Indexing finished; 1 file(s) could not be indexed: flood.pdf: took longer than 1 s"), line
    assert ingest_bar(background, assistant).count("flood.pdf") == 1
