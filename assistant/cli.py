"""`inspection-assistant`: a thin click shell over the `Assistant` API."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import asdict

import click

from assistant.phrases import READ_BY_OCR
from assistant.present import also_in
from ingest.core.types import Answer, Filters, Passage, spreadsheet_cell

index_option = click.option(
    "--index", "index_dir", default="index", show_default=True, envvar="INSPECTION_ASSISTANT_INDEX",
    type=click.Path(file_okay=False), help="Index directory.",
)
_chroma = click.option("--chroma-url", envvar="CHROMA_URL", default=None, help="Use a Chroma server, e.g. http://127.0.0.1:8000.")
_database = click.option(
    "--database", "database_url", envvar="INSPECTION_ASSISTANT_STORE__DATABASE_URL", default=None,
    help="Keep the catalog on a PostgreSQL server, e.g. postgresql://user:password@127.0.0.1:5432/inspection "
         "(default: a SQLite file in the index dir).")


def store_options(func):
    """--chroma-url and --database: where the vectors and the catalog live."""
    return _chroma(_database(func))


preset_option = click.option("--preset", default=None, envvar="INSPECTION_ASSISTANT_PRESET",
                             help="Named settings preset (ingest/core/configs/*.json), e.g. fast.")


def llm_options(func):
    """--llm-url / --llm-model: switch on the language-model composer (settings.llm)."""
    for option in reversed([
        click.option("--llm-url", default=None, help="An OpenAI-compatible endpoint that writes the answer, e.g. "
                     "http://127.0.0.1:8080/v1 (llama.cpp) or http://localhost:11434/v1 (Ollama); every sentence "
                     "is checked against its cited page. The API key, if any, is read from "
                     "INSPECTION_ASSISTANT_LLM_API_KEY."),
        click.option("--llm-model", default=None, help="The model name the endpoint expects (e.g. llama3.1)."),
    ]):
        func = option(func)
    return func


def open_index(index_dir: str, chroma_url: str | None, create: bool = False, preset: str | None = None,
               llm_url: str | None = None, llm_model: str | None = None, database_url: str | None = None):
    """Readers open an existing index only: a mistyped path is an error, not a new empty index."""
    from assistant import Assistant
    from ingest.core.settings import Settings

    settings = Settings.preset(preset) if preset else Settings.from_env()
    if llm_url:
        settings.llm.url = llm_url
    if llm_model:
        settings.llm.model = llm_model
    return Assistant.open(index_dir, chroma_url=chroma_url, settings=settings, create=create, database_url=database_url)


PLUGINS = "inspection_assistant.commands"  # entry-point group: commands other layers add (serve, eval)


def _plugins() -> dict:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=PLUGINS)}


class _Commands(click.Group):
    """Commands defined here plus those registered under PLUGINS (the chat's `serve` in app.py,
    `eval` in eval/run.py: layers above this one). Every user error (ingest.core.errors) is one
    line on stderr and a non-zero exit, no traceback."""

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *_plugins()})

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None and (plugin := _plugins().get(name)) is not None:
            command = plugin.load()
        return command

    def invoke(self, ctx):
        from ingest.core.errors import AssistantError

        try:
            return super().invoke(ctx)
        except AssistantError as exc:
            raise click.ClickException(str(exc)) from None


def filter_options(func):
    for option in reversed([
        click.option("--authority", multiple=True, help="Only this authority (repeatable)."),
        click.option("--type", "report_type", multiple=True, help="Only this report type, e.g. ilacs, focused-visit, area-send."),
        click.option("--year-from", type=int), click.option("--year-to", type=int),
        click.option("--file", "files", multiple=True, help="Only this report file (relative path)."),
    ]):
        func = option(func)
    return func


def _filters(authority, report_type, year_from, year_to, files) -> Filters | None:
    from ingest.core.errors import BadFilter
    from ingest.core.vocabulary import REPORT_TYPE_LABELS

    if unknown := [t for t in report_type if t not in REPORT_TYPE_LABELS]:
        raise BadFilter(f"unknown report type {unknown[0]!r}; use one of: {', '.join(REPORT_TYPE_LABELS)}")
    if year_from and year_to and year_from > year_to:
        raise BadFilter(f"--year-from {year_from} is after --year-to {year_to}")
    filters = Filters(list(authority) or None, list(report_type) or None, year_from, year_to, list(files) or None)
    return None if filters.is_empty() else filters


def _known_councils(assistant, filters: Filters | None) -> None:
    """A council filter that names no indexed council would silently answer nothing."""
    from ingest.core.errors import BadFilter

    if filters is None or not filters.authority:
        return
    known = {m.authority.lower() for m in assistant.reports()}
    wanted = [filters.authority] if isinstance(filters.authority, str) else filters.authority
    if missing := [a for a in wanted if a.lower() not in known]:
        raise BadFilter(f"no indexed report of {missing[0]!r}; `inspection-assistant reports` lists the councils")


@click.group(cls=_Commands)
def main() -> None:
    """Ask questions across inspection reports; every answer cites a verified quote."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@index_option
