"""The web app under hostile input, on a real index (the real ingest of generated and real PDFs)
served by the real `app.py` on loopback:

- markup in a PDF (`<script>`, `<img onerror>`, a `javascript:` link, `${...}`, `$$...$$`), in a
  file name and in the question is shown as text in the answer, the source cards and the
  Markdown export, and nothing runs (Chromium);
- a 100,000-character question, NUL and control characters, right-to-left text and emoji get
  an answer or the one-line refusal, quickly;
- with `--auth`, every route the server has refuses a request without a session;
- uploads over the size limit, with traversal names, non-PDFs, and 50 files at once: one row
  each, good files indexed, nothing written outside `<index>/uploads/`;
- 50 chat sessions at once, with an upload running, all answered (p50 / p95 printed).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

import app
from assistant import Assistant
from assistant.signed_in import LOGIN_ASSETS, LOGIN_PAGE
from eval.bench_query import percentile
from scripts.with_chroma_server import free_port
from tests.adversarial import hostile_pdfs as hostile
from tests.conftest import REPO
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, _require_browser
from tests.test_first_run import reachable

pytestmark = pytest.mark.corpus

MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))",
          "${window.pwned=1}", "$$x^2$$"]
HOSTILE_LINE = f"Leaders review {MARKUP[0]} plans {MARKUP[1]} and {MARKUP[2]} {MARKUP[3]} {MARKUP[4]} each month."
HOSTILE_QUESTION = "What do leaders review each month? <img src=x onerror=alert(3)>"
NAMED = "[x](javascript:alert(2)) <img src=x onerror=alert(2)>.pdf"  # a file name carrying markup
NAMED_QUESTION = "Who meets every child before each review meeting?"
REAL = {"Birmingham": "ofsted-focused-visits/birmingham_2020-03-13_focused-visit.pdf",
        "Camden": "ofsted-focused-visits/camden_2018-06-08_focused-visit.pdf"}
SECONDS_PER_QUESTION = 30  # "bounded time" for one odd question on a quiet loopback server
REFUSAL = re.compile(r"^\*\*The question [^\n]*\.\*\*$")  # the chat's one-line refusal


@pytest.fixture(scope="module")
def index(corpus, tmp_path_factory) -> Assistant:
    folder = tmp_path_factory.mktemp("web-in")
    hostile.text_pdf(folder / "hostile.pdf", pages=2, line=HOSTILE_LINE)
    hostile.text_pdf(folder / NAMED, line="Advocates meet every child before each review meeting.")
    for council, name in REAL.items():
        shutil.copyfile(corpus / name, folder / f"{council.lower()}.pdf")
    assistant = Assistant.open(tmp_path_factory.mktemp("web") / "index")
    summary = assistant.ingest(folder, progress=False)
    assert summary.count("failed") == 0, summary.format()
    return assistant


@pytest.fixture(scope="module")
def server(index, tmp_path_factory):
    """`python app.py` on a free loopback port, serving the index."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "app.log"
    proc = subprocess.Popen([sys.executable, REPO / "app.py", "--index", index.index_dir, "--port", str(port)], cwd=REPO,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        reachable(url, proc, 120)
        yield url
    finally:
        proc.terminate()
        proc.wait(30)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]


def ask(url: str, question: str, chat=None, client=None):
    """(chat, export) after asking through the chat's API, as the page does."""
    from gradio_client import Client

    client = client or Client(url, verbose=False)
    chat, _sources, export, _download, _box, _table = client.predict(question, chat or [], [], [], None, None,
                                                                     api_name="/ask")
    return chat, export


def text_of(message: dict) -> str:
    """A chat message's text (Gradio gives its content as a list of parts)."""
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


