"""The evaluation sets (eval/data/v1, eval/data/shapes) are valid against the corpus as a second
extractor reads it (poppler's pdftotext, eval.independent_text), and the checker catches errors.

Nothing here reads the PDFs with our reader or normalises with ingest.normalize: the gold is
checked apart from the code it measures.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from eval.check_set import check_items, load_set  # noqa: E402
from eval.independent_text import (  # noqa: E402
    ExtractorMissing,
    IndependentPages,
    clean,
    independent_verifier,
    normalise,
    page_mentions,
    phrase_variants,
    quote_on_page,
    text_has_quote,
)

CORPUS = Path(os.environ.get("INSPECTION_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))
SET_DIR = REPO_ROOT / "eval" / "data" / "v1"
SHAPES_DIR = REPO_ROOT / "eval" / "data" / "shapes"
BASE_FILE = "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"

# Gold snippets written from our reader's text that pdftotext reads in another order: each
# runs across table cells (or past a footnote marker) whose order on the page is a matter of
# layout, not of wording. Not loosened, not rewritten: listed, and the list must stay true.
READING_ORDER = {
    "fact-033": "address table: pdftotext puts the ICB's name, chief executive and web site between the two addresses",
    "fact-034": "address table: the council's web site and address come after the ICB's lines in pdftotext",
    "judgement-062": "judgement table: the footnote marker '1' after 'Outstanding' is placed at the foot of the page",
    "judgement-098": "judgement table: the row number '3.' is read before '2.1 Adoption performance'",
}


def _need_pdftotext() -> None:
    if shutil.which("pdftotext"):
        return
    msg = "pdftotext not installed (poppler-utils: make install-pdftotext)"
    if os.environ.get("INSPECTION_ASSISTANT_REQUIRE_CORPUS") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


# ---------------------------------------------------------------- the normalisation (no corpus)


@pytest.mark.unit
def test_normalise_keeps_letters_and_digits_only():
    assert normalise("Children\u2019s  ser-\nvices \u00adand \ufb01ne") == "childrensservicesandfine"
    assert normalise("COVID\u201119: 2,345") == normalise("covid-19 2, 345") == "covid19#2#345"
    assert normalise("2,345") != normalise("2345") and normalise("5.2") != normalise("52")
    # a quote runs from the start of a word to the end of one, and keeps its numbers apart
    assert not text_has_quote("a caseload of 5.2 per worker", "52 per worker")
    assert not text_has_quote("practice is not effective", "ractice is not effective")
    assert not text_has_quote("working ineffectively", "working ineffective")
    assert clean("\u201cA\u201d \u2013 b\u00ad c\n d") == '"A" - b c d'
    assert text_has_quote("The plan was re-\nviewed in May 2023.", "plan was reviewed in May 2023")
    assert not text_has_quote("The plan was reviewed in May 2023.", "plan was reviewed in May 2024")
    assert not text_has_quote("The plan was reviewed.", "plan was renewed")
    assert not text_has_quote("anything", "  ")


@pytest.mark.unit
def test_page_mentions_whole_words_with_the_plural_variant():
    assert phrase_variants("Lifelong Links") == ["lifelonglinks", "lifelonglink"]
    assert page_mentions("Children had Return  Home Interviews.", "return home interview")
    assert page_mentions("a return home interview", "return home interviews")
    assert page_mentions("from \u2018return home\u2019 interviews", "return home interviews")
    assert not page_mentions("home visits", "return home interview")
    assert page_mentions("the Mockingbird\u2019s hub", "Mockingbird")
    assert page_mentions("a trauma-\ninformed approach", "trauma-informed")
    assert page_mentions("trauma informed practice", "trauma-informed")
    assert page_mentions("during COVID-19.", "COVID-19")
    assert not page_mentions("COVID-190", "COVID-19")
    assert not page_mentions("deradicalisation work", "radicalisation")
    assert page_mentions("kinship carers", "kinship care")  # an inflection of the topic asked
    assert not page_mentions("carers of kin", "kinship care")
    assert not page_mentions("anything", "  ")


@pytest.mark.unit
def test_pdftotext_pages_and_the_verifier(pdf_maker, tmp_path):
    _need_pdftotext()
    pdf = pdf_maker("two.pdf", ["First page: the local authority's plan.", "", "Third page mentions Staying Close."])
    pages = IndependentPages(pdf.parent, cache_dir=tmp_path / "cache")
    texts = pages("two.pdf")
    assert len(texts) == 3 and "local authority" in texts[0] and not texts[1].strip()
    assert pages.pages_mentioning("two.pdf", "staying close") == [3]
    assert IndependentPages(pdf.parent, cache_dir=tmp_path / "cache")("two.pdf") == texts  # from the disk cache
    verify = independent_verifier(pdf.parent)
    assert verify("two.pdf", 1, "the local authority\u2019s plan")
    assert not verify("two.pdf", 2, "the local authority's plan")
    assert not verify("two.pdf", 9, "the local authority's plan")
    assert not verify("missing.pdf", 1, "the local authority's plan")
    assert quote_on_page(pdf, 3, "mentions staying close")  # an absolute path
    assert quote_on_page("two.pdf", 3, "mentions staying close", corpus_root=pdf.parent)


@pytest.mark.unit
def test_the_checks_import_nothing_from_the_code_they_measure():
    import ast

    for name in ("independent_text.py", "check_set.py"):
        tree = ast.parse((REPO_ROOT / "eval" / name).read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]  # module level only
        mods = [a.name for n in top if isinstance(n, ast.Import) for a in n.names]
        mods += [n.module or "" for n in top if isinstance(n, ast.ImportFrom)]
        assert not [m for m in mods if m.split(".")[0] in ("ingest", "assistant")], (name, mods)


@pytest.mark.unit
def test_a_missing_pdftotext_is_one_clear_error(monkeypatch, tmp_path):
    import eval.independent_text as it

    monkeypatch.setattr(it.shutil, "which", lambda name: None)
    with pytest.raises(ExtractorMissing, match="pdftotext not found: install poppler-utils"):
        it.independent_verifier(tmp_path)


# ---------------------------------------------------------------- the sets (corpus)


@pytest.fixture(scope="session")
def pages() -> IndependentPages:
    """One pdftotext reader for the whole session: each PDF is extracted once."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    _need_pdftotext()
    return IndependentPages(CORPUS)


