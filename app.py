"""The Gradio chat. Only presentation lives here; every answer comes from `Assistant`.

python app.py [--index DIR] [--host H] [--port P] [--auth user:password]
"""

from __future__ import annotations

import html
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import click
import gradio as gr
from starlette.middleware import Middleware

from assistant import Assistant, Filters
from assistant import judgements_view as jv
from assistant.api import checked_question
from assistant.background import BackgroundIngest
from assistant.cli import index_option, llm_options, open_index, preset_option, store_options
from assistant.cli import main as cli
from assistant.phrases import EMPTY_INDEX, LLM_DRAFT, OTHER_READINGS
from assistant.present import (
    answer_markdown,
    chat_markdown,
    markdown_text,
    report_rows,
    source_target,
    sources_html,
)
from assistant.signed_in import SignedInOnly
from assistant.uploads import MAX_UPLOAD_MB
from ingest.core.errors import AssistantError
from ingest.core.vocabulary import REPORT_TYPE_LABELS

CORPUS_HINT = Path(__file__).resolve().parent.parent / "shared" / "corpus"
EXAMPLES = [
    "What did Ofsted find about management oversight in Rotherham in 2014?",
    "How did Ofsted rate Haringey's children in care in 2023?",
    "What did the inspectors say about care leavers' accommodation in Barnet?",
    "Summarise Haringey's 2023 inspection.",
    "Compare Rotherham's 2014 and 2018 inspections.",
    "Which reports mention private fostering?",
]
# Each update of a streamed answer resends the whole conversation, so more cost every session
# latency under load without reading any better: the first claims of an answer are shown as they
# come and the rest arrive whole; a language model's text is shown at most this often.
CLAIMS_STREAMED = 5
SECONDS_BETWEEN_UPDATES = 0.3
# Claims that read right before the answer's own lines around them arrive: never a nearest passage
# (not an answer) or a row listed apart from a count, which wait for the line that says so.
SHOWN_ALONE = {"finding", "grade", "improve", "opening", "weakness", "strength", "mention", "theme", "change"}
# Delegated on the component root so it survives every re-render of the cards.
CLICK_SOURCE_JS = """
element.addEventListener('click', (e) => {
  if (e.target.closest('a')) return;  // a link (the publisher's page) opens itself, not the card's page
  const card = e.target.closest('[data-source]');  // the card's button (Enter, Space) or anywhere on it
  if (card) trigger('click', {source: Number(card.dataset.source)});
});
"""
CLICK_POINT_JS = """
element.addEventListener('click', (e) => {
  const p = e.target.closest('[data-file]');
  if (p) trigger('click', {file: p.dataset.file, page: Number(p.dataset.page), quote: p.dataset.quote});
});
"""
# Colours hold WCAG 2.2 AA contrast (4.5:1 for text): no opacity on text, greys of #4b5563 or darker.
CSS = """
.source{border:1px solid var(--border-color-primary);border-left:4px solid #1f6feb;border-radius:6px;
  padding:8px 10px;margin:0 0 10px;cursor:pointer;background:var(--background-fill-primary)}
.source:hover{background:var(--background-fill-secondary)}
.source.nearest{border-left-color:#767676;border-style:dashed}
.source-open{all:unset;display:block;min-height:24px;cursor:pointer;font-weight:600}
:focus-visible{outline:3px solid #1f6feb !important;outline-offset:2px}
.source-meta{font-size:.85em;color:#4b5563}
.source p{margin:.4em 0 0;font-size:.92em;line-height:1.4}
.source mark{background:#ffe066;color:#111;padding:0 1px}
.source a.publisher{display:inline-block;min-height:24px;line-height:24px;margin-top:4px;font-size:.85em;color:#1d4ed8}
.badge{float:right;font-size:.75em;text-transform:uppercase;background:#eee;color:#4b5563;padding:1px 6px;border-radius:8px}
.sources-for{font-size:.85em;color:#4b5563;margin-bottom:6px}
.abstain-note{padding:8px 10px;margin-bottom:10px;border-radius:6px;background:#fff4e5;color:#663c00}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
footer .show-api,footer a,.upload-container .or{color:#4b5563 !important}
.download-link{display:inline-block;min-width:24px;min-height:24px;line-height:24px}
#upload .icon-button:has(.upload-container){display:none}
.grade-data{border-collapse:collapse;font-size:.9em;margin:6px 0 12px}
.grade-data th,.grade-data td{border:1px solid var(--border-color-primary);padding:2px 8px;text-align:left}
.grade-data button{all:unset;cursor:pointer;text-decoration:underline;color:#1d4ed8;min-height:24px;display:inline-block}
"""
# Where Gradio's own markup falls short of WCAG 2.2 AA (axe-core, tests/test_accessibility.py lists
# each with its reason), it is mended as it appears: an empty image's label needs a role; the page
# image's enlarge button has no name; the upload area's name does not hold its visible words;
# the status line is announced politely as it changes. (In CSS above: the file list's "add more"
# icon is a button inside a button, so it is hidden: Clear, then choose again, does the same.)
A11Y_HEAD = """<script>
(() => {
  const mend = () => {
    document.querySelectorAll('.empty[aria-label]:not([role])').forEach(e => e.setAttribute('role', 'img'));
    document.querySelectorAll('.image-container > button:not([aria-label])').forEach(b =>
      b.setAttribute('aria-label', (b.querySelector('img') || {}).alt || 'Enlarge the page image'));
    document.querySelectorAll('button.upload-container').forEach(b => {
      const shown = b.innerText.replace(/\\s+/g, ' ').trim();
      if (shown && b.getAttribute('aria-label') !== shown) b.setAttribute('aria-label', shown);
    });
    const status = document.getElementById('index-status');
    if (status && !status.hasAttribute('aria-live')) { status.setAttribute('role', 'status'); status.setAttribute('aria-live', 'polite'); }
  };
  new MutationObserver(mend).observe(document.documentElement, {subtree: true, childList: true});
})();
</script>"""
# The default theme, its primary buttons and subdued text darkened to 4.5:1 contrast.
THEME = gr.themes.Default().set(
    button_primary_background_fill="#c2410c", button_primary_background_fill_hover="#9a3412",
    button_primary_text_color="#ffffff", button_primary_text_color_hover="#ffffff",
    body_text_color_subdued="#4b5563", block_info_text_color="#4b5563")


