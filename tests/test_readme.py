"""The Python examples of docs/using.md run as written (on a small slice of the corpus)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.corpus


def test_readme_python_examples_run(small_index, corpus, capsys):
    readme = (REPO / "docs" / "using.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    code = blocks[0]
    assert 'Assistant.open("index")' in code and 'a.ingest(["../shared/corpus"])' in code
    # Same calls, pointed at the test's index and one report already in it (ingest is a no-op).
    code = code.replace('Assistant.open("index")', f'Assistant.open({str(small_index.index_dir)!r})')
    code = code.replace('a.ingest(["../shared/corpus"])', f'a.ingest([{str(corpus / "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf")!r}], root={str(corpus)!r})')
    namespace: dict = {}
    exec(compile(code, "docs/using.md", "exec"), namespace)
    answer = namespace["ans"]
    assert not answer.abstained and answer.citations
    out = capsys.readouterr().out
    assert "[1]" in out and "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf" in out
    assert namespace["hits"] and namespace["hits"][0].file.startswith("ofsted-")
    # The reports-table example runs in the same session.
    exec(compile(blocks[1], "docs/using.md", "exec"), namespace)
    assert namespace["haringey"] and namespace["grade"].page >= 1
    assert {r.report.authority for r in namespace["todo"]} == {"Rotherham"}
    trend = namespace["trend"]
    assert trend.kind == "aggregate" and len(trend.citations) >= 2
