"""Metrics for the answer shapes of eval/data/shapes (summary, grades, comparison,
coverage, themes, strengths), registered with eval.metrics.register (kind "answer").

They read the structured answer contract (ingest.core.types.Answer.claims / .table), never
its prose, except coverage_count which checks the number the text states. Every metric
returns None when it does not apply (another item type, no gold for it); one that raises is
counted by the run (eval.metrics.score_item) and fails the gate.

Retrieval-only systems (result.answer is None) are scored from their top 10 passages
where the shape allows it: coverage from the set of files, summary improvement items
that occur in a passage, grades from a gold-file passage naming the area and the grade.

Coverage gold (expected_files) is made by eval/build_shape_items.py from another extractor's
text (poppler's pdftotext) with eval.independent_text.page_mentions, never from our reader.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable

from eval.metrics import Metric, Result, answer_of, field_of, norm_file, register, same_file
from ingest.core.types import markers_in
from ingest.normalize import for_match

TOP_K = 10  # passages a retrieval-only system is judged on
POLARITY_FILE = Path(__file__).resolve().parent / "data" / "polarity.jsonl"

_STOP = set(
    "a an the and or of to in for on at by with from as is are be been was were that this these those "
    "their its it they them there which who whom whose so such all any some more most than into "
    "including include includes within across over under about should must will can".split()
)
_MARKER = re.compile(r"\[\d+\]")
_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}


# ---------------------------------------------------------------- shared helpers


def _norm(text: str) -> str:
    return for_match(str(text or "")).lower()


def content_tokens(text: str) -> list[str]:
    """Lower-case word tokens without stopwords, in order (punctuation dropped)."""
    return [t for t in re.findall(r"[a-z0-9]+(?:'[a-z]+)?", _norm(text)) if t not in _STOP]


def token_share(expected: str, candidate: str, n: int = 12) -> float:
    """Share of the expected text's first n content tokens that occur anywhere in candidate."""
    want = content_tokens(expected)[:n]
    if not want:
        return 0.0
    have = set(content_tokens(candidate))
    return sum(t in have for t in want) / len(want)


def _files_of(claim: Any) -> set[str]:
    files = {norm_file(c.file) for c in (getattr(claim, "citations", None) or []) if getattr(c, "file", "")}
    report = getattr(claim, "report", None)
    if not files and report is not None and getattr(report, "file", ""):
        files.add(norm_file(report.file))
    return files


def _cites(claim: Any, file: str) -> bool:
    return any(same_file(f, file) for f in _files_of(claim))


def _claims(answer: Any, *roles: str) -> list:
    return [c for c in (getattr(answer, "claims", None) or []) if not roles or getattr(c, "role", "") in roles]


def _gold_file(item: Any) -> str:
    gold = field_of(item, "gold") or []
    return norm_file(field_of(gold[0], "file", "")) if gold else ""


def _top(result: Result) -> list:
    return list(result.passages or [])[:TOP_K]


def _grade_norm(grade: str) -> str:
    g = _norm(grade).strip()
    return "requires improvement" if g.startswith("requires improvement") else g


# Words that name an area in a passage (retrieval-only fallback for grade metrics).
AREA_WORDS = {
    "overall_effectiveness": ("overall effectiveness", "overall judgement", "children's services in"),
    "impact_of_leaders": ("impact of leaders", "leadership"),
    "help_and_protection": ("help and protection",),
    "in_care": ("children in care", "looked after"),
    "care_leavers": ("care leavers",),
    "adoption": ("adoption",),
    "lscb": ("safeguarding children board", "lscb"),
    "send_outcome": ("send",),
}


def _passage_has_grade(passages: list, file: str, key: str, grade: str) -> bool:
    """A passage of `file` names the area and contains the grade (approximate: "good" is common)."""
    gpat = re.compile(r"(?<![a-z])" + re.escape(_grade_norm(grade)) + r"(?![a-z])")
    for p in passages:
        if not same_file(getattr(p, "file", ""), file):
            continue
        text = _norm(getattr(p, "text", ""))
        if any(w in text for w in AREA_WORDS.get(key, (key.replace("_", " "),))) and gpat.search(text):
            return True
    return False


def _grade_claimed(answer: Any, file: str, key: str, grade: str) -> bool:
    return any(
        getattr(c, "area", "") == key and _grade_norm(getattr(c, "grade", "")) == _grade_norm(grade) and _cites(c, file)
        for c in _claims(answer, "grade")
    )