def ingest_uploads(assistant: Assistant, files, progress) -> list[list[str]]:
    """Rows (file, status, detail) for the upload tab."""
    paths = [f if isinstance(f, str) else f.name for f in files or []]
    summary = assistant.add_uploads(paths, progress=lambda frac, name: progress(frac, desc=name))
    return [[r.file, r.status, r.reason or (f"{r.pages} pages, {r.chunks} passages" if r.pages else "")]
            for r in summary.results]


def index_status(assistant: Assistant) -> str:
    s = assistant.stats()
    if not s["reports"]:
        hint = f"\n\nThe corpus folder `{CORPUS_HINT}` is present: ingest it below." if CORPUS_HINT.is_dir() else ""
        return f"**{EMPTY_INDEX}** Or upload PDFs in *Add reports*.{hint}"
    return f"{s['reports']:,} reports indexed ({s['pages']:,} pages). Every quote is checked on its page."


def filters_from(authority, report_type, year_from, year_to) -> Filters | None:
    f = Filters(authority or None, report_type or None, int(year_from) if year_from else None, int(year_to) if year_to else None)
    return None if f.is_empty() else f


def choices(assistant: Assistant) -> tuple[list[str], list[str], list[int]]:
    reports = assistant.reports()
    years = sorted({y for m in reports for y in (m.year,) if y})
    return sorted({m.authority for m in reports if m.authority}), sorted({m.report_type for m in reports}), years


