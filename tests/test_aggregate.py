"""Questions across reports, answered from the reports table and checked against the manifest.

The expected councils come from ../shared/corpus/manifest.csv (the publisher's headline
judgements), restricted to the reports that are indexed; every cited quote is checked on
the page of the PDF as read independently of the index.
"""

from __future__ import annotations

import re

import pytest

from assistant.parser import QueryParser
from assistant.query import grades_named
from assistant.verify import quote_on_page
from eval.manifest import headline_truth, inspection_year, read_manifest
from tests.conftest import SMALL_SET, make_pdf

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def manifest(corpus) -> dict[str, dict]:
    """file -> {authority, year (of inspection), type, grades{key: grade}} for the indexed files."""
    truth = headline_truth(corpus, set(SMALL_SET))
    out = {}
    for row in read_manifest(corpus):
        if row["file"] in SMALL_SET:
            year, key, grade = truth.get(row["file"], (inspection_year(row), "", ""))
            out[row["file"]] = {"authority": row["local_authority"], "type": row["report_type"], "year": year,
                                "grades": {key: grade} if key else {}}
    return out


def cited_files(answer) -> set[str]:
    return {c.file for c in answer.citations}


def assert_verified(answer, corpus_pages):
    assert answer.citations, answer.text
    for c in answer.citations:
        assert quote_on_page(c.quote, corpus_pages(c.file)[c.page - 1]), (c.file, c.page, c.quote)
        shown = answer.text + " ".join(cell for row in (answer.table.rows if answer.table else []) for cell in row)
        assert f"[{c.marker}]" in shown  # in the text, or in the table of every report found


@pytest.mark.parametrize("question, kind", [
    ("Which councils were judged inadequate overall in 2024?", "grades"),
    ("How many area SEND inspections found widespread or systemic failings?", "count"),
    ("Which councils improved from inadequate to good?", "transition"),
    ("Which councils' grades declined?", "transition"),
    ("Which councils were criticised for placing care leavers in bed and breakfast?", "findings"),
    ("Which councils were told to improve their response to private fostering?", "recommendations"),
    ("What were Rotherham's areas for improvement in 2014?", "recommendations_of"),
    ("How has Haringey's overall effectiveness changed since 2014?", "history"),
    ("What did Ofsted find about management oversight in Rotherham in 2014?", None),
    ("How many children were looked after in Haringey in 2018?", None),
    ("How did Ofsted rate Barnet's services for care leavers?", None),
])
def test_parse_recognises_aggregate_questions(question, kind):
    request = QueryParser(["Rotherham", "Haringey", "Barnet"]).parse(question).across
    assert (request.kind if request else None) == kind


def test_grades_named_in_order_and_not_inside_longer_grades():
    assert grades_named("improved from requires improvement to be good to outstanding") == ["requires improvement", "outstanding"]
    assert grades_named("from inadequate to good") == ["inadequate", "good"]
    assert grades_named("widespread or systemic failings") == ["widespread and/or systemic failings"]


@pytest.mark.parametrize("grade", ["inadequate", "requires improvement", "good"])
def test_councils_by_overall_grade_match_the_manifest(small_index, manifest, corpus_pages, grade):
    expected = {f for f, m in manifest.items() if m["grades"].get("overall_effectiveness") == grade}
    answer = small_index.ask(f"Which councils were judged {grade} overall?")
    assert answer.kind == "aggregate"
    graded = sum("overall_effectiveness" in m["grades"] for m in manifest.values())
    assert f"Looked at {graded} indexed reports" in answer.text
    assert f"{len(expected)} w" in answer.text
    assert cited_files(answer) == expected
    assert_verified(answer, corpus_pages)


def test_year_restricts_to_inspections_in_that_year(small_index, manifest, corpus_pages):
    expected = {f for f, m in manifest.items() if m["year"] == 2024 and m["grades"].get("overall_effectiveness") == "good"}
    assert expected, "the small set has a 2024 'good' ILACS (Barnet)"
    answer = small_index.ask("Which councils were judged good overall in 2024?")
    assert cited_files(answer) == expected
    assert "inspected in 2024" in answer.text
    assert_verified(answer, corpus_pages)


def test_send_outcome_count(small_index, manifest, corpus_pages):
    expected = {f for f, m in manifest.items() if m["grades"].get("send_outcome") == "widespread and/or systemic failings"}
    assert expected, "the small set has Bexley's 2023 area SEND inspection"
    answer = small_index.ask("How many area SEND inspections found widespread or systemic failings?")
    assert cited_files(answer) == expected
    sends = sum(m["type"] == "area-send" for m in manifest.values())
    assert f"Looked at {sends} indexed report" in answer.text
    assert all("widespread" in c.quote.lower() for c in answer.citations)
    assert_verified(answer, corpus_pages)


def test_history_lists_every_graded_report_in_date_order(small_index, manifest, corpus_pages):
    haringey = sorted((m["year"], f) for f, m in manifest.items()
                      if m["authority"] == "Haringey" and "overall_effectiveness" in m["grades"])
    answer = small_index.ask("How has Haringey's overall effectiveness changed since 2014?")
    assert [c.file for c in answer.citations] == [f for _, f in haringey]
    first, last = manifest[haringey[0][1]]["grades"]["overall_effectiveness"], manifest[haringey[-1][1]]["grades"]["overall_effectiveness"]
    assert f"from '{first}' to '{last}'" in answer.text
    assert_verified(answer, corpus_pages)


