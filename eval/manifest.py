"""The publisher's manifest (`corpus/manifest.csv`) read as ground truth, once for every check.

Its headline_judgement is either `key=grade; ...` (ILACS) or the report's own sentence
(SIF, LAC, LSCB reviews, area SEND), which is normalised here the way a reader would.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ingest.core.vocabulary import SEND_OUTCOMES
from ingest.judgements import normalize_grade

# Values the upstream tables use for "no grade here", not grades.
NOT_A_GRADE = {"", "data_unreadable", "inspection_pre_dates_judgement", "not_reported_post_reform"}
# The manifest's report types where ours are named differently.
REPORT_TYPES = {"lac-2013": "lac", "lscb-review": "lscb"}
HEADLINE_KEYS = ("overall_effectiveness", "send_outcome", "lscb")


def read_manifest(corpus: Path) -> list[dict[str, str]]:
    with open(Path(corpus) / "manifest.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def report_type(row: dict) -> str:
    return REPORT_TYPES.get(row["report_type"], row["report_type"])


def headline_grades(row: dict) -> dict[str, str]:
    """Grades in the manifest's headline_judgement, keyed as our judgements are."""
    text = row["headline_judgement"].strip()
    if not text:
        return {}
    if "=" in text:
        pairs = (part.strip().split("=", 1) for part in text.split(";") if "=" in part)
        return {k: v for k, v in pairs if v not in NOT_A_GRADE}
    rtype = report_type(row)
    if rtype == "area-send":
        for outcome, pattern in SEND_OUTCOMES.items():
            if re.search(pattern, text, re.I):
                return {"send_outcome": outcome}
        return {}
    grade = normalize_grade(text)
    return {("lscb" if rtype == "lscb" else "overall_effectiveness"): grade} if grade else {}


def inspection_year(row: dict) -> int | None:
    """The year the inspection ended (its last date), which is what "judged ... in <year>" means."""
    years = re.findall(r"(?:19|20)\d\d", row["inspection_dates"])
    return int(years[-1]) if years else None


def headline_truth(corpus: Path, files: set[str]) -> dict[str, tuple[int | None, str, str]]:
    """file -> (inspection year, judgement key, grade) of each graded report among `files`."""
    out = {}
    for row in read_manifest(corpus):
        if row["file"] in files:
            grades = headline_grades(row)
            key = next((k for k in HEADLINE_KEYS if k in grades), None)
            if key:
                out[row["file"]] = (inspection_year(row), key, grades[key])
    return out