# -- markup from a PDF, in the browser --------------------------------------------------------------
def test_markup_in_a_pdf_is_text_in_the_answer_the_cards_and_the_export(server):
    _require_browser()
    from markdown_it import MarkdownIt
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        # Anything that runs would call alert (recorded here) or set window.pwned.
        page.add_init_script("window.__alerts = []; window.alert = m => window.__alerts.push(String(m));")
        page.goto(server)
        page.wait_for_selector("#question textarea")
        shown = {}
        for question in (HOSTILE_QUESTION, NAMED_QUESTION):
            page.fill("#question textarea", question)
            page.press("#question textarea", "Enter")
            page.wait_for_function("q => document.querySelector('#sources .sources-for')?.innerText.includes(q)",
                                   arg=question)
            shown[question] = {"user": page.locator('#chat [data-testid="user"]').last.inner_text(),
                               "bot": page.locator('#chat [data-testid="bot"]').last.inner_text(),
                               "cards": page.locator("#sources").inner_text()}
            # No element made from the text: images, scripts, javascript: links, typeset maths.
            made = page.evaluate("""() => ['img', 'script', 'a[href^="javascript"]', '[onerror]', '.katex'].map(
                s => document.querySelectorAll(`#chat ${s}, #sources ${s}`).length)""")
            assert made == [0, 0, 0, 0, 0], (question, made)
            if question == HOSTILE_QUESTION:  # its Markdown export, as downloaded
                page.get_by_text("Copy or download this answer").click()
                with page.expect_download() as download:
                    page.click("#download")
                exported = Path(download.value.path()).read_text(encoding="utf-8")
        ran = page.evaluate("() => [window.__alerts, window.pwned === undefined]")
        browser.close()
    assert dialogs == [] and ran == [[], True], (dialogs, ran)

    hostile_turn, named_turn = shown[HOSTILE_QUESTION], shown[NAMED_QUESTION]
    assert hostile_turn["user"].strip() == HOSTILE_QUESTION
    for text in MARKUP:  # the PDF's words, literally, in the answer and in its card
        assert text in hostile_turn["bot"] and text in hostile_turn["cards"], text
    assert "hostile.pdf" in hostile_turn["cards"] and "[1]" in hostile_turn["bot"]
    assert NAMED in named_turn["cards"] and "Advocates meet every child" in named_turn["bot"]
    # The export rendered by a Markdown renderer that lets HTML through: still only text.
    rendered = MarkdownIt("commonmark").render(exported)
    assert not re.search(r"<(script|img)\b|href=\"javascript", rendered, re.I), rendered
    for text in MARKUP:
        assert text in html.unescape(re.sub(r"<[^>]+>", "", rendered)), text


# -- odd questions ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("question", "refused"), [
    ("x" * 100_000, True),
    ("\x00\x01\x1b\x7f", True),
    ("What do\x00 leaders\x07 review\x1b[2J each month?", False),
    ("ماذا يراجع القادة كل شهر؟ leaders review each month", False),
    ("מה בודקים המנהלים כל חודש? leaders review each month", False),
    ("🙈 What do leaders review each month? 😀 \u202ereversed\u202c", False),
], ids=["100k-chars", "control-only", "nul-inside", "arabic", "hebrew", "emoji-bidi"])
def test_an_odd_question_gets_an_answer_or_a_one_line_refusal_in_bounded_time(server, question, refused):
    started = time.monotonic()
    chat, export = ask(server, question)
    seconds = time.monotonic() - started
    reply = text_of(chat[-1])
    assert seconds < SECONDS_PER_QUESTION and "Traceback" not in reply and "Error" not in reply, (seconds, reply[:300])
    if refused:
        assert REFUSAL.match(reply), reply[:300]
    else:  # an answer, cited, or the abstention, with its export
        assert "[1]" in reply or "do not answer this" in reply, reply[:300]
        assert export.startswith("**Q:**")
    print(f"\n{len(question):,} characters: {seconds:.2f} s, {'refused' if refused else 'answered'}")


# -- --auth ---------------------------------------------------------------------------------------
def routes(routes_, prefix=""):
    """(path, method) of every route the server has, routers included in others too."""
    for route in routes_:
        if hasattr(route, "path"):
            for method in sorted(getattr(route, "methods", None) or {"GET"}):
                yield prefix + route.path, method
        else:  # FastAPI's included router
            yield from routes(route.original_router.routes, prefix)


def concrete(path: str) -> str:
    """A request path for a route pattern: parameters filled with something that could exist."""
    filled = {"path_or_url": "/etc/passwd", "api_name": "ask", "size": "192", "path": "index.html"}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: filled.get(m[1], "x"), path)


@pytest.fixture(scope="module")
def auth_server(index):
    port = free_port()
    demo = app.launch(index, port=port, auth="user:pw", block=False)
    yield f"http://127.0.0.1:{port}", demo
    demo.close()