def _pairs_share(pairs: list[tuple[str, str, str]], result: Result) -> float | None:
    """Share of (file, key, grade) found as grade claims, or in passages for retrieval-only systems."""
    if not pairs:
        return None
    answer = answer_of(result)
    if answer is None:
        top = _top(result)
        if not top:
            return None
        return sum(_passage_has_grade(top, f, k, g) for f, k, g in pairs) / len(pairs)
    return sum(_grade_claimed(answer, f, k, g) for f, k, g in pairs) / len(pairs)


class _ShapeMetric(Metric):
    kind = "answer"
    types: tuple[str, ...] = ()

    def compute(self, item, result, verify=None):
        if field_of(item, "type") not in self.types:
            return None
        return self.score(item, result)  # a raise is counted by the run and fails the gate

    def score(self, item, result) -> float | None:
        raise NotImplementedError


# ---------------------------------------------------------------- summary


@register("summary_improve_recall", label="sum-improve")
class SummaryImproveRecall(_ShapeMetric):
    """Share of the report's "What needs to improve" items matched by an "improve" claim whose
    quote (or text) holds >= 80% of the item's first 12 content tokens, in any order."""

    types = ("summary",)
    threshold = 0.8

    def score(self, item, result):
        expected = [e for e in field_of(item, "expected_improve") or [] if str(e).strip()]
        if not expected:
            return None
        answer = answer_of(result)
        if answer is None:  # retrieval-only: the item's first 8 words occur in a top passage
            texts = [re.sub(r"[^a-z0-9 ]", "", _norm(p.text)) for p in _top(result)]
            if not texts:
                return None
            heads = [" ".join(re.sub(r"[^a-z0-9 ]", "", _norm(e)).split()[:8]) for e in expected]
            return sum(any(h in t for t in texts) for h in heads) / len(expected)
        candidates = []
        for c in _claims(answer, "improve"):
            candidates += [q.quote for q in c.citations or [] if q.quote] + [c.text or ""]
        hit = sum(any(token_share(e, cand) >= self.threshold for cand in candidates) for e in expected)
        return hit / len(expected)


@register("summary_grades", label="sum-grades")
class SummaryGrades(_ShapeMetric):
    """Share of the manifest's (area, grade) pairs stated as grade claims citing the gold file."""

    types = ("summary",)

    def score(self, item, result):
        file = _gold_file(item)
        grades = field_of(item, "expected_grades") or {}
        return _pairs_share([(file, k, g) for k, g in grades.items()], result) if file else None


# ---------------------------------------------------------------- grades


def _expected_pairs(item: Any) -> list[tuple[str, str, str]]:
    file = _gold_file(item)
    if not file:
        return []
    if field_of(item, "expected_areas") is not None:  # "which areas were rated X?"
        grade = field_of(item, "asked_grade") or ""
        return [(file, k, grade) for k in field_of(item, "expected_areas") or []]
    return [(file, k, g) for k, g in (field_of(item, "expected_grades") or {}).items()]


@register("grades_correct", label="grades-ok")
class GradesCorrect(_ShapeMetric):
    """Share of expected (area, grade) pairs present as grade claims citing the gold file."""

    types = ("grades",)

    def score(self, item, result):
        return _pairs_share(_expected_pairs(item), result)


@register("grades_precision", label="grades-prec")
class GradesPrecision(_ShapeMetric):
    """Share of the answer's grade claims for the gold file that agree with the manifest,
    among claims whose area the manifest grades (others are not judged)."""

    types = ("grades",)

    def score(self, item, result):
        answer = answer_of(result)
        file = _gold_file(item)
        truth = field_of(item, "manifest_grades") or field_of(item, "expected_grades") or {}
        if answer is None or not file or not truth:
            return None
        judged = [c for c in _claims(answer, "grade") if _cites(c, file) and c.area in truth]
        if not judged:  # nothing stated about this report: grades_correct already scores it
            return None
        return sum(_grade_norm(c.grade) == _grade_norm(truth[c.area]) for c in judged) / len(judged)


# ---------------------------------------------------------------- comparison


