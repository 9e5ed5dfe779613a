"""Validate evaluation-set items (eval/data/v1/*.jsonl, eval/data/shapes/*.jsonl) against the corpus.

The checks read the PDFs with poppler's pdftotext and compare text with the evaluation's own
normalisation (eval.independent_text: NFKC, casefold, letters and digits only), never with
our reader (ingest.read) or ingest.normalize: gold checked with the code under test would
only show that the code agrees with itself.

Each line of a v1 set file is one JSON object:

    {"id": "judgement-001", "type": "judgement", "question": "...",
     "gold": [{"file": "ofsted-ilacs/x.pdf", "pages": [1], "evidence": "<10-40 words, verbatim>"}],
     "answer_keywords": ["requires improvement", "good|outstanding"]}

Rules checked by ``check_items`` (each problem string starts with a ``[tag]``):

* schema: required keys, known ``type``, unique ``id``, non-empty ``question``, no
  duplicate question text, ``gold`` entries with ``file`` / ``pages`` / ``evidence``;
* ``file`` is a relative path to an existing file under the corpus root;
* ``pages`` are 1-based physical page numbers within the document;
* ``evidence`` has 10-40 words and its letters and digits (``independent_text.normalise``)
  occur, contiguously, in those of the pdftotext text of at least one of the listed pages;
* every answer keyword (for ``"a|b"``: at least one alternative) occurs, compared the same
  way, in a gold evidence or on a gold page;
* ``comparison`` items (v1) have >= 2 gold entries from >= 2 different files;
* ``unanswerable`` items have ``gold == []`` and ``answer_keywords == []``; every other
  v1 type has at least one gold entry and at least one keyword.

Answer-shape items (eval/data/shapes: summary, grades, comparison, coverage, themes,
strengths) have the same schema and gold checks, may have no keywords (and coverage or
themes items no gold); their keywords come from the manifest, so they are not looked up
on the gold pages. In addition:

* summary: every ``expected_improve`` text occurs in its gold report (any page, or across
  a page break);
* coverage: a non-empty ``phrase``, a ``scope`` object, ``expected_files`` sorted, unique
  and in the corpus, every gold file among them and each gold page mentioning the phrase
  (``independent_text.page_mentions``);
* themes: ``set_files`` in the corpus.

Usage::

    .venv/bin/python -m eval.check_set eval/data/v1 eval/data/shapes       # runs pdftotext (about 2 min)
    .venv/bin/python -m eval.check_set eval/data/v1 --cache-dir /tmp/pdftotext-cache
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.independent_text import IndependentPages, fold, normalise, page_mentions  # noqa: E402

TYPES = {"judgement", "finding", "fact", "comparison", "unanswerable"}
SHAPE_TYPES = {"summary", "grades", "comparison", "coverage", "themes", "strengths"}
REQUIRED_KEYS = ("id", "type", "question", "gold", "answer_keywords")
MIN_EVIDENCE_WORDS = 10
MAX_EVIDENCE_WORDS = 40

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"

PageReader = Callable[[str], list]  # relative file path -> list of page texts


def load_set(path_or_dir: str | Path) -> list[dict]:
    """Items of one .jsonl file, or of every *.jsonl in a directory (files sorted by name)."""
    path = Path(path_or_dir)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    items: list[dict] = []
    for f in files:
        with f.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{f}:{lineno}: invalid JSON ({exc})") from exc
    return items


class PdfPages:
    """OUR reader's page texts (``ingest.read.read_pdf``), each PDF read at most once,
    optionally seeded from a cache. Not used by the checks here (see IndependentPages);
    kept for tests and tools that want what the assistant itself reads."""

    def __init__(self, corpus_root: str | Path, cache: dict[str, list[str]] | None = None):
        self.corpus_root = Path(corpus_root)
        self.cache: dict[str, list[str]] = dict(cache or {})
        self.reads: Counter[str] = Counter()  # files actually read from PDF

    @classmethod
    def with_cache_file(cls, corpus_root: str | Path, cache_path: str | Path | None) -> PdfPages:
        cache = None
        if cache_path and Path(cache_path).exists():
            cache = json.loads(Path(cache_path).read_text(encoding="utf-8"))
        return cls(corpus_root, cache)

    def __call__(self, rel: str) -> list[str]:
        if rel not in self.cache:
            from ingest.read import read_pdf  # imported lazily: pypdf is only needed here

            self.reads[rel] += 1
            self.cache[rel] = [p.text for p in read_pdf(self.corpus_root / rel).pages]
        return self.cache[rel]


def _words(text: str) -> int:
    return len(fold(text).split())


class _Norm:
    """normalise() of each page of a reader's output, computed once per check run."""

    def __init__(self, read: PageReader):
        self.read = read
        self.memo: dict[tuple[str, int], str] = {}

    def __call__(self, rel: str, page: int) -> str:
        key = (rel, page)
        if key not in self.memo:
            self.memo[key] = normalise(self.read(rel)[page - 1])
        return self.memo[key]


