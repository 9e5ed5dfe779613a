"""The `inspection-assistant` CLI on real parts: click's CliRunner, real PDFs, Chroma, the model."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_pdf

PARAGRAPHS = [
    "Since the last inspection, leaders in Wexbridge have strengthened the front door. Contacts "
    "and referrals are screened promptly by experienced social workers.",
    "Strategy meetings are timely and well attended by police and health colleagues. The "
    "bittern protocol ensures that children who go missing are always offered a return interview.",
    "Assessments are detailed and analytical. They consider the history of the family and the "
    "cumulative impact of neglect on children's development.",
    "Children in care live in stable homes and most have enduring relationships with their "
    "social workers. Life-story work is completed sensitively.",
    "Care leavers are positive about the support they receive from their personal advisers. "
    "Pathway plans are co-produced with young people.",
    "Senior leaders have an accurate understanding of the quality of practice. Quality "
    "assurance arrangements are comprehensive and caseloads are manageable.",
]


def write_report(path: Path) -> Path:
    pages = []
    for p in range(2):
        lines = ["Inspection of Wexbridge local authority children's services", ""]
        lines += ["What needs to improve?" if p == 0 else "The impact of leaders on social work practice", ""]
        for k in range(3):
            n = 3 * p + k + 1
            lines += textwrap.wrap(f"{n}. {PARAGRAPHS[n - 1]}", 85) + [""]
        lines.append(str(p + 1))
        pages.append("\n".join(lines))
    return make_pdf(path, pages)


def invoke(args: list[str]):
    from assistant.cli import main

    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory):
    """An index built through `ingest`, from a folder with one good and one empty PDF."""
    base = tmp_path_factory.mktemp("cli")
    folder = base / "in"
    write_report(folder / "good.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    index = base / "index"
    result = invoke(["ingest", str(folder), "--index", str(index)])
    return base, folder, index, result


def test_ingest_prints_summary(cli_index):
    _, _, index, result = cli_index
    assert result.exit_code == 0, result.output
    out = result.output
    m = re.search(r"files seen: (\d+)\s+new: (\d+)\s+updated: (\d+)\s+unchanged: (\d+)\s+duplicate: (\d+)\s+failed: (\d+)", out)
    assert m, out
    assert tuple(map(int, m.groups())) == (2, 1, 0, 0, 0, 1)
    m = re.search(r"pages: (\d+)\s+chunks: (\d+)\s+seconds: (\d+\.\d)", out)
    assert m, out
    pages, chunks = int(m.group(1)), int(m.group(2))
    assert pages == 2 and chunks >= 1
    assert "FAILED empty.pdf: empty file" in out

    from assistant import Assistant

    assistant = Assistant.open(index)
    assert assistant.stats() == {"reports": 1, "pages": 2, "chunks": chunks}
    assert assistant.vectors.count() == chunks


def test_strict_exit_code(cli_index):
    base, folder, index, _ = cli_index
    failing = invoke(["ingest", str(folder), "--index", str(index), "--strict"])
    assert failing.exit_code != 0, failing.output
    assert "FAILED empty.pdf" in failing.output  # the summary is still printed
    assert "unchanged: 1" in failing.output  # and the good file was still handled

    clean = base / "clean"
    clean.mkdir()
    shutil.copyfile(folder / "good.pdf", clean / "good.pdf")
    passing = invoke(["ingest", str(clean), "--index", str(index), "--strict"])
    assert passing.exit_code == 0, passing.output
    assert "failed: 0" in passing.output and "unchanged: 1" in passing.output


def test_ingest_missing_path_is_a_usage_error(tmp_path):
    result = invoke(["ingest", str(tmp_path / "nope"), "--index", str(tmp_path / "idx")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_search_prints_numbered_passages(cli_index):
    _, _, index, _ = cli_index
    result = invoke(["search", "bittern protocol for missing children", "--index", str(index), "--k", "3"])
    assert result.exit_code == 0, result.output
    hits = re.findall(r"^\[(\d+)\] (\S+) pp?\.(\d+)(?:-\d+)?\b", result.output, re.M)
    assert hits, result.output
    assert [int(n) for n, _, _ in hits] == list(range(1, len(hits) + 1))
    assert hits[0][1] == "good.pdf"
    assert "bittern protocol" in result.output

    as_json = invoke(["search", "bittern protocol", "--index", str(index), "--json"])
    assert as_json.exit_code == 0, as_json.output
    passages = json.loads(as_json.output)
    assert passages and passages[0]["file"] == "good.pdf"


@pytest.mark.corpus
def test_ask_json_citations_are_on_their_pages(small_index):
    from ingest.normalize import for_match

    question = "How well are care leavers supported in Haringey?"
    result = invoke(["ask", question, "--index", str(small_index.index_dir), "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["question"] == question
    assert not answer["abstained"], answer["text"]
    assert answer["citations"], answer
    for citation in answer["citations"]:
        assert f"[{citation['marker']}]" in answer["text"]
        page = small_index.page_text(citation["file"], citation["page"])
        assert page is not None, citation
        assert for_match(citation["quote"]) in for_match(page), citation
    assert any(c["file"].startswith("ofsted-") and "haringey" in c["file"] for c in answer["citations"])


@pytest.mark.parametrize("args, says", [
    (["ask", "What did Ofsted find?", "--index", "{missing}"], "no index at {missing}: create one with"),
    (["search", "oversight", "--index", "{missing}"], "no index at {missing}"),
    (["reports", "--index", "{missing}"], "no index at {missing}"),
    (["serve", "--index", "{missing}"], "no index at {missing}"),
    (["ask", "oversight", "--index", "{index}", "--type", "bogus"], "unknown report type 'bogus'; use one of: ilacs"),
    (["ask", "oversight", "--index", "{index}", "--year-from", "2020", "--year-to", "2014"], "is after --year-to"),
    (["ask", "oversight", "--index", "{index}", "--authority", "Narnia"], "no indexed report of 'Narnia'"),
    (["ask", "oversight", "--index", "{index}", "--preset", "turbo"], "unknown preset 'turbo'; known presets: default, fast"),
    (["ask", "oversight", "--index", "{index}", "--chroma-url", "http://127.0.0.1:9"], "cannot reach the Chroma server"),
    (["search", "oversight", "--index", "{index}", "--k", "0"], "must be at least 1"),
    (["ingest", "{missing}/no.pdf", "--index", "{index}"], "does not exist"),
])
def test_user_errors_are_one_line_and_exit_non_zero(args, says, small_index, tmp_path, monkeypatch):
    """A user error never shows a traceback, never creates an index, and names what to do."""
    from assistant.cli import main

    monkeypatch.delenv("CHROMA_URL", raising=False) if "--chroma-url" in args else None
    missing = tmp_path / "typo" / "index"
    fill = {"missing": str(missing), "index": str(small_index.index_dir)}
    result = CliRunner().invoke(main, [a.format(**fill) for a in args])
    message = result.output.strip()
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit), message
    errors = [line for line in message.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and says.format(**fill) in errors[0], message
    rest = [line for line in message.splitlines() if line.strip() and line not in errors]
    assert all(line.startswith(("Usage:", "Try ")) for line in rest), message  # click's own usage hint only
    assert not missing.exists()  # a reader never creates an index