def test_auth_refuses_every_route_without_a_session(auth_server):
    url, demo = auth_server
    found = sorted(set(routes(demo.app.routes)))
    paths = {p for p, _ in found}
    assert {"/config", "/gradio_api/info", "/gradio_api/file={path_or_url:path}", "/gradio_api/upload",
            "/gradio_api/queue/join", "/gradio_api/call/{api_name}"} <= paths  # the API's router was walked
    public, refused = [], []
    with httpx.Client(base_url=url, timeout=10) as anonymous:
        for path, method in found:
            response = anonymous.request(method, concrete(path), json={} if method == "POST" else None)
            if path in LOGIN_PAGE or path.startswith(LOGIN_ASSETS):
                public.append(path)  # the login page itself: nothing of the app's in it
                assert app.EXAMPLES[0] not in response.text and "index-status" not in response.text, path
            else:
                refused.append(path)
                assert response.status_code == 401, (method, path, response.status_code, response.text[:200])
        wrong = anonymous.post("/login", data={"username": "user", "password": "nope"})
        assert wrong.status_code >= 400 and anonymous.get("/config").status_code == 401
    print(f"\n--auth: {len(refused)} routes refused without a session, {len(public)} serve the login page")

    with httpx.Client(base_url=url, timeout=30) as signed_in:  # the same routes work once signed in
        assert signed_in.post("/login", data={"username": "user", "password": "pw"}).status_code == 200
        assert app.EXAMPLES[0] in signed_in.get("/config").text and "/ask" in signed_in.get("/gradio_api/info").text
    from gradio_client import Client

    _chat, export = ask(url, NAMED_QUESTION, client=Client(url, auth=("user", "pw"), verbose=False))
    assert "Advocates meet every child" in export
    with pytest.raises(Exception, match="401|[Ll]ogin|auth"):
        Client(url, verbose=False)
    _require_browser()  # and the login page still signs a person in
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        page.fill("input[type=text]", "user")
        page.fill("input[type=password]", "pw")
        page.get_by_role("button", name="Login").click()
        page.wait_for_selector("#question textarea")
        browser.close()


# -- uploads ----------------------------------------------------------------------------------------
def _non_pdfs(folder: Path) -> list[Path]:
    """Files that are not PDFs, named .pdf: a web page, an image, a zip, text, nothing."""
    import io
    import zipfile

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as z:
        z.writestr("report.pdf", b"%PDF-1.7")
    contents = {"page.html.pdf": f"<html><body>{MARKUP[0]}</body></html>".encode(), "image.png.pdf": png.getvalue(),
                "archive.zip.pdf": packed.getvalue(), "notes.txt.pdf": b"Just some notes.\n", "empty.pdf": b""}
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in contents]


def _new_files(root: Path, before: set[Path]) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} - before


def test_hostile_uploads_through_the_library(tmp_path):
    folder = tmp_path / "chosen"
    folder.mkdir()
    good = hostile.text_pdf(folder / "good.pdf", line="Leaders have a clear plan for care leavers.")
    too_big = folder / "too-big.pdf"  # a real PDF, padded past the limit
    too_big.write_bytes(good.read_bytes() + b"\0" * (50 * 2**20))
    odd = [hostile.text_pdf(folder / name, line=f"Odd upload {n} is a report.")
           for n, name in enumerate(["..\\..\\evil.pdf", "\x1b[31mred\x07.pdf", "new\nline.pdf", ".hidden.pdf"])]
    files = [good, too_big, *odd, *_non_pdfs(folder)]
    assistant = Assistant.open(tmp_path / "index")
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    summary = assistant.add_uploads(files, progress=False)
    rows = {r.file: r for r in summary.results}
    assert len(summary.results) == len(files), summary.format()  # one row each
    assert all(re.fullmatch(r"(uploads/)?[A-Za-z0-9._-]+\.pdf", r.file) for r in summary.results), list(rows)
    assert rows["uploads/good.pdf"].status == "new"
    assert rows["too-big.pdf"].status == "failed" and "larger than the 50 MB upload limit" in rows["too-big.pdf"].reason
    assert sum(r.status == "new" for r in summary.results) == 1 + len(odd)  # odd names, stored under safe ones
    failed = [r for r in summary.results if r.status == "failed"]
    assert len(failed) == 6 and all(r.reason and "\n" not in r.reason for r in failed)
    uploads = assistant.index_dir / "uploads"
    kept = {p.name for p in uploads.iterdir()}
    assert kept == {Path(r.file).name for r in summary.results if r.status == "new"}  # failed ones removed
    written = _new_files(tmp_path, before)
    assert all(p.is_relative_to(assistant.index_dir) for p in written)  # nothing outside the index...
    assert not [p for p in written if p.suffix == ".pdf" and p.parent != uploads]  # ...and PDFs only in uploads/
    assert len(assistant.files()) == 1 + len(odd)


def _call(url: str, api: str, data: list, timeout: float = 600) -> list:
    """The chat's API over plain HTTP (what a script would send); the final output."""
    import json

    with httpx.Client(base_url=url, timeout=timeout) as http:
        event = http.post(f"/gradio_api/call/{api}", json={"data": data}).json()["event_id"]
        with http.stream("GET", f"/gradio_api/call/{api}/{event}") as stream:
            lines = list(stream.iter_lines())
    assert "event: complete" in lines, lines[-4:]
    return json.loads(lines[lines.index("event: complete") + 1].removeprefix("data: "))