def check_items(
    items: Iterable[dict],
    corpus_root: str | Path = DEFAULT_CORPUS,
    pages: PageReader | None = None,
) -> list[str]:
    """Problems found in ``items`` (empty list when the set is valid).

    ``pages`` maps a relative file path to its page texts; by default pdftotext's
    (``IndependentPages``)."""
    corpus_root = Path(corpus_root)
    read = pages if pages is not None else IndependentPages(corpus_root)
    norm = _Norm(read)
    problems: list[str] = []
    items = list(items)

    ids = Counter(it.get("id") for it in items if isinstance(it, dict))
    questions = Counter(
        collapse_q(it.get("question")) for it in items if isinstance(it, dict) and isinstance(it.get("question"), str)
    )
    seen_dup: set = set()

    for idx, item in enumerate(items):
        def bad(tag: str, msg: str) -> None:
            problems.append(f"[{tag}] {label}: {msg}")

        label = f"item #{idx + 1}"
        if not isinstance(item, dict):
            problems.append(f"[schema] {label}: not a JSON object")
            continue
        if isinstance(item.get("id"), str) and item["id"]:
            label = item["id"]
        missing = [k for k in REQUIRED_KEYS if k not in item]
        if missing:
            bad("schema", f"missing keys {missing}")
            continue
        iid, itype, question, gold, keywords = (item[k] for k in REQUIRED_KEYS)
        shape = itype in SHAPE_TYPES and (itype != "comparison" or "expected_grades_by_file" in item)
        if not isinstance(iid, str) or not iid.strip():
            bad("schema", "id must be a non-empty string")
        elif ids[iid] > 1 and iid not in seen_dup:
            seen_dup.add(iid)
            bad("duplicate-id", f"id occurs {ids[iid]} times")
        if itype not in TYPES | SHAPE_TYPES:
            bad("schema", f"type {itype!r} not in {sorted(TYPES | SHAPE_TYPES)}")
        if not isinstance(question, str) or not question.strip():
            bad("schema", "question must be a non-empty string")
        elif questions[collapse_q(question)] > 1:
            bad("duplicate-question", f"question text occurs {questions[collapse_q(question)]} times")
        if not isinstance(gold, list):
            bad("schema", "gold must be a list")
            continue
        if not isinstance(keywords, list) or not all(isinstance(k, str) and k.strip() for k in keywords):
            bad("schema", "answer_keywords must be a list of non-empty strings")
            keywords = []

        if itype == "unanswerable":
            if gold:
                bad("unanswerable", "unanswerable items must have gold == []")
            if keywords:
                bad("unanswerable", "unanswerable items must have answer_keywords == []")
            continue
        if not gold and not (shape and itype in ("coverage", "themes")):
            bad("schema", f"{itype} item has no gold entries")
        if not keywords and not shape:
            bad("schema", f"{itype} item has no answer_keywords")

        evidence_texts: list[str] = []  # normalised
        gold_pages: list[str] = []  # normalised
        files: set[str] = set()
        for g_idx, g in enumerate(gold, 1):
            where = f"gold[{g_idx}]"
            if not isinstance(g, dict) or not {"file", "pages", "evidence"} <= set(g):
                bad("schema", f"{where} needs file, pages and evidence")
                continue
            rel, pages_, evidence = g["file"], g["pages"], g["evidence"]
            if not isinstance(evidence, str) or not evidence.strip():
                bad("schema", f"{where} evidence must be a non-empty string")
                evidence = ""
            else:
                n = _words(evidence)
                if not MIN_EVIDENCE_WORDS <= n <= MAX_EVIDENCE_WORDS:
                    bad("evidence-length", f"{where} evidence has {n} words (want {MIN_EVIDENCE_WORDS}-{MAX_EVIDENCE_WORDS})")
                evidence_texts.append(normalise(evidence))
            if (
                not isinstance(pages_, list)
                or not pages_
                or not all(isinstance(p, int) and not isinstance(p, bool) for p in pages_)
            ):
                bad("schema", f"{where} pages must be a non-empty list of integers")
                continue
            if not _is_rel(rel):
                bad("file", f"{where} file must be a path relative to the corpus root: {rel!r}")
                continue
            files.add(rel)
            if not (corpus_root / rel).is_file():
                bad("file", f"{where} file not found in corpus: {rel}")
                continue
            try:
                texts = read(rel)
            except Exception as exc:  # ExtractError, ExtractorMissing, or a reader's own error
                bad("file", f"{where} cannot read {rel}: {exc}")
                continue
            in_range = []
            for p in pages_:
                if not 1 <= p <= len(texts):
                    bad("page-range", f"{where} page {p} out of range 1-{len(texts)} for {rel}")
                else:
                    in_range.append(p)
            gold_pages.extend(norm(rel, p) for p in in_range)
            ev = normalise(evidence)
            if ev and in_range and not any(ev in norm(rel, p) for p in in_range):
                elsewhere = [i for i in range(1, len(texts) + 1) if ev in norm(rel, i)]
                hint = f" (found on page(s) {elsewhere})" if elsewhere else ""
                bad("evidence-not-found", f"{where} evidence not on page(s) {in_range} of {rel}{hint}: {evidence[:60]!r}")
            phrase = item.get("phrase") if itype == "coverage" and shape else None
            if isinstance(phrase, str) and in_range and not any(page_mentions(texts[p - 1], phrase) for p in in_range):
                bad("coverage", f"{where} page(s) {in_range} of {rel} do not mention {phrase!r}")

        for kw in keywords if not shape else ():  # shape keywords come from the manifest, not a page
            alts = [normalise(a) for a in kw.split("|") if normalise(a)]
            haystacks = evidence_texts + gold_pages
            if not alts or not any(a in h for a in alts for h in haystacks):
                bad("keyword-not-found", f"keyword {kw!r} not in gold evidence or gold pages")

        if itype == "comparison" and not shape and (len(gold) < 2 or len(files) < 2):
            bad("comparison", "comparison needs >= 2 gold entries from >= 2 different files")
        if shape:
            _check_shape(item, files, corpus_root, read, bad)
    return problems


