"""Every command the README and docs/ show works as written: each `inspection-assistant`,
`python -m eval...` and `make` command (in a shell block or inline code) names a command, target
and options that exist (checked against --help and the Makefile); the README's example questions
run as written; docs/settings.md lists exactly the settings the code declares."""

from __future__ import annotations

import functools
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent
_SHELL_BLOCK = re.compile(r"```(?:bash|sh|shell)\n(.*?)```", re.S)
_INLINE = re.compile(r"`((?:\.venv/bin/)?(?:inspection-assistant|python -m eval\.\w+|make) [^`]*)`")


def commands(page: Path) -> list[str]:
    """The commands a page shows: shell blocks line by line (a trailing backslash continues the
    line), and inline code that starts as a command does."""
    text = page.read_text(encoding="utf-8")
    found = []
    for block in _SHELL_BLOCK.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #")[0].strip()
            if line and not line.startswith("#"):
                found.append(line)
    return found + [m.replace("\n", " ") for m in _INLINE.findall(text)]


@functools.cache
def help_text(*command: str) -> str:
    done = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd=REPO, timeout=300,
                          env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert done.returncode == 0, f"{' '.join(command)} --help: {done.stderr[-500:]}"
    return done.stdout


def make_targets() -> set[str]:
    return set(re.findall(r"^([\w-]+):", (REPO / "Makefile").read_text(encoding="utf-8"), re.M))


def problem(command: str) -> str | None:
    """What is wrong with one shown command, or None."""
    try:
        words = shlex.split(command.split(" | ")[0].split(" && ")[0])
    except ValueError:
        return None  # an elided example ("ask ..." with an open quote): nothing to check
    if not words:
        return None
    program = words[0].removeprefix(".venv/bin/")
    if program == "make":
        missing = [t for t in words[1:] if not t.startswith("-") and "=" not in t and t not in make_targets()]
        return f"no make target {missing}" if missing else None
    if program == "inspection-assistant":
        if len(words) < 2 or words[1].startswith("-"):
            return None
        shown = help_text(str(BIN / "inspection-assistant"), words[1])
        rest = words[2:]
    elif program.startswith("python") and words[1:2] == ["-m"] and words[2].startswith("eval."):
        shown = help_text(sys.executable, "-m", words[2])
        rest = words[3:]
    else:
        return None
    unknown = [w.split("=")[0] for w in rest if w.startswith("--") and not re.search(rf"{re.escape(w.split('=')[0])}\b", shown)]
    return f"options not in --help: {unknown}" if unknown else None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_shown_exists_with_its_options(page):
    wrong = {c: p for c in commands(page) if (p := problem(c))}
    assert not wrong, wrong


def test_the_readme_is_about_two_screens_and_links_every_docs_page():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 140
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", readme))
    assert linked >= {f"docs/{p.name}" for p in PAGES[1:]}, sorted({f"docs/{p.name}" for p in PAGES[1:]} - linked)


@pytest.mark.corpus
def test_the_readme_questions_run_as_written(small_index, tmp_path):
    """Its `ask` commands, word for word, in a folder whose `index` is the test's small index."""
    (tmp_path / "index").symlink_to(small_index.index_dir)
    (tmp_path / ".venv").symlink_to(BIN.parent)
    asked = [c for c in commands(REPO / "README.md") if c.startswith(".venv/bin/inspection-assistant ask ")]
    assert len(asked) == 4
    for command in asked:
        done = subprocess.run(shlex.split(command), capture_output=True, text=True, cwd=tmp_path, timeout=600)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (command, done.stderr)
        assert done.stdout.startswith("Read as: "), done.stdout


def test_the_settings_page_lists_every_setting_the_code_declares():
    from ingest.core.settings import Settings

    declared = set()
    for name, field in Settings.model_fields.items():
        group = field.annotation if isinstance(field.annotation, type) else None
        if group is not None and hasattr(group, "model_fields"):
            declared |= {f"{name}.{sub}" for sub in group.model_fields}
        else:
            declared.add(name)
    page = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    assert set(re.findall(r"^\| `([\w.]+)` \|", page, re.M)) == declared


def test_every_link_between_the_pages_leads_to_a_file():
    broken = [(page.name, link) for page in PAGES for link in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8"))
              if not link.startswith(("http:", "https:", "#", "mailto:"))
              and not (page.parent / link.split("#")[0]).exists()]
    assert not broken, broken
