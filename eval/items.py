"""Where the evaluation's items and the corpus are, and how a set of items is read: below both
the harness (eval/harness.py) and the split (eval/split.py), which each read them."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = Path(os.environ.get("INSPECTION_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


def load_items(set_dir: str | Path) -> list[dict]:
    """Items of every *.jsonl in set_dir (or one .jsonl file), each tagged with its set (the
    folder's name), which with its id names it in the frozen split (eval/split.py)."""
    from eval.check_set import load_set

    path = Path(set_dir)
    name = (path if path.is_dir() else path.parent).name
    return [{**item, "set": item.get("set") or name} for item in load_set(set_dir)]
