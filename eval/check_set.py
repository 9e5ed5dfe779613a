"""Validate evaluation-set items (eval/data/<version>/*.jsonl) against the corpus.

Each line of a set file is one JSON object:

    {"id": "judgement-001", "type": "judgement", "question": "...",
     "gold": [{"file": "ofsted-ilacs/x.pdf", "pages": [1], "evidence": "<10-40 words, verbatim>"}],
     "answer_keywords": ["requires improvement", "good|outstanding"]}

Rules checked by ``check_items`` (each problem string starts with a ``[tag]``):

* schema: required keys, known ``type``, unique ``id``, non-empty ``question``, no
  duplicate question text, ``gold`` entries with ``file`` / ``pages`` / ``evidence``;
* ``file`` is a relative path to an existing file under the corpus root;
* ``pages`` are 1-based physical page numbers within the document;
* ``evidence`` has 10-40 words and occurs, after ``ingest.normalize.for_match`` on both
  sides, in the reference text (``ingest.read.read_pdf(path).pages[n-1].text``) of at
  least one of the listed pages;
* every answer keyword (for ``"a|b"``: at least one alternative) occurs,
  case-insensitively after ``for_match``, in a gold evidence or on a gold page;
* ``comparison`` items have >= 2 gold entries from >= 2 different files;
* ``unanswerable`` items have ``gold == []`` and ``answer_keywords == []``; every other
  type has at least one gold entry and at least one keyword.

Usage::

    .venv/bin/python -m eval.check_set eval/data/v1            # reads the PDFs (slow)
    .venv/bin/python -m eval.check_set eval/data/v1/fact.jsonl --pages-cache /tmp/pages_cache.json

The pages cache is a JSON object {relative file path: [page texts]} produced by exactly
``read_pdf(...).pages[i].text``; files missing from it are read from the PDF.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.normalize import for_match  # noqa: E402

TYPES = {"judgement", "finding", "fact", "comparison", "unanswerable"}
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
    """Reads each PDF at most once (``read_pdf`` page texts), optionally seeded from a cache."""

    def __init__(self, corpus_root: str | Path, cache: dict[str, list[str]] | None = None):
        self.corpus_root = Path(corpus_root)
        self.cache: dict[str, list[str]] = dict(cache or {})
        self.reads: Counter[str] = Counter()  # files actually read from PDF

    @classmethod
    def with_cache_file(cls, corpus_root: str | Path, cache_path: str | Path | None) -> "PdfPages":
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
    return len(for_match(text).split())


def check_items(
    items: Iterable[dict],
    corpus_root: str | Path = DEFAULT_CORPUS,
    pages: PageReader | None = None,
) -> list[str]:
    """Problems found in ``items`` (empty list when the set is valid)."""
    corpus_root = Path(corpus_root)
    read = pages or PdfPages(corpus_root)
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
        if not isinstance(iid, str) or not iid.strip():
            bad("schema", "id must be a non-empty string")
        elif ids[iid] > 1 and iid not in seen_dup:
            seen_dup.add(iid)
            bad("duplicate-id", f"id occurs {ids[iid]} times")
        if itype not in TYPES:
            bad("schema", f"type {itype!r} not in {sorted(TYPES)}")
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
        if not gold:
            bad("schema", f"{itype} item has no gold entries")
        if not keywords:
            bad("schema", f"{itype} item has no answer_keywords")

        evidence_texts: list[str] = []  # for_match, lower-cased
        gold_pages: list[str] = []  # for_match, lower-cased
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
                evidence_texts.append(for_match(evidence).lower())
            if (
                not isinstance(pages_, list)
                or not pages_
                or not all(isinstance(p, int) and not isinstance(p, bool) for p in pages_)
            ):
                bad("schema", f"{where} pages must be a non-empty list of integers")
                continue
            if not isinstance(rel, str) or not rel or rel.startswith("/") or ".." in Path(rel).parts:
                bad("file", f"{where} file must be a path relative to the corpus root: {rel!r}")
                continue
            files.add(rel)
            if not (corpus_root / rel).is_file():
                bad("file", f"{where} file not found in corpus: {rel}")
                continue
            try:
                texts = read(rel)
            except Exception as exc:  # ReadError or anything pypdf throws
                bad("file", f"{where} cannot read {rel}: {exc}")
                continue
            in_range = []
            for p in pages_:
                if not 1 <= p <= len(texts):
                    bad("page-range", f"{where} page {p} out of range 1-{len(texts)} for {rel}")
                else:
                    in_range.append(p)
            page_norm = {p: for_match(texts[p - 1]) for p in in_range}
            gold_pages.extend(t.lower() for t in page_norm.values())
            if evidence and in_range:
                ev = for_match(evidence)
                if not any(ev in t for t in page_norm.values()):
                    elsewhere = [i + 1 for i, t in enumerate(texts) if ev in for_match(t)]
                    hint = f" (found on page(s) {elsewhere})" if elsewhere else ""
                    bad("evidence-not-found", f"{where} evidence not on page(s) {in_range} of {rel}{hint}: {evidence[:60]!r}")

        for kw in keywords:
            alts = [for_match(a).lower() for a in kw.split("|") if a.strip()]
            haystacks = evidence_texts + gold_pages
            if not alts or not any(a in h for a in alts for h in haystacks):
                bad("keyword-not-found", f"keyword {kw!r} not in gold evidence or gold pages")

        if itype == "comparison" and (len(gold) < 2 or len(files) < 2):
            bad("comparison", "comparison needs >= 2 gold entries from >= 2 different files")
    return problems


def collapse_q(q) -> str:
    return for_match(q).lower() if isinstance(q, str) else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="set directories or .jsonl files")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="corpus root (default: ../shared/corpus)")
    ap.add_argument("--pages-cache", default=None, help="optional JSON {file: [page texts]} made by read_pdf")
    args = ap.parse_args(argv)

    reader = PdfPages.with_cache_file(args.corpus, args.pages_cache)
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
