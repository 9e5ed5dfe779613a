"""A metadata sidecar beside the PDFs gives each report its publisher's address: every citation
carries it (CLI, --json, the Markdown export, the chat's source card, CSV tables); a changed
sidecar changes it without embedding anything again; a hostile sidecar is refused in one line
and the ingest goes on."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.present import answer_markdown, sources_html
from tests.conftest import REPO, make_pdf
from tests.test_crash import chroma_ids

CLI = Path(sys.executable).with_name("inspection-assistant")
ALPHA = ["Ofsted inspection of Testshire local authority children's services\nInspection dates: 1 to 5 May 2023\n"
         "Published: 20 June 2023",
         "Care leavers are supported well by personal advisers who know them well.\n"
         "Pathway plans are reviewed regularly and reflect what care leavers want for their future.",
         "Management oversight of casework is not consistently effective.\n"
         "Supervision does not always challenge drift and delay in plans for children."]
BETA = ["Ofsted focused visit to Otherby local authority children's services\nVisit dates: 3 and 4 March 2022",
        "Children in need of help and protection receive a timely response from the front door.\n"
        "Strategy meetings are well attended by partner agencies."]
URL = "https://reports.example.org/files/alpha-2023"
QUESTION = "What did the Testshire inspection say about management oversight?"


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, cwd=REPO, timeout=600)


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "reports"
    make_pdf(root / "alpha.pdf", ALPHA)
    make_pdf(root / "sub" / "beta.pdf", BETA)
    return root


def write_manifest(folder: Path, rows: list[dict], name: str = "manifest.csv") -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def ingest(folder: Path, index: Path, *extra) -> subprocess.CompletedProcess:
    done = run("ingest", folder, "--index", index, *extra)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done


def test_every_citation_carries_the_sidecars_link_and_a_changed_sidecar_changes_it(folder, tmp_path):
    index = tmp_path / "index"
    write_manifest(folder, [{"file": "alpha.pdf", "publisher_url": URL, "local_authority": "Testshire"},
                            {"file": "sub/beta.pdf", "publisher_url": "", "local_authority": "Otherby"}])
    done = ingest(folder, index)
    assert "links: 1 of 2 files have a publisher's address in manifest.csv" in done.stdout, done.stdout

    shown = run("ask", QUESTION, "--index", index)
    cited = [line for line in shown.stdout.splitlines() if line.startswith("[")]
    assert cited and all(line.startswith("[") and f"({URL}#page=" in line for line in cited), shown.stdout
    answer = json.loads(run("ask", QUESTION, "--index", index, "--json").stdout)
    assert answer["citations"] and all(c["url"] == f"{URL}#page={c['page']}" for c in answer["citations"])
    hits = json.loads(run("search", "strategy meetings front door", "--index", index, "--json", "--k", "2").stdout)
    assert hits[0]["file"] == "sub/beta.pdf" and hits[0]["url"] is None  # no address known: none shown

    assistant = Assistant.open(index, create=False)
    answer = assistant.ask(QUESTION)
    page = answer.citations[0].page
    assert f"<{URL}#page={page}>" in answer_markdown(answer)
    assert f"href='{URL}#page={page}' target='_blank' rel='noopener noreferrer'" in sources_html(answer)

    vectors = chroma_ids(index)
    moved = URL.replace("alpha-2023", "alpha-2023-v2")
    write_manifest(folder, [{"file": "alpha.pdf", "publisher_url": moved}])
    done = ingest(folder, index)
    assert "unchanged: 2" in done.stdout and "(1 changed)" in done.stdout, done.stdout
    assert chroma_ids(index) == vectors  # nothing embedded again
    assert Assistant.open(index, create=False).ask(QUESTION).citations[0].url.startswith(moved + "#page=")

    write_manifest(folder, [{"file": "sub/beta.pdf", "publisher_url": URL + "-beta"}])  # alpha's row gone: its link too
    ingest(folder, index)
    reopened = Assistant.open(index, create=False)
    assert reopened.publisher_link("alpha.pdf") is None and reopened.publisher_link("sub/beta.pdf", 2) == URL + "-beta#page=2"

    (folder / "manifest.csv").unlink()  # the sidecar gone: the addresses it gave go with it
    done = ingest(folder, index)
    assert "links: 1 sidecar no longer there; the addresses it gave are dropped" in done.stdout, done.stdout
    assert Assistant.open(index, create=False).publisher_link("sub/beta.pdf") is None


def test_a_file_replaced_by_other_bytes_loses_the_old_reports_address(folder, tmp_path):
    index = tmp_path / "index"
    write_manifest(folder, [{"file": "alpha.pdf", "publisher_url": URL}])
    ingest(folder, index)
    make_pdf(folder / "alpha.pdf", BETA)  # another report under the same name, ingested on its own
    done = ingest(folder / "alpha.pdf", index, "--root", folder)
    assert "updated: 1" in done.stdout, done.stdout
    assert Assistant.open(index, create=False).publisher_link("alpha.pdf") is None


def test_a_table_answer_as_csv_gives_each_rows_links(folder, tmp_path):
    index = tmp_path / "index"
    write_manifest(folder, [{"file": "alpha.pdf", "url": URL}, {"file": "sub/beta.pdf", "url": URL + "-beta"}])
    ingest(folder, index)
    table = run("ask", "Which reports mention strategy meetings?", "--index", index, "--csv")
    rows = list(csv.reader(table.stdout.splitlines()))
    assert rows[0][-1] == "Publisher's pages" and len(rows) == 2, table.stdout
    assert rows[1][-1].startswith("[1] " + URL + "-beta#page=2")


HOSTILE = {
    "a javascript: link": (lambda folder: write_manifest(folder, [
        {"file": "alpha.pdf", "publisher_url": "javascript:alert(document.cookie)"},
        {"file": "sub/beta.pdf", "publisher_url": URL}]), "manifest.csv row 2: link 'javascript:alert(document.cookie)' "
        "is not an http or https address; ignored"),
    "a path outside the folder": (lambda folder: write_manifest(folder, [
        {"file": "../outside.pdf", "publisher_url": URL + "-out"},
        {"file": "sub/beta.pdf", "publisher_url": URL}]), "manifest.csv row 2: ../outside.pdf is outside the sidecar's folder; ignored"),
    "wrong columns": (lambda folder: write_manifest(folder, [{"name": "alpha.pdf", "address": URL}]),
                      "sidecar ignored: manifest.csv: no column names the file (file, path, filename, file_name, pdf)"),
    "a huge file": (lambda folder: (folder / "manifest.csv").write_text("file,url\n" + "x" * (21 * 2**20)),
                    "sidecar ignored: manifest.csv is 22 MB, over the 20 MB a sidecar may be"),
    "not text": (lambda folder: (folder / "metadata.json").write_bytes(bytes(range(256)) * 64),
                 "sidecar ignored: metadata.json: not UTF-8 text"),
    "JSON of another shape": (lambda folder: (folder / "metadata.json").write_text('[1, 2, "three"]'),
                              "sidecar ignored: metadata.json: neither a list of objects nor an object of files"),
    "JSON nested too deeply": (lambda folder: (folder / "metadata.json").write_text("[" * 100_000 + "]" * 100_000),
                               "sidecar ignored: metadata.json: JSON nested too deeply"),
    "a NUL in a file name": (lambda folder: write_manifest(folder, [
        {"file": "alpha\x00.pdf", "publisher_url": URL + "-nul"},
        {"file": "sub/beta.pdf", "publisher_url": URL}]), "manifest.csv row 2: alpha\\x00.pdf is not a usable file name; ignored"),
}


@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_a_hostile_sidecar_is_refused_in_one_line_and_the_ingest_goes_on(folder, tmp_path, hostile):
    make_pdf(tmp_path / "outside.pdf", BETA)
    write, said = HOSTILE[hostile]
    write(folder)
    done = ingest(folder, tmp_path / "index")
    assert "new: 2" in done.stdout and "failed: 0" in done.stdout, done.stdout
    assert said in done.stdout.splitlines(), done.stdout
    assistant = Assistant.open(tmp_path / "index", create=False)
    assert len(assistant.reports()) == 2
    links = {f: assistant.publisher_link(f) for f in ("alpha.pdf", "sub/beta.pdf")}
    assert links == {"alpha.pdf": None, "sub/beta.pdf": URL if "row" in said else None}


def test_a_sidecar_that_disagrees_with_the_text_is_named_and_the_text_kept_unless_told(folder, tmp_path):
    index = tmp_path / "index"
    sidecar = tmp_path / "elsewhere.json"  # named with --sidecar, in JSON: file -> its row
    sidecar.write_text(json.dumps({"reports/alpha.pdf": {"url": URL, "council": "Somewhere Else",
                                                         "publication_date": "2023-06-20"}}))
    done = ingest(folder, index, "--sidecar", sidecar)
    text_council = Assistant.open(index, create=False).report_for_file("alpha.pdf").authority
    line = next(line for line in done.stdout.splitlines() if "disagree" in line)
    assert line.startswith("elsewhere.json and the reports' text disagree on 1 report (alpha.pdf: council "
                           f"'Somewhere Else' against '{text_council}')") and "text's reading is kept" in line
    done = ingest(folder, index, "--sidecar", sidecar, "--prefer-sidecar")
    assert "the sidecar's is kept" in done.stdout
    assistant = Assistant.open(index, create=False)
    assert assistant.report_for_file("alpha.pdf").authority == "Somewhere Else"
    assert assistant.publisher_link("alpha.pdf", 3) == f"{URL}#page=3"
    done = ingest(folder, index, "--sidecar", sidecar)  # not told this time: the text's reading is back
    assert "text's reading is kept" in done.stdout
    assert Assistant.open(index, create=False).report_for_file("alpha.pdf").authority == text_council
