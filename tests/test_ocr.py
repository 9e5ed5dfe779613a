"""Scanned pages: a corpus page rendered to an image and wrapped as a PDF (no text layer) is
read by OCR, its citations are verified against the OCR text and marked "read by OCR"; without
Tesseract, ingest says so for that file and indexes the others."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from ingest.core.types import Filters
from ingest.normalize import for_match
from tests.conftest import CORPUS, REPO

pytestmark = pytest.mark.corpus

SOURCE = "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"


def scanned(pdf: Path, out: Path, pages: int = 2, dpi: int = 150) -> Path:
    """The first pages of a real report as images only: what a scanner produces."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    images = [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(pages)]
    document.close()
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    if os.environ.get("INSPECTION_ASSISTANT_REQUIRE_OCR") != "1" and not _tesseract():
        pytest.skip("tesseract not installed (make install-ocr)")
    root = tmp_path_factory.mktemp("scans")
    scanned(CORPUS / SOURCE, root / "haringey_2023-04-11_ilacs-scan.pdf")
    (root / "text.pdf").write_bytes((CORPUS / "ofsted-focused-visits/haringey_2025-03-14_focused-visit.pdf").read_bytes())
    return root


def _tesseract() -> bool:
    from ingest.ocr import unavailable

    return not unavailable()


def test_a_scanned_report_is_read_by_ocr_and_its_quotes_are_marked(folder, tmp_path, corpus_pages):
    assistant = Assistant.open(tmp_path / "index")
    summary = assistant.ingest(folder, progress=False)
    assert summary.count("new") == 2, summary.format()
    meta = next(m for m in assistant.reports() if m.file.endswith("-scan.pdf"))
    assert meta.ocr_pages == [1, 2]
    # OCR read the page: most of the words of the real text layer are there.
    original = set(for_match(corpus_pages(SOURCE)[1]).lower().split())
    read = set(for_match(assistant.catalog.page_text(meta.report_id, 2) or "").lower().split())
    assert len(original & read) / len(original) > 0.8
    answer = assistant.ask("What needs to improve in Haringey's services?", filters=Filters(file=meta.file))
    assert not answer.abstained and answer.citations
    for c in answer.citations:
        assert c.ocr and for_match(c.quote) in for_match(assistant.catalog.page_text(meta.report_id, c.page) or "")
    cli = Path(sys.executable).with_name("inspection-assistant")
    done = subprocess.run([cli, "ask", "What needs to improve in Haringey's services?", "--index", tmp_path / "index",
                           "--file", meta.file], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert done.returncode == 0 and "(read by OCR)" in done.stdout, done.stdout + done.stderr


def test_without_tesseract_the_scan_is_refused_with_the_reason_and_the_rest_indexed(folder, tmp_path):
    bare = tmp_path / "bin"  # a PATH holding python but no tesseract
    bare.mkdir()
    cli = Path(sys.executable).with_name("inspection-assistant")
    env = dict(os.environ, PATH=f"{bare}:{Path(sys.executable).parent}")
    done = subprocess.run([cli, "ingest", folder, "--index", tmp_path / "index"], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if "-scan.pdf" in x)
    assert "Tesseract is not installed (apt-get install tesseract-ocr)" in line
    assert "\n" not in line and "Traceback" not in done.stdout + done.stderr
    listed = subprocess.run([cli, "reports", "--index", tmp_path / "index", "--csv"], capture_output=True, text=True,
                            cwd=REPO, env=env, timeout=300).stdout
    assert "text.pdf" in listed and "-scan.pdf" not in listed
