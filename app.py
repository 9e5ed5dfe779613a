"""The Gradio chat. Only presentation lives here; every answer comes from `Assistant`.

python app.py [--index DIR] [--host H] [--port P] [--auth user:password]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import gradio as gr  # noqa: E402

from assistant import Assistant, Filters  # noqa: E402
from assistant.phrases import EMPTY_INDEX  # noqa: E402
from assistant.present import answer_markdown, sources_html  # noqa: E402

MAX_UPLOAD_MB = 50
CORPUS_HINT = Path(__file__).resolve().parent.parent / "shared" / "corpus"
REPORT_TYPES = ["ilacs", "sif", "sif-reinspection", "focused-visit", "area-send", "lac", "lscb", "school", "other"]


def safe_name(name: str) -> str:
    """An uploaded file's name with no directories, no traversal and only plain characters."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".") or "upload.pdf"
    return base if base.lower().endswith(".pdf") else base + ".pdf"


def build(assistant: Assistant) -> gr.Blocks:
    authorities = sorted({m.authority for m in assistant.reports() if m.authority})

    def filters_from(authority, report_type, year_from, year_to) -> Filters | None:
        f = Filters(authority or None, report_type or None, int(year_from) if year_from else None, int(year_to) if year_to else None)
        return None if f.is_empty() else f

    def respond(message, history, authority, report_type, year_from, year_to):
        history = list(history or [])
        if not message.strip():
            yield history, "", gr.update()
            return
        history.append({"role": "user", "content": message})
        yield history + [{"role": "assistant", "content": "Searching the reports..."}], "", gr.update()
        if not assistant.stats()["reports"]:
            history.append({"role": "assistant", "content": EMPTY_INDEX})
            yield history, "", gr.update()
            return
        previous = [t["content"] for t in history[:-1] if t["role"] == "user"]
        answer = assistant.ask(message, history=previous, filters=filters_from(authority, report_type, year_from, year_to))
        shown = ""
        for word in answer.text.split(" "):  # stream the composed answer word by word
            shown = f"{shown} {word}".strip()
            yield history + [{"role": "assistant", "content": shown}], sources_html(answer), gr.update()
        history.append({"role": "assistant", "content": answer.text})
        path = Path(tempfile.mkdtemp(prefix="answer-")) / "answer.md"
        path.write_text(answer_markdown(answer), encoding="utf-8")
        yield history, sources_html(answer), gr.update(value=str(path), visible=True)

    def list_reports(query: str):
        rows = []
        for m in assistant.reports():
            row = [m.authority, m.report_type, str(m.published or m.inspection_end or ""),
                   "; ".join(f"{k}: {j.grade}" for k, j in m.judgements.items()), m.pages, m.file]
            if not query or query.lower() in " ".join(map(str, row)).lower():
                rows.append(row)
        return rows

    def upload(files, progress=gr.Progress()):
        if not files:
            return "No file chosen."
        folder = Path(tempfile.mkdtemp(prefix="upload-"))
        messages = []
        for f in files:
            src = Path(f if isinstance(f, str) else f.name)
            if src.stat().st_size > MAX_UPLOAD_MB * 2**20:
                messages.append(f"{src.name}: rejected, larger than {MAX_UPLOAD_MB} MB")
                continue
            shutil.copy(src, folder / safe_name(src.name))
        summary = assistant.ingest([folder], root=folder, progress=lambda frac, name: progress(frac, desc=name))
        messages.append(summary.format())
        return "\n".join(messages)

    with gr.Blocks(title="Inspection Report Assistant") as demo:
        gr.Markdown("## Inspection Report Assistant\nAnswers cite the report, page and the exact sentence; click a source to check it.")
        with gr.Tab("Ask"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(height=480, label="Conversation", buttons=["copy", "copy_all"])
                    box = gr.Textbox(placeholder="e.g. What did Ofsted find about management oversight in Rotherham in 2014?", label="Question")
                    download = gr.File(label="Answer as Markdown", visible=False)
                with gr.Column(scale=2):
                    sources = gr.HTML(label="Sources")
            with gr.Accordion("Filters", open=False):
                authority = gr.Dropdown(authorities, label="Council", multiselect=False, value=None)
                report_type = gr.Dropdown(REPORT_TYPES, label="Report type", value=None)
                year_from = gr.Number(label="From year", precision=0)
                year_to = gr.Number(label="To year", precision=0)
            box.submit(respond, [box, chat, authority, report_type, year_from, year_to], [chat, sources, download]).then(lambda: "", None, box)
            if not assistant.stats()["reports"]:
                hint = f" The corpus is at `{CORPUS_HINT}`." if CORPUS_HINT.is_dir() else ""
                gr.Markdown(EMPTY_INDEX + hint)
        with gr.Tab("Reports"):
            search = gr.Textbox(label="Search reports")
            table = gr.Dataframe(headers=["Authority", "Type", "Date", "Judgements", "Pages", "File"], value=list_reports(""))
            search.change(list_reports, search, table)
        with gr.Tab("Add reports"):
            files = gr.File(file_count="multiple", file_types=[".pdf"], label="PDF reports")
            result = gr.Textbox(label="Result", lines=6)
            gr.Button("Ingest").click(upload, files, result)
    return demo


def serve(index_dir="index", chroma_url=None, host="127.0.0.1", port=7860, auth=None) -> None:
    assistant = Assistant.open(index_dir, chroma_url=chroma_url)
    credentials = tuple(auth.split(":", 1)) if auth else None
    build(assistant).queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, auth=credentials, share=False, max_file_size=f"{MAX_UPLOAD_MB}mb"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default="index")
    parser.add_argument("--chroma-url", default=os.environ.get("CHROMA_URL"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    parser.add_argument("--auth", default=None, help="user:password")
    args = parser.parse_args()
    serve(args.index, args.chroma_url, args.host, args.port, args.auth)


if __name__ == "__main__":
    main()
