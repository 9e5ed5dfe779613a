"""Evaluation metrics: one small class per metric, registered by name.

Every metric maps one (item, result) pair to a float, or to None when the metric does
not apply to that item (e.g. retrieval metrics on unanswerable items, answer metrics for
a retrieval-only system). `aggregate` takes the mean over applicable items only, overall
per question type and per side of the split. Empty passages or a missing answer score, they
do not raise; a metric that does raise is counted by `score_item` and fails the gate.

Items are the eval-set JSON objects (dicts) or objects with the same attribute names:
{"id", "type", "question", "gold": [{"file", "pages": [int], "evidence"}], "answer_keywords"}.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ingest.core.types import Answer, Passage
from ingest.normalize import for_match

Verifier = Callable[[str, int, str], bool]  # (file, page, quote) -> quote is on that page

REGISTRY: dict[str, type["Metric"]] = {}


def register(name: str, *, label: str | None = None, higher_is_better: bool = True):
    """Class decorator: REGISTRY[name] = cls (LlamaIndex-evaluation style)."""

    def deco(cls: type[Metric]) -> type[Metric]:
        if name in REGISTRY and REGISTRY[name] is not cls:
            raise ValueError(f"metric {name!r} registered twice")
        cls.name = name
        cls.label = label or name
        cls.higher_is_better = higher_is_better
        REGISTRY[name] = cls
        return cls

    return deco


def get_metric(name: str, **kwargs: Any) -> "Metric":
    try:
        return REGISTRY[name](**kwargs)
    except KeyError:
        raise KeyError(f"unknown metric {name!r}; known: {', '.join(REGISTRY)}") from None


@dataclass
class Result:
    """What one system returned for one item."""

    passages: list[Passage] = field(default_factory=list)  # best first
    answer: Answer | None = None
    expects_answer: bool = False  # an answering system: a missing answer counts as a failure
    error: str | None = None
    seconds: float = 0.0


# ---------------------------------------------------------------- item / gold helpers


def field_of(item: Any, key: str, default: Any = None) -> Any:
    if isinstance(item, dict):
        return item.get(key, default)
    return getattr(item, key, default)


def norm_file(path: str) -> str:
    path = str(path or "").replace("\\", "/").strip()
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def same_file(a: str, b: str) -> bool:
    """Equal relative paths; a bare file name also matches a path ending in it."""
    a, b = norm_file(a), norm_file(b)
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def gold_reports(item: Any) -> dict[str, set[int]]:
    """file -> gold pages (empty set = any page of that file counts)."""
    out: dict[str, set[int]] = {}
    for g in field_of(item, "gold") or []:
        f = norm_file(field_of(g, "file", ""))
        if not f:
            continue
        pages = {int(p) for p in (field_of(g, "pages") or [])}
        if f in out and (not out[f] or not pages):
            out[f] = set()  # one entry accepts any page -> the whole file counts
        else:
            out[f] = out.get(f, set()) | pages
    return out


def item_type(item: Any) -> str:
    return str(field_of(item, "type") or "unknown")


def is_answerable(item: Any) -> bool:
    return item_type(item) != "unanswerable" and bool(gold_reports(item))


def passage_pages(p: Passage) -> set[int]:
    pages = set(p.pages or [])
    if not pages and p.page_start:
        pages = set(range(p.page_start, (p.page_end or p.page_start) + 1))
    return pages


def matched_units(p: Passage, gold: dict[str, set[int]]) -> set[tuple[str, int]]:
    """Gold units (file, page) this passage covers; (file, 0) for a file-level gold entry."""
    units: set[tuple[str, int]] = set()
    for f, pages in gold.items():
        if not same_file(p.file, f):
            continue
        if not pages:
            units.add((f, 0))
        else:
            units |= {(f, pg) for pg in passage_pages(p) & pages}
    return units


def first_hit_rank(item: Any, passages: list[Passage]) -> int | None:
    """1-based rank at which the item is satisfied: first relevant passage, or, for a
    comparison, the rank at which every gold report has a relevant passage."""
    gold = gold_reports(item)
    if not gold:
        return None
    need_all = item_type(item) == "comparison"
    covered: set[str] = set()
    for rank, p in enumerate(passages or [], start=1):
        files = {f for f, _ in matched_units(p, gold)}
        if files and not need_all:
            return rank
        covered |= files
        if need_all and covered >= set(gold):
            return rank
    return None


# ---------------------------------------------------------------- metric classes


class Metric:
    name: str = ""
    label: str = ""
    higher_is_better: bool = True
    kind: str = "retrieval"  # retrieval | answer
    # Which page text a quote is checked against: "independent" (another PDF extractor, the
    # figure we report) or "store" (our own stored text: a consistency check, which Draft
    # already enforces, so it cannot fail by construction).
    verifier: str = "independent"

    def compute(self, item: Any, result: Result, verify: Verifier | None = None) -> float | None:
        raise NotImplementedError


class _HitAt(Metric):
    k = 10

    def compute(self, item, result, verify=None):
        rank = first_hit_rank(item, result.passages)
        if not is_answerable(item):
            return None
        return 1.0 if rank is not None and rank <= self.k else 0.0


@register("hit@1")
class HitAt1(_HitAt):
    k = 1


@register("hit@3")
class HitAt3(_HitAt):
    k = 3


@register("hit@5")
class HitAt5(_HitAt):
    k = 5


@register("hit@10")
class HitAt10(_HitAt):
    k = 10


@register("mrr@10", label="MRR")
class MRRAt10(Metric):
    k = 10

    def compute(self, item, result, verify=None):
        if not is_answerable(item):
            return None
        rank = first_hit_rank(item, result.passages)
        return 1.0 / rank if rank is not None and rank <= self.k else 0.0


@register("ndcg@10", label="nDCG")
class NDCGAt10(Metric):
    """Binary relevance: a passage counts if it covers a gold page not already credited
    to a higher-ranked passage (so duplicates of one page cannot push nDCG above 1).
    Ideal DCG uses min(#gold pages, k) relevant items, so it is correct when there are
    fewer relevant items than k."""

    k = 10

    def compute(self, item, result, verify=None):
        gold = gold_reports(item)
        if not is_answerable(item):
            return None
        n_units = sum(len(pages) or 1 for pages in gold.values())
        seen: set[tuple[str, int]] = set()
        dcg = 0.0
        for i, p in enumerate((result.passages or [])[: self.k]):
            new = matched_units(p, gold) - seen
            if new:
                seen |= new
                dcg += 1.0 / math.log2(i + 2)
        ideal = sum(1.0 / math.log2(i + 2) for i in range(min(n_units, self.k)))
        return dcg / ideal if ideal else None


def answer_of(result: Result) -> Answer | None:
    if result.answer is not None:
        return result.answer
    if result.expects_answer:  # the system failed to answer: score as an empty answer
        return Answer(text="", citations=[], abstained=False, passages=[])
    return None


def keyword_present(keyword: str, haystack: str) -> bool:
    """'a|b' means either alternative; case-insensitive, whitespace/quote-normalised."""
    alts = [for_match(a).lower() for a in str(keyword).split("|")]
    return any(a and a in haystack for a in alts)


@register("keyword_accuracy", label="kw-acc")
class KeywordAccuracy(Metric):
    kind = "answer"

    def compute(self, item, result, verify=None):
        keywords = [k for k in (field_of(item, "answer_keywords") or []) if str(k).strip()]
        answer = answer_of(result)
        if answer is None or not keywords or not is_answerable(item):
            return None
        parts = [answer.text or ""] + [c.quote or "" for c in answer.citations or []]
        haystack = for_match(" \n ".join(parts)).lower()
        return 1.0 if all(keyword_present(k, haystack) for k in keywords) else 0.0


@register("citation_precision", label="cit-prec")
class CitationPrecision(Metric):
    """Share of shown quotes that occur on the cited page as another extractor reads it
    (eval.independent_text: poppler's pdftotext, its own normalisation)."""

    kind = "answer"

    def compute(self, item, result, verify=None):
        answer = answer_of(result)
        if answer is None or not answer.citations or verify is None:
            return None
        ok = 0
        for c in answer.citations:
            quote = (c.quote or "").strip()
            try:
                good = bool(quote) and c.page is not None and bool(verify(c.file, int(c.page), quote))
            except Exception:
                good = False
            ok += good
        return ok / len(answer.citations)


@register("citation_consistency", label="cit-store")
class CitationConsistency(CitationPrecision):
    """The same share against our own stored page text: a consistency check of the store and
    the verifier, not evidence of correctness (Draft drops any quote that fails it)."""

    verifier = "store"


@register("citation_recall", label="cit-recall")
class CitationRecall(Metric):
    """The answer cites a gold file+page (a comparison: every gold report on a gold page)."""

    kind = "answer"

    def compute(self, item, result, verify=None):
        answer = answer_of(result)
        gold = gold_reports(item)
        if answer is None or not is_answerable(item):
            return None
        cited: set[str] = set()
        for c in answer.citations or []:
            for f, pages in gold.items():
                if same_file(c.file, f) and (not pages or c.page in pages):
                    cited.add(f)
        if item_type(item) == "comparison":
            return 1.0 if cited >= set(gold) else 0.0
        return 1.0 if cited else 0.0


@register("abstention_rate", label="abstain")
class AbstentionRate(Metric):
    """On unanswerable items: did the system abstain?"""

    kind = "answer"

    def compute(self, item, result, verify=None):
        answer = answer_of(result)
        if answer is None or item_type(item) != "unanswerable":
            return None
        return 1.0 if answer.abstained else 0.0


@register("false_abstention_rate", label="false-abstain", higher_is_better=False)
class FalseAbstentionRate(Metric):
    """On answerable items: did the system wrongly abstain?"""

    kind = "answer"

    def compute(self, item, result, verify=None):
        answer = answer_of(result)
        if answer is None or not is_answerable(item):
            return None
        return 1.0 if answer.abstained else 0.0


DEFAULT_METRICS = list(REGISTRY)
RETRIEVAL_METRICS = [n for n, c in REGISTRY.items() if c.kind == "retrieval"]
ANSWER_METRICS = [n for n, c in REGISTRY.items() if c.kind == "answer"]


# ---------------------------------------------------------------- scoring + aggregation


def score_item(
    item: Any,
    result: Result,
    metrics: Iterable[str] | None = None,
    verify: Verifier | dict[str, Verifier | None] | None = None,
    errors: list[str] | None = None,
) -> dict[str, float | None]:
    """Scores by metric name. verify: one verifier for every metric, or {"independent": f,
    "store": g} chosen by each metric's `verifier`. A metric that raises scores None here
    and is named in `errors`, which the run counts and the gate fails on (never a silent gap)."""
    out: dict[str, float | None] = {}
    for name in metrics or DEFAULT_METRICS:
        metric = get_metric(name)
        check = verify.get(metric.verifier) if isinstance(verify, dict) else verify
        try:
            out[name] = metric.compute(item, result, check)
        except Exception as exc:  # the run goes on; the error is counted, not hidden
            out[name] = None
            if errors is not None:
                errors.append(f"{name}: {type(exc).__name__}: {exc}")
    return out


def mean_of(values: Iterable[float | None]) -> tuple[float | None, int]:
    vals = [v for v in values if v is not None]
    return (sum(vals) / len(vals) if vals else None), len(vals)


def aggregate(rows: list[dict[str, Any]], metrics: Iterable[str] | None = None) -> dict[str, Any]:
    """rows: per-item dicts with "type" and one key per metric. Mean over applicable items."""
    metrics = list(metrics or DEFAULT_METRICS)

    def summarise(sub: list[dict[str, Any]]) -> dict[str, Any]:
        values, counts = {}, {}
        for m in metrics:
            values[m], counts[m] = mean_of(r.get(m) for r in sub)
        return {"metrics": values, "n": counts, "items": len(sub)}

    by_type: dict[str, list[dict[str, Any]]] = {}
    by_side: dict[str, list[dict[str, Any]]] = {}
    by_group: dict[str, list[dict[str, Any]]] = {}  # "<side>/<set>": test/v1 apart from test/v2
    for r in rows:
        by_type.setdefault(str(r.get("type") or "unknown"), []).append(r)
        if r.get("side"):
            by_side.setdefault(str(r["side"]), []).append(r)
            by_group.setdefault(f"{r['side']}/{r.get('set') or '?'}", []).append(r)
    overall = summarise(rows)
    return {
        "overall": overall["metrics"],
        "n": overall["n"],
        "items": overall["items"],
        "by_type": {t: summarise(sub) for t, sub in sorted(by_type.items())},
        "by_side": {side: summarise(sub) for side, sub in sorted(by_side.items())},
        "by_group": {group: summarise(sub) for group, sub in sorted(by_group.items())},
    }


def page_verifier(page_text: Callable[[str, int], str | None]) -> Verifier:
    """Verifier from a page-text source, e.g. Assistant.page_text (cached)."""
    cache: dict[tuple[str, int], str | None] = {}

    def verify(file: str, page: int, quote: str) -> bool:
        key = (file, page)
        if key not in cache:
            text = page_text(file, page)
            cache[key] = for_match(text) if text else None
        hay = cache[key]
        return bool(hay) and bool(quote.strip()) and for_match(quote) in hay

    return verify
