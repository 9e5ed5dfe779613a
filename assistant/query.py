"""What a question names: authorities, years, months, report types, judgement areas.

Most questions are about one council's report ("Rotherham's 2014 inspection"); finding
that report first keeps boilerplate shared by hundreds of reports from drowning the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.places import COMMON_WORDS, NOT_INDEXED, OUT_OF_SCOPE, canonical_key, variants

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})  # "may" is matched only before a year

REPORT_TYPE_PATTERNS = [
    ("focused-visit", r"focus(ed|sed)?[ -]visits?|monitoring visit"),
    ("area-send", r"area send|send inspection|local area (send )?partnership|special educational needs (and|&|and/or) disabilit\w* inspection|joint (ofsted (and|&) cqc )?send"),
    ("sif-reinspection", r"re-?inspection"),
    ("sif", r"\bsif\b|single inspection( framework)?"),
    ("ilacs", r"\bilacs\b"),
    ("jtai", r"\bjtai\b|joint targeted area inspection"),
    ("lac", r"looked[- ]after children('s)? (services )?inspection"),
    ("lscb", r"\blscb review|review of the (local safeguarding children board|lscb)"),
    ("school", r"\bschools? inspection|\bprimary school\b"),
]

# Judgement areas as users name them -> canonical judgement keys.
JUDGEMENT_PATTERNS = [
    ("overall_effectiveness", r"overall( effectiveness| grade| judgement| rating)?|overall"),
    ("impact_of_leaders", r"impact of leaders|leadership|leaders|management and governance"),
    ("help_and_protection", r"help and protection|need(s|ing)? help|child protection"),
    ("in_care", r"children in care|looked[- ]after|in care\b|achieving permanence"),
    ("care_leavers", r"care leavers?|leaving care"),
    ("adoption", r"adoption"),
    ("lscb", r"\blscb\b|safeguarding children board"),
    ("send_outcome", r"send (inspection )?outcome|area send"),
]
GRADE_QUESTION = re.compile(
    r"\b(grade[sd]?|rat(ed|ing|e)|judge(d|s|ment)?s?|score[sd]?|verdict|outcome|outstanding|inadequate|"
    r"requires? improvement|good or|how did ofsted (rate|judge|grade|assess))\b",
    re.I,
)
COMPARISON = re.compile(
    r"\b(compare[sd]?|comparison|change[sd]?|changing|between|since|improve[sd]?|improvement from|"
    r"progress(ed)? from|declin\w+|versus|vs\.?|than (in|at) (its|the) (previous|last|earlier)|over time|then and now|"
    r"earlier and later|trajectory)\b",
    re.I,
)
LATEST = re.compile(r"\b(latest|most recent|last|current|newest|recent)\b", re.I)
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


# How users say it -> how the reports say it. Used to widen the lexical query only: the
# embedder already knows that "children in care" are "looked after".
SYNONYMS = {
    "children in care": "looked after children looked after",
    "looked after": "children in care",
    "care leavers": "leaving care",
    "b&b": "bed and breakfast",
    "bed and breakfast": "b&b",
    "cse": "child sexual exploitation",
    "child sexual exploitation": "cse",
    "cce": "child criminal exploitation",
    "criminal exploitation": "cce",
    "lado": "designated officer",
    "designated officer": "lado",
    "plo": "public law outline pre-proceedings",
    "pre-proceedings": "public law outline plo",
    "iro": "independent reviewing officer",
    "iros": "independent reviewing officers",
    "independent reviewing officer": "iro iros",
    "ehc": "education, health and care",
    "ehcp": "education, health and care plan",
    "mash": "multi-agency safeguarding hub",
    "front door": "mash multi-agency safeguarding hub referrals",
    "send": "special educational needs disabilities",
    "dcs": "director of children's services",
    "population": "children and young people under the age of 18 live",
    "agency staff": "agency social workers locum",
    "agency workers": "agency social workers locum",
    "return interviews": "return home interviews",
    "staff turnover": "workforce stability recruitment retention",
    "workloads": "caseloads",
    "caseloads": "workloads",
    "neglect": "neglected",
    "homeless": "homelessness 16- and 17-year-olds",
}
_SYNONYM_PATTERNS = [(re.compile(rf"(?<![\w&-]){re.escape(k)}(?![\w&-])", re.I), v) for k, v in SYNONYMS.items()]


def expand(question: str) -> str:
    """The question plus the reports' own words for the terms it uses."""
    extra = [v for pattern, v in _SYNONYM_PATTERNS if pattern.search(question)]
    return " ".join([question, *extra])