def page_view(assistant: Assistant, target: dict | None):
    """(image, caption) for a target {file, page, cited, quote}; the quote is marked only on its cited page."""
    if not target:
        return None, ""
    file, page = target["file"], target["page"]
    quote = target["quote"] if page == target["cited"] else None
    report = assistant.report_for_file(file)
    image = assistant.page_image(file, page, highlight=quote)
    if image is None:
        return None, f"`{file}` is no longer on disk, so its page cannot be shown."
    label = report.label if report else file
    mark = " — cited sentence highlighted" if quote else ""
    return image, f"**{label}** · `{file}` · page {page} of {report.pages if report else '?'}{mark}"


def moved(assistant: Assistant, target: dict | None, step: int | None) -> dict | None:
    """The target one page on (step ±1) or back on its cited page (step None), within the report."""
    if not target:
        return None
    if step is None:
        return {**target, "page": target["cited"]}
    report = assistant.report_for_file(target["file"])
    last = report.pages if report and report.pages else target["page"]
    return {**target, "page": max(1, min(target["page"] + step, last))}


def new_target(file: str, page: int, quote: str | None) -> dict:
    return {"file": file, "page": page, "cited": page, "quote": quote}


def judgements_tab(assistant: Assistant) -> None:
    """Grades per report (sortable), one council's grades over time, and grades by year."""
    reports = assistant.reports()
    keys = jv.grade_keys(reports)
    councils = sorted({m.authority for m in reports if m.judgements and m.authority})
    grades = sorted({j.grade for m in reports for j in m.judgements.values()})

    def rows(authority, report_type, year, key, grade):
        headers, data = jv.table(assistant.reports(authority or None, report_type or None, int(year) if year else None,
                                                   key or None, grade or None))
        return gr.update(value=data, headers=headers)

    def timeline(authority):
        mine = assistant.reports(authority) if authority else []
        charts = [jv.timeline_svg(mine, scale, f"{authority}: grades over time") + jv.timeline_table(mine, scale)
                  for scale in jv.SCALES]
        return "".join(charts) or f"<p>No graded reports for {authority or 'this council'}.</p>"

    def spread(key, report_type):
        chosen, key = assistant.reports(report_type=report_type or None), key or jv.KEY_ORDER[0]
        return (jv.distribution_svg(chosen, key) + jv.distribution_table(chosen, key)) or "<p>No grades for this judgement.</p>"

    def open_point(evt: gr.EventData):
        file, page = getattr(evt, "file", None), getattr(evt, "page", None)
        target = new_target(file, int(page), getattr(evt, "quote", None)) if file and page else None
        return page_view(assistant, target)

    with gr.Tab("Judgements", elem_id="tab-judgements"):
        with gr.Row():
            authority = gr.Dropdown(councils, label="Council", value=None)
            report_type = gr.Dropdown(sorted({m.report_type for m in reports if m.judgements}), label="Report type", value=None)
            year = gr.Dropdown(sorted({m.year for m in reports if m.year}), label="Year", value=None)
            key = gr.Dropdown([(jv.key_label(k), k) for k in keys], label="Judgement", value=None)
            grade = gr.Dropdown(grades, label="Grade", value=None)
        headers, data = jv.table(reports)
        table = gr.Dataframe(value=data, headers=headers, interactive=False, wrap=True, max_height=420, elem_id="grades")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                gr.Markdown("#### One council's grades over time\nPick a council above; click a point to see the page that states the grade.")
                over_time = gr.HTML(timeline(None), js_on_load=CLICK_POINT_JS, elem_id="grade-timeline")
                gr.Markdown("#### Grades by year, all councils")
                spread_key = gr.Dropdown([(jv.key_label(k), k) for k in keys], label="Judgement",
                                         value=keys[0] if keys else None)
                by_year = gr.HTML(spread(keys[0] if keys else None, None), elem_id="grade-distribution")
            with gr.Column(scale=2):
                caption = gr.Markdown()
                image = gr.Image(type="pil", format="png", label="Page stating the grade", interactive=False,
                                 elem_id="grade-page", height=640)
        filters = [authority, report_type, year, key, grade]
        for f in filters:
            f.change(rows, filters, table, api_visibility="private")
        authority.change(timeline, authority, over_time, api_visibility="private")
        for f in (spread_key, report_type):
            f.change(spread, [spread_key, report_type], by_year, api_visibility="private")
        over_time.click(open_point, None, [image, caption], api_visibility="private")


