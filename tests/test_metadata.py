"""Report metadata extraction (ingest.structure / ingest.judgements).

Fast unit tests on text snippets, then one pass over the whole corpus (read_pdf once per
file, ~5 min) compared with the corpus manifest and the upstream ILACS history table.
Every disagreement is printed as ``file | field | ours | theirs``; the ones where the
source is wrong (checked by hand against the report text) are listed in
KNOWN_SOURCE_ERRORS with the reason.

Run:  .venv/bin/python -m pytest tests/test_metadata.py -s          (all)
      .venv/bin/python -m pytest tests/test_metadata.py -m "not corpus"   (fast only)
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime

import pytest

from eval.manifest import NOT_A_GRADE, headline_grades, read_manifest, report_type
from ingest.core.vocabulary import SEND_OUTCOMES
from ingest.judgements import extract_judgements, normalize_grade
from ingest.structure import (
    detect_report_type,
    extract_recommendations,
    extract_report_meta,
    find_authority,
    parse_date,
    parse_date_range,
)

ILACS_KEYS = ("overall_effectiveness", "impact_of_leaders", "help_and_protection", "in_care", "care_leavers")

# (file, field) -> why the manifest / history CSV value is wrong (checked against the PDF).
KNOWN_SOURCE_ERRORS: dict[tuple[str, str], str] = {
    ("ofsted-ilacs/somerset_2018-01-29_sif.pdf", "report_type"):
        "manifest says sif; page 1 reads 'Reinspection of services for children in need of help and protection'",
    ("ofsted-ilacs/hackney_2016-09-21_sif.pdf", "inspection_dates"):
        "manifest's regex cut '4 July 2016-28 July 2016' after the first date",
    ("ofsted-ilacs/surrey_2018-05-16_sif-reinspection.pdf", "inspection_dates"):
        "manifest's regex cut '26 February 2018-22 March 2018' after the first date",
    ("ofsted-ilacs/st-helens_2023-09-04_ilacs.pdf", "manifest_grades"):
        "upstream grades shifted: page-1 table says help/protection RI, in care good, care leavers outstanding",
    ("ofsted-ilacs/st-helens_2023-09-04_ilacs.pdf", "help_and_protection"):
        "page-1 table: 'children who need help and protection' Requires improvement to be good (CSV: good)",
    ("ofsted-ilacs/st-helens_2023-09-04_ilacs.pdf", "in_care"): "page-1 table: 'children in care' Good (CSV: RI)",
    ("ofsted-ilacs/st-helens_2023-09-04_ilacs.pdf", "care_leavers"): "page-1 table: 'care leavers' Outstanding (CSV: good)",
    ("ofsted-ilacs/nottingham_2022-09-05_ilacs.pdf", "manifest_grades"):
        "2022 framework graded 'children in care and care leavers' together; there is no separate care-leaver grade",
    ("ofsted-ilacs/nottingham_2022-09-05_ilacs.pdf", "care_leavers"):
        "2022 framework graded 'children in care and care leavers' together; there is no separate care-leaver grade",
    **{
        (f"ofsted-ilacs/{f}", "history_lead"): "CSV spells 'Jenny -ellen Scotland' (stray space); the report has 'Jenny-ellen Scotland'"
        for f in ("lambeth_2026-03-10_ilacs.pdf", "southwark_2026-05-18_ilacs.pdf", "shropshire_2025-08-12_ilacs.pdf", "wigan_2025-11-26_ilacs.pdf")
    },
}


# --- fast unit tests -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("13 to 24 February 2023", date(2023, 2, 13), date(2023, 2, 24)),
        ("16 September - 8 October 2014", date(2014, 9, 16), date(2014, 10, 8)),
        ("16 September \u2013 8 October 2014", None, None),  # raw en dash: see below
        ("5 and 6 October 2021", date(2021, 10, 5), date(2021, 10, 6)),
        ("12 September 2016 to 6 October 2016", date(2016, 9, 12), date(2016, 10, 6)),
        ("18 Feb 2014 - 12 March 2014", date(2014, 2, 18), date(2014, 3, 12)),
        ("9-10 November 2016", date(2016, 11, 9), date(2016, 11, 10)),
        ("23 April-18 May 2018", date(2018, 4, 23), date(2018, 5, 18)),
        ("on the 15 and 16 of May 2018.", date(2018, 5, 15), date(2018, 5, 16)),
        ("30 November to\n11 December 2015", date(2015, 11, 30), date(2015, 12, 11)),
        ("15 December 2020", date(2020, 12, 15), date(2020, 12, 15)),
        ("no dates here", None, None),
    ],
)
def test_parse_date_range(text, start, end):
    if "\u2013" in text:  # page text is normalised (ingest.normalize) so dashes are ASCII
        text, start, end = text.replace("\u2013", "-"), date(2014, 9, 16), date(2014, 10, 8)
    assert parse_date_range(text) == (start, end)


def test_parse_date():
    assert parse_date("Report published: 3 August 2015") == date(2015, 8, 3)
    assert parse_date("Published: 23rd Sept 2013") == date(2013, 9, 23)
    assert parse_date("31 February 2020") is None


@pytest.mark.parametrize(
    "text, grade",
    [
        ("Requires improvement to be good", "requires improvement"),
        ("Requires Improvement\nto be good", "requires improvement"),
        ("require improvement to be good", "requires improvement"),
        ("Outstanding", "outstanding"),
        ("Good", "good"),
        ("Inadequate", "inadequate"),
        ("Grade 3 (Adequate)", "adequate"),
        ("nothing", None),
    ],
)
def test_normalize_grade(text, grade):
    assert normalize_grade(text) == grade


def test_authority_names():
    assert find_authority("Inspection of the Royal Borough of\nKensington and Chelsea local authority") == "Kensington and Chelsea"
    assert find_authority("Inspection of London Borough of Hammersmith & Fulham") == "Hammersmith and Fulham"
    assert find_authority("Area SEND inspection of Stoke-on-\nTrent Local Area Partnership") == "Stoke-on-Trent"
    assert find_authority("Inspection of Bath and North East Somerset local authority") == "Bath and North East Somerset"
    assert find_authority("Inspection of East Riding local authority") == "East Riding of Yorkshire"
    assert find_authority("Inspection of North Yorkshire") == "North Yorkshire"
    assert find_authority("Blackburn With Darwen") == "Blackburn with Darwen"
    assert find_authority("London Corporation") == "City of London"


ILACS_PAGE1 = """Inspection of Haringey local authority
children's services
Inspection dates: 13 to 24 February 2023
Lead inspector: Claire Beckingham, His Majesty's Inspector
Judgement Grade
The impact of leaders on social work
practice with children and families
Good
The experiences and progress of
children who need help and protection
Good
The experiences and progress of
children in care
Requires improvement to be good
The experiences and progress of care
leavers
Good
Overall effectiveness Good
Services have improved."""

SIF_PAGE1 = """London Borough of Camden
Inspection of services for children in need of help and
protection, children looked after and care leavers
and
Review of the effectiveness of the Local Safeguarding Children
Board1
Inspection date: 11 September 2017 to 5 October 2017
Report published: 24 November 2017
Children's services in Camden are good
1. Children who need help and protection Good
2. Children looked after and achieving
permanence Good
2.1 Adoption performance Outstanding
2.2 Experiences and progress of care leavers Requires improvement
3. Leadership, management and governance Outstanding"""


def test_ilacs_snippet():
    meta = extract_report_meta([ILACS_PAGE1, "What needs to improve?\n• Timeliness of strategy meetings.\n• Life-story work and\npermanency planning.\nThe experiences and progress of children who need help and\nprotection: good"], "x/haringey_2023-04-11_ilacs.pdf", "r1")
    assert (meta.authority, meta.report_type, meta.lead_inspector) == ("Haringey", "ilacs", "Claire Beckingham")
    assert (meta.inspection_start, meta.inspection_end, meta.published) == (date(2023, 2, 13), date(2023, 2, 24), date(2023, 4, 11))
    assert {k: j.grade for k, j in meta.judgements.items()} == {
        "impact_of_leaders": "good", "help_and_protection": "good", "in_care": "requires improvement",
        "care_leavers": "good", "overall_effectiveness": "good"}
    assert all(j.page == 1 for j in meta.judgements.values())
    assert extract_recommendations([ILACS_PAGE1, meta and "What needs to improve?\n• Timeliness of strategy meetings.\n• Life-story work and\npermanency planning.\nThe experiences and progress of children who need help and\nprotection: good"]) == [
        ("Timeliness of strategy meetings.", 2), ("Life-story work and permanency planning.", 2)]


def test_sif_snippet():
    meta = extract_report_meta([SIF_PAGE1, "The Local Safeguarding Children Board is outstanding\nIt is."], "x/camden_2017-11-24_sif.pdf", "r2")
    assert (meta.authority, meta.report_type, meta.published) == ("Camden", "sif", date(2017, 11, 24))
    grades = {k: (j.grade, j.page) for k, j in meta.judgements.items()}
    assert grades == {
        "overall_effectiveness": ("good", 1), "help_and_protection": ("good", 1), "in_care": ("good", 1),
        "adoption": ("outstanding", 1), "care_leavers": ("requires improvement", 1),
        "impact_of_leaders": ("outstanding", 1), "lscb": ("outstanding", 2)}


def test_send_and_focused_visit_snippets():
    send = ("Local area partnership report\nArea SEND inspection of Dorset Local\nArea Partnership\nInspection dates: 11 to 15 March 2024\n"
            "Inspection outcome\nThe local area partnership's special educational needs and/or disabilities (SEND)\n"
            "arrangements typically lead to positive experiences and outcomes for children and young\npeople with SEND.")
    meta = extract_report_meta([send, "Inspection team\nOfsted Care Quality Commission\nLeanne Thirlby, Ofsted HMI Lead inspector Daniel Carrick, CQC Lead inspector\nSarah Canto, Ofsted HMI"], "x/dorset_2024-05-15_area-send.pdf", "r3")
    assert (meta.authority, meta.report_type, meta.inspectorates) == ("Dorset", "area-send", ["Ofsted", "CQC"])
    assert meta.judgements["send_outcome"].grade == "positive experiences and outcomes" in SEND_OUTCOMES
    assert meta.lead_inspector == "Leanne Thirlby (Ofsted); Daniel Carrick (CQC)"
    fv = ("9 November 2021\nSara Tough\nDear Sara\nFocused visit to Norfolk children's services\nThis letter summarises the findings of the "
          "focused visit to Norfolk County Council\nchildren's services on 5 and 6 October 2021. Her Majesty's Inspectors were Tom Anthony.")
    meta = extract_report_meta([fv, "Yours sincerely\nTom Anthony\nHer Majesty's Inspector"], "x/norfolk_2021-11-09_focused-visit.pdf", "r4")
    assert (meta.authority, meta.report_type, meta.judgements, meta.lead_inspector) == ("Norfolk", "focused-visit", {}, "Tom Anthony")
    assert (meta.inspection_start, meta.inspection_end) == (date(2021, 10, 5), date(2021, 10, 6))


def test_type_detection_snippets():
    assert detect_report_type(["Surrey County Council\nRe-inspection of services for children in need of help and"]) == "sif-reinspection"
    assert detect_report_type(["Inspection of looked after children\nservices\nKent County Council"]) == "lac"
    assert detect_report_type(["Surrey Safeguarding Children Board\nReview of the effectiveness of the Local Safeguarding Children\nBoard"]) == "lscb"
    assert detect_report_type(["School report\nRough Hay Primary School"]) == "school"
    assert detect_report_type(["nothing useful"], "a/kent_2013-08-23_lac-2013.pdf") == "lac"
    assert extract_judgements(["Record of main findings\nOverall effectiveness Inadequate Grade 4\nCapacity to improve Adequate"], "lac") == {
        "overall_effectiveness": extract_judgements(["Record of main findings\nOverall effectiveness Inadequate Grade 4"], "lac")["overall_effectiveness"],
        "capacity_to_improve": extract_judgements(["Record of main findings\nCapacity to improve Adequate"], "lac")["capacity_to_improve"]}


# --- comparison with the corpus's own metadata ----------------------------------------

def _same_authority(ours: str, theirs: str, report_type: str) -> bool:
    if report_type == "school":
        return theirs.lower().startswith(ours.lower()) and bool(ours)
    return (find_authority(theirs) or theirs).lower() == ours.lower()


def compare_manifest(metas: dict, manifest: list[dict]):
    """-> (counts {field: [agree, total]}, disagreements [(file, field, ours, theirs)])."""
    counts = {f: [0, 0] for f in ("authority", "report_type", "headline", "manifest_grades", "lead_inspector", "inspection_dates")}
    bad = []

    def check(file, field, ours, theirs, same):
        counts[field][1] += 1
        if same:
            counts[field][0] += 1
        else:
            bad.append((file, field, ours, theirs))

    for row in manifest:
        meta = metas.get(row["file"])
        if meta is None:
            continue
        theirs_type = report_type(row)
        check(row["file"], "authority", meta.authority, row["local_authority"], _same_authority(meta.authority, row["local_authority"], meta.report_type))
        check(row["file"], "report_type", meta.report_type, theirs_type, meta.report_type == theirs_type)
        grades = headline_grades(row)
        theirs_key = "send_outcome" if theirs_type == "area-send" else "lscb" if theirs_type == "lscb" else "overall_effectiveness"
        ours_head = meta.judgements.get(theirs_key)
        if theirs_key in grades:
            ours = ours_head.grade if ours_head else None
            check(row["file"], "headline", ours, grades[theirs_key], ours == grades[theirs_key])
        for key, grade in grades.items():
            if key != theirs_key:
                ours = meta.judgements[key].grade if key in meta.judgements else None
                check(row["file"], "manifest_grades", f"{key}={ours}", grade, ours == grade)
        if row["lead_inspector"]:
            check(row["file"], "lead_inspector", meta.lead_inspector, row["lead_inspector"], meta.lead_inspector.lower() == row["lead_inspector"].lower())
        if row["inspection_dates"]:
            theirs = parse_date_range(row["inspection_dates"].replace("\u2013", "-"))
            ours = (meta.inspection_start, meta.inspection_end)
            check(row["file"], "inspection_dates", ours, theirs, ours == theirs)
    return counts, bad


def _dmy(text: str) -> date | None:
    for fmt in ("%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            pass
    return None


def compare_history(metas: dict, history: list[dict]):
    """Match history rows to our reports by authority + publication date; compare grades."""
    by_key = {}
    for f, m in metas.items():  # the text's "Report published" date or the file name's date
        la = (find_authority(m.authority) or m.authority).lower()
        by_key[(la, m.published)] = f
        name_date = re.search(r"_(\d{4}-\d{2}-\d{2})_", f)
        if name_date:
            by_key.setdefault((la, date.fromisoformat(name_date.group(1))), f)
    counts = {"matched_rows": [0, 0], "grades": [0, 0], "history_dates": [0, 0], "history_lead": [0, 0]}
    bad = []
    for row in history:
        la = (find_authority(row["local_authority"]) or row["local_authority"]).lower()
        file = by_key.get((la, _dmy(row["publication_date"])))
        counts["matched_rows"][1] += 1
        if not file:
            continue
        counts["matched_rows"][0] += 1
        meta = metas[file]
        for key in ILACS_KEYS:
            theirs = row[f"{key}_grade"].strip()
            if theirs in NOT_A_GRADE:
                continue
            ours = meta.judgements[key].grade if key in meta.judgements else None
            counts["grades"][1] += 1
            if ours == theirs:
                counts["grades"][0] += 1
            else:
                bad.append((file, key, ours, theirs))
        if row["inspection_start_date"]:
            theirs = (_dmy(row["inspection_start_date"]), _dmy(row["inspection_end_date"]))
            ours = (meta.inspection_start, meta.inspection_end)
            counts["history_dates"][1] += 1
            counts["history_dates"][0] += ours == theirs
            if ours != theirs:
                bad.append((file, "history_dates", ours, theirs))
        if row["inspector_name"]:
            counts["history_lead"][1] += 1
            same = meta.lead_inspector.lower() == row["inspector_name"].strip().lower()
            counts["history_lead"][0] += same
            if not same:
                bad.append((file, "history_lead", meta.lead_inspector, row["inspector_name"]))
    return counts, bad


SEND_GRADES = {"1.0": "positive experiences and outcomes", "2.0": "inconsistent experiences and outcomes", "3.0": "widespread and/or systemic failings"}


def compare_send(metas: dict, overview: list[dict]):
    """The area SEND overview table: outcome (1-3) and inspection dates, by authority + publication date."""
    by_key = {}
    for f, m in metas.items():
        if m.report_type == "area-send":
            by_key[((find_authority(m.authority) or m.authority).lower(), m.published)] = f
    counts = {"matched_rows": [0, 0], "send_outcome": [0, 0], "send_dates": [0, 0]}
    bad = []
    for row in overview:
        la = (find_authority(row["local_authority"]) or row["local_authority"]).lower()
        file = by_key.get((la, _dmy(row["publication_date"])))
        counts["matched_rows"][1] += 1
        if not file:
            continue
        counts["matched_rows"][0] += 1
        meta = metas[file]
        theirs = SEND_GRADES.get(row["outcome_grade"].strip())
        if theirs:
            ours = meta.judgements["send_outcome"].grade if "send_outcome" in meta.judgements else None
            counts["send_outcome"][1] += 1
            counts["send_outcome"][0] += ours == theirs
            if ours != theirs:
                bad.append((file, "send_outcome", ours, theirs))
        theirs = (_dmy(row["inspection_start_date"]), _dmy(row["inspection_end_date"]))
        if None in theirs:
            continue
        ours = (meta.inspection_start, meta.inspection_end)
        counts["send_dates"][1] += 1
        counts["send_dates"][0] += ours == theirs
        if ours != theirs:
            bad.append((file, "send_dates", ours, theirs))
    return counts, bad


def report(counts: dict, bad: list, title: str) -> None:
    print(f"\n== {title}")
    for field, (agree, total) in counts.items():
        print(f"  {field:<18} {agree}/{total} = {agree / total:.1%}" if total else f"  {field:<18} -")
    for file, field, ours, theirs in bad:
        note = KNOWN_SOURCE_ERRORS.get((file, field))
        why = f"source error: {note}" if note else "extraction error (ours differs from the source; not explained)"
        print(f"  DISAGREE {file} | {field} | ours={ours!r} | theirs={theirs!r}  [{why}]")


def rate(counts: dict, field: str) -> float:
    agree, total = counts[field]
    return agree / total if total else 1.0


# --- the corpus pass -------------------------------------------------------------------


@pytest.fixture(scope="module")
def extracted(corpus, corpus_pages):
    """rel path -> (ReportMeta, recommendations) for every PDF, read once per session."""
    out = {}
    for path in sorted(corpus.rglob("*.pdf")):
        rel = path.relative_to(corpus).as_posix()
        pages = corpus_pages(rel)
        out[rel] = (extract_report_meta(pages, rel, rel), extract_recommendations(pages))
    return out


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_against_manifest(corpus, extracted):
    metas = {f: m for f, (m, _) in extracted.items()}
    counts, bad = compare_manifest(metas, read_manifest(corpus))
    report(counts, bad, "manifest")
    for field in ("authority", "report_type", "headline"):
        assert rate(counts, field) >= 0.95, field


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_against_ilacs_history(corpus, extracted):
    metas = {f: m for f, (m, _) in extracted.items()}
    counts, bad = compare_history(metas, _read_csv(corpus / "metadata" / "ofsted_csc_ilacs_history.csv"))
    report(counts, bad, "ILACS history CSV")
    assert counts["matched_rows"][0] >= 150
    assert rate(counts, "grades") >= 0.98


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_against_send_overview(corpus, extracted):
    metas = {f: m for f, (m, _) in extracted.items()}
    counts, bad = compare_send(metas, _read_csv(corpus / "metadata" / "ofsted_csc_send_overview.csv"))
    report(counts, bad, "area SEND overview CSV")
    assert counts["matched_rows"][0] >= 50
    assert rate(counts, "send_outcome") >= 0.95


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_every_report_is_described(extracted):
    """Every report has a type, authority, dates and (unless a focused visit) a headline grade."""
    problems = []
    for file, (meta, recs) in extracted.items():
        if meta.report_type == "other" or not meta.authority or not meta.inspection_end:
            problems.append((file, "type/authority/dates", meta.report_type, meta.authority, meta.inspection_end))
        if meta.report_type != "focused-visit" and not meta.judgements:
            problems.append((file, "no judgements"))
        if meta.report_type in ("ilacs", "sif", "area-send", "focused-visit") and not recs:
            problems.append((file, "no recommendations"))
        for key, j in meta.judgements.items():
            if not (1 <= j.page <= meta.pages):
                problems.append((file, key, "page out of range", j.page))
    for p in problems:
        print("  PROBLEM", p)
    assert len(problems) <= len(extracted) // 50, problems
