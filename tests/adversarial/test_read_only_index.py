"""A read-only index: readers answer what they can read from it and name the read-only part in
one line when they cannot (embedded Chroma writes as it opens); `ingest` and `ingest --rebuild`
refuse in one line naming the path and the fix, before anything is written, so every file of
the index is byte for byte as it was.

As root the commands run without the capabilities that override permissions (`unprivileged.as_user`)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import Assistant
from tests.adversarial import hostile_pdfs as hostile
from tests.adversarial.unprivileged import as_user
from tests.conftest import REPO

CLI = Path(sys.executable).with_name("inspection-assistant")
QUESTION = "What do managers review every month for children in care?"


def tree(index: Path) -> dict[str, str]:
    """Every file under the index with its SHA-256: what 'unchanged' means here."""
    return {str(p.relative_to(index)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(index.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def read_only(tmp_path_factory):
    """A two-report index made read-only (every folder and file), its answer and search before."""
    root = tmp_path_factory.mktemp("read-only")
    folder = root / "pdfs"
    folder.mkdir()
    hostile.text_pdf(folder / "alpha.pdf", pages=2)
    hostile.text_pdf(folder / "beta.pdf", pages=2, line="Leaders have a clear plan for care leavers.")
    index = root / "index"
    assistant = Assistant.open(index)
    assert assistant.ingest(folder, progress=False).count("new") == 2
    before = {"reports": [m.file for m in assistant.reports()], "answer": assistant.ask(QUESTION).text,
              "chunks": assistant.stats()["chunks"], "vectors": assistant.vectors.count()}
    hostile.text_pdf(folder / "gamma.pdf", line="A third report that must not get in.")
    subprocess.run(["chmod", "-R", "a-w", index], check=True)
    probe = subprocess.run([*as_user(), "touch", index / "probe"], capture_output=True)
    assert probe.returncode != 0, "the index is still writable: the test would prove nothing"
    yield index, folder, before, tree(index)
    subprocess.run(["chmod", "-R", "u+w", index], check=True)  # so pytest can remove it


def run_as_user(*args) -> subprocess.CompletedProcess:
    return subprocess.run([*as_user(), *map(str, args)], capture_output=True, text=True, cwd=REPO, timeout=300)


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_readers_answer_from_the_catalog_and_name_the_read_only_vectors(read_only):
    index, _, before, files = read_only
    listed = run_as_user(CLI, "reports", "--index", index)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[:-1]] == before["reports"]
    for command in (("ask", QUESTION), ("search", "care leavers")):
        line = one_line_error(run_as_user(CLI, *command, "--index", index))
        assert f"{index / 'chroma'} is read-only" in line and "chmod -R u+w" in line, line
    assert tree(index) == files


def test_the_api_reads_the_catalog_and_raises_a_typed_error_for_search(read_only):
    index, _, before, files = read_only
    script = ("import sys; from assistant import Assistant; from ingest.core.errors import IndexReadOnly\n"
              "a = Assistant.open(sys.argv[1], create=False)\n"
              "print(*[m.file for m in a.reports()], a.stats()['chunks'])\n"
              "try:\n    a.ask(sys.argv[2])\nexcept IndexReadOnly as exc:\n    print('IndexReadOnly:', exc)\n")
    done = run_as_user(sys.executable, "-c", script, index, QUESTION)
    assert done.returncode == 0, done.stderr
    listing, error = done.stdout.splitlines()
    assert listing.split() == [*before["reports"], str(before["chunks"])]
    assert error.startswith("IndexReadOnly: cannot search the vectors of the index at"), error
    assert tree(index) == files


@pytest.mark.parametrize("extra", [(), ("--rebuild",)], ids=["ingest", "ingest --rebuild"])
def test_ingest_refuses_in_one_line_and_leaves_the_index_as_it_was(read_only, extra, tmp_path):
    index, folder, before, files = read_only
    line = one_line_error(run_as_user(CLI, "ingest", folder, "--index", index, *extra))
    assert f"the index at {index}: {index} is read-only" in line and f"chmod -R u+w {index}" in line, line
    assert tree(index) == files
    # A writable copy (opening the index itself writable would change it for the other tests)
    # still holds the same reports, chunks and vectors and gives the same answer.
    copy = tmp_path / "copy"
    shutil.copytree(index, copy)
    subprocess.run(["chmod", "-R", "u+w", copy], check=True)
    assistant = Assistant.open(copy, create=False)
    assert [m.file for m in assistant.reports()] == before["reports"]
    assert (assistant.stats()["chunks"], assistant.vectors.count()) == (before["chunks"], before["vectors"])
    assert assistant.ask(QUESTION).text == before["answer"]
