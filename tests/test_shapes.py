"""Answer shapes on the small real index: summaries, a report's grades, comparisons,
coverage, strengths and weaknesses, themes. Grades are checked against the publisher's
manifest, coverage against a scan of the PDFs read independently of the index, and every
quote is re-found on its page of the PDF."""

from __future__ import annotations

import re

import pytest

from assistant.verify import quote_on_page
from eval.manifest import headline_grades, read_manifest
from ingest.normalize import for_match
from tests.conftest import SMALL_SET

pytestmark = pytest.mark.corpus

HARINGEY_2023 = "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"
HARINGEY_2018 = "ofsted-ilacs/haringey_2018-12-14_ilacs.pdf"
HARINGEY_2014 = "ofsted-ilacs/haringey_2014-07-18_sif.pdf"
BARNET_2024 = "ofsted-ilacs/barnet_2024-07-23_ilacs.pdf"


@pytest.fixture(scope="module")
def grades(corpus) -> dict[str, dict[str, str]]:
    return {row["file"]: headline_grades(row) for row in read_manifest(corpus) if row["file"] in SMALL_SET}


def assert_verified(answer, corpus_pages):
    assert answer.citations
    for c in answer.citations:
        assert quote_on_page(c.quote, corpus_pages(c.file)[c.page - 1]), (c.file, c.page, c.quote)