@store_options
@click.option("--root", type=click.Path(exists=True, file_okay=False), help="Make file paths relative to this folder.")
@click.option("--prune", is_flag=True, help="Forget reports whose files are gone.")
@click.option("--strict", is_flag=True, help="Exit non-zero when any file failed.")
@click.option("--rebuild", is_flag=True, help="Throw away the index (not its uploads) and build it again from PATHS: "
              "the repair for a damaged index, and how an index changes embedding model (--preset fast-ingest).")
@click.option("--sidecar", type=click.Path(dir_okay=False), help="A CSV or JSON giving each file's publisher's address "
              "(and title, council, date); default: manifest.csv, metadata.csv or metadata.json at the top of a folder.")
@click.option("--prefer-sidecar", is_flag=True, help="Where the sidecar and a report's text disagree on its council or "
              "publication date, keep the sidecar's (default: the text's, and say so).")
@preset_option
def ingest(paths, index_dir, chroma_url, database_url, root, prune, strict, rebuild, sidecar, prefer_sidecar, preset) -> None:
    """Index PDFs (files or folders, recursive)."""
    if rebuild:
        from assistant import Assistant
        from ingest.core.settings import Settings

        settings = Settings.preset(preset) if preset else Settings.from_env()
        if chroma_url:
            settings.store.chroma_url = chroma_url
        if database_url:
            settings.store.database_url = database_url
        Assistant.wipe(index_dir, settings)
    summary = open_index(index_dir, chroma_url, database_url=database_url, create=True, preset=preset).ingest(
        list(paths), root=root, prune=prune, progress=True, sidecar=sidecar, prefer_sidecar=prefer_sidecar)
    click.echo(summary.format())
    if strict and summary.failed:
        sys.exit(1)


@main.command()
@index_option
@click.option("--to", "to_url", required=True, help="The PostgreSQL database for the catalog, e.g. "
              "postgresql://user:password@127.0.0.1:5432/inspection.")
@_chroma
@click.option("--schema", default=None, help="The schema to fill (default: a new one of this index's own).")
def migrate(index_dir, to_url, chroma_url, schema) -> None:
    """Move an index's catalog to PostgreSQL (and its vectors to a Chroma server with
    --chroma-url), without embedding anything again; verified before the index is switched."""
    from tqdm import tqdm

    from assistant.migrate import migrate as run
    from ingest.databases import redacted

    with tqdm(total=None, bar_format="{desc}", disable=None) as bar:
        result = run(index_dir, to_url, chroma_url=chroma_url, schema=schema, progress=bar.set_description_str)
    click.echo(result.format())
    click.echo(f"from now on pass --database {redacted(to_url)} (or set INSPECTION_ASSISTANT_STORE__DATABASE_URL)"
               + (f" and --chroma-url {chroma_url}" if chroma_url else ""))


@main.command()
@click.argument("question")
@index_option
@store_options
@click.option("--k", default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@preset_option
@filter_options
def search(question, index_dir, chroma_url, database_url, k, as_json, preset, **filters) -> None:
    """Show the passages that best match QUESTION."""
    if k < 1:
        raise click.BadParameter("must be at least 1", param_hint="--k")
    chosen = _filters(**filters)
    assistant = open_index(index_dir, chroma_url, database_url=database_url, preset=preset)
    _known_councils(assistant, chosen)
    passages = assistant.search(question, k=k, filters=chosen)
    links = [assistant.publisher_link(p.file, p.page_start) for p in passages]
    if as_json:
        click.echo(json.dumps([passage_json(p) | {"url": link} for p, link in zip(passages, links, strict=True)], indent=2))
        return
    for i, (p, link) in enumerate(zip(passages, links, strict=True), 1):
        pages = f"p.{p.page_start}" if p.page_start == p.page_end else f"pp.{p.page_start}-{p.page_end}"
        click.echo(f"[{i}] {p.file} {pages}{f' ({link})' if link else ''} ({p.report.label}; "
                   f"{p.section or 'no section'}) score={p.score:.3f}")
        click.echo("    " + " ".join(p.text.split())[:400])


@main.command()
@click.argument("question")
@index_option
@store_options
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "as_csv", is_flag=True, help="Print only the answer's table (comparisons, coverage, themes, grades) as CSV.")
@click.option("--after", "earlier", multiple=True, metavar="QUESTION",
              help="An earlier question of the conversation, oldest first (repeat it): QUESTION is read as its follow-up.")
