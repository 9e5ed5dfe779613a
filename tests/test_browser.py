"""The chat end to end in a real browser (Debian's Chromium driven by Playwright).

One app on a small real index: ask, check the cited file and page, open the page image,
ask a follow-up, see an abstention, upload a corrupt PDF, open a grade's page from the
judgements chart. With SCREENSHOTS=1 its screenshots replace the README's docs/*.png.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from scripts.with_chroma_server import free_port
from tests.conftest import REPO, SMALL_SET

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 60_000
ROTHERHAM_2014_URL = "https://files.ofsted.gov.uk/v1/file/50004284"  # its publisher_url in the corpus's manifest.csv


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: the README's docs/ only when asked (SCREENSHOTS=1), so a test run
    leaves the tracked images alone."""
    return REPO / "docs" if os.environ.get("SCREENSHOTS") == "1" else tmp_path


def require_file(path: Path, how: str) -> None:
    """What the browser tests need: skipped without it, failed when CI requires the browser."""
    if path.exists():
        return
    reason = f"{path} not found ({how})"
    if os.environ.get("INSPECTION_ASSISTANT_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _require_browser() -> None:
    require_file(CHROMIUM, "apt-get install -y chromium")


@pytest.fixture(scope="module")
def app_url(small_index):
    _require_browser()
    import app

    port = free_port()
    demo = app.launch(small_index, port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.fixture(scope="module")
def page(app_url, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1440, "height": 1100},
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.outside = []  # requests to anything but this machine
        page.on("request", lambda r: urlparse(r.url).hostname not in (None, "127.0.0.1", "localhost")
                and page.outside.append(r.url))
        page.goto(app_url)
        page.wait_for_selector("#question textarea")
        yield page
        context.close()


def _ask(page, question: str) -> None:
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    # The sources panel names its question and arrives with the final reply, not while it streams.
    page.wait_for_function("q => document.querySelector('#sources .sources-for')?.innerText.includes(q)", arg=question)


def _cards(page) -> list[str]:
    return page.locator("#sources .source").all_inner_texts()


def test_chat_cites_pages_keeps_context_and_rejects_bad_uploads(page, small_index, tmp_path, shots):
    _ask(page, "What did Ofsted find about management oversight in Rotherham in 2014?")
    cards = _cards(page)
    assert cards, "no sources shown"
    assert "rotherham_2014-11-19_sif.pdf" in cards[0] and "page " in cards[0]
    assert all(any(f in c for f in SMALL_SET) for c in cards)
    assert page.locator("#sources .source mark").count() == len(cards)  # each cited sentence highlighted
    # The publisher's page of the first citation (the corpus's manifest.csv), in a new tab; the
    # address is answered here, so the test never leaves this machine.
    link = page.locator("#sources .source a.publisher").first
    href = link.get_attribute("href")
    assert href.startswith(ROTHERHAM_2014_URL + "#page=") and link.get_attribute("target") == "_blank"
    page.context.route(ROTHERHAM_2014_URL + "*", lambda route: route.fulfill(body="the publisher's copy"))
    with page.expect_popup() as opened:
        link.click()
    assert opened.value.url == href
    opened.value.close()
    assert "[1]" in page.locator("#chat").inner_text()
    page.get_by_text("Copy or download this answer").click()
    with page.expect_download() as download:
        page.click("#download")
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "rotherham_2014-11-19_sif.pdf" in exported and "management oversight" in exported.lower()

    page.locator("#sources .source").first.click()
    page.wait_for_function("() => { const i = document.querySelector('#page-image img'); return i && i.complete && i.naturalWidth > 0; }")
    caption = page.locator("#page-caption").inner_text()
    assert "rotherham_2014-11-19_sif.pdf" in caption and "page " in caption
    page.screenshot(path=str(shots / "chat.png"), full_page=True)

    _ask(page, "And what about care leavers?")
    followup = _cards(page)
    assert followup and all("rotherham_2014-11-19_sif.pdf" in c for c in followup), followup
    assert any("care leaver" in c.lower() for c in followup)

    _ask(page, "What did Ofsted say about HMP Belmarsh prison?")
    lines = [line for line in page.locator('#chat [data-testid="bot"]').last.inner_text().splitlines() if line.strip()]
    assert lines[0].startswith("Read as:") and lines[1].startswith("The indexed reports do not answer this.")
    nearest = page.locator("#sources .source.nearest")
    assert nearest.count() == 0 or "not an answer" in nearest.first.inner_text().lower()

    page.get_by_role("button", name="New chat").click()
    _ask(page, "what's wrong?")  # vague: no answer, but questions it may mean, each a button that asks it
    offered = page.locator("#did-you-mean button")
    offered.first.wait_for()
    pick = offered.first.inner_text().strip().removesuffix("...")  # a long one is shortened on its button
    assert offered.count() >= 2
    offered.first.click()
    page.wait_for_function("q => document.querySelector('#sources .sources-for')?.innerText.includes(q)", arg=pick)
    assert page.locator('#chat [data-testid="user"]').last.inner_text().strip().startswith(pick)

    _ask(page, "Which reports mention private fostering?")  # a table answer, not tied to Rotherham
    table = page.locator('#chat [data-testid="bot"]').last.locator("table")
    assert table.count() == 1 and "Haringey" in table.inner_text()
    with page.expect_download() as download:
        page.click("#download-csv")
    rows = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("Council,Report,Date") and len(rows) > 2

    page.get_by_role("tab", name="Add reports").click()
    bad = tmp_path / "broken report.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n" + b"\x00garbage" * 50)
    page.set_input_files("#upload input[type=file]", str(bad))
    page.wait_for_function("() => document.querySelector('#upload').innerText.includes('broken')")
    page.click("#ingest")
    page.wait_for_function("() => document.querySelector('#ingest-results').innerText.includes('failed')")
    results = page.locator("#ingest-results").inner_text()
    assert "uploads/broken_report.pdf" in results and "corrupt" in results
    assert not (small_index.index_dir / "uploads" / "broken_report.pdf").exists()
    assert small_index.stats()["reports"] == len(SMALL_SET)
    page.screenshot(path=str(shots / "upload.png"), full_page=True)
    assert page.outside == [], f"requests left the machine: {page.outside}"


def test_judgements_chart_opens_the_grade_page(page, shots):
    page.get_by_role("tab", name="Judgements").click()
    council = page.locator("#tab-judgements input").first
    council.click()
    council.fill("Haringey")
    page.get_by_role("option", name="Haringey").click()
    page.wait_for_selector("#grade-timeline circle.grade-point")
    point = page.locator("#grade-timeline circle.grade-point").last  # drawn last, so on top
    assert "haringey" in point.get_attribute("data-file")
    point.click()
    page.wait_for_function("() => { const i = document.querySelector('#grade-page img'); return i && i.complete && i.naturalWidth > 0; }")
    page.screenshot(path=str(shots / "judgements.png"), full_page=True)
    assert page.outside == [], f"requests left the machine: {page.outside}"