@dataclass
class Intent:
    authorities: list[str] = field(default_factory=list)
    unknown_places: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    months: list[int] = field(default_factory=list)
    report_types: list[str] = field(default_factory=list)
    judgement_keys: list[str] = field(default_factory=list)
    asks_grade: bool = False
    comparison: bool = False
    latest: bool = False
    out_of_scope: str = ""

    @property
    def names_report(self) -> bool:
        return bool(self.authorities or self.years or self.report_types)


class QueryParser:
    """Built from the indexed reports' authorities, so it knows exactly what is there."""

    def __init__(self, authorities: list[str]):
        self._names: list[tuple[str, str]] = []  # (variant, canonical authority), longest first
        for authority in sorted(set(authorities)):
            for variant in variants(authority):
                self._names.append((variant, authority))
        self._names.sort(key=lambda item: -len(item[0]))
        known = {v for v, _ in self._names}
        self._unknown = sorted(
            {canonical_key(p) for p in NOT_INDEXED} - known, key=len, reverse=True
        )

    def parse(self, question: str) -> Intent:
        intent = Intent()
        text = " " + canonical_key(question) + " "
        for variant, authority in self._names:
            needle = f" {variant} "
            if needle in text and (variant not in COMMON_WORDS or _capitalised(question, variant)):
                if authority not in intent.authorities:
                    intent.authorities.append(authority)
                text = text.replace(needle, " \u00a7 ")
        for place in self._unknown:
            if f" {place} " in text:
                intent.unknown_places.append(place)
                text = text.replace(f" {place} ", " \u00a7 ")
        intent.years = sorted({int(y) for y in YEAR.findall(question)})
        lowered = question.lower()
        intent.months = sorted({n for name, n in MONTHS.items() if re.search(rf"\b{name}\b", lowered) and name != "may"})
        if re.search(r"\bmay\s+(19|20)\d\d\b", lowered):
            intent.months.append(5)
        for report_type, pattern in REPORT_TYPE_PATTERNS:
            if re.search(pattern, lowered):
                intent.report_types.append(report_type)
        for key, pattern in JUDGEMENT_PATTERNS:
            if re.search(rf"\b({pattern})", lowered):
                intent.judgement_keys.append(key)
        if ("care_leavers" in intent.judgement_keys and "in_care" in intent.judgement_keys
                and not re.search(r"children in care|looked[- ]after", lowered)):
            intent.judgement_keys.remove("in_care")
        intent.asks_grade = bool(GRADE_QUESTION.search(question))
        intent.comparison = bool(COMPARISON.search(question)) or len(intent.years) >= 2
        intent.latest = bool(LATEST.search(question))
        if match := OUT_OF_SCOPE.search(question):
            intent.out_of_scope = match.group(0)
        return intent


_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z\u00e0-\u00ff]+(?:['\u2019]s)?)\b")


def proper_names(question: str) -> list[str]:
    """Capitalised words that are not the first word of the question (candidate names)."""
    return [m.group(1).removesuffix("'s").removesuffix("\u2019s") for m in _NAME.finditer(question.strip())]


def _capitalised(question: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word.title())}\b", question) is not None


def inherit(intent: Intent, previous: Intent | None) -> Intent:
    """A follow-up ("And what about care leavers?") keeps the earlier turn's report scope."""
    if previous is None or intent.authorities or intent.unknown_places:
        return intent
    return replace(
        intent,
        authorities=previous.authorities,
        years=intent.years or previous.years,
        months=intent.months or previous.months,
        report_types=intent.report_types or previous.report_types,
        latest=intent.latest or previous.latest,
        judgement_keys=intent.judgement_keys or ([] if not intent.asks_grade else previous.judgement_keys),
    )
