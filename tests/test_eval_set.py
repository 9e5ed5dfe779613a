"""The evaluation set (eval/data/v1) is valid against the corpus, and the checker catches errors."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from eval.check_set import PdfPages, check_items, load_set  # noqa: E402
from ingest.normalize import for_match  # noqa: E402

CORPUS = REPO_ROOT.parent / "shared" / "corpus"
SET_DIR = REPO_ROOT / "eval" / "data" / "v1"
BASE_FILE = "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}"),
]


@pytest.fixture(scope="session")
def pages(corpus_pages) -> PdfPages:
    """One reader for the whole session (shared with the metadata test): each PDF is read once."""
    return corpus_pages


@pytest.fixture(scope="session")
def eval_items() -> list[dict]:
    if not SET_DIR.is_dir() or not any(SET_DIR.glob("*.jsonl")):
        pytest.skip(f"no evaluation set files in {SET_DIR}")
    return load_set(SET_DIR)


def test_eval_set_is_valid(eval_items, pages):
    problems = check_items(eval_items, CORPUS, pages)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:50])
    assert all(n == 1 for n in pages.reads.values()), "a PDF was read more than once"


def _synthetic_item(pages: PdfPages) -> dict:
    """A valid item made from the corpus itself (so this test does not depend on the set)."""
    text = for_match(pages(BASE_FILE)[1])  # physical page 2
    words = text.split()
    evidence = " ".join(words[40:60])
    keyword = max(words[40:60], key=len).strip(".,;:()'\"")
    return {
        "id": "synthetic-001",
        "type": "fact",
        "question": "synthetic question",
        "gold": [{"file": BASE_FILE, "pages": [2], "evidence": evidence}],
        "answer_keywords": [keyword],
    }


def _base_items(pages: PdfPages) -> list[dict]:
    items = [_synthetic_item(pages)]
    if SET_DIR.is_dir():
        real = [
            it
            for it in load_set(SET_DIR)
            if it.get("type") != "unanswerable" and it.get("gold") and it.get("answer_keywords")
        ]
        if real:
            items.append(real[0])
    return items


def _write(tmp: Path, name: str, items: list[dict]) -> Path:
    d = tmp / name
    d.mkdir()
    with (d / "part.jsonl").open("w", encoding="utf-8") as fh:
        for it in items:
            fh.write(json.dumps(it, ensure_ascii=False) + "\n")
    return d


def _alter_one_word(evidence: str) -> str:
    words = evidence.split()
    i = max(range(len(words)), key=lambda j: len(words[j]))
    words[i] = "zzqx" + words[i]
    return " ".join(words)


def _shift_page(item: dict, n_pages: int) -> None:
    g = item["gold"][0]
    p = g["pages"][0]
    g["pages"] = [p + 1 if p < n_pages else p - 1]


def test_checker_reports_broken_copies(tmp_path, pages):
    for n, base in enumerate(_base_items(pages)):
        good_dir = _write(tmp_path, f"good{n}", [base])
        assert check_items(load_set(good_dir), CORPUS, pages) == []

        item = copy.deepcopy(base)
        item["gold"][0]["evidence"] = _alter_one_word(item["gold"][0]["evidence"])
        problems = check_items(load_set(_write(tmp_path, f"evidence{n}", [item])), CORPUS, pages)
        assert any(p.startswith("[evidence-not-found]") for p in problems), problems

        item = copy.deepcopy(base)
        _shift_page(item, len(pages(item["gold"][0]["file"])))
        problems = check_items(load_set(_write(tmp_path, f"page{n}", [item])), CORPUS, pages)
        assert any(p.startswith("[evidence-not-found]") for p in problems), problems

        item = copy.deepcopy(base)
        item["gold"][0]["pages"] = [len(pages(item["gold"][0]["file"])) + 1]
        problems = check_items(load_set(_write(tmp_path, f"range{n}", [item])), CORPUS, pages)
        assert any(p.startswith("[page-range]") for p in problems), problems

        item = copy.deepcopy(base)
        item["answer_keywords"] = ["qqzzx-not-in-any-report"]
        problems = check_items(load_set(_write(tmp_path, f"keyword{n}", [item])), CORPUS, pages)
        assert any(p.startswith("[keyword-not-found]") for p in problems), problems

        dup = copy.deepcopy(base)
        dup["question"] = base["question"] + " (again)"
        problems = check_items(load_set(_write(tmp_path, f"dup{n}", [base, dup])), CORPUS, pages)
        assert any(p.startswith("[duplicate-id]") for p in problems), problems


def test_checker_structural_rules(tmp_path, pages):
    base = _synthetic_item(pages)
    cases = {
        "schema": {k: v for k, v in base.items() if k != "gold"},
        "file": {**base, "gold": [{**base["gold"][0], "file": "ofsted-ilacs/no-such-report.pdf"}]},
        "evidence-length": {**base, "gold": [{**base["gold"][0], "evidence": "too short"}]},
        "comparison": {**base, "type": "comparison"},
        "unanswerable": {**base, "type": "unanswerable"},
    }
    for tag, item in cases.items():
        problems = check_items(load_set(_write(tmp_path, tag, [item])), CORPUS, pages)
        assert any(p.startswith(f"[{tag}]") for p in problems), (tag, problems)
    ok = {"id": "u-1", "type": "unanswerable", "question": "q", "gold": [], "answer_keywords": []}
    assert check_items([ok], CORPUS, pages) == []
    alt = {**base, "answer_keywords": ["qqzzx|" + base["answer_keywords"][0]]}
    assert check_items([alt], CORPUS, pages) == []