@register("comparison_reports", label="cmp-reports")
class ComparisonReports(_ShapeMetric):
    """1.0 if every gold report is cited (retrieval-only: among the top 10 passages' files)."""

    types = ("comparison",)

    def score(self, item, result):
        files = {norm_file(field_of(g, "file", "")) for g in field_of(item, "gold") or []} - {""}
        if not files:
            return None
        answer = answer_of(result)
        if answer is None:
            got = {p.file for p in _top(result)}
        else:
            got = {c.file for c in answer.citations or []} | {f for c in _claims(answer) for f in _files_of(c)}
        return 1.0 if all(any(same_file(g, f) for g in got) for f in files) else 0.0


@register("comparison_grades", label="cmp-grades")
class ComparisonGrades(_ShapeMetric):
    """Share of (file, area, grade) triples present as grade claims citing that file."""

    types = ("comparison",)

    def score(self, item, result):
        by_file = field_of(item, "expected_grades_by_file") or {}
        return _pairs_share([(f, k, g) for f, gr in by_file.items() for k, g in gr.items()], result)


# ---------------------------------------------------------------- coverage


class _Coverage(_ShapeMetric):
    types = ("coverage",)

    def __init__(self, indexed: set[str] | None = None):
        # Files the evaluated index holds; None = the whole corpus. Expected files outside it
        # cannot be found by any system, so they are not counted against it.
        self.indexed = {norm_file(f) for f in indexed} if indexed is not None else None

    def sets(self, item, result) -> tuple[set[str], set[str]] | None:
        expected = {norm_file(f) for f in field_of(item, "expected_files") or []}
        if self.indexed is not None:
            expected &= self.indexed
        answer = answer_of(result)
        if answer is None:
            if not result.passages:
                return None
            return expected, {norm_file(p.file) for p in _top(result)}
        mentions = _claims(answer, "mention")
        found = set().union(*(_files_of(c) for c in mentions)) if mentions else set()
        return expected, found


@register("coverage_recall", label="cov-recall")
class CoverageRecall(_Coverage):
    """Share of expected (in-scope, indexed) reports the answer lists; None when none exist."""

    def score(self, item, result):
        pair = self.sets(item, result)
        if pair is None or not pair[0]:
            return None
        expected, found = pair
        return sum(any(same_file(e, f) for f in found) for e in expected) / len(expected)


@register("coverage_precision", label="cov-prec")
class CoveragePrecision(_Coverage):
    """Share of listed reports that are expected. Listing nothing scores 1.0 when nothing is
    expected (an honest "found nowhere") and None otherwise (recall already counts it)."""

    def score(self, item, result):
        pair = self.sets(item, result)
        if pair is None:
            return None
        expected, found = pair
        if not found:
            return 1.0 if not expected else None
        return sum(any(same_file(e, f) for e in expected) for f in found) / len(found)


def first_number(text: str) -> int | None:
    """The first integer the text states: digits, a number word up to twenty, or "no"/"none"."""
    m = re.search(r"\b(\d+|" + "|".join(_NUMBER_WORDS) + r"|no|none)\b", _MARKER.sub(" ", _norm(text)))
    if not m:
        return None
    word = m.group(1)
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word, 0)


@register("coverage_count", label="cov-count")
class CoverageCount(_ShapeMetric):
    """1.0 if the first number stated in the text equals the gold count: the indexed reports in
    scope whose pages mention the phrase as another extractor reads them (expected_files,
    cut to the index by eval.run_shapes.runnable). Not the answer's own list: that would
    compare the answer with itself."""

    types = ("coverage",)

    def score(self, item, result):
        answer = answer_of(result)
        if answer is None:
            return None
        expected = {norm_file(f) for f in field_of(item, "expected_files") or []}
        return 1.0 if first_number(answer.text or "") == len(expected) else 0.0


# ---------------------------------------------------------------- themes


@register("themes_in_set", label="themes-in-set")
class ThemesInSet(_ShapeMetric):
    """Share of theme claims all of whose cited reports belong to the item's set."""

    types = ("themes",)

    def score(self, item, result):
        answer = answer_of(result)
        in_set = {norm_file(f) for f in field_of(item, "set_files") or []}
        if answer is None or not in_set:
            return None
        themes = _claims(answer, "theme")
        if not themes:
            return 0.0
        ok = sum(bool(_files_of(c)) and all(f in in_set for f in _files_of(c)) for c in themes)
        return ok / len(themes)


def _cell(text: Any) -> str:
    return " ".join(_MARKER.sub(" ", str(text or "")).split()).lower()


