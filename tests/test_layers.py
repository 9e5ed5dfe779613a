"""Imports run one way: the shared core (ingest/core) <- ingest <- assistant <- eval, app.py.

Every import is read from the source (function-level ones included), so a cycle cannot hide
inside a function. No exceptions are listed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit  # no model, no corpus: `make test-fast`

REPO = Path(__file__).resolve().parents[1]
PROJECT = ("ingest", "assistant", "eval", "app", "scripts")

# Which of the project's layers each layer may import.
ALLOWED = {
    "ingest.core": {"ingest.core"},
    "ingest": {"ingest.core", "ingest"},
    "assistant": {"ingest.core", "ingest", "assistant"},
    "eval": {"ingest.core", "ingest", "assistant", "eval", "app", "scripts"},
    "app": {"ingest.core", "ingest", "assistant"},
}


def layer(module: str) -> str | None:
    if module == "ingest.core" or module.startswith("ingest.core."):
        return "ingest.core"
    top = module.split(".")[0]
    return top if top in PROJECT else None


def imports(path: Path) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and (module := absolute(path, node)):
            # "from ingest import core" imports ingest.core: name the submodule when it is one.
            out += [(node.lineno, f"{module}.{alias.name}"
                     if (REPO / module.replace(".", "/") / alias.name).exists() else module)
                    for alias in node.names]
    return out


def absolute(path: Path, node: ast.ImportFrom) -> str | None:
    """The module an import names; a relative one ("from ..x import y") resolved from the file's package."""
    if not node.level:
        return node.module
    package = list(path.resolve().relative_to(REPO).with_suffix("").parts[:-1])
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else [])) or None


def sources() -> list[tuple[str, Path]]:
    out = [("app", REPO / "app.py")]
    for package in ("ingest", "assistant", "eval"):
        out += [(".".join(p.relative_to(REPO).with_suffix("").parts), p) for p in (REPO / package).rglob("*.py")]
    return out


def test_imports_run_one_way():
    wrong = []
    for module, path in sources():
        own = layer(module)
        for line, imported in imports(path):
            theirs = layer(imported)
            if theirs is not None and theirs not in ALLOWED[own]:
                wrong.append(f"{path.relative_to(REPO)}:{line} ({own}) imports {imported} ({theirs})")
    assert wrong == []


def test_the_check_sees_a_wrong_import_inside_a_function(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from assistant.api import Assistant\n    return Assistant\n")
    assert (2, "assistant.api") in imports(bad) and layer("assistant.api") not in ALLOWED["ingest"]


def test_the_check_resolves_relative_imports():
    here = REPO / "ingest" / "core" / "probe.py"  # not written: only its place in the tree matters
    node = ast.parse("from ...assistant import api").body[0]
    assert isinstance(node, ast.ImportFrom) and absolute(here, node) == "assistant"
    node = ast.parse("from .types import ReportMeta").body[0]
    assert isinstance(node, ast.ImportFrom) and absolute(here, node) == "ingest.core.types"


def module_graph() -> dict[str, set[str]]:
    mods = {m for m, _ in sources()}
    return {m: {i for _, i in imports(p) if i in mods and i != m} for m, p in sources()}


def test_no_two_modules_import_each_other_even_lazily():
    """A cycle hidden in a function-level import is still a cycle: each module's place is fixed."""
    graph, cycles = module_graph(), []
    for start in graph:
        seen, todo = set(), [(start, [start])]
        while todo:
            at, path = todo.pop()
            for nxt in graph[at]:
                if nxt == start:
                    cycles.append(" -> ".join(path + [start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    todo.append((nxt, path + [nxt]))
    assert cycles == []


def test_no_module_imports_another_modules_private_names():
    wrong = []
    for module, path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (absolute(path, node) or "").split(".")[0] in PROJECT:
                wrong += [f"{path.relative_to(REPO)}:{node.lineno} {alias.name}" for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert wrong == []