@preset_option
@llm_options
@filter_options
def ask(question, index_dir, chroma_url, database_url, as_json, as_csv, earlier, preset, llm_url, llm_model, **filters) -> None:
    """Answer QUESTION with verified citations."""
    chosen = _filters(**filters)
    assistant = open_index(index_dir, chroma_url, database_url=database_url, preset=preset, llm_url=llm_url, llm_model=llm_model)
    _known_councils(assistant, chosen)
    composer = "llm" if assistant.settings.llm.url else "extractive"
    history: list = []
    for before in earlier:  # each earlier turn answered, so a follow-up keeps the report its answer drew on
        history.append(assistant.ask(before, history=list(history), filters=chosen))
    plain = not (as_json or as_csv)
    answer, read_as = None, ""
    for event in assistant.answer_events(question, history=history, filters=chosen, composer=composer):
        if event.kind == "reading" and plain:
            read_as = event.text
            click.echo(read_as)  # how the question was read, before a language model writes
        elif event.kind == "token" and plain:  # a language model's text as it writes: unchecked, so not stdout
            click.echo(event.text, nl=False, err=True)
        elif event.kind == "done":
            answer = event.answer
    assert answer is not None  # answer_events always ends with the answer
    if as_json:
        click.echo(json.dumps(answer_json(answer), indent=2))
        return
    if as_csv:
        if answer.table is None:
            raise click.ClickException(f"this answer ({answer.kind}) has no table; ask without --csv")
        click.echo(answer.table_csv(), nl=False)
        return
    if composer == "llm":
        click.echo("", err=True)  # the draft above, on stderr, ends; the checked answer follows
    if answer.reading != read_as:  # the model's answer cites other reports than the first reading named
        click.echo(answer.reading)
    click.echo(answer.text)
    click.echo("")
    if answer.table is not None:
        click.echo(_plain_table(answer.table.columns, answer.table.rows))
        click.echo("")
    for c in answer.citations:
        ocr = f" ({READ_BY_OCR})" if c.ocr else ""
        link = f" ({c.url})" if c.url else ""
        click.echo(f'[{c.marker}] {c.file} p.{c.page}{link}{ocr}: "{c.quote}"{also_in(c)}')
    if answer.suggestions:
        from assistant.phrases import OTHER_READINGS

        click.echo(OTHER_READINGS)
        for other in answer.suggestions:
            click.echo(f"  - {other}")
    if answer.abstained and answer.passages:
        from assistant.phrases import NEAREST_NOTE

        click.echo(NEAREST_NOTE)
        for p in answer.passages[:3]:
            click.echo(f"  - {p.file} p.{p.page_start}: {' '.join(p.text.split())[:200]}")


@main.command()
@index_option
@store_options
@click.option("--authority")
@click.option("--type", "report_type")
@click.option("--year", type=int)
@click.option("--judgement")
@click.option("--grade")
@click.option("--csv", "as_csv", is_flag=True)
def reports(index_dir, chroma_url, database_url, authority, report_type, year, judgement, grade, as_csv) -> None:
    """List indexed reports with their judgements."""
    assistant = open_index(index_dir, chroma_url, database_url=database_url)
    rows = assistant.reports(authority, report_type, year, judgement, grade)  # an empty list is an answer
    keys = ["file", "authority", "report_type", "inspection_start", "inspection_end", "published", "lead_inspector",
            "judgements", "publisher_url"]
    table = []
    for meta in rows:
        d = meta.to_dict()
        d["judgements"] = "; ".join(f"{k}={j['grade']} (p.{j['page']})" for k, j in d["judgements"].items())
        d["publisher_url"] = assistant.publisher_link(meta.file)
        table.append({k: d[k] or "" for k in keys})
    if as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=keys)
        writer.writeheader()
        writer.writerows({k: spreadsheet_cell(v) for k, v in row.items()} for row in table)
        return
    for row in table:
        click.echo(f"{row['file']:<60} {row['authority']:<28} {row['report_type']:<17} {row['published']:<10} {row['judgements']}")
    click.echo(f"{len(table)} reports")


def _plain_table(columns: list[str], rows: list[list[str]], width: int = 60) -> str:
    """Columns padded to their widest cell (cut at `width`), for a terminal."""
    cut = [[str(c) if len(str(c)) <= width else str(c)[: width - 1] + "\u2026" for c in row] for row in [columns, *rows]]
    sizes = [max(len(r[i]) for r in cut) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(sizes[i]) for i, c in enumerate(r)).rstrip() for r in cut]
    return "\n".join([lines[0], "  ".join("-" * n for n in sizes), *lines[1:]])


def passage_json(p: Passage) -> dict:
    out = asdict(p)
    out["report"] = p.report.to_dict()
    return out


def answer_json(answer: Answer) -> dict:
    return {
        "question": answer.question,
        "reading": answer.reading,
        "suggestions": answer.suggestions,
        "text": answer.text,
        "abstained": answer.abstained,
        "kind": answer.kind,
        "composer": answer.composer,
        "unsupported": answer.unsupported,
        "citations": [
            {"marker": c.marker, "file": c.file, "page": c.page, "url": c.url, "quote": c.quote,
             "read_by_ocr": c.ocr, "also_in": c.also_in,
             "report": c.passage.report.label if c.passage else None}
            for c in answer.citations
        ],
        "claims": [
            {"text": c.text, "role": c.role, "markers": [x.marker for x in c.citations], "area": c.area,
             "grade": c.grade, "group": c.group, "file": c.report.file if c.report else None}
            for c in answer.claims
        ],
        "table": None if answer.table is None else
        {"title": answer.table.title, "columns": answer.table.columns, "rows": answer.table.rows},
        "passages": [passage_json(p) for p in answer.passages],
    }


if __name__ == "__main__":
    main()