@register("themes_counts", label="themes-counts")
class ThemesCounts(_ShapeMetric):
    """1.0 if every table row's count (2nd column) equals the distinct reports its cells cite
    (the answer's text quotes a few of each theme, the table cites one quote of every report);
    0.0 with no table or any mismatch. A consistency check of the answer with itself (no gold),
    so it is reported but not gated."""

    types = ("themes",)

    def score(self, item, result):
        answer = answer_of(result)
        if answer is None:
            return None
        table = answer.table
        if table is None or not table.rows:
            return 0.0
        for row in table.rows:
            if len(row) < 2:
                return 0.0
            m = re.search(r"\d+", _cell(row[1]))
            marked = {n for cell in row[2:] for n in markers_in(cell)}
            files = {norm_file(c.file) for c in answer.citations if c.marker in marked}
            if not m or int(m.group()) != len(files):
                return 0.0
        return 1.0


# ---------------------------------------------------------------- strengths / polarity

# A deliberately simple, independent lexicon (approximate): it only has to agree with the
# obvious cases, so a systematic polarity error in the answer (listing strengths as
# weaknesses) shows up. Hand-labelled data measures how approximate it is.
WEAK_MARKERS = (
    "not ", "n't", "too ", "inconsistent", "weak", "lack", "delay", "poor", "insufficient", "variable",
    "limited", "fail", "inadequate", "does not", "are not", "no ", "drift", "deficien", "gaps", "concern",
    "require improvement", "requires improvement", "vary", "varies", "unclear", "under-developed",
    "underdeveloped", "shortfall", "yet to", "slow", "absence of", "without",
)
STRONG_MARKERS = (
    "good", "effective", "strong", "well", "timely", "improved", "improving", "outstanding", "benefit",
    "positive", "high quality", "high-quality", "robust", "thorough", "excellent", "creative", "skilled",
    "comprehensive", "appropriate", "success", "tenacious", "committed", "proactive", "enable",
)
NEUTRAL_HINTS = ("this inspection", "inspectors ", "inspection was", "the local authority has", "there are approximately")


def _has(text: str, markers: Iterable[str]) -> bool:
    return any(m in text for m in markers)


def lexicon_polarity(sentence: str) -> str:
    """'weakness' | 'strength' | 'neutral' by marker words (approximate by design)."""
    text = " " + _norm(sentence) + " "
    weak, strong = _has(text, WEAK_MARKERS), _has(text, STRONG_MARKERS)
    if weak:
        return "weakness"
    if strong:
        return "strength"
    return "neutral"


@register("strengths_polarity", label="polarity-vs-lexicon")
class StrengthsPolarity(_ShapeMetric):
    """Share of weakness/strength claims whose quote the lexicon labels the same way: agreement
    between two word lists, not accuracy (that is measured on hand labels), so not gated."""

    types = ("strengths",)

    def score(self, item, result):
        answer = answer_of(result)
        if answer is None:
            return None
        claims = _claims(answer, "weakness", "strength")
        if not claims:
            return 0.0
        ok = 0
        for c in claims:
            quote = " ".join(q.quote for q in c.citations or [] if q.quote) or c.text or ""
            ok += lexicon_polarity(quote) == c.role
        return ok / len(claims)


def load_polarity(path: str | Path = POLARITY_FILE) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def polarity_accuracy(labels: Iterable[dict] | str | Path | None, classify: Callable[[str], str]) -> dict:
    """Run classify(sentence) -> label over the hand-labelled sentences (default file when
    labels is None or a path): {"accuracy", "n", "per_label": {label: {"accuracy", "n"}}}."""
    rows = load_polarity(labels) if isinstance(labels, (str, Path)) else list(labels or load_polarity())
    per: dict[str, list[int]] = {}
    for row in rows:
        try:
            ok = classify(row["sentence"]) == row["label"]
        except Exception:
            ok = False
        per.setdefault(row["label"], []).append(int(ok))
    total = [v for vs in per.values() for v in vs]
    return {
        "accuracy": sum(total) / len(total) if total else None,
        "n": len(total),
        "per_label": {k: {"accuracy": sum(v) / len(v), "n": len(v)} for k, v in sorted(per.items())},
    }


SHAPE_METRICS = [
    "summary_improve_recall", "summary_grades", "grades_correct", "grades_precision",
    "comparison_reports", "comparison_grades", "coverage_recall", "coverage_precision",
    "coverage_count", "themes_in_set", "themes_counts", "strengths_polarity",
]