def test_transition_between_consecutive_graded_inspections(small_index, manifest, corpus_pages):
    answer = small_index.ask("Which councils improved from requires improvement to good?")
    assert [c.file for c in answer.citations] == ["ofsted-ilacs/haringey_2018-12-14_ilacs.pdf", "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"]
    assert "1 moved" in answer.text
    assert "Haringey" in answer.text
    assert_verified(answer, corpus_pages)
    none = small_index.ask("Which councils improved from inadequate to good?")
    assert not none.citations and "0 moved" in none.text
    # one end named: the grade a move starts from, or ends at
    out = small_index.ask("Which councils have moved out of requires improvement?")
    assert [c.file for c in out.citations] == ["ofsted-ilacs/haringey_2018-12-14_ilacs.pdf", "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"]
    assert "1 moved from 'requires improvement' to a better grade" in out.text  # 2014 -> 2018 stayed the same
    assert_verified(out, corpus_pages)
    slipped = small_index.ask("Which councils slipped to inadequate?")
    assert not slipped.citations and "0 moved to 'inadequate' from a better grade" in slipped.text


def test_a_reports_areas_for_improvement_are_a_cited_list(small_index, corpus_pages):
    answer = small_index.ask("What were Rotherham's areas for improvement in 2014?")
    assert cited_files(answer) == {"ofsted-ilacs/rotherham_2014-11-19_sif.pdf"}
    assert len(answer.citations) >= 5
    assert "Secure effective leadership across children's services." in {c.quote for c in answer.citations}
    assert_verified(answer, corpus_pages)


def test_recommendations_across_reports_name_the_topic(small_index, corpus_pages):
    answer = small_index.ask("Which councils were told to improve their response to private fostering?")
    assert "ofsted-ilacs/haringey_2014-07-18_sif.pdf" in cited_files(answer)
    assert all(re.search(r"privately fostered|private fostering", c.quote, re.I) for c in answer.citations)
    assert_verified(answer, corpus_pages)


def test_findings_across_reports_are_counted_grouped_by_council_and_tabled(small_index, corpus_pages):
    from assistant import polarity

    answer = small_index.ask("Which councils were criticised for weak management oversight?")
    assert answer.kind == "aggregate"
    first, *lines = answer.text.splitlines()
    found = re.match(r"(\d+) of (\d+) indexed reports .*criticise management oversight", first)
    assert found and 0 < int(found.group(1)) <= int(found.group(2))
    councils = [re.match(r"- (.+?), ", line).group(1) for line in lines if line.startswith("- ")]
    assert len(councils) >= 2 and len(councils) == len(set(councils))  # one bullet a council
    assert set(councils) <= {c.passage.report.authority for c in answer.citations}
    # asked who was criticised: every quote reads as criticism, and is about the topic asked
    assert all(polarity.classify(c.quote) == polarity.WEAKNESS for c in answer.citations)
    assert all(re.search(r"management\W+oversight", c.quote, re.I) for c in answer.citations)
    assert answer.table is not None and len(answer.table.rows) == int(found.group(1))
    assert_verified(answer, corpus_pages)


def test_a_topic_across_reports_counts_its_variants_and_says_what_it_counted(small_index, corpus_pages):
    answer = small_index.ask("What do the reports say about agency staff?")
    first = answer.text.splitlines()[0]
    assert re.match(r"\d+ of \d+ indexed reports", first) and "agency" in first and "social workers" in first
    quotes = [c.quote for c in answer.citations]
    assert quotes and all(re.search(r"\bagency\b", q, re.I) for q in quotes)
    assert "(or workers, staff" in first  # "agency social workers", "agency workers" counted too
    silent = small_index.ask("What do the reports say about quokkas?")
    assert silent.text.startswith("No indexed report discusses quokkas")
    assert_verified(answer, corpus_pages)


def test_recommendations_are_in_the_api(small_index):
    items = small_index.recommendations(authority="Rotherham", year=2014)
    assert items and all(i.file == "ofsted-ilacs/rotherham_2014-11-19_sif.pdf" and i.page >= 1 for i in items)
    assert all(i.report.authority == "Rotherham" for i in items)


def test_a_grade_list_for_a_year_lists_apart_the_reports_published_then_but_inspected_before(tmp_path):
    """A year across reports means the inspection year; a report published in it but inspected the
    year before is not dropped silently: it follows the list, marked, and the reading line says so."""
    from assistant import Assistant

    grades = "\n".join(f"{area} Inadequate" for area in (
        "The impact of leaders on social work practice with children and families",
        "The experiences and progress of children who need help and protection",
        "The experiences and progress of children in care", "The experiences and progress of care leavers",
        "Overall effectiveness"))
    pdf = make_pdf(tmp_path / "corpus" / "ofsted-ilacs" / "wexbridge_2024-01-20_ilacs.pdf", [
        "Inspection of Wexbridge local authority children's services\nInspection dates: 4 to 8 December 2023\n"
        "Lead inspector: Jane Smith, His Majesty's Inspector\nJudgement Grade\n" + grades,
        "Children in Wexbridge do not receive timely help. Management oversight is weak and plans drift.\n"
        "Published: 20 January 2024"])
    assistant = Assistant.open(tmp_path / "index")
    assistant.ingest([pdf], root=tmp_path / "corpus", progress=False)
    published = assistant.ask("Which councils were rated inadequate in 2024?")
    counted, apart = published.text.split("\n", 1)
    assert "0 were judged 'inadequate'" in counted
    assert apart.startswith("Published in 2024 but inspected before, so not counted above:")
    assert "Wexbridge (ILACS inspection, December 2023, published January 2024): inadequate [1]" in apart
    assert [c.role for c in published.claims] == ["published-apart"]
    assert "1 published then but inspected before is listed apart" in published.reading
    inspected = assistant.ask("Which councils were rated inadequate in 2023?")
    assert "1 was judged 'inadequate'" in inspected.text and "Published in" not in inspected.text
