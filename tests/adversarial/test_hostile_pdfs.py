"""PDFs that attack the reader, in one folder beside good reports: a decompression bomb, circular
object references, a broken xref table, encryption with and without an empty user password,
JavaScript and an embedded file, a file over the page limit, names carrying path tricks,
control characters and odd unicode, and a symlink loop in the folder. Each bad file gets one
clear line, the run goes on, and the good files end up indexed exactly as in a clean run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant
from tests.adversarial import hostile_pdfs as hostile
from tests.conftest import REPO

pytestmark = pytest.mark.corpus

BAD_ODD_NAME = "\x1b[2Jclear\u202eFDP.pdf"
ODD_NAMES = ["..%2F..%2Fetc%2Fpasswd.pdf", "\x1b[31mred\x07bell.pdf", "new\nline.pdf", "ｆｕｌｌ　ｗｉｄｔｈ.pdf",
             "\u202eevil\u202cfdp.pdf", "-rf --strict.pdf"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    good = root / "good"
    good.mkdir()
    hostile.text_pdf(good / "plain.pdf")
    hostile.text_pdf(good / "three-pages.pdf", pages=3, line="Leaders have a clear plan for care leavers.")
    bad = root / "in"
    bad.mkdir()
    for pdf in good.iterdir():
        (bad / pdf.name).write_bytes(pdf.read_bytes())
    source = good / "plain.pdf"
    hostile.bomb(bad / "bomb.pdf", megabytes=256)
    hostile.circular(bad / "circular.pdf")
    hostile.broken_xref(bad / "broken-xref.pdf", source)
    hostile.encrypted(bad / "encrypted-empty-password.pdf", good / "three-pages.pdf", "")
    hostile.encrypted(bad / "encrypted-secret.pdf", source, "secret")
    hostile.with_javascript_and_attachment(bad / "javascript.pdf", good / "three-pages.pdf")
    hostile.text_pdf(bad / "too-many-pages.pdf", pages=3001)
    for n, name in enumerate(ODD_NAMES):
        hostile.text_pdf(bad / name, line=f"Odd name number {n} is still a report.")
    hostile.circular(bad / BAD_ODD_NAME)  # refused, and its name printed as escapes
    with (bad / BAD_ODD_NAME).open("ab") as fh:
        fh.write(b"% not the same bytes as circular.pdf\n")
    (bad / "loop").symlink_to(bad, target_is_directory=True)
    return good, bad


def test_every_bad_file_gets_one_line_and_the_good_ones_are_indexed_as_in_a_clean_run(folder, tmp_path):
    good, bad = folder
    cli = Path(sys.executable).with_name("inspection-assistant")
    start = time.monotonic()
    done = subprocess.run([cli, "ingest", bad, "--index", tmp_path / "index"], capture_output=True, text=True,
                          cwd=REPO, timeout=900)
    seconds = time.monotonic() - start
    assert done.returncode == 0 and "Traceback" not in done.stdout + done.stderr, done.stderr
    lines = done.stdout.splitlines()
    assert not any(re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e]", line) for line in lines)  # no terminal tricks
    failed = {line.split(":")[0].removeprefix("FAILED ").strip() for line in lines if line.startswith("FAILED")}
    reasons = {name: line for name in failed for line in lines if line.startswith(f"FAILED {name}")}
    assert set(failed) >= {"bomb.pdf", "circular.pdf", "encrypted-secret.pdf", "too-many-pages.pdf"}, done.stdout
    assert "password protected" in reasons["encrypted-secret.pdf"]
    assert "too many pages (3001 > 3000 limit)" in reasons["too-many-pages.pdf"]
    assert "cyclic" in reasons["circular.pdf"]
    assert "\\x1b[2Jclear\\u202eFDP.pdf" in failed and BAD_ODD_NAME not in done.stdout + done.stderr

    index = Assistant.open(tmp_path / "index", create=False)
    files = set(index.files())
    assert {"plain.pdf", "three-pages.pdf", "broken-xref.pdf", "encrypted-empty-password.pdf", "javascript.pdf"} <= files
    assert len([f for f in files if "Odd name" in (index.page_text(f, 1) or "")]) == len(ODD_NAMES)
    assert not any("loop" in f for f in files)  # the symlink loop is not walked
    assert not any(f.endswith(".exe") for f in files)

    clean = Assistant.open(tmp_path / "clean")
    clean.ingest(good, progress=False)
    for name in ("plain.pdf", "three-pages.pdf"):  # the good files: the same chunks as a clean run
        assert _chunks(index, name) == _chunks(clean, name)
    print(f"\nhostile folder: {len(lines)} lines, {len(failed)} refused, ingest {seconds:.1f} s")


def _chunks(assistant, file: str) -> list[tuple[str, int, int]]:
    report = assistant.snapshot().by_file[file]
    return [(c.text, c.page_start, c.page_end) for c in assistant.snapshot().by_report[report]]


def test_an_ingest_of_the_hostile_folder_again_changes_nothing(folder, tmp_path):
    _, bad = folder
    index = Assistant.open(tmp_path / "index")
    index.ingest(bad, progress=False)
    before = index.stats()
    again = index.ingest(bad, progress=False)
    assert index.stats() == before and again.count("new") == 0 and again.count("updated") == 0
    assert os.listdir(bad)  # nothing deleted or moved in the user's folder