def ingest_bar(background: BackgroundIngest | None, assistant: Assistant) -> str:
    """The page's progress bar while the background ingest runs; once it is done, only the files
    it could not index (each with its reason), or nothing."""
    if background is None:
        return ""
    p = background.progress
    if not (p.running or p.error or p.refused):
        return ""
    indexed = assistant.stats()["reports"]
    if not (line := background.status(indexed)):
        return ""
    bar = f'<progress value="{indexed}" max="{max(p.files, 1)}" aria-label="Reports indexed" style="width:100%"></progress>' if p.running else ""
    return f'<div id="ingest-progress" role="status" aria-live="polite">{bar}<div>{html.escape(line)}</div></div>'


def build(assistant: Assistant, background: BackgroundIngest | None = None) -> gr.Blocks:
    authorities, types, years = choices(assistant)
    # Each answer's .md download is written here; the folder goes with the app (or the process).
    exports = tempfile.TemporaryDirectory(prefix="answers-")

    def respond(message, chat, answers, authority, report_type, year_from, year_to, use_llm=False):
        chat, answers = list(chat or []), list(answers or [])
        if not (message or "").strip():
            yield chat, answers, gr.update(), gr.update(), gr.update(), gr.update(), message, gr.update()
            return
        refusal = ""
        try:
            checked_question(message)
        except AssistantError as exc:  # far too long, control characters only...: one line, no traceback
            reason = str(exc)
            refusal = f"**{markdown_text(reason[:1].upper() + reason[1:])}.**"
        shown = message if len(message) <= 500 else f"{message[:500]}… ({len(message):,} characters)"
        chat.append({"role": "user", "content": markdown_text(shown)})
        if refusal or not assistant.stats()["reports"]:
            chat.append({"role": "assistant", "content": refusal or EMPTY_INDEX})
            answers.append(None)
            yield chat, answers, None, sources_html(None), "", gr.update(visible=False), "", gr.update(visible=False)
            return
        searching = {"role": "assistant", "content": "_Searching the reports…_"}
        yield chat + [searching], answers, gr.update(), gr.update(), gr.update(), gr.update(), "", gr.update()
        previous = [a for a in answers if a is not None]  # answers: a follow-up keeps the report one drew on
        filters = filters_from(authority, report_type, year_from, year_to)
        composer = "llm" if use_llm and assistant.settings.llm.url else "extractive"
        answer, reading, written, claims, last = None, "", [], [], 0.0
        for event in assistant.answer_events(message, history=previous, filters=filters, composer=composer):
            if event.kind == "done":
                answer = event.answer
                continue
            if event.kind == "reading":
                reading = f"_{markdown_text(event.text)}_"
                shown = reading
            elif event.kind == "token":  # the model's text as it writes: marked unchecked, never markup of its own
                written.append(event.text)
                if time.monotonic() - last < SECONDS_BETWEEN_UPDATES:
                    continue
                shown = f"{reading}\n\n{LLM_DRAFT}\n\n{markdown_text(''.join(written))}"
            elif event.kind == "claim" and event.role in SHOWN_ALONE and len(claims) < CLAIMS_STREAMED:
                claims.append(markdown_text(event.text))
                shown = f"{reading}\n\n" + " ".join(claims)
            else:
                continue
            last = time.monotonic()
            yield chat + [{"role": "assistant", "content": shown}], answers, *([gr.update()] * 6)
        assert answer is not None  # answer_events always ends with the answer
        so_far = background.so_far() if background is not None else ""
        chat.append({"role": "assistant", "content": f"_{so_far}_\n\n{chat_markdown(answer)}" if so_far else chat_markdown(answer)})
        answers.append(answer)
        export = answer_markdown(answer)
        folder = Path(tempfile.mkdtemp(dir=exports.name))
        path = folder / "answer.md"
        path.write_text(export, encoding="utf-8")
        table = gr.update(visible=False)
        if answer.table is not None:  # comparisons, coverage, themes, grades: the table as CSV
            (folder / "table.csv").write_text(answer.table_csv(), encoding="utf-8")
            table = gr.update(value=str(folder / "table.csv"), visible=True)
        yield (chat, answers, len(answers) - 1, sources_html(answer), export, gr.update(value=str(path), visible=True),
               gr.update(), table)

    def offered_readings(answers):
        last = answers[-1] if answers else None
        offered = last.suggestions if last is not None else []
        return gr.update(samples=[[s] for s in offered], visible=bool(offered))

    def show_sources_of(answers, evt: gr.SelectData):
        """Selecting an earlier reply brings back its sources."""
        turn = evt.index if isinstance(evt.index, int) else evt.index[0]
        answer = answers[turn // 2] if answers and turn // 2 < len(answers) else None
        return sources_html(answer), answer_markdown(answer) if answer else "", turn // 2

    def open_source(answers, shown, evt: gr.EventData):
        answer = answers[shown] if answers and shown is not None and shown < len(answers) else None
        index = getattr(evt, "source", None)
        found = source_target(answer, int(index)) if answer and index is not None else None
        target = new_target(*found) if found else None
        return (*page_view(assistant, target), target)

    def turn_page(target, step):
        target = moved(assistant, target, step)
        return (*page_view(assistant, target), target)

    def list_reports(query):
        return report_rows(assistant.reports(), query)

    def refreshed():
        a, t, y = choices(assistant)
        return (index_status(assistant), gr.update(choices=a), gr.update(choices=t), gr.update(choices=y),
                gr.update(choices=y), report_rows(assistant.reports(), ""),
                gr.update(visible=not a and background is None and CORPUS_HINT.is_dir()))

    def upload(files, progress=gr.Progress()):  # noqa: B008 - how Gradio injects its progress bar
        if not files:
            return [["", "failed", "no file chosen"]], *refreshed()
        return ingest_uploads(assistant, files, progress), *refreshed()

    def ingest_corpus(progress=gr.Progress()):  # noqa: B008
        summary = assistant.ingest([CORPUS_HINT], root=CORPUS_HINT, progress=lambda frac, name: progress(frac, desc=name))
        return summary.format(), *refreshed()

    # delete_cache: Gradio's own copies of served downloads and page images, hourly, after a day.
    with gr.Blocks(title="Inspection Report Assistant", analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        demo.exports = exports
        answers = gr.State([])
        shown = gr.State(None)  # which answer's sources are in the panel
        target = gr.State(None)  # the page on show: {file, page, cited, quote}
        gr.Markdown("## Inspection Report Assistant\nAsk about Ofsted inspection reports. Every claim cites a quote "
                    "checked on its page; click a source to see the page with the sentence highlighted.")
        status = gr.Markdown(index_status(assistant), elem_id="index-status")
        progress_bar = gr.HTML(ingest_bar(background, assistant), elem_id="ingest-bar")
        with gr.Row(visible=not authorities and CORPUS_HINT.is_dir() and background is None) as corpus_row:
            corpus_btn = gr.Button(f"Ingest the corpus folder ({CORPUS_HINT})", variant="primary")
            corpus_log = gr.Textbox(label="Ingest summary", lines=4)
        with gr.Tab("Ask", elem_id="tab-ask"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=5):
                    # No LaTeX: "$$" in a report is text, not a formula to typeset.
                    chat = gr.Chatbot(height=520, label="Conversation", buttons=["copy", "copy_all"], elem_id="chat",
                                      feedback_options=None, placeholder="Ask a question about the indexed reports.",
                                      latex_delimiters=[])
                    with gr.Row():
                        box = gr.Textbox(placeholder=EXAMPLES[0], show_label=False, scale=8, elem_id="question",
                                         autofocus=True, lines=1, max_lines=6)
                        send = gr.Button("Ask", variant="primary", scale=1, min_width=70, elem_id="ask")
                        new_chat = gr.Button("New chat", scale=1, min_width=90)
                    # Other readings of the last question, each a button that asks it.
                    did_you_mean = gr.Dataset(components=[box], samples=[], label=OTHER_READINGS, visible=False,
                                              elem_id="did-you-mean")
                    gr.Examples(EXAMPLES, inputs=box, label="Try")
                    use_llm = gr.Checkbox(
                        value=False, interactive=bool(assistant.settings.llm.url), elem_id="use-llm",
                        label="Write the answer with the language model (every sentence checked against its page)",
                        info=(f"Model at {assistant.settings.llm.url}" if assistant.settings.llm.url
                              else "Off: start the chat with --llm-url to use a language model"))
                    with gr.Accordion("Filters", open=False), gr.Row():
                        authority = gr.Dropdown(authorities, label="Council", multiselect=True, value=[])
                        report_type = gr.Dropdown([(REPORT_TYPE_LABELS.get(t, t), t) for t in types],
                                                  label="Report type", multiselect=True, value=[])
                        year_from = gr.Dropdown(years, label="From year", value=None)
                        year_to = gr.Dropdown(years, label="To year", value=None)
                    with gr.Accordion("Copy or download this answer (Markdown, with citations)", open=False):
                        export = gr.Code(language="markdown", buttons=["copy"], label="Answer as Markdown", elem_id="export")
                        download = gr.DownloadButton("Download .md", visible=False, elem_id="download")
                    download_csv = gr.DownloadButton("Download the table (.csv)", visible=False, elem_id="download-csv")
                with gr.Column(scale=4):
                    gr.Markdown("#### Sources")
                    sources = gr.HTML(sources_html(None), js_on_load=CLICK_SOURCE_JS, elem_id="sources", max_height=420)
                    page_caption = gr.Markdown(elem_id="page-caption")
                    page_image = gr.Image(type="pil", format="png", label="Cited page", interactive=False,
                                          elem_id="page-image", buttons=["download", "fullscreen"], height=640)
                    with gr.Row():
                        prev_page = gr.Button("◀ Previous page", size="sm")
                        back = gr.Button("Cited page", size="sm")
                        next_page = gr.Button("Next page ▶", size="sm")

            filter_inputs = [authority, report_type, year_from, year_to]
            ask_args = {"fn": respond, "inputs": [box, chat, answers, *filter_inputs, use_llm],
                        "outputs": [chat, answers, shown, sources, export, download, box, download_csv], "api_name": "ask"}
            offer = {"fn": offered_readings, "inputs": answers, "outputs": did_you_mean, "api_visibility": "private"}
            box.submit(**ask_args).then(**offer)
            send.click(**{**ask_args, "api_name": "ask_button", "api_visibility": "private"}).then(**offer)
            did_you_mean.click(lambda sample: sample[0], did_you_mean, box, api_visibility="private").then(
                **{**ask_args, "api_name": "ask_offered", "api_visibility": "private"}).then(**offer)
            new_chat.click(lambda: ([], [], None, None, sources_html(None), "", None, "", gr.update(visible=False),
                                    gr.update(visible=False), gr.update(samples=[], visible=False)), None,
                           [chat, answers, shown, target, sources, export, page_image, page_caption, download, download_csv,
                            did_you_mean],
                           api_visibility="private")
            chat.select(show_sources_of, answers, [sources, export, shown], api_visibility="private")
            sources.click(open_source, [answers, shown], [page_image, page_caption, target], api_visibility="private")
            for button, step in ((prev_page, -1), (next_page, 1), (back, None)):
                button.click(lambda t, step=step: turn_page(t, step), target, [page_image, page_caption, target],
                             api_visibility="private")

        with gr.Tab("Reports", elem_id="tab-reports"):
            search = gr.Textbox(label="Search reports (council, type, year, grade, file)", elem_id="report-search")
            table = gr.Dataframe(headers=["Authority", "Type", "Date", "Judgements", "Pages", "File"],
                                 value=report_rows(assistant.reports()), interactive=False, wrap=True, max_height=600)
            search.change(list_reports, search, table)

        judgements_tab(assistant)

        with gr.Tab("Add reports", elem_id="tab-add"):
            gr.Markdown(f"Add Ofsted PDF reports (up to {MAX_UPLOAD_MB} MB each). They are kept in the index folder "
                        "and become searchable as soon as they are ingested; a file that cannot be read is listed "
                        "with its reason and nothing else changes.")
            files = gr.File(file_count="multiple", file_types=[".pdf"], label="PDF reports", elem_id="upload")
            ingest_btn = gr.Button("Ingest", variant="primary", elem_id="ingest")
            results = gr.Dataframe(headers=["File", "Status", "Detail"], interactive=False, wrap=True, elem_id="ingest-results")

        refresh_outputs = [status, authority, report_type, year_from, year_to, table, corpus_row]
        ingest_btn.click(upload, files, [results, *refresh_outputs], concurrency_id="ingest", concurrency_limit=1)
        corpus_btn.click(ingest_corpus, None, [corpus_log, *refresh_outputs], concurrency_id="ingest", concurrency_limit=1)
        if background is not None:
            # While the background ingest runs, the bar and the status line follow it every 2 s (a
            # catalog count); the filters, which reload the reports, every 30 s and at the end.
            timer = gr.Timer(2.0)
            ticks = [0]

            def tick():
                running = background.progress.running
                ticks[0] += 1
                if running and ticks[0] % 15:
                    return (ingest_bar(background, assistant), index_status(assistant),
                            *[gr.update()] * (len(refresh_outputs) - 1), gr.Timer(active=True))
                return ingest_bar(background, assistant), *refreshed(), gr.Timer(active=running)

            timer.tick(tick, None, [progress_bar, *refresh_outputs, timer], api_visibility="private")
    return demo


def launch(assistant: Assistant, host="127.0.0.1", port=7860, auth=None, block=True,
           background: BackgroundIngest | None = None) -> gr.Blocks:
    """Serve the chat on host:port (loopback by default); `auth` is 'user:password' for a login.
    `background`: an ingest running behind the chat, whose progress the page shows."""
    credentials = tuple(auth.split(":", 1)) if auth else None
    demo = build(assistant, background).queue(default_concurrency_limit=4)
    # Local fonts, no SSR node server, no MCP/PWA extras: nothing is fetched from outside.
    demo.launch(server_name=host, server_port=port, auth=credentials, share=False, max_file_size=f"{MAX_UPLOAD_MB}mb",
                ssr_mode=False, mcp_server=False, pwa=False, css=CSS, theme=THEME, head=A11Y_HEAD, footer_links=["api"],
                prevent_thread_lock=not block, quiet=not block,
                app_kwargs={"middleware": [Middleware(SignedInOnly)]} if credentials else None)
    return demo


@click.command("serve")
@index_option
@store_options
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True)
@click.option("--auth", default=None, help="user:password for basic auth when sharing.")
@click.option("--ingest", "ingest_path", default=None, type=click.Path(exists=True, file_okay=False),
              help="Index this folder of PDFs in the background while the chat serves (creating the index if "
                   "needed; a restart resumes where it stopped).")
@preset_option
@llm_options
def serve_command(index_dir, chroma_url, database_url, host, port, auth, ingest_path, preset, llm_url, llm_model) -> None:
    """Open the chat in the browser (Gradio)."""
    if auth is not None and ":" not in auth:
        raise click.BadParameter("give it as user:password", param_hint="--auth")
    assistant = open_index(index_dir, chroma_url, create=ingest_path is not None, preset=preset, llm_url=llm_url,
                           llm_model=llm_model, database_url=database_url)
    background = BackgroundIngest(assistant, [ingest_path], root=ingest_path).start() if ingest_path else None
    launch(assistant, host=host, port=port, auth=auth, background=background)


def main() -> None:
    """`python app.py [--index index] [--host ...] [--port ...] [--auth user:password]`: the
    same entry as `inspection-assistant serve`, options and errors alike."""
    cli.add_command(serve_command)  # also when this checkout is not installed (no entry points)
    cli(["serve", *sys.argv[1:]])


if __name__ == "__main__":
    main()
