"""Shared fixtures: the real corpus beside the repo, a small real index, and PDF makers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("INSPECTION_CORPUS", REPO.parent / "shared" / "corpus"))

# A small, fixed slice of the real corpus: every report type, Haringey's history, Rotherham 2014.
SMALL_SET = [
    "ofsted-ilacs/haringey_2014-07-18_sif.pdf",
    "ofsted-ilacs/haringey_2018-12-14_ilacs.pdf",
    "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf",
    "ofsted-focused-visits/haringey_2025-03-14_focused-visit.pdf",
    "ofsted-ilacs/rotherham_2014-11-19_sif.pdf",
    "ofsted-area-send/bexley_2024-02-23_area-send.pdf",
    "ofsted-ilacs/barnet_2024-07-23_ilacs.pdf",
]


# CI sets this: a test that needs the corpus fails when it is missing instead of skipping, so a
# CI run without the corpus cannot pass by testing nothing.
REQUIRE_CORPUS = os.environ.get("INSPECTION_ASSISTANT_REQUIRE_CORPUS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_CORPUS and report.skipped and "corpus" in str(report.longrepr).lower():
        report.outcome = "failed"
        report.longrepr = f"skipped for want of the corpus, but INSPECTION_ASSISTANT_REQUIRE_CORPUS=1: {report.longrepr}"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_pages(corpus):
    """Cleaned page texts of corpus PDFs, each PDF read once per session (pypdf is slow)."""
    from eval.check_set import PdfPages

    return PdfPages(corpus)


@pytest.fixture(scope="session")
def chroma_url():
    """The Chroma server the run was pointed at (CHROMA_URL), else a real `chroma run` of its own.

    Every Assistant.open in the tests follows CHROMA_URL, so `make test-server` runs the
    ingest and ask tests with their vectors on a server; tests that need a server in any
    run take this fixture.
    """
    if url := os.environ.get("CHROMA_URL"):
        yield url
        return
    from scripts.with_chroma_server import chroma_server

    with chroma_server() as (url, _):
        yield url


# CI sets this too: the PostgreSQL tests fail, not skip, when no server can be started.
REQUIRE_DATABASE = os.environ.get("INSPECTION_ASSISTANT_REQUIRE_DATABASE") == "1"


@pytest.fixture(scope="session")
def database_url():
    """The PostgreSQL server the run was pointed at (INSPECTION_ASSISTANT_STORE__DATABASE_URL, as
    `make test-server` does), else a real throwaway cluster of its own (Debian's PostgreSQL)."""
    if url := os.environ.get("INSPECTION_ASSISTANT_STORE__DATABASE_URL"):
        yield url
        return
    from scripts.with_postgres_server import bin_dir, postgres_server

    if bin_dir() is None:
        if REQUIRE_DATABASE:
            pytest.fail("PostgreSQL is not installed, but INSPECTION_ASSISTANT_REQUIRE_DATABASE=1 (make install-postgres)")
        pytest.skip("PostgreSQL is not installed (make install-postgres)")
    with postgres_server() as (url, _):
        yield url


@pytest.fixture(scope="session")
def small_index(corpus, tmp_path_factory):
    """A real persistent index (Chroma + catalog + BM25) over SMALL_SET, built once per session.

    Its vectors are on the CHROMA_URL server when one is set, embedded otherwise."""
    from assistant import Assistant

    index_dir = tmp_path_factory.mktemp("small-index")
    assistant = Assistant.open(index_dir)
    summary = assistant.ingest([corpus / f for f in SMALL_SET], root=corpus, progress=False, sidecar=corpus / "manifest.csv")
    assert summary.count("failed") == 0, summary.format()
    return assistant


def make_pdf(path: Path, pages: list[str]) -> Path:
    """Write a real text PDF, one string per page (reportlab)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for text in pages:
        y = 800
        for line in text.split("\n"):
            pdf.drawString(50, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()
    return path


@pytest.fixture
def pdf_maker(tmp_path):
    return lambda name, pages: make_pdf(tmp_path / name, pages)
