"""Hybrid, report-aware retrieval: scope -> dense + BM25 -> fusion -> second stage."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from assistant.gazetteer import REGIONS, region_members
from assistant.intent import Intent
from assistant.lexical import tokenize
from assistant.query import MONTH_WORDS, SCOPE_WORDS
from ingest.core.types import Filters, ReportMeta


@dataclass
class Scope:
    report_ids: list[str] | None  # None: every report
    problem: str = ""  # set when the question names a report that is not indexed


def report_years(meta: ReportMeta) -> set[int]:
    return {d.year for d in (meta.inspection_start, meta.inspection_end, meta.published) if d}


def report_months(meta: ReportMeta) -> set[int]:
    return {d.month for d in (meta.inspection_start, meta.inspection_end, meta.published) if d}


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, (str, int)) else list(value)


def apply_filters(reports: list[ReportMeta], filters: Filters | None) -> list[ReportMeta]:
    if filters is None or filters.is_empty():
        return reports
    authorities = {a.lower() for a in _as_list(filters.authority)}
    types = set(_as_list(filters.report_type))
    files = set(_as_list(filters.file))
    out = []
    for meta in reports:
        years = report_years(meta)
        if authorities and meta.authority.lower() not in authorities:
            continue
        if types and meta.report_type not in types:
            continue
        if files and meta.file not in files:
            continue
        if filters.year_from and not any(y >= filters.year_from for y in years):
            continue
        if filters.year_to and not any(y <= filters.year_to for y in years):
            continue
        out.append(meta)
    return out


def resolve_scope(question: str, intent: Intent, reports: list[ReportMeta], filters: Filters | None) -> Scope:
    """The reports a question is about, or the reason none of the indexed reports is."""
    filtered = apply_filters(reports, filters)
    restricted = filters is not None and not filters.is_empty()
    if intent.unknown_places and not intent.authorities:
        return Scope([], unknown_place(intent))
    candidates = filtered
    named = []
    if intent.group and not intent.authorities:
        members = set(group_members(intent.group, reports))
        candidates = [r for r in candidates if r.authority in members]
        if not candidates:
            grade = intent.group.removesuffix(" councils")
            return Scope([], f"no indexed report is from a council of {intent.group}" if grade == intent.group
                         else f"no indexed council's latest overall grade is {grade}")
        named.append(intent.group)
        restricted = True
    if intent.authorities:
        candidates = [r for r in candidates if r.authority in intent.authorities]
        named.append(" and ".join(intent.authorities))
        restricted = True
    if intent.report_types:
        typed = [r for r in candidates if r.report_type in intent.report_types]
        if intent.comparison and len(typed) < 2:
            typed = candidates  # "the 2014 inspection and the 2017 re-inspection" names two types
        if typed:
            candidates, restricted = typed, True
        elif intent.authorities:
            return Scope([], f"no indexed {intent.report_types[0]} report for {named[0]}")
    if intent.years:
        in_years = year_match(intent, candidates)
        if not in_years:
            where = f" for {named[0]}" if named else ""
            return Scope([], f"no indexed report{where} from {', '.join(map(str, intent.years))}")
        if intent.comparison and intent.latest and intent.authorities:  # "the 2018 report beside the latest"
            latest = _latest_per_authority(candidates, intent.asks_grade, list(intent.judgement_keys))
            in_years = list({r.report_id: r for r in [*in_years, *latest]}.values())
        candidates, restricted = in_years, True
    if intent.months and len(candidates) > 1:
        in_month = [r for r in candidates if set(intent.months) & report_months(r)]
        candidates = in_month or candidates
    if intent.previous and intent.latest and intent.comparison and intent.authorities and not intent.years:
        candidates = _before_latest(candidates, both=True) or candidates  # "compare the two": the latest and the one before
    elif intent.previous and intent.authorities and not intent.years:  # "the one before": each council's second newest
        # none indexed: its latest, which may itself tell of the one before (the reading line says so)
        candidates = _before_latest(candidates) or candidates
    elif intent.latest and intent.authorities and not intent.comparison and not intent.years:
        candidates = _latest_per_authority(candidates, intent.asks_grade, list(intent.judgement_keys))
    if not restricted:
        return Scope(None)
    return Scope([r.report_id for r in candidates])


def _before_latest(reports: list[ReportMeta], both: bool = False) -> list[ReportMeta]:
    """Each council's inspection before its latest (`both`: and that latest): of its graded
    inspections when it has two ("the latest inspection" is the latest graded one), of the same
    kind when there is one, else of all its reports."""
    by_authority: dict[str, list[ReportMeta]] = {}
    for meta in sorted(reports, key=lambda m: m.when or date.min):
        by_authority.setdefault(meta.authority, []).append(meta)
    out = []
    for own in by_authority.values():
        graded = [m for m in own if m.judgements]
        pool = graded if len(graded) >= 2 else own
        same_kind = [m for m in pool if m.report_type == pool[-1].report_type]  # an ILACS before an ILACS
        chosen = same_kind if len(same_kind) >= 2 else pool
        out += chosen[-2:] if both else chosen[-2:-1]
    return out


def unknown_place(intent: Intent) -> str:
    place = intent.unknown_places[0]
    for old, successors in intent.former:
        if old.lower() == place:
            return (f"{old} is no longer a council; its children's services are now "
                    f"{' and '.join(successors)}: ask about {' or '.join(successors)}")
    return f"{place.title()} is not among the indexed authorities"


def group_members(group: str, reports: list[ReportMeta]) -> list[str]:
    """The authorities of a region, or of a grade group: councils whose latest overall grade is that."""
    authorities = sorted({r.authority for r in reports if r.authority})
    if group in REGIONS:
        return region_members(group, authorities)
    grade = group.removesuffix(" councils")
    latest: dict[str, ReportMeta] = {}
    for meta in reports:
        if "overall_effectiveness" not in meta.judgements or not meta.when:
            continue
        if meta.authority not in latest or meta.when > (latest[meta.authority].when or meta.when):
            latest[meta.authority] = meta
    return sorted(a for a, m in latest.items()
                  if m.judgements["overall_effectiveness"].grade.startswith(grade))


def year_match(intent: Intent, reports: list[ReportMeta]) -> list[ReportMeta]:
    """The reports inspected or published in the question's period (its range when it names one)."""
    if intent.year_range:
        lo, hi = intent.year_range
        return [r for r in reports if any(lo <= y <= hi for y in report_years(r))]
    return [r for r in reports if set(intent.years) & report_years(r)]


