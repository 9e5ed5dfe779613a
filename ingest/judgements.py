"""Judgement grades stated in a report, keyed by canonical judgement names.

Every report type states its grades in its own layout; the rules here read the cleaned
page text (``ingest.read``) and record the 1-based page on which each grade is stated.

* ILACS (2018-): the page-1 table "Judgement / Grade" (five judgements; before 2023 the
  care-leaver judgement was part of "children in care and care leavers"; from 2026 there
  is no overall-effectiveness grade).
* SIF / SIF re-inspection (2013-2018): the page-1 list "1. Children who need help and
  protection <grade>" ... and the headline sentence "The overall judgement is ..." or
  "Children's services in X are ..."; the LSCB judgement on page 1 or at the start of the
  LSCB section.
* LAC 2013: the "Record of main findings" table (four-point scale with "adequate").
* LSCB review (2015): "The Local Safeguarding Children Board requires improvement".
* Area SEND (2023-): the inspection-outcome sentence on page 1 (see SEND_OUTCOMES).
* School: the page-1 table "Overall effectiveness <grade>" ...
* Focused visits are not graded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.core.types import Judgement
from ingest.core.vocabulary import JUDGEMENT_LABELS, SEND_OUTCOMES

_GRADE = (
    r"(?P<grade>requires?\s+improvement(?:\s+to\s+be\s+good)?|outstanding|good|inadequate|adequate)"
)
_GRADE_RE = re.compile(_GRADE, re.I)

_SIF_OVERALL = [
    re.compile(r"The overall judgement is(?:\s+that\s+children.s\s+services\s+(?:are|is))?\s+" + _GRADE, re.I),
    re.compile(r"Children.s services in [^\n.]{2,60}?\s+(?:are\s+|is\s+)?" + _GRADE, re.I),
]
_LSCB = re.compile(
    r"(?im)^(?:The\s+effectiveness\s+of\s+)?the\s+(?:local\s+safeguarding\s+children\s+board|LSCB)"
    r"(?:\s+\(LSCB\))?\s+(?:is\s+|are\s+)?(?:judged\s+(?:to\s+be\s+)?)?" + _GRADE
)


def normalize_grade(text: str) -> str | None:
    """'Requires improvement to be good' -> 'requires improvement'; None if no grade word."""
    m = _GRADE_RE.search(text or "")
    if not m:
        return None
    g = re.sub(r"\s+", " ", m.group("grade").lower())
    return "requires improvement" if g.startswith("require") else g


def _label_re(label: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in label.split(" "))
    words = words.replace(r"\(", "(").replace(r"\)", ")").replace(r"\?", "?").replace(r"\:", ":")
    return re.compile(r"(?im)^(?:\d(?:\.\d)?\.?\s+)?" + words + r"\s*:?\s+" + _GRADE + r"\b")


def _clean_label(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def table_grades(texts: Sequence[str], labels, first_page: int = 1) -> dict[str, Judgement]:
    """First 'label grade' statement of each label, searching the given pages in order."""
    out: dict[str, Judgement] = {}
    for key, label in labels:
        rx = _label_re(label)
        for i, text in enumerate(texts):
            m = rx.search(text)
            if m and (grade := normalize_grade(m.group("grade"))):
                out[key] = Judgement(grade, first_page + i, _clean_label(m.group(0)))
                break
    return out


def _first(texts: Sequence[str], patterns, first_page: int = 1) -> Judgement | None:
    for i, text in enumerate(texts):
        for rx in patterns:
            m = rx.search(text)
            if m and (grade := normalize_grade(m.group("grade"))):
                return Judgement(grade, first_page + i, _clean_label(m.group(0)))
    return None


def extract_judgements(texts: Sequence[str], report_type: str) -> dict[str, Judgement]:
    """Canonical judgement key -> Judgement for one report (texts: cleaned page texts)."""
    if report_type == "ilacs":
        # The table is on page 1; later pages repeat the grades as section headings.
        return table_grades(texts, JUDGEMENT_LABELS["ilacs"])
    if report_type in ("sif", "sif-reinspection"):
        out = table_grades(texts[:3], JUDGEMENT_LABELS["sif"])
        overall = _first(texts[:3], _SIF_OVERALL)
        if overall:
            out = {"overall_effectiveness": overall, **out}
        # Only combined SIF reports review the LSCB (re-inspections and some SIFs do not).
        if re.search(r"Review\s+of\s+the\s+effectiveness\s+of\s+the\s+local\s+safeguarding", texts[0], re.I):
            lscb = _first(texts, [_LSCB])
            if lscb:
                out["lscb"] = lscb
        return out
    if report_type == "lscb":
        lscb = _first(texts, [_LSCB])
        return {"lscb": lscb} if lscb else {}
    if report_type == "lac":
        # Grades are stated in section headings ("Grade 3 (Adequate)") and again in the
        # closing "Record of main findings" table; the table is unambiguous.
        for i in range(len(texts) - 1, -1, -1):
            if "Record of main findings" in texts[i]:
                return table_grades(texts[i:], JUDGEMENT_LABELS["lac"], first_page=i + 1)
        return {}
    if report_type == "school":
        return table_grades(texts[:2], JUDGEMENT_LABELS["school"])
    if report_type == "area-send":
        for i, text in enumerate(texts[:3]):
            for outcome, pattern in SEND_OUTCOMES.items():
                m = re.search(pattern, text, re.I)
                if m:
                    start = text.rfind(".", 0, m.start()) + 1
                    end = text.find(".", m.end())
                    label = _clean_label(text[start : end + 1 if end >= 0 else len(text)])
                    return {"send_outcome": Judgement(outcome, i + 1, label)}
        return {}
    return {}