@pytest.fixture(scope="session")
def eval_items() -> list[dict]:
    if not SET_DIR.is_dir() or not any(SET_DIR.glob("*.jsonl")):
        pytest.skip(f"no evaluation set files in {SET_DIR}")
    return load_set(SET_DIR)


@pytest.mark.corpus
def test_eval_set_is_valid(eval_items, pages):
    problems = check_items(eval_items, CORPUS, pages)
    unexpected = [p for p in problems if not any(p.startswith(f"[evidence-not-found] {iid}: ") for iid in READING_ORDER)]
    assert not unexpected, f"{len(unexpected)} problem(s):\n" + "\n".join(unexpected[:50])
    still = {iid for iid in READING_ORDER if any(f"[evidence-not-found] {iid}: " in p for p in problems)}
    assert still == set(READING_ORDER), f"no longer differ, drop from READING_ORDER: {set(READING_ORDER) - still}"
    assert all(n == 1 for n in pages.reads.values()), "a PDF was extracted more than once"


@pytest.mark.corpus
def test_shape_set_is_valid(pages):
    if not SHAPES_DIR.is_dir() or not any(SHAPES_DIR.glob("*.jsonl")):
        pytest.skip(f"no answer-shape set files in {SHAPES_DIR}")
    problems = check_items(load_set(SHAPES_DIR), CORPUS, pages)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:50])


