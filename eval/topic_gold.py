"""Gold for the topic set (eval/data/topic/), computed from the PDFs, never from our extraction.

Every page is read with pdftotext (eval/independent_text.py), normalised (NFKC, quotes folded,
a line-end hyphen joined, whitespace collapsed, lower case) and split into sentences. A report
discusses a topic when one of its sentences matches one of the topic's variants
(eval/data/topic/topics.json: regexes written and checked by sampling, each with a note on what
was read) and none of its excluded patterns. A question's scope (report kind, region, grade group,
years) is read from the manifest and eval/data/topic/regions.csv, not from our gazetteer.
The page texts are cached under build/ (about a minute to make, once).
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from eval.independent_text import extract_pages, fold
from eval.items import DEFAULT_CORPUS, REPO_ROOT

TOPIC_DIR = REPO_ROOT / "eval" / "data" / "topic"
CACHE = REPO_ROOT / "build" / "topic-pages.jsonl.gz"
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+(?=[\"'(]?[a-z0-9\u2022\-])|\s+\u2022\s+|\s+(?=\d{1,2}\. [a-z])")
RANK = {"outstanding": 4, "good": 3, "requires improvement": 2, "inadequate": 1}


def normalise(raw: str) -> str:
    """NFKC, quotes and dashes folded, a hyphen at a line end joined to the next word, lower case."""
    text = unicodedata.normalize("NFKC", raw or "")
    return fold(re.sub(r"(?<=\w)[-\u2010\u2011][ \t]*\r?\n\s*(?=\w)", "-", text))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


@lru_cache(maxsize=1)
def manifest(corpus: str = str(DEFAULT_CORPUS)) -> dict[str, dict[str, str]]:
    with (Path(corpus) / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh)}


_READ: dict[str, frozenset[str] | None] = {"files": None}  # None: every file of the manifest


def read_only(files: set[str] | None) -> None:
    """Gold from these corpus files only (an index of part of the corpus: the quick index in CI),
    or from every file (None)."""
    _READ["files"] = frozenset(files) if files is not None else None
    for cached in (page_sentences, topic_pages, recommendations_text):
        cached.cache_clear()


@lru_cache(maxsize=1)
def page_sentences(corpus: str = str(DEFAULT_CORPUS)) -> dict[tuple[str, int], list[str]]:
    """(file, page) -> its sentences, from the cache or the PDFs (a file not yet cached is read
    and added to the cache)."""
    wanted = _READ["files"] if _READ["files"] is not None else frozenset(manifest(corpus))
    rows: dict[str, list[dict]] = {}
    if CACHE.exists():
        with gzip.open(CACHE, "rt", encoding="utf-8") as fh:
            for row in map(json.loads, fh):
                rows.setdefault(row["file"], []).append(row)
    missing = sorted(wanted - rows.keys())
    if missing:
        for file in missing:
            rows[file] = [{"file": file, "page": number, "text": normalise(raw)}
                          for number, raw in enumerate(extract_pages(Path(corpus) / file), 1)]
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        tmp = CACHE.with_suffix(".tmp")
        with gzip.open(tmp, "wt", encoding="utf-8") as out:
            for file in sorted(rows):
                out.writelines(json.dumps(row) + "\n" for row in rows[file])
        tmp.replace(CACHE)
    return {(row["file"], row["page"]): sentences(row["text"]) for file in wanted for row in rows[file]}


@lru_cache(maxsize=1)
def topics() -> dict[str, dict]:
    return {t["id"]: t for t in json.loads((TOPIC_DIR / "topics.json").read_text(encoding="utf-8"))}


def on_topic(topic_id: str, sentence: str) -> bool:
    """A sentence (any case) is about the topic: a variant matches and no excluded pattern does."""
    return _matches(topic_id, normalise(sentence))


def _matches(topic_id: str, text: str) -> bool:
    """`on_topic` for a sentence already normalised (the page texts are)."""
    include, exclude = _patterns(topic_id)
    return any(p.search(text) for p in include) and not any(p.search(text) for p in exclude)


@lru_cache(maxsize=None)
def _patterns(topic_id: str) -> tuple[list[re.Pattern], list[re.Pattern]]:
    topic = topics()[topic_id]
    return ([re.compile(v, re.I) for v in topic["variants"]], [re.compile(v, re.I) for v in topic.get("excluded", [])])


@lru_cache(maxsize=None)
def topic_pages(topic_id: str) -> dict[str, tuple[int, ...]]:
    """file -> the pages where the topic is discussed."""
    only = set(topics()[topic_id].get("only_report_types") or [])
    kinds = {f: row["report_type"] for f, row in manifest().items()}
    found: dict[str, list[int]] = {}
    for (file, page), said in page_sentences().items():
        if only and kinds.get(file) not in only:
            continue
        if any(_matches(topic_id, s) for s in said):
            found.setdefault(file, []).append(page)
    return {f: tuple(sorted(p)) for f, p in sorted(found.items())}


@lru_cache(maxsize=1)
def regions() -> dict[str, str]:
    with (TOPIC_DIR / "regions.csv").open(encoding="utf-8", newline="") as fh:
        return {row["local_authority"]: row["region"] for row in csv.DictReader(fh)}


def in_scope(scope: dict) -> set[str]:
    """The corpus files a question's scope names (every file when it names none). Years are
    publication years; a grade group is the councils whose latest graded ILACS/SIF report has it."""
    rows = manifest()
    files = set(rows) if _READ["files"] is None else set(rows) & _READ["files"]
    if kind := scope.get("report_type"):
        files = {f for f in files if rows[f]["report_type"] == kind}
    group = scope.get("group") or ""
    if group.endswith(" councils"):
        wanted = group.removesuffix(" councils")
        latest: dict[str, tuple[str, str]] = {}
        for f, row in rows.items():
            overall = re.search(r"overall_effectiveness=([a-z ]+)", (row.get("headline_judgement") or "").lower())
            grade = overall.group(1).strip() if overall else ""
            if row["report_type"] in ("ilacs", "sif", "sif-reinspection") and grade in RANK:
                when = row.get("publication_date") or ""
                if when >= latest.get(row["local_authority"], ("", ""))[0]:
                    latest[row["local_authority"]] = (when, grade)
        councils = {c for c, (_, g) in latest.items() if g == wanted}
        files = {f for f in files if rows[f]["local_authority"] in councils}
    elif group:
        files = {f for f in files if regions().get(rows[f]["local_authority"]) == group}
    years = set(scope.get("years") or [])
    lo, hi = scope.get("from"), scope.get("to")
    if years or lo or hi:
        def year(f: str) -> int:
            return int((rows[f].get("publication_date") or "0")[:4] or 0)
        files = {f for f in files if (not years or year(f) in years) and (not lo or year(f) >= lo)
                 and (not hi or year(f) <= hi)}
    return files


# Where a report's recommendations are ("What needs to improve", "Areas for improvement"), by
# report kind: (headings, where the section ends, most characters it runs to). Found by reading
# the normalised text of each kind; the closing "areas for improvement" of an area SEND report.
SECTIONS = {
    "ilacs": ([r"what needs to improve\??"], [r"\bthe experiences and progress of\b", r"\bmain findings\b", r"\bfindings\b",
                                              r"\byours sincerely\b"], 3000),
    "focused-visit": ([r"what needs to improve"], [r"\bthe experiences and progress of\b", r"\bmain findings\b",
                                                    r"\bfindings\b", r"\byours sincerely\b"], 3000),
    "sif": ([r"(?:(?<=[.?!)\]] )|(?<=\d ))areas for improvement (?!\d+ [a-z])", r"(?:(?<=[.?!)\]] )|(?<=\d ))recommendations (?=\d+\. )"],
            [r"\bthe local authority's strengths\b", r"\bsummary for children\b", r"\bprogress since the last inspection\b",
             r"\binformation about this\b"], 8000),
    "lac-2013": ([r"areas for improvement (?=\d+\. )"], [r"\boutcomes for (looked after )?children\b",
                                                          r"\bthe quality of provision\b(?! and services for)"], 5000),
    "area-send": ([r"(?:(?<=[.?!)\]] )|(?<=\d )|(?<=: ))areas for improvement\b(?! and)"],
                  [r"\blocal area partnership details\b", r"\binspection team\b"], 6000),
}
SECTIONS["sif-reinspection"] = SECTIONS["lscb-review"] = SECTIONS["sif"]


@lru_cache(maxsize=None)
def recommendations_text(file: str) -> str:
    """The report's recommendations section, as normalised text ("" when it cannot be found)."""
    rule = SECTIONS.get(manifest()[file]["report_type"])
    if not rule:
        return ""
    starts, ends, cap = rule
    pages = sorted((page, said) for (f, page), said in page_sentences().items() if f == file)
    full = " ".join(" ".join(said) for _, said in pages)
    found = [m for pattern in starts for m in re.finditer(pattern, full)]
    if not found:
        return ""
    if manifest()[file]["report_type"] == "area-send":  # the closing section: its last heading
        best = max(found, key=lambda m: m.start())
        pair = [m for m in found if 0 < best.start() - m.start() < 40]
        best = pair[0] if pair else best
    else:
        best = min(found, key=lambda m: m.start())
    window = full[best.end() + 30:best.end() + cap]
    stops = [m.start() for pattern in ends for m in [re.search(pattern, window)] if m]
    return full[best.start():best.end() + 30 + min(stops)] if stops else full[best.start():best.end() + cap]


def gold_files(item: dict) -> set[str]:
    """The files of the item's scope that discuss its topic (of the files read: `read_only`)."""
    if item["kind"] == "recommendation":
        section = recommendations_text(item["file"])
        return {item["file"]} if any(_matches(item["topic_id"], s) for s in sentences(section)) else set()
    found = set(topic_pages(item["topic_id"]))
    if item["kind"] == "across":
        return found & in_scope(item.get("scope") or {})
    return found & {item["file"]} if item.get("file") else found
