"""How a question is read: council names (misspelt, official, former, regions) against the corpus
manifest, follow-ups in a conversation, wrapped requests, the reading line, and the reading gate."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from assistant import Filters
from assistant.conversation import read
from assistant.gazetteer import REGIONS, Gazetteer, council_entry, region_of
from assistant.places import canonical_key
from assistant.parser import QueryParser
from assistant.intent import Shape
from assistant.shapes import answer_label
from tests.conftest import CORPUS

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def authorities() -> list[str]:
    if not (CORPUS / "manifest.csv").exists():
        pytest.skip("the corpus is not beside the repo")
    with (CORPUS / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return sorted({row["local_authority"] for row in csv.DictReader(fh)})


@pytest.fixture(scope="module")
def parser(authorities) -> QueryParser:
    return QueryParser(authorities)


def test_every_council_of_the_corpus_has_one_region_and_no_name_is_two_councils(authorities):
    councils = [a for a in authorities if "School" not in a]
    assert all(region_of(a) in REGIONS for a in councils), [a for a in councils if region_of(a) not in REGIONS]
    counts = Counter(region_of(a) for a in councils)
    assert counts["London"] == 33 and counts["North East"] == 12 and sum(counts.values()) == len(councils) == 153
    owners: dict[str, str] = {}
    for a in councils:
        entry = council_entry(a)
        for name in [entry["name"], *entry["aliases"]]:
            assert owners.setdefault(canonical_key(name), entry["name"]) == entry["name"], name


def test_misspelt_official_and_former_names_and_regions(authorities):
    names = Gazetteer(authorities, frozenset({"reading", "kent", "leeds"}))
    found = names.find("What about Birmingam's weaknesses?")
    assert found.authorities == ["Birmingham"] and found.corrections == [("birmingam", "Birmingham")]
    assert names.find("compare Liverpol and Manchster").authorities == ["Liverpool", "Manchester"]
    assert names.find("Royal Borough of Greenwich grades").authorities == ["Greenwich"]
    assert names.find("I was reading the Kent report").authorities == ["Kent"]  # "reading" is a word here
    london = names.find("Which London boroughs were rated inadequate?")
    assert london.region == "London" and london.authorities == []
    lincs = names.find("North East Lincolnshire's latest inspection")
    assert lincs.authorities == ["North East Lincolnshire"] and lincs.region == ""
    cumbria = names.find("Cumbria's latest inspection")
    assert cumbria.authorities == [] and cumbria.former == [("Cumbria", ["Cumberland", "Westmorland and Furness"])]


def test_ordinary_words_and_acronyms_are_never_read_as_councils(parser):
    for question in ("What do the reports say about CAMHS?", "DBS barring checks", "child rearing practices",
                     "severing contact with parents", "hampering progress", "heading southwards", "stoked fears"):
        intent = parser.parse(question)
        assert intent.authorities == () and intent.corrections == (), (question, intent.authorities)


def test_follow_ups_keep_what_they_do_not_restate(parser):
    swap = read("What about Sunderland?", ["Has Sandwell improved since 2019?"], parser.parse)
    assert swap.question == "Has Sunderland improved since 2019?" and swap.intent.authorities == ("Sunderland",)
    assert swap.intent.year_range == (2019, 9999) and swap.inherited == ["question"]
    weak = read("What about its weaknesses?", ["Summarise the latest Leeds inspection"], parser.parse)
    assert weak.intent.authorities == ("Leeds",) and weak.intent.shape is Shape.STRENGTHS and weak.intent.polarity == -1
    topic = read("And what did they say about care leavers?",
                 ["What did Ofsted say about Birmingham's children's services in its latest report?"], parser.parse)
    assert topic.intent.authorities == ("Birmingham",) and {"care", "leaver"} <= set(topic.intent.topic_terms)
    year = read("And in 2019?", ["What did the Kent report say about care leavers in 2022?"], parser.parse)
    assert year.intent.authorities == ("Kent",) and year.intent.years == (2019,) and "2022" not in year.question
    both = read("how does that compare with Essex?", ["Summarise Kent's latest inspection"], parser.parse)
    assert set(both.intent.authorities) == {"Kent", "Essex"} and answer_label(both.intent) == "comparison"
    fresh = read("Which reports mention staying put?", ["Summarise Kent's latest inspection"], parser.parse)
    assert fresh.intent.authorities == () and fresh.inherited == [] and fresh.intent.shape is Shape.COVERAGE
    both_years = read("How do the two compare?", ["Summarise Kent's 2019 inspection", "And in 2022?"], parser.parse)
    assert both_years.intent.authorities == ("Kent",) and both_years.intent.years == (2019, 2022)
    with_period = read("What about Kent in 2019?", ["Summarise Leeds in 2022"], parser.parse)
    assert with_period.intent.authorities == ("Kent",) and with_period.intent.years == (2019,)


def test_a_follow_up_that_cannot_be_swapped_cleanly_is_read_on_its_own(parser):
    for earlier in ("Compare Kent and Essex", "Is Kent better than Leeds?", "???"):
        reading = read("What about Sunderland?", [earlier], parser.parse)
        assert reading.question == "What about Sunderland?" and reading.intent.authorities == ("Sunderland",), earlier
    assert read("What about Leeds?", [(None, None), "", {"role": "user", "content": None}], parser.parse).inherited == []


def test_follow_ups_across_reports_keep_their_topic_group_and_grades(parser):
    chain = ["What do the reports say about unaccompanied asylum-seeking children?"]
    there = read("in London boroughs?", chain, parser.parse)
    assert there.intent.group == "London" and {"unaccompani", "asylum"} <= set(there.intent.topic_terms)
    which = read("which of them mention it?", chain + ["in London boroughs?"], parser.parse)
    assert which.intent.shape is Shape.COVERAGE and which.intent.group == "London"
    assert "unaccompani" in which.intent.topic_terms and "topic" in which.inherited
    common = read("what do those councils have in common?",
                  ["which councils were rated outstanding in 2024?", "and last year?"], parser.parse)
    assert common.intent.shape is Shape.THEMES and common.intent.grades == ("outstanding",)
    assert common.intent.relative_years and not common.intent.latest  # "last year" is a period, not the latest


def test_the_topic_is_what_is_asked_not_how_and_typos_in_it_are_put_right_and_said(parser):
    def topic(question: str, history=None) -> list[str]:
        return list(read(question, history, parser.parse).intent.topic_terms)

    assert topic("I'd be grateful for a rundown of the shortcomings Ofsted identified in Devon, please.") == []
    assert topic("Summarise the latest Ofsted inspection of Leeds children's services.") == []
    assert topic("What does the Bolton report say about disabled children?") == ["disabl", "children"]
    typo = read("what does ofsted say about exploitaton of teenagers", None, parser.parse)
    assert "exploit" in typo.intent.topic_terms and ("exploitaton", "exploitation") in typo.intent.corrections
    # "supervisor" or "supervision", one letter off each: a letter left out is the likelier slip
    assert "supervis" in topic("what does ofsted say about supervison")
    assert ("supervison", "supervision") in read("what does ofsted say about supervison", None, parser.parse).intent.corrections
    # the reports' own words that the English word list lacks are never "put right" into others
    assert topic("How many reports mention contextual safeguarding?") == ["contextu", "safeguard"]
    assert topic("Which inspections refer to unregulated placements?") == ["unregul", "placement"]


def test_send_names_the_area_send_report_and_sending_does_not(parser):
    assert parser.parse("Rotherham SEND failings").report_types == ("area-send",)
    assert parser.parse("warrinton SEND inspection findings").authorities == ("Warrington",)  # casual but for acronyms
    assert parser.parse("Do the police attend conferences and send reports?").report_types == ()


def test_follow_ups_that_add_a_council_swap_a_region_or_turn_to_the_weaknesses(parser):
    added = read("add Waltham Forest too", ["Compare Hackney and Tower Hamlets"], parser.parse)
    assert set(added.intent.authorities) == {"Hackney", "Tower Hamlets", "Waltham Forest"}
    assert answer_label(added.intent) == "comparison"
    region = read("and Yorkshire?", ["Which councils in the North West have improved?"], parser.parse)
    assert region.intent.group == "Yorkshire and the Humber" and "North West" not in region.question
    worse = read("and not so well?", ["What did Brighton and Hove do well?"], parser.parse)
    assert worse.intent.authorities == ("Brighton and Hove",) and answer_label(worse.intent) == "weaknesses"
    chain = ["What does Sandwell's SEND report say about alternative provision?", "and about exclusions?"]
    swapped = read("what about for Blackpool", chain, parser.parse)
    assert swapped.intent.authorities == ("Blackpool",) and "exclus" in swapped.intent.topic_terms


def test_a_follow_up_that_names_a_report_or_a_topic_keeps_what_it_does_not_restate(parser):
    def label(question: str, history: list[str]) -> tuple:
        reading = read(question, history, parser.parse)
        return answer_label(reading.intent), reading.intent.authorities, reading.intent.report_types, reading.intent.period

    # a period said replaces the whole period, and the question is the one already asked
    shape, councils, _, period = label("and now?", ["What were Tower Hamlets' grades in 2017?"])
    assert (shape, councils, period.latest, period.years) == ("grades", ("Tower Hamlets",), True, ())
    shape, _, kinds, _ = label("and the reinspection", ["How did Manchester do in its 2014 inspection?"])
    assert shape == answer_label(parser.parse("How did Manchester do in its 2014 inspection?")) and kinds == ("sif-reinspection",)
    assert label("and the focused visit?", ["Surrey grades over time"])[0] == "summary"  # a visit gives no grades
    assert label("what about their full inspection", ["Summarise Blackpool's SEND inspection"])[:3] == (
        "summary", ("Blackpool",), ("ilacs",))
    # a topic said is what is asked about now, of the same report
    assert label("and care leavers?", ["What does Rochdale's report say about supervision?"])[:2] == ("finding", ("Rochdale",))
    assert label("and care leavers?", ["What are Leeds' weaknesses?"])[:2] == ("finding", ("Leeds",))
    assert label("more", ["Summarise the Bolton report"])[:2] == ("summary", ("Bolton",))
    # a council after a question about the reports in general: that council's report on the topic
    newcastle = read("and in Newcastle's", ["disabled children - what do the reports say"], parser.parse)
    assert answer_label(newcastle.intent) == "finding" and "disabl" in newcastle.intent.topic_terms
    # the other side of the common themes of a set, then one council of it
    themes = ["recurring weaknesses across requires improvement councils"]
    other = read("and the strengths?", themes, parser.parse)
    assert answer_label(other.intent) == "themes" and other.intent.polarity == 1
    assert label("what about warwickshire's", [*themes, "and the strengths?"])[:2] == ("strengths", ("Warwickshire",))
    # a kind of report narrows a list of reports
    narrowed = read("only the SIF ones", ["Which reports discuss county lines?"], parser.parse)
    assert answer_label(narrowed.intent) == "coverage" and narrowed.intent.report_types == ("sif",)


def test_a_follow_up_keeps_the_scope_and_councils_of_the_turns_before(parser):
    chain = ["Leeds latest inspection summary", "and the main weaknesses?"]
    bucks = read("what about bucks", chain, parser.parse)  # an alias, and the latest report kept
    assert bucks.intent.authorities == ("Buckinghamshire",) and bucks.intent.latest
    assert answer_label(bucks.intent) == "weaknesses"
    ranked = read("which of the three was worst?", ["Slough grades", "and Surrey", "and rotherham"], parser.parse)
    assert set(ranked.intent.authorities) == {"Slough", "Surrey", "Rotherham"} and answer_label(ranked.intent) == "comparison"
    topic = read("on domestic abuse", ["Compare Hackney's 2019 and 2024 inspections"], parser.parse)
    assert answer_label(topic.intent) == "comparison" and "abus" in topic.intent.topic_terms
    chain = ["What do inspectors say about agency social workers?", "which reports mention it?"]
    london = read("any of those in london?", chain, parser.parse)
    assert answer_label(london.intent) == "coverage" and london.intent.group == "London"
    assert london.intent.topic == "agency social workers"


def test_a_follow_up_keeps_the_report_kind_period_and_grade_set_it_does_not_restate(parser):
    send = read("which of the two came out better?",
                ["What did the SEND inspection in Southampton find?", "same for Milton Keynes"], parser.parse)
    assert set(send.intent.authorities) == {"Southampton", "Milton Keynes"} and send.intent.report_types == ("area-send",)
    york = read("how does that compare with York?", ["summarise Leeds's latest inspection"], parser.parse)
    assert set(york.intent.authorities) == {"Leeds", "York"} and york.intent.latest and "period" in york.inherited
    chain = ["How many reports mention staying put?", "only the ones since 2023"]
    warrington = read("what does Warrington's say about it", chain, parser.parse)
    assert warrington.intent.authorities == ("Warrington",) and warrington.intent.year_range == (2023, 9999)
    inadequate = read("and the inadequate ones?", ["what do outstanding councils do on supervision?"], parser.parse)
    assert inadequate.intent.group == "inadequate councils" and "supervis" in inadequate.intent.topic_terms
    year = read("and the SEND inspection that year", ["what did Rotherham's 2024 focused visit look at"], parser.parse)
    assert year.intent.years == (2024,) and year.intent.report_types == ("area-send",)
    fresh = read("Summarise Leeds's latest inspection", ["which councils were rated outstanding in 2025?"], parser.parse)
    assert fresh.intent.years == () and fresh.intent.latest  # a question of its own keeps its own period


def test_a_grade_set_said_after_the_councils_is_a_set_and_a_change_of_grade_is_not(parser):
    assert parser.parse("the recurring strengths shared by the councils rated outstanding").group == "outstanding councils"
    assert parser.parse("Which councils were rated outstanding in 2024?").group == ""  # a question of grades
    assert parser.parse("inadequate to good councils").group == ""
    assert answer_label(parser.parse("Current inspection grades, every sub-judgement please, for Kensington & Chelsea")) \
        == "grades"
    assert answer_label(read("Together for Children Sunderland: its Ofsted judgements from 2015 on", None,
                             parser.parse).intent) == "grade_history"
    chain = ["how many reports mention child exploitation", "only focused visits", "what do they say about it"]
    rotherham = read("and in rotherham", chain, parser.parse)
    assert rotherham.intent.authorities == ("Rotherham",) and rotherham.intent.report_types == ("focused-visit",)
    chain = ["what did the blackpool send inspection say about preparing for adulthood", "and lancashire?"]
    general = read("what do send inspections say about it generally", chain, parser.parse)
    assert general.intent.authorities == () and answer_label(general.intent) == "topic_across"


def test_what_a_review_found_read_too_widely_stays_read_as_asked(parser):
    def reading(question, history=()):
        return read(question, list(history), parser.parse).intent

    # a question of its own about a council keeps nothing of a question across reports before it
    fresh = reading("What is Haringey's overall grade?", ["Which focused visits in 2025 mentioned exploitation?"])
    assert fresh.report_types == () and fresh.years == ()
    # a grade named beside another ask is no change of grade
    assert answer_label(reading("Which councils were rated inadequate in 2019, and what needed to improve?")) == "rated"
    assert answer_label(reading("Which councils rated inadequate had declining social worker recruitment?")) == "rated"
    declined = reading("Which councils declined after being rated outstanding?").across
    assert declined is not None and declined.grades == ["outstanding", ""] and declined.direction == -1
    inadequate = reading("Which inadequate councils improved?")
    assert inadequate.group == "" and inadequate.across is not None and inadequate.across.grades == ["inadequate", ""]
    # who is asking only where a clause begins; the reports' own short words and real topics stay
    assert reading("What do reports say about Leeds as a place to work for social workers?").topic_terms
    assert "exploit" in reading("My question is about exploitation in Leeds").topic_terms
    assert reading("what do the reports say about neet?").topic_terms == ("neet",)
    assert "against" in reading("What do the reports say about violence against women and girls?").topic_terms
    assert "drop" in reading("what do the reports say about drop-in sessions").topic_terms
    assert reading("What do councils rated good or outstanding do on supervision?").group == ""
    assert reading("and inadequate ones in 2019?", ["what do outstanding councils do on supervision?"]).years == (2019,)
    kept = reading("What did the inspections say about their leadership generally?", ["Compare Leeds and Kent's latest inspections"])
    assert set(kept.authorities) == {"Leeds", "Kent"}
    # a named topic is what the reports say about it, not common themes
    assert answer_label(reading("What does the Signs of Safety model guide?")) in ("finding", "topic_across")


def test_years_from_one_to_another_and_since_an_event_are_ranges(parser):
    assert parser.parse("croydon ofsted grades 2017 to 2024").year_range == (2017, 2024)
    assert parser.parse("Compare Croydon's 2017 and 2024 inspections").year_range is None
    assert parser.parse("Has Croydon's grade changed since it was judged inadequate in 2017?").year_range == (2017, 9999)
    assert parser.parse("Trace Sandwell's ratings from the 2013 inspection through to today").year_range == (2013, 9999)
    assert parser.parse("ratings at each inspection since 2015 - Sunderland").year_range == (2015, 9999)


def test_who_is_asking_and_the_asking_in_other_words_are_no_topic(parser):
    def topic(question: str) -> list[str]:
        return list(read(question, None, parser.parse).intent.topic_terms)

    assert topic("As a councillor I'd like to celebrate our successes at full council - what strengths did the "
                 "inspectors identify for Windsor and Maidenhead?") == []
    assert topic("Our team is benchmarking against neighbouring authorities. Can you summarise what Ofsted said "
                 "about Trafford?") == []
    assert topic("I'm a police missing persons coordinator working with the local authority. What do Ofsted "
                 "reports say about missing children?") == ["miss", "children"]
    for asked in ("Would you be able to show me how Rotherham's judgements have changed since 2014?",
                  "What's Hackney's inspection track record?", "Whch councils got better ratings in their latest inspection",
                  "Sandwell grades over tme", "What did Ofsted tell Cheshire West to fix?", "Has Leeds always been outstanding?"):
        assert topic(asked) == [], asked
    assert {"stay", "put"} <= set(topic("views on staying put"))  # a short word that is a word stays
    assert topic("What do the reports say about pre-proceedings work?")[:2] == ["pre", "proceed"]
    assert answer_label(parser.parse("Where did Hampshire shine?")) == "strengths"
    assert answer_label(parser.parse("Where is Dudley struggling?")) == "weaknesses"
    assert answer_label(parser.parse("Next steps Ofsted set for Dudley")) == "recommendations"


def test_short_words_of_the_asking_typed_a_letter_short_are_put_right_and_said(parser):
    history = read("Sandwell grades over tme", None, parser.parse)
    assert answer_label(history.intent) == "grade_history" and ("tme", "time") in history.intent.corrections
    which = read("Whch councils were rated inadequate in 2024?", None, parser.parse)
    assert answer_label(which.intent) == "rated" and ("Whch", "which") in which.intent.corrections
    assert read("the WHO report on Leeds", None, parser.parse).intent.corrections == ()  # capitals: as typed


def test_the_shape_model_reads_the_words_of_the_asking_the_same_in_every_process():
    from assistant import shape_model

    grade_table, over_time = shape_model.words("the council grade table"), shape_model.words("the council grades over time")
    assert grade_table.shape == (shape_model.WORD_SLOTS,) and abs(float(grade_table @ grade_table) - 1.0) < 1e-6
    assert float(grade_table @ over_time) < 0.5 and (shape_model.words("the council grade table") == grade_table).all()
    # crc32, not Python's salted hash(): the weights trained in one process read the same slots in another
    import zlib

    assert grade_table[zlib.crc32(b"grade") % shape_model.WORD_SLOTS] > 0


def test_grade_histories_asked_without_the_word_history_and_names_spelt_by_ear(parser):
    for question in ("Camden grades timeline", "Has Birmingham ever been rated good?",
                     "What were Slough's overall grades in 2014, 2016, 2019 and 2023?", "Somerset grades between 2015 and 2026",
                     "how has Sunderlands rating changed sinse it was inadequate", "How has Brum's Ofsted rating moved over time?"):
        assert answer_label(read(question, None, parser.parse).intent) == "grade_history", question
    assert answer_label(parser.parse("How did Ofsted judge Medway in 2013, and how was it rated in 2015?")) != "grade_history"
    for written, council in (("Wirall", "Wirral"), ("rochdail", "Rochdale"), ("Peterbourgh", "Peterborough"),
                             ("Warks", "Warwickshire"), ("Herts", "Hertfordshire")):
        assert read(f"{written} weaknesses", None, parser.parse).intent.authorities == (council,), written


def test_cue_words_typed_a_letter_off_are_read_as_meant(parser):
    assert answer_label(read("councils that got requires improvment last year", None, parser.parse).intent) == "rated"
    assert answer_label(read("which councils got inadequet in 2024", None, parser.parse).intent) == "rated"
    assert answer_label(read("which councils got downgrded", None, parser.parse).intent) == "grade_change"
    assert answer_label(parser.parse("staying put mentions")) == "coverage"
    kept = read("inadequacy and strengthening", None, parser.parse)  # forms of words, not typos
    assert not kept.intent.corrections


def test_a_pasted_paragraph_is_read_for_its_question_and_reports_are_listed_only_when_asked(parser):
    pasted = read("I'm preparing a training session for new social workers on what inspectors criticise. "
                  "What weaknesses come up most often across the reports?", None, parser.parse)
    assert answer_label(pasted.intent) == "themes" and not {"train", "session"} & set(pasted.intent.topic_terms)
    assert answer_label(parser.parse("Do the police attend initial child protection conferences and send reports?")) \
        == "topic_across"
    assert answer_label(parser.parse("What were the findings of Ofsted's 2021 focused visit to Haringey?")) == "summary"
    assert answer_label(parser.parse("what did Newcastle get for help and protection")) == "grades"
    assert parser.parse("Is Camden outstanding now?").latest


def test_a_question_about_the_reports_in_general_starts_afresh_and_it_keeps_the_topic(parser):
    earlier = ["What did Sandwell's 2023 SEND report say about the timeliness of EHC plans?"]
    fresh = read("What do the reports say about unaccompanied asylum-seeking children?", earlier, parser.parse)
    assert fresh.intent.authorities == () and fresh.inherited == []
    kept = read("and what did they recommend about it?", earlier, parser.parse)
    assert kept.intent.authorities == ("Sandwell",) and kept.inherited == ["topic", "council"]
    assert kept.intent.across is not None and kept.intent.across.kind == "recommendations_of"
    assert {"ehc", "plan"} <= set(kept.intent.across.topic_terms)


def test_a_reading_is_frozen_and_its_time_is_one_period(parser):
    from dataclasses import FrozenInstanceError
    from datetime import date

    intent = parser.parse("Which councils improved between 2015 and 2019?")
    with pytest.raises(FrozenInstanceError):
        intent.shape = Shape.GRADES  # type: ignore[misc]
    assert intent.period.between == (2015, 2019) == intent.year_range and not intent.period.latest
    last = parser.parse("Which councils were rated inadequate last year?").period
    assert last.relative == (date.today().year - 1,) and not last.latest and last.reads == "inspection"
    assert parser.parse("the previous Leeds inspection").period.previous


def test_before_a_year_is_a_period_and_published_then_is_no_topic(parser):
    neglect = parser.parse("Give me quotes about neglect from reports published before 2019")
    assert neglect.year_range == (0, 2018) and neglect.topic_terms == ("neglect",)
    assert parser.parse("Which councils were rated inadequate prior to 2016?").year_range == (0, 2015)
    assert parser.parse("Which councils were rated inadequate up to 2016?").year_range == (0, 2016)
    both = parser.parse("Which councils were rated inadequate since 2015 but before 2019?")
    assert both.year_range == (2015, 2018)
    assert "publish" in parser.parse("When was Ofsted's 2015 report on Lambeth published?").topic_terms  # the ask


def test_the_phrase_a_coverage_question_asks_about_where_people_put_it(parser):
    assert parser.parse("Is Signs of Safety mentioned anywhere in these reports? Which ones?").topic == "Signs of Safety"
    assert parser.parse("Has the Mockingbird model been mentioned in any report?").topic == "Mockingbird model"
    asked = parser.parse("Which reports talk about advocacy services for children in care, and how many are there?")
    assert asked.topic == "advocacy services for children in care"


def test_the_shape_model_is_trained_on_the_dev_side_only():
    from eval.split import side_of
    from eval.run_reading import dev_examples

    examples = dev_examples()
    assert len(examples) > 500 and {side_of(it) for it in examples if "turns" not in it and "/" not in it["id"]} == {"dev"}


def test_a_request_wrapped_in_more_words_is_read_as_the_same_request(parser):
    def label(q: str) -> str:
        return answer_label(read(q, None, parser.parse).intent)

    assert label("List the grades for Haringey over time") == label("How have Haringey's grades changed over time?") \
        == "grade_history"
    assert label("Could you give me a quick overview of the latest Leeds inspection, please?") == "summary"
    assert label("what's wrong?") == "clarify"
    pasted = ("I'm preparing a briefing for our scrutiny committee and have been reading a lot of reports lately. "
              "Our director wants to know how we compare with neighbours and what the regulator expects of us "
              "next year, so the detail matters. What were the main weaknesses found in Sunderland?")
    reading = read(pasted, None, parser.parse)
    assert reading.pasted and reading.question.startswith("What were the main weaknesses")
    assert answer_label(reading.intent) == "weaknesses" and reading.intent.authorities == ("Sunderland",)


def test_every_answer_opens_with_its_reading_and_a_follow_up_keeps_the_report(small_index):
    first = small_index.ask("Summarise Haringey's 2018 inspection")
    assert first.reading.startswith("Read as: a summary \u00b7 Haringey \u00b7 Haringey, ILACS inspection")
    follow = small_index.ask("And its weaknesses?", history=[first])
    assert follow.reading.startswith("Read as: weaknesses \u00b7 Haringey")
    assert "the report of your last answer" in follow.reading
    assert {c.file for c in follow.citations} == {c.file for c in first.citations}
    typo = small_index.ask("Summarise the latest Haringy inspection")
    assert "\u201charingy\u201d read as Haringey" in typo.reading and typo.kind == "summary"
    visits_only = small_index.ask("And its weaknesses?", history=[first], filters=Filters(report_type="focused-visit"))
    assert {c.file for c in visits_only.citations} <= {"ofsted-focused-visits/haringey_2025-03-14_focused-visit.pdf"}
    vague = small_index.ask("what's wrong?")
    assert vague.abstained and len(vague.suggestions) >= 2 and vague.reading.startswith("Read as: unclear")


def test_the_reading_gate_fails_when_a_figure_drops(tmp_path, monkeypatch):
    from eval import run_reading

    gates = tmp_path / "gates.json"
    gates.write_text(json.dumps({"reading": {"shape": {"measured": 0.9, "n": 100}}}), encoding="utf-8")
    monkeypatch.setattr(run_reading, "GATES", gates)
    assert run_reading.gate({"shape": 0.895}, write=False) == 0  # within one item
    assert run_reading.gate({"shape": 0.88}, write=False) == 1
    assert run_reading.gate({}, write=False) == 1  # a figure that was not measured fails too