def _latest_per_authority(reports: list[ReportMeta], prefer_graded: bool, keys: list[str]) -> list[ReportMeta]:
    """Each authority's newest report; for a grade question, its newest report with that grade."""
    best: dict[str, ReportMeta] = {}
    for meta in reports:
        if prefer_graded and not (set(keys) & set(meta.judgements) if keys else meta.judgements):
            continue
        key = meta.authority
        when = meta.when
        current = best.get(key)
        if current is None or (when and when > (current.when or when)):
            best[key] = meta
    return list(best.values()) or reports


def rrf(rankings: list[list[str]], k: int = 60) -> dict[str, float]:
    """Reciprocal rank fusion: sum of 1/(k + rank) over the rankings a chunk appears in."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, cid in enumerate(ranking):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank + 1)
    return scores


QUESTION_WORDS = frozenset(tokenize("how when where why who whom whose what which do does did"))


def term_weights(question: str, idf, intent: Intent | None = None) -> dict[str, float]:
    """Content terms of the question with their inverse document frequency.

    With an intent, the words that only name the report (council, year, month, type) are
    left out: they say which report, not what in it.
    """
    drop: set[str] = set(QUESTION_WORDS)  # "how", "when": the asking, not what is asked about
    if intent is not None and (intent.authorities or intent.years or intent.report_types):
        drop |= SCOPE_WORDS | MONTH_WORDS | {str(y) for y in intent.years}
        for authority in intent.authorities:
            drop |= set(tokenize(authority))
    return {t: idf(t) for t in dict.fromkeys(tokenize(question)) if t not in drop}


def coverage(weights: dict[str, float], text_terms: set[str]) -> float:
    """IDF-weighted share of the question's terms that the text contains."""
    total = sum(weights.values())
    if not total:
        return 0.0
    return sum(w for t, w in weights.items() if t in text_terms) / total


def sentence_support(sentence: str, weights: dict[str, float], wants: Sequence[re.Pattern]) -> float:
    """How well one sentence answers: term coverage, raised when it holds the detail asked for."""
    return coverage(weights, set(tokenize(sentence))) * 1.3 ** sum(bool(w.search(sentence)) for w in wants)
