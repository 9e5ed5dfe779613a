"""Follow-ups that point back ("why?", "is that common?", "over that time", "and inadequate?"),
names written a little off ("Kingston upon Hul", "Leed's"), and words of praise that are no grade."""

from __future__ import annotations

import csv
import re

import pytest

from assistant.conversation import read
from assistant.intent import Shape
from assistant.parser import QueryParser
from assistant.shapes import answer_label
from tests.conftest import CORPUS

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def parser() -> QueryParser:
    if not (CORPUS / "manifest.csv").exists():
        pytest.skip("the corpus is not beside the repo")
    with (CORPUS / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return QueryParser(sorted({row["local_authority"] for row in csv.DictReader(fh)}))


def test_a_grade_alone_after_a_list_by_grade_keeps_the_region_and_the_direction_alone_keeps_the_reports(parser):
    other = read("and inadequate?", ["Which councils in the East of England got requires improvement?"], parser.parse)
    assert other.intent.group == "East of England" and other.intent.grades == ("inadequate",)
    assert answer_label(other.intent) == "rated" and other.inherited == ["question"]
    improved = "Which councils improved their overall grade between their last two full inspections?"
    back = read("and which went backwards?", [improved], parser.parse)
    assert answer_label(back.intent) == "grade_change" and back.intent.across.direction == -1
    assert back.intent.report_types == ("ilacs",) and back.intent.latest
    there = read("Of the ones that improved, which are in Yorkshire?", [improved], parser.parse)
    assert there.intent.group == "Yorkshire and the Humber" and there.intent.across.direction == 1
    assert there.intent.report_types == ("ilacs",)


def test_a_comparison_that_points_back_keeps_the_topic_and_that_names_the_topic(parser):
    devon = "What did the inspection say about care leavers in Devon?"
    somerset = read("and how does that compare with Somerset?", [devon], parser.parse)
    assert set(somerset.intent.authorities) == {"Devon", "Somerset"} and answer_label(somerset.intent) == "comparison"
    assert {"care", "leaver"} <= set(somerset.intent.topic_terms) and "topic" in somerset.inherited
    early = read("how does that compare to Portsmouth?", ["Early help on the Isle of Wight - what did inspectors make of it?"],
                 parser.parse)
    assert {"earli", "help"} <= set(early.intent.topic_terms)  # "help" beside "early" is the topic
    common = read("is that common?", ["tell me about Peterborough's inspection",
                                      "what's the problem with care leavers there"], parser.parse)
    assert common.intent.authorities == () and {"care", "leaver"} <= set(common.intent.topic_terms)
    region = read("is that a problem across the north west generally?", ["what does Bolton's report say about caseloads?"],
                  parser.parse)
    assert region.intent.group == "North West" and "caseload" in region.intent.topic_terms
    pasted = read("Journalist here, working on a piece about children placed in unregistered children's homes. "
                  "What do the Ofsted reports say about it?", None, parser.parse)
    assert "unregist" in pasted.intent.topic_terms and answer_label(pasted.intent) == "topic_across"


def test_why_after_a_grade_asks_what_the_report_found_wanting_or_strong(parser):
    why = read("why so bad", ["isles of scilly ilacs grades"], parser.parse)
    assert why.intent.authorities == ("Isles of Scilly",) and answer_label(why.intent) == "weaknesses"
    assert why.intent.report_types == ("ilacs",)
    good = read("why so good?", ["How was Leeds rated at its latest inspection?"], parser.parse)
    assert answer_label(good.intent) == "strengths" and good.intent.latest
    assert answer_label(read("why?", ["what do the reports say about neglect?"], parser.parse).intent) != "weaknesses"


def test_periods_that_point_back_and_a_full_question_about_the_same_council(parser):
    since = read("and since?", ["How did Surrey do in its 2018 re-inspection?"], parser.parse)
    assert answer_label(since.intent) == "grade_history" and since.intent.year_range == (2018, 9999)
    moved = read("how have their grades moved since?", ["What did Ofsted say about exploitation in Rotherham in 2014?",
                                                        "and what does the latest report say about it?"], parser.parse)
    assert moved.intent.authorities == ("Rotherham",) and moved.intent.year_range == (2014, 9999)
    span = read("how did Sandwell's grades move over that time?",
                ["Which councils improved between 2018 and 2024?", "any in the West Midlands"], parser.parse)
    assert span.intent.year_range == (2018, 2024) and answer_label(span.intent) == "grade_history"
    year = read("Which other councils were rated inadequate that year?",
                ["What were the main concerns in Devon's 2025 inspection?"], parser.parse)
    assert year.intent.years == (2025,) and answer_label(year.intent) == "rated"
    own = read("How did Surrey do in its 2018 re-inspection?", ["There was an LSCB review in Surrey in 2015 - what did "
                                                               "it conclude?", "and the children's services inspection "
                                                               "the same year?"], parser.parse)
    assert own.question == "How did Surrey do in its 2018 re-inspection?" and own.inherited == []
    assert own.intent.years == (2018,) and own.intent.report_types == ("sif-reinspection",)


def test_the_lead_inspector_asked_as_who_led_it_and_a_council_asked_as_the_x_one(parser):
    for question in ("who led it?", "did the same person lead Cheshire East?", "Who led the Devon inspection?"):
        reading = read(question, ["Summarise Cambridgeshire's 2024 inspection"], parser.parse)
        assert reading.intent.topic_terms[:2] == ("lead", "inspector"), question
    kingston = read("what did the Kingston one say about care leavers?",
                    ["which councils were rated outstanding in 2025?", "just the London ones"], parser.parse)
    assert kingston.intent.authorities == ("Kingston upon Thames",) and kingston.intent.years == (2025,)


def test_names_written_a_little_off_and_praise_that_is_no_grade(parser):
    hull = parser.parse("Kingston upon Hul latest ofsted rating")
    assert hull.authorities == ("Kingston upon Hull",) and ("kingston upon hul", "Kingston upon Hull") in hull.corrections
    assert parser.parse("Kingston upon Tames grades").authorities == ("Kingston upon Thames",)
    assert parser.parse("Kingston grades").authorities == ("Kingston upon Thames",)
    assert parser.parse("what are Leed's strenghts").authorities == ("Leeds",)
    assert parser.parse("In the capital, which councils have seen their Ofsted ratings go up?").group == "London"
    assert parser.parse("West Mids SEND inspections - common issues").group == "West Midlands"
    assert parser.parse("what are they good at").grades == ()
    assert parser.parse("what good practice is there in Bromley").grades == ()
    later = parser.parse("which councils improved from an inadequate judgement to good at a later inspection?")
    assert set(later.grades) == {"inadequate", "good"} and answer_label(later) == "grade_change"
    assert parser.parse("what does the Hartlepool report say about disabled kids").topic_terms == ("disabl", "children")
    assert parser.parse("What are the typical weaknesses in councils that require improvement?").group == \
        "requires improvement councils"
    assert parser.parse("what does Ofsted typically recommend to inadequate councils?").group == "inadequate councils"
    assert parser.parse("which councils went from inadequate to good councils").group == ""
    assert parser.parse("recommendations for Peterborough after its 2024 inspection").years == (2024,)
    assert parser.parse("recommendations for Peterborough after its 2024 inspection").year_range is None
    assert parser.parse("How was Manchester rated when it was re-inspected in 2017?").report_types == ("sif-reinspection",)
    assert Shape.STRENGTHS is parser.parse("what is Hartlepool good at").shape


def test_a_turn_said_back_keeps_nothing_and_the_thread_goes_on_past_it(parser):
    for said in ("ok", "hmm", "hmm ok", "ok thanks, anything else?"):
        reading = read(said, ["Trafford grades"], parser.parse)
        assert reading.intent.authorities == () and reading.inherited == [] and reading.intent.vague, said
    after = read("why inadequate for help and protection?", ["Trafford grades", "hmm"], parser.parse)
    assert after.intent.authorities == ("Trafford",)


def test_why_after_a_report_named_in_the_history_and_what_ofsted_wants_done(parser):
    why = read("the 2026 one - why requires improvement?", ["somerset overall grades over time"], parser.parse)
    assert answer_label(why.intent) == "weaknesses" and why.intent.years == (2026,)
    before = read("and the one before that?", ["somerset overall grades over time",
                                               "the 2026 one - why requires improvement?"], parser.parse)
    assert answer_label(before.intent) == "weaknesses" and before.intent.previous and "2026" not in before.question
    wrong = read("why, what went wrong", ["inadequate at its last inspection - is that right for Devon?"], parser.parse)
    assert answer_label(wrong.intent) == "weaknesses" and wrong.intent.grades == ()  # the grade is the reason, not a set
    fix = read("and what does ofsted want them to do about it", ["inadequate at its last inspection - is that right "
                                                                "for Devon?", "why, what went wrong"], parser.parse)
    assert answer_label(fix.intent) == "recommendations" and fix.intent.authorities == ("Devon",)


def test_side_by_side_follow_ups_keep_the_reports_and_their_period(parser):
    alike = read("Were they rated the same?", ["Who led the Ofsted inspection of Rochdale's children's services?",
                                                "and wirral?"], parser.parse)
    assert set(alike.intent.authorities) == {"Rochdale", "Wirral"} and answer_label(alike.intent) == "comparison"
    two = read("put the two side by side", ["what strengths keep coming up in London reports since 2024?",
                                            "what about Wandsworth - strengths?", "and Southwark, same question"],
               parser.parse)
    assert set(two.intent.authorities) == {"Wandsworth", "Southwark"} and two.intent.year_range == (2024, 9999)
    assert two.intent.topic_terms == ()
    changed = read("what changed on help and protection", ["manchester 2022 vs 2025"], parser.parse)
    assert answer_label(changed.intent) == "comparison" and changed.intent.years == (2022, 2025)
    latest = read("compare the two", ["Summarise Croydon's latest inspection", "and the previous one?"], parser.parse)
    assert answer_label(latest.intent) == "comparison" and latest.intent.previous and latest.intent.latest


def test_a_topic_named_after_about_is_no_summary_of_the_report(parser):
    assert answer_label(parser.parse("what did Wolverhampton say about county lines?")) == "finding"
    assert answer_label(parser.parse("whats the story with Leeds")) == "summary"


def test_compare_the_two_after_the_latest_and_the_one_before_compares_those_reports(small_index):
    latest = small_index.ask("Summarise Haringey's latest inspection")
    before = small_index.ask("and the previous one?", history=[latest])
    both = small_index.ask("compare the two", history=[latest, before])
    assert both.kind == "comparison" and not both.abstained
    files = {c.file for c in both.citations}
    assert files == {"ofsted-ilacs/haringey_2023-04-11_ilacs.pdf", "ofsted-ilacs/haringey_2018-12-14_ilacs.pdf"}, files
    dated = small_index.ask("Summarise Haringey's 2018 inspection")
    beside = small_index.ask("and how does that compare with the latest?", history=[dated])
    assert beside.kind == "comparison" and "ofsted-ilacs/haringey_2018-12-14_ilacs.pdf" in {c.file for c in beside.citations}
    assert len({c.file for c in beside.citations}) == 2
    why = small_index.ask("the 2018 one - why?", history=[small_index.ask("Haringey's grades over time")])
    assert why.reading.startswith("Read as: weaknesses \u00b7 Haringey")
    assert {c.file for c in why.citations} == {"ofsted-ilacs/haringey_2018-12-14_ilacs.pdf"}


def test_the_reports_own_words_are_no_misspellings_and_cue_words_no_topic(parser):
    assert parser.parse("what about foster carers").topic_terms == ("foster", "carer")  # not "careers"
    assert parser.parse("locum social workers in Leeds").topic_terms[0] == "locum"  # not "locus"
    assert parser.parse("health checks for children in care in Leeds").topic_terms[:2] == ("health", "check")
    assert {"life", "stori"} <= set(parser.parse("what do reports say about life story work").topic_terms)
    for asked in ("where did Hampshire shine", "whats the story with Hackney", "what impressed inspectors in Leeds",
                  "can you check what Leeds said", "Leeds judgments"):
        assert parser.parse(asked).topic_terms == (), asked


def test_what_a_review_of_this_reading_found_stays_read_as_asked(parser):
    """Each found by a review of the change, run against the code before and after it."""
    def reading(question: str, *history: str):
        return read(question, list(history), parser.parse)

    assert parser.parse("What did Ofsted say about staff's caseloads in Kent?").authorities == ("Kent",)
    assert set(parser.parse("How do Hammersmith and Newham compare?").authorities) == {"Hammersmith and Fulham", "Newham"}
    assert set(parser.parse("Compare Brighton and Hull").authorities) == {"Brighton and Hove", "Kingston upon Hull"}
    assert parser.parse("Which councils were rated good at their most recent inspection?").grades == ("good",)
    assert answer_label(reading("Why are most councils rated good?", "What were Leeds's grades?").intent) == "rated"
    assert answer_label(reading("why not good?", "What were Leeds's grades?").intent) == "weaknesses"
    assert answer_label(reading("Why did it improve?", "How have Sandwell's grades changed over time?").intent) == "strengths"
    send = reading("Which SEND partnerships improved?", "Which councils declined between their last two full inspections?")
    assert send.intent.report_types == ("area-send",) and send.inherited == []
    assert reading("and which declined in 2023?", "Which councils improved between their last two inspections?"
                   ).intent.years == (2023,)
    leeds = reading("Leeds in 2019?", "What did Leeds's report say about care leavers?")
    assert leeds.intent.years == (2019,) and {"care", "leaver"} <= set(leeds.intent.topic_terms)
    assert answer_label(reading("Kent's latest?", "What were Kent's grades in 2017?").intent) == "grades"
    assert {"neglect"} <= set(reading("I'm briefing the lead member on neglect, what did Leeds's report say?").intent.topic_terms)
    assert parser.parse("How have Rotherham's grades changed after its 2014 inspection?").year_range == (2014, 9999)
    assert reading("ok, anything else?", "What were Leeds's strengths?").intent.authorities == ("Leeds",)  # "more"
    assert "later" in parser.parse("What did Ofsted say about later life letters?").topic_terms
    assert "year" not in parser.parse("Which councils were criticised for supervision this year?").topic_terms
    assert parser.parse("what about the capital investment in children's homes in Kent?").group == ""
    assert "trust" in parser.parse("what do reports say about children's trust boards").topic_terms


def test_is_that_common_counts_the_reports_on_the_topic_instead_of_abstaining(small_index, parser):
    region = read("is that a problem across the north west generally?", ["what does Bolton's report say about caseloads?"],
                  parser.parse)
    assert answer_label(region.intent) == "topic_across"  # the topic across the region, not its common weaknesses
    first = small_index.ask("What does Haringey's 2023 report say about care leavers?")
    common = small_index.ask("is that common?", history=[first])
    assert not common.abstained and common.kind == "aggregate", common.text[:300]
    assert re.search(r"\d+ of \d+ indexed reports .* discuss care leavers", common.text), common.text[:300]


def test_who_led_it_finds_the_lead_inspector_line_and_grades_over_time_keep_no_single_report(small_index):
    first = small_index.ask("Summarise Haringey's 2023 inspection")
    led = small_index.ask("who led it?", history=[first])
    assert "lead inspector" in led.reading.lower() or any("Lead inspector" in c.quote for c in led.citations)
    assert any("Lead inspector" in c.quote for c in led.citations), [c.quote for c in led.citations]
    moved = small_index.ask("how have their grades moved since?", history=[small_index.ask("Haringey 2018 inspection grades")])
    assert "the report of your last answer" not in moved.reading
    assert len({c.file for c in moved.citations}) >= 2, moved.text[:300]