@pytest.mark.corpus
def test_sets_written_after_the_code_are_valid(pages):
    """eval/data/v2 (questions naming no council, topic questions, unanswerable ones about a real
    report) and eval/data/reworded (other wordings of answer-shape items, same gold)."""
    v2 = load_set(REPO_ROOT / "eval" / "data" / "v2")
    problems = check_items(v2, CORPUS, pages)
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems[:50])
    silent = [it for it in v2 if it["type"] == "unanswerable"]
    assert len(silent) >= 12
    for it in silent:  # the report asked about really is silent on the topic
        text = " ".join(pages(it["about_file"]))
        assert not [t for t in it["absent_terms"] if page_mentions(text, t)], it["id"]
    bases = {it["id"]: it for it in load_set(SHAPES_DIR)}
    reworded = load_set(REPO_ROOT / "eval" / "data" / "reworded")
    for it in reworded:
        base = bases[it["rewords"].split("/", 1)[1]]
        assert {k: v for k, v in it.items() if k not in ("id", "question", "rewords")} == {
            k: v for k, v in base.items() if k not in ("id", "question")}, it["id"]
        assert it["question"] != base["question"]


def _synthetic_item(pages: IndependentPages) -> dict:
    """A valid item made from the corpus itself (so this test does not depend on the set)."""
    words = clean(pages(BASE_FILE)[1]).split()  # physical page 2
    evidence = " ".join(words[40:60])
    keyword = max(words[40:60], key=len).strip(".,;:()'\"")
    return {
        "id": "synthetic-001",
        "type": "fact",
        "question": "synthetic question",
        "gold": [{"file": BASE_FILE, "pages": [2], "evidence": evidence}],
        "answer_keywords": [keyword],
    }


def _base_items(pages: IndependentPages) -> list[dict]:
    items = [_synthetic_item(pages)]
    if SET_DIR.is_dir():
        real = [
            it
            for it in load_set(SET_DIR)
            if it.get("type") != "unanswerable" and it.get("gold") and it.get("answer_keywords")
            and it.get("id") not in READING_ORDER
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


@pytest.mark.corpus
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


@pytest.mark.corpus
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


@pytest.mark.corpus
def test_checker_catches_broken_coverage_and_summary_gold(pages):
    """A coverage item whose expected report or gold page does not mention the phrase, and a
    summary whose improvement item is not in its report, are reported."""
    items = {it["id"]: it for it in load_set(SHAPES_DIR)} if SHAPES_DIR.is_dir() else {}
    cov = next((it for it in items.values() if it["type"] == "coverage" and it["gold"]), None)
    summ = next((it for it in items.values() if it["type"] == "summary"), None)
    if cov is None or summ is None:
        pytest.skip("no coverage or summary items with gold")
    broken = copy.deepcopy(cov)
    broken["phrase"] = "qqzzx unheard-of phrase"
    broken["expected_files"] = sorted(broken["expected_files"] + ["ofsted-ilacs/no-such-report.pdf"])
    problems = check_items([broken], CORPUS, pages)
    assert any(p.startswith("[coverage]") and "do not mention" in p for p in problems), problems
    assert any(p.startswith("[file]") and "expected_files" in p for p in problems), problems
    unsorted = copy.deepcopy(cov)
    unsorted["expected_files"] = list(reversed(unsorted["expected_files"])) + unsorted["expected_files"][:1]
    unsorted["gold"] = unsorted["gold"][:1]
    unsorted["gold"][0] = {**unsorted["gold"][0]}
    assert any("sorted and unique" in p for p in check_items([unsorted], CORPUS, pages))
    broken = copy.deepcopy(summ)
    broken["expected_improve"] = [_alter_one_word(broken["expected_improve"][0])]
    problems = check_items([broken], CORPUS, pages)
    assert any(p.startswith("[improve-not-found]") for p in problems), problems


@pytest.mark.corpus
def test_topic_gold_read_from_part_of_the_corpus_counts_only_those_files(pages):
    """An index of part of the corpus (the quick index in CI) is scored against gold read from the
    same files: every scope and every report found is among them."""
    from eval import topic_gold

    files = {"ofsted-ilacs/haringey_2023-04-11_ilacs.pdf", "ofsted-ilacs/rotherham_2014-11-19_sif.pdf"}
    try:
        topic_gold.read_only(files)
        assert topic_gold.in_scope({}) == files
        assert {file for file, _ in topic_gold.page_sentences()} == files
        private_fostering = {"kind": "across", "topic_id": "t-017", "scope": {}}
        assert "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf" in topic_gold.gold_files(private_fostering) <= files
    finally:
        topic_gold.read_only(None)