def test_fifty_files_at_once_with_traversal_names_and_non_pdfs_over_http(server, index, tmp_path):
    made = [hostile.text_pdf(tmp_path / f"report-{n}.pdf", line=f"Upload {n} found that plans are reviewed.")
            for n in range(44)]
    named = {"../../escape.pdf": made[0], "..\\..\\win.pdf": made[1], "/etc/cron.d/job.pdf": made[2],
             "\x1b[2Jclear\x07.pdf": made[3]}
    fakes = _non_pdfs(tmp_path)
    parts = [*((p.name, p) for p in made[4:]), *named.items(), *((p.name, p) for p in fakes)]
    parts.append(("one-too-many.pdf", hostile.text_pdf(tmp_path / "extra.pdf", line="The fiftieth upload.")))
    assert len(parts) == 50
    root = index.index_dir.parent
    before = {p for p in root.rglob("*") if p.is_file()}
    with httpx.Client(base_url=server, timeout=120) as http:
        big = tmp_path / "big.pdf"
        big.write_bytes(made[0].read_bytes() + b"\0" * (50 * 2**20 + 1))
        refused = http.post("/gradio_api/upload", files=[("files", ("big.pdf", big.open("rb")))])
        assert refused.status_code == 413, refused.text[:200]  # over the limit: refused before it is stored
        stored = http.post("/gradio_api/upload", files=[("files", (name, path.open("rb"))) for name, path in parts])
        assert stored.status_code == 200, stored.text[:300]
    on_server = stored.json()
    assert len(on_server) == 50 and not any(Path(p).name in ("escape.pdf", "job.pdf") and ".." in p for p in on_server)
    started = time.monotonic()
    results, *_ = _call(server, "upload", [[{"path": p, "orig_name": name, "meta": {"_type": "gradio.FileData"}}
                                           for p, (name, _) in zip(on_server, parts, strict=True)]])
    seconds = time.monotonic() - started
    rows = results["data"]
    assert len(rows) == 50 and all(re.fullmatch(r"uploads/[A-Za-z0-9._-]+\.pdf", r[0]) for r in rows), rows
    assert sum(r[1] == "new" for r in rows) == 45 and sum(r[1] == "failed" for r in rows) == len(fakes)
    uploads = index.index_dir / "uploads"
    written = _new_files(root, before)
    assert not [p for p in written if p.suffix == ".pdf" and p.parent != uploads], written
    assert not [p for p in Path("/").glob("*.pdf")] and not Path("/etc/cron.d/job.pdf").exists()
    print(f"\n50 files in one upload: {sum(r[1] == 'new' for r in rows)} indexed, "
          f"{sum(r[1] == 'failed' for r in rows)} refused, {seconds:.1f} s")


# -- 50 sessions at once ----------------------------------------------------------------------------
FOLLOW_UP = "And what needs to improve?"


def test_fifty_sessions_at_once_are_all_answered_while_an_upload_runs(server, index, tmp_path):
    """Each session asks about its own council, then a follow-up that names none: both answers must
    cite only that council's report (another session's context would show)."""
    from gradio_client import Client, handle_file

    ask(server, "What did the focused visit to Birmingham find?")  # warm, as a running service is
    latency: list[float] = []
    problems: list[str] = []
    councils = [list(REAL)[n % len(REAL)] for n in range(50)]
    late = [hostile.text_pdf(tmp_path / f"late-{n}.pdf", line=f"Late upload {n} says plans are reviewed.")
            for n in range(5)]
    upload: dict = {}

    def session(n: int, council: str) -> None:
        try:
            client, chat = Client(server, verbose=False), []
            for question in (f"What did the focused visit to {council} find?", FOLLOW_UP):
                started = time.perf_counter()
                chat, export = ask(server, question, chat, client)
                latency.append(time.perf_counter() - started)
                cited = set(re.findall(r"`([^`]+\.pdf)`, page \d+", export))
                if cited != {f"{council.lower()}.pdf"}:
                    problems.append(f"session {n} ({council}), {question!r}: cites {sorted(cited)}")
        except Exception as exc:  # noqa: BLE001 - a failed session is a finding to report, not a crash
            problems.append(f"session {n}: {type(exc).__name__}: {exc}")

    def add() -> None:
        started = time.perf_counter()
        upload["rows"] = Client(server, verbose=False).predict([handle_file(p) for p in late], api_name="/upload")[0]
        upload["seconds"] = time.perf_counter() - started

    threads = [threading.Thread(target=session, args=(n, c)) for n, c in enumerate(councils)]
    threads.append(threading.Thread(target=add))
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    wall = time.perf_counter() - started
    assert problems == [] and len(latency) == 2 * len(councils), problems[:5]
    assert [row["status"] if isinstance(row, dict) else row[1] for row in upload["rows"]["data"]] == ["new"] * len(late)
    print(f"\n50 sessions x 2 questions with an upload running: {len(latency)}/100 answered in {wall:.1f} s, "
          f"p50 {percentile(latency, 0.5):.2f} s, p95 {percentile(latency, 0.95):.2f} s, max {max(latency):.2f} s; "
          f"the upload of {len(late)} PDFs took {upload['seconds']:.1f} s")