def hand_labels() -> dict[str, str]:
    """Sentence -> label from both hand labellers' files (eval/data/polarity*.jsonl)."""
    import json
    from pathlib import Path

    out = {}
    for path in sorted((Path(__file__).resolve().parents[1] / "eval" / "data").glob("polarity*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out[" ".join(row["sentence"].split())] = row["label"]
    return out


def grade_claims(answer, file: str) -> dict[str, str]:
    return {c.area: c.grade for c in answer.claims if c.role == "grade" and c.citations[0].file == file}


def test_a_summary_has_grades_improvement_items_and_area_openings(small_index, grades, corpus_pages):
    answer = small_index.ask("Summarise Haringey's 2023 inspection.")
    assert answer.kind == "summary"
    assert grade_claims(answer, HARINGEY_2023) == grades[HARINGEY_2023]
    improve = [c for c in answer.claims if c.role == "improve"]
    assert len(improve) >= 4 and all(c.citations[0].page == 2 for c in improve)
    openings = {c.area for c in answer.claims if c.role == "opening"}
    assert {"help_and_protection", "in_care", "care_leavers"} <= openings
    assert not any(re.search(r"inspection dates|lead inspector|judgement grade", c.text, re.I) for c in answer.claims)
    assert "Other indexed reports of Haringey" in answer.text
    assert_verified(answer, corpus_pages)


def test_a_focused_visit_summary_uses_its_own_sections(small_index, corpus_pages):
    answer = small_index.ask("Summarise Haringey's 2025 focused visit.")
    assert answer.kind == "summary" and "focused visit" in answer.text.splitlines()[0]
    assert {c.citations[0].file for c in answer.claims} == {"ofsted-focused-visits/haringey_2025-03-14_focused-visit.pdf"}
    assert len([c for c in answer.claims if c.role == "opening"]) >= 2
    assert_verified(answer, corpus_pages)


def test_a_reports_grades_are_a_cited_table(small_index, grades, corpus_pages):
    answer = small_index.ask("What grades did Barnet get in 2024?")
    assert answer.kind == "grades" and answer.table is not None
    assert grade_claims(answer, BARNET_2024) == grades[BARNET_2024]
    assert len(answer.table.rows) == len(grades[BARNET_2024])
    only = small_index.ask("Which areas were rated outstanding in Barnet's 2024 inspection?")
    expected = {k for k, g in grades[BARNET_2024].items() if g == "outstanding"}
    assert set(grade_claims(only, BARNET_2024)) == expected and expected
    assert_verified(answer, corpus_pages)


def test_a_comparison_puts_reports_side_by_side_and_says_what_changed(small_index, grades, corpus_pages):
    answer = small_index.ask("Compare Haringey's 2018 and 2023 inspections.")
    assert answer.kind == "comparison"
    assert answer.table.columns[1:3] == [m.label for m in small_index.reports(authority="Haringey")
                                         if m.file in (HARINGEY_2018, HARINGEY_2023)]
    for file in (HARINGEY_2018, HARINGEY_2023):
        assert grade_claims(answer, file) == grades[file]
    before, after = grades[HARINGEY_2018]["overall_effectiveness"], grades[HARINGEY_2023]["overall_effectiveness"]
    assert (before, after) == ("requires improvement", "good") and "improved: overall effectiveness" in answer.text
    assert_verified(answer, corpus_pages)


def test_councils_side_by_side_are_not_labelled_as_one_council_over_time(small_index, corpus_pages):
    answer = small_index.ask("Compare Haringey and Rotherham")
    assert answer.kind == "comparison" and answer.table.columns[-1] == "Graded higher"
    ours = "\n".join(line for line in answer.text.splitlines() if not line.startswith("  In the"))  # not the quotes
    assert not re.search(r"\b(improved|declined|same grade|->)", ours)
    assert re.search(r"\b(level|higher: (Haringey|Rotherham))\b", ours)
    assert_verified(answer, corpus_pages)


def test_coverage_is_exhaustive_against_a_scan_of_the_pdfs(small_index, corpus_pages):
    answer = small_index.ask("Which reports mention private fostering?")
    expected = {f for f in SMALL_SET
                if any(re.search(r"private fostering", for_match(p), re.I) for p in corpus_pages(f))}
    found = {c.citations[0].file for c in answer.claims if c.role == "mention"}
    assert answer.kind == "coverage" and found == expected and len(expected) >= 3
    assert answer.text.startswith(f"{len(expected)} of {len(SMALL_SET)} indexed reports")
    assert len(answer.table.rows) == len(expected)
    assert_verified(answer, corpus_pages)
    nowhere = small_index.ask('How many reports mention "zebra crossing"?')
    assert not nowhere.abstained and nowhere.citations == []
    assert f"searched {len(SMALL_SET)} reports" in nowhere.text


def test_coverage_names_the_councils_that_do_not_mention_it(small_index):
    answer = small_index.ask("Which of Haringey, Rotherham and Barnet's reports mention bed and breakfast?")
    found = {c.report.authority for c in answer.claims}
    assert found < {"Haringey", "Rotherham", "Barnet"}
    missing = {"Haringey", "Rotherham", "Barnet"} - found
    assert "Not mentioned in any indexed report of: " + ", ".join(a for a in ["Haringey", "Rotherham", "Barnet"] if a in missing) in answer.text


def test_weaknesses_are_critical_findings_not_the_word_weakness(small_index, corpus_pages):
    answer = small_index.ask("What were the main weaknesses in Haringey's children's services in 2014?")
    assert answer.kind == "strengths"
    weak = [c for c in answer.claims if c.role == "weakness"]
    assert len(weak) >= 3 and {c.citations[0].file for c in weak} == {HARINGEY_2014}
    assert not any(c.role == "strength" for c in answer.claims)
    assert any(c.role == "improve" for c in answer.claims)
    assert_verified(answer, corpus_pages)
    # Checked without the classifier that chose them: the same report's strengths answer
    # quotes none of these sentences, and no quote is a sentence hand-labelled otherwise.
    strengths = small_index.ask("What did Haringey do well in its 2014 inspection?")
    strong = {c.citations[0].quote for c in strengths.claims if c.role == "strength"}
    assert len(strong) >= 3 and not strong & {c.citations[0].quote for c in weak}
    labels = hand_labels()
    for quote, wanted in [(c.citations[0].quote, "weakness") for c in weak] + [(q, "strength") for q in strong]:
        assert labels.get(" ".join(quote.split()), wanted) == wanted, (quote, wanted)


def test_themes_count_the_reports_they_quote(small_index, grades, corpus_pages):
    answer = small_index.ask("What are common weaknesses among reports rated requires improvement?")
    assert answer.kind == "themes"
    in_set = {f for f, g in grades.items() if g.get("overall_effectiveness") == "requires improvement"}
    assert {c.file for c in answer.citations} <= in_set
    files = {c.marker: c.file for c in answer.citations}
    settings = small_index.settings.answer
    names = [row[0] for row in answer.table.rows]
    assert len(names) == len(set(names))  # a name comes once: groups named alike are one theme
    for name, count, quotes in answer.table.rows:
        cited = {files[int(m)] for m in re.findall(r"\[(\d+)\]", quotes)}
        assert int(count) == len(cited)  # the table cites one quote of every report it counts
        quoted = [c for c in answer.claims if c.group == name]
        assert len(quoted) <= settings.themes_quotes_shown and {c.citations[0].file for c in quoted} <= cited
    assert len({c.group for c in answer.claims}) <= settings.themes_max
    assert_verified(answer, corpus_pages)
