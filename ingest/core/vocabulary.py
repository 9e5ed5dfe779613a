"""Ofsted's vocabulary, once: report types and their labels, grades and their order, the
three area SEND outcomes, judgement areas with their names and their wording in each
framework's grade table and prose (ILACS, SIF, LAC, school), and the section names that
structure a report.

How users word things in questions lives with the question parser (assistant/query.py); the
layout rules that find each framework's grade table live in ingest/judgements.py.
"""

from __future__ import annotations

import re

# Report types and how answers name them.
REPORT_TYPE_LABELS = {
    "ilacs": "ILACS inspection",
    "sif": "SIF inspection",
    "sif-reinspection": "SIF re-inspection",
    "focused-visit": "focused visit",
    "jtai": "joint targeted area inspection",
    "area-send": "area SEND inspection",
    "lac": "looked-after children inspection",
    "lscb": "LSCB review",
    "school": "school inspection",
    "other": "report",
}

# Area SEND inspections have three outcomes rather than grades. Canonical strings,
# best to worst, and the wording that identifies each in the report.
SEND_OUTCOMES = {
    "positive experiences and outcomes": r"lead\s+to\s+positive\s+experiences\s+and\s+outcomes",
    "inconsistent experiences and outcomes": r"lead\s+to\s+inconsistent\s+experiences\s+and\s+outcomes",
    "widespread and/or systemic failings": r"widespread\s+and/or\s+systemic\s+failings",
}
# Grades (and SEND outcomes) in order: a higher rank is a better judgement.
SEND_GRADES = {"widespread and/or systemic failings", "inconsistent experiences and outcomes",
               "positive experiences and outcomes"}
RANK = {"outstanding": 4, "good": 3, "requires improvement": 2, "adequate": 2, "inadequate": 1,
        "positive experiences and outcomes": 3, "inconsistent experiences and outcomes": 2,
        "widespread and/or systemic failings": 1}

# Judgement areas: their names in answers, and how a report states each with its grade.
GRADE_WORDS = r"(requires improvement to be good|requires improvement|inadequate|outstanding|good|adequate)"
AREA_WORDS = {
    "overall_effectiveness": r"overall (effectiveness|judgement)",
    "impact_of_leaders": r"impact of leaders|leadership, management and governance",
    "help_and_protection": r"(need|needs) help and\s*protection",
    "in_care": r"children (in care|looked after)",
    "care_leavers": r"care leavers",
    "adoption": r"adoption performance|adoption",
    "lscb": r"local safeguarding children board|lscb",
}
AREA_NAMES = {
    "overall_effectiveness": "overall effectiveness",
    "impact_of_leaders": "the impact of leaders",
    "help_and_protection": "help and protection",
    "in_care": "children in care",
    "care_leavers": "care leavers",
    "adoption": "adoption performance",
    "lscb": "the LSCB",
    "send_outcome": "the area SEND outcome",
}
SEND_OUTCOME = re.compile(
    r"[^.]*(typically lead to positive|inconsistent experiences and outcomes|widespread and/or systemic failings)[^.]*\.",
    re.I,
)

# Judgement areas as each framework's grade table words them: (canonical key, label pattern).
# A label must start a line; the grade must follow it directly (optionally after a colon or a
# numbering like "2.1"). Read by ingest/judgements.py.
JUDGEMENT_LABELS: dict[str, list[tuple[str, str]]] = {
    "ilacs": [
        ("impact_of_leaders", r"The impact of leaders on social work practice with children and families"),
        ("help_and_protection", r"The experiences and progress of children who need help and protection"),
        ("in_care", r"The experiences and progress of children in care(?: and care leavers)?"),
        ("care_leavers", r"The experiences and progress of (?:children )?care leavers"),
        ("overall_effectiveness", r"Overall effectiveness"),
    ],
    "sif": [
        ("help_and_protection", r"Children who need help and protection"),
        ("in_care", r"Children looked after and achieving permanence"),
        ("adoption", r"Adoption performance"),
        ("care_leavers", r"Experiences and progress of care leavers"),
        ("impact_of_leaders", r"Leadership, management and governance"),
    ],
    "lac": [
        ("overall_effectiveness", r"Overall effectiveness"),
        ("capacity_to_improve", r"Capacity to improve"),
        ("outcomes", r"Outcomes for looked after children and young people"),
        ("quality_of_provision", r"Quality of provision"),
        ("leadership_and_management", r"Leadership and management"),
    ],
    "school": [
        ("overall_effectiveness", r"Overall effectiveness"),
        ("leadership_and_management", r"Effectiveness of leadership and management"),
        ("teaching_learning_assessment", r"Quality of teaching, learning and assessment"),
        ("personal_development", r"Personal development, behaviour and welfare"),
        ("outcomes", r"Outcomes for pupils"),
        ("early_years", r"Early years provision"),
        ("sixth_form", r"16 to 19 study programmes"),
    ],
}

# Section names that carry a judged area (ILACS and SIF wording).
AREA_SECTIONS = {
    "overall_effectiveness": re.compile(r"^overall effectiveness|overall judgement", re.I),
    "help_and_protection": re.compile(r"help and protection", re.I),
    "in_care": re.compile(r"children in care|children looked after|achieving permanence", re.I),
    "care_leavers": re.compile(r"care leavers|leaving care", re.I),
    "impact_of_leaders": re.compile(r"impact of leaders|leadership, management", re.I),
    "lscb": re.compile(r"effectiveness of the local safeguarding|the lscb", re.I),
}
# Key sections of reports without judged areas, in the order a reader wants them.
KEY_SECTIONS = re.compile(
    r"^(headline findings|main findings|summary|what is it like to be a child|what is the (local )?area partnership doing "
    r"that is effective|what does the (local )?area partnership need to do better|what is it like to attend|"
    r"what does the school do well|the local authority has the following strengths|key strengths)", re.I)

# Sections where a report lists what must improve.
IMPROVE_SECTIONS = re.compile(
    r"areas? for (priority action|improvement)|what needs to improve|priority and immediate action|recommendations|"
    r"what does the (local authority|school|area partnership) need to (do|improve)|need to do better", re.I)

# Sections about the inspection itself (who, when, how), not about the council's work.
ABOUT_THE_INSPECTION = re.compile(r"information about|inspection team|what the inspection judgements mean|^contents", re.I)

# Sections that describe the inspection or the area, not practice.
BOILERPLATE = re.compile(
    r"information about|inspection team|contents|what the inspection judgements mean|local area partnership details|"
    r"other ofsted inspections|other information|in this area$|piccadilly|yours sincerely|the inspection team|"
    r"what needs to improve|areas for (?:improvement|priority)|priority and immediate action|recommendations", re.I)
