"""The chat against WCAG 2.2 AA in a real browser (Debian's Chromium driven by Playwright).

axe-core (pinned in tests/browser/package-lock.json, installed by `make install`) is injected
into the page in every state a user meets: an empty index, an ingest running behind the chat,
an answer with a table, a source opened on its page, an abstention, readings offered for a vague
question, the judgements chart, an upload with a refused file; each tab is checked as shown. Then the main path is driven by the
keyboard alone, with focus visible at every step. Where Gradio's own markup falls short, app.py
mends it (A11Y_HEAD, CSS); nothing is excepted here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from scripts.with_chroma_server import free_port
from tests.conftest import REPO
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, require_file

pytestmark = pytest.mark.corpus

AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Rules that fire only in Gradio's markup and cannot be mended from our side: none today. Each
# entry would be (rule id, a CSS selector it fires on, the reason and where it was reported).
EXCEPTIONS: list[tuple[str, str, str]] = []
TABS = ["Ask", "Reports", "Judgements", "Add reports"]


def violations(page) -> list[str]:
    """axe's WCAG 2.x A/AA violations on the page as shown, one line each (rule, targets, why);
    checked once Gradio has settled (a component that is loading is shown faded on purpose)."""
    page.wait_for_function("() => !document.querySelector(\".pending, [data-testid='status-tracker']:not(.hide)\")")
    page.wait_for_timeout(400)  # its fade back in
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations.map(v =>
             ({id: v.id, nodes: v.nodes.map(n => ({target: n.target.join(' '), why: n.failureSummary}))}))""", WCAG_AA)
    lines = []
    for rule in found:
        for node in rule["nodes"]:
            if not any(rule["id"] == r and s in node["target"] for r, s, _ in EXCEPTIONS):
                lines.append(f"{rule['id']} at {node['target']}: {' '.join(node['why'].split())[:200]}")
    return lines


def open_browser(playwright, url: str, profile: Path):
    context = playwright.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1440, "height": 1100})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea")
    return context, page


def every_tab(page, state: str) -> dict[str, list[str]]:
    """{"state / tab": its violations} for each tab in turn, back on Ask at the end."""
    out = {}
    for tab in TABS:
        page.get_by_role("tab", name=tab, exact=True).click()
        page.locator(f"#tab-{'add' if tab == 'Add reports' else tab.lower()}").wait_for()
        page.wait_for_timeout(300)  # Gradio renders a tab's contents as it opens
        out[f"{state} / {tab}"] = violations(page)
    page.get_by_role("tab", name="Ask", exact=True).click()
    return out


def ask(page, question: str) -> None:
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    page.wait_for_function("q => document.querySelector('#sources .sources-for')?.innerText.includes(q)", arg=question)


@pytest.fixture(scope="module")
def playwright():
    require_file(CHROMIUM, "apt-get install -y chromium")
    require_file(AXE, "make install runs npm ci in tests/browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def chat(small_index, playwright, tmp_path_factory):
    import app

    port = free_port()
    demo = app.launch(small_index, port=port, block=False)
    context, page = open_browser(playwright, f"http://127.0.0.1:{port}/", tmp_path_factory.mktemp("profile"))
    yield page
    context.close()
    demo.close()


def test_an_empty_index_and_an_ingest_behind_the_chat_pass_axe(corpus, playwright, tmp_path):
    import app
    from assistant import Assistant
    from assistant.background import BackgroundIngest

    folder = tmp_path / "reports"
    folder.mkdir()
    for pdf in sorted((corpus / "ofsted-ilacs").glob("*.pdf"))[:12]:
        shutil.copyfile(pdf, folder / pdf.name)
    assistant = Assistant.open(tmp_path / "index")
    found: dict[str, list[str]] = {}
    for state, background in (("empty index", None), ("ingesting", BackgroundIngest(assistant, [folder], root=folder))):
        port = free_port()
        demo = app.launch(assistant, port=port, block=False, background=background and background.start())
        context, page = open_browser(playwright, f"http://127.0.0.1:{port}/", tmp_path / f"profile-{port}")
        try:
            if background is not None:
                page.wait_for_selector("#ingest-progress progress")
                assert page.locator("#ingest-progress").get_attribute("aria-live") == "polite"
                assert background.progress.running  # checked while the ingest runs
            found |= every_tab(page, state)
        finally:
            context.close()
            demo.close()
            if background is not None:
                background.wait(timeout=600)
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_every_tab_in_every_state_of_a_conversation_passes_axe(chat, tmp_path):
    found = every_tab(chat, "before a question")
    ask(chat, "Which reports mention private fostering?")
    assert chat.locator('#chat [data-testid="bot"]').last.locator("table").count() == 1
    # What changes is announced politely: the answers as they arrive, the index's status line.
    assert chat.locator("#chat [aria-live='polite']").count() >= 1
    assert chat.locator("#index-status").get_attribute("aria-live") == "polite"
    found |= every_tab(chat, "an answer with a table")
    chat.locator("#sources .source-open").first.click()
    chat.wait_for_function("() => { const i = document.querySelector('#page-image img'); return i && i.complete && i.naturalWidth > 0; }")
    found["a source opened on its page"] = violations(chat)
    ask(chat, "What did Ofsted say about HMP Belmarsh prison?")
    found["an abstention"] = violations(chat)
    ask(chat, "what's wrong?")  # vague: the readings it may mean, offered as buttons
    chat.locator("#did-you-mean button").first.wait_for()
    found["readings offered"] = violations(chat)

    chat.get_by_role("tab", name="Judgements", exact=True).click()
    chat.locator("#tab-judgements input").first.fill("Haringey")
    chat.keyboard.press("Enter")
    chat.wait_for_selector("#grade-timeline svg.grade-chart")
    assert chat.locator("#grade-timeline table.grade-data button").count() >= 1  # the chart's data, in words
    assert chat.locator("#grade-distribution table.grade-data").count() == 1
    found["the judgements chart"] = violations(chat)

    chat.get_by_role("tab", name="Add reports", exact=True).click()
    bad = tmp_path / "broken report.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n" + b"\x00garbage" * 50)
    chat.set_input_files("#upload input[type=file]", str(bad))
    chat.wait_for_function("() => document.querySelector('#upload').innerText.includes('broken')")
    found["a file chosen"] = violations(chat)
    chat.click("#ingest")
    chat.wait_for_function("() => document.querySelector('#ingest-results').innerText.includes('failed')")
    found["an upload with a refused file"] = violations(chat)
    chat.get_by_role("tab", name="Ask", exact=True).click()
    chat.get_by_role("button", name="New chat").click()
    assert not any(found.values()), {k: v for k, v in found.items() if v}


FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {tag: e.tagName, text: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 80),
          role: e.getAttribute('role') || '', cls: e.className && e.className.baseVal === undefined ? e.className : '',
          visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'}; }"""


def tab_to(page, wanted, most: int = 120, back: bool = False) -> dict:
    """Press Tab (Shift+Tab with `back`) until the focused element is `wanted` (a predicate on
    FOCUSED's dict); focus must be visible at every stop on the way."""
    for _ in range(most):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["visible"], f"focus not visible on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"{most} presses of Tab never reached it: focus trapped or the control is not reachable")


def test_the_main_path_works_by_keyboard_alone_with_focus_visible(chat):
    chat.get_by_role("tab", name="Ask", exact=True).click()
    chat.focus("#question textarea")
    chat.keyboard.type("What did Ofsted find about management oversight in Rotherham in 2014?")
    chat.keyboard.press("Enter")
    chat.wait_for_function("() => document.querySelector('#sources .sources-for')?.innerText.includes('Rotherham in 2014')")
    # Told apart by ear: each source's button is named "citation N, <report>, page P" (the shown "[N]" is hidden from it).
    cards = chat.locator("#sources .source-open").count()
    assert cards >= 2
    for n in range(1, cards + 1):
        named = chat.get_by_role("button", name=re.compile(rf"^citation {n}, Rotherham · SIF inspection · .*, page \d+$"))
        assert named.count() == 1, n

    # Follow the first citation: Tab to its button, Enter opens the page.
    tab_to(chat, lambda f: "source-open" in f["cls"])
    chat.keyboard.press("Enter")
    chat.wait_for_function("() => { const i = document.querySelector('#page-image img'); return i && i.complete && i.naturalWidth > 0; }")
    cited = chat.locator("#page-caption").inner_text()
    # Page through it: the next page, by keyboard.
    tab_to(chat, lambda f: f["tag"] == "BUTTON" and f["text"].startswith("Next page"))
    chat.keyboard.press("Enter")
    chat.wait_for_function("c => document.querySelector('#page-caption').innerText !== c", arg=cited)

    # Download the answer: back to the accordion, open it, Tab to the download, Enter.
    tab_to(chat, lambda f: f["text"].startswith("Copy or download this answer"), back=True)
    chat.keyboard.press("Enter")
    tab_to(chat, lambda f: f["text"].startswith("Download .md"))
    with chat.expect_download() as download:
        chat.keyboard.press("Enter")
    assert "Rotherham" in Path(download.value.path()).read_text(encoding="utf-8")

    # Switch tabs: Tab to the tab list, Enter on Judgements; then away from it again (not trapped).
    tab_to(chat, lambda f: f["role"] == "tab" and f["text"] == "Judgements", back=True)
    chat.keyboard.press("Enter")
    chat.locator("#tab-judgements").wait_for()
    assert chat.get_by_role("tab", name="Judgements", exact=True).get_attribute("aria-selected") == "true"
    tab_to(chat, lambda f: f["tag"] == "INPUT")  # into the tab's filters
    tab_to(chat, lambda f: f["role"] == "tab" and f["text"] == "Ask", back=True)
    chat.keyboard.press("Enter")
    assert chat.get_by_role("tab", name="Ask", exact=True).get_attribute("aria-selected") == "true"