def _is_rel(rel) -> bool:
    return isinstance(rel, str) and bool(rel) and not rel.startswith("/") and ".." not in Path(rel).parts


def _check_shape(item: dict, gold_files: set[str], corpus_root: Path, read: PageReader, bad) -> None:
    itype = item["type"]
    if itype == "summary":
        improve = item.get("expected_improve")
        if not isinstance(improve, list) or not all(isinstance(t, str) and t.strip() for t in improve):
            bad("schema", "expected_improve must be a list of non-empty strings")
            return
        if len(gold_files) != 1 or not (corpus_root / next(iter(gold_files))).is_file():
            return
        rel = next(iter(gold_files))
        whole = normalise("\n".join(read(rel)))
        for n, text in enumerate(improve, 1):
            if normalise(text) not in whole:
                bad("improve-not-found", f"expected_improve[{n}] not in {rel}: {text[:60]!r}")
    elif itype == "coverage":
        phrase, scope, expected = item.get("phrase"), item.get("scope"), item.get("expected_files")
        if not isinstance(phrase, str) or not normalise(phrase):
            bad("schema", "coverage needs a non-empty phrase")
        if not isinstance(scope, dict) or not set(scope) <= {"authorities", "report_types"}:
            bad("schema", "coverage scope must be an object with authorities and/or report_types")
        if not isinstance(expected, list) or not all(_is_rel(f) for f in expected):
            bad("schema", "expected_files must be a list of relative paths")
            return
        if expected != sorted(set(expected)):
            bad("coverage", "expected_files must be sorted and unique")
        missing = [f for f in expected if not (corpus_root / f).is_file()]
        if missing:
            bad("file", f"expected_files not in corpus: {missing[:3]}")
        outside = sorted(gold_files - set(expected))
        if outside:
            bad("coverage", f"gold file(s) not in expected_files: {outside[:3]}")
    elif itype == "themes":
        files = item.get("set_files")
        if not isinstance(files, list) or not all(_is_rel(f) for f in files):
            bad("schema", "set_files must be a list of relative paths")
            return
        missing = [f for f in files if not (corpus_root / f).is_file()]
        if missing:
            bad("file", f"set_files not in corpus: {missing[:3]}")


def collapse_q(q) -> str:
    return fold(q) if isinstance(q, str) else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="set directories or .jsonl files")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="corpus root (default: ../shared/corpus)")
    ap.add_argument("--cache-dir", default=None, help="directory to keep pdftotext page texts in (e.g. /tmp/...)")
    args = ap.parse_args(argv)

    reader = IndependentPages(args.corpus, args.cache_dir)
    items: list[dict] = []
    for p in args.paths:
        items.extend(load_set(p))
    problems = check_items(items, args.corpus, reader)
    counts = Counter(it.get("type") for it in items if isinstance(it, dict))
    files = {g.get("file") for it in items if isinstance(it, dict) for g in it.get("gold") or [] if isinstance(g, dict)}
    for line in problems:
        print(line)
    print(
        f"{len(items)} items ({', '.join(f'{k}={v}' for k, v in sorted(counts.items(), key=str))}), "
        f"{len(files)} distinct reports, {len(problems)} problem(s)",
        file=sys.stderr,
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
