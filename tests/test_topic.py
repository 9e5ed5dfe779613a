"""The topic as the user means it (assistant/topic.py): the reports' own words for it, its words'
forms, and what it must not be mistaken for. Pure text: no index, no model."""

from __future__ import annotations

import pytest

from assistant.acronyms import defined
from assistant.topic import TopicMatcher
from assistant.topic_words import topic_text

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("topic, page, found", [
    # the reports' own words for the same thing, and a word's other forms
    ("agency social workers", "Reliance on agency staff has fallen. Many agency workers left.", 2),
    ("COVID-19", "During the pandemic, visits continued. Coronavirus restrictions ended.", 2),
    ("UASC", "Unaccompanied asylum-seeking children are well supported.", 1),
    ("unborn babies", "Risks to an unborn baby are assessed early.", 1),
    ("case recording", "The quality of case records is poor.", 1),
    ("county lines or criminal exploitation", "County lines are a risk. Criminal exploitation is tackled.", 2),
    ("self-harm", "Young people who self-harm are seen quickly.", 1),
    # a named programme without the word the asker put around its name
    ("the Mockingbird model", "The Mockingbird programme is established. Mockingbird hubs help carers.", 2),
    # not mistaken for a word that merely begins the same way, or apart from its phrase
    ("agency social workers", "Training is offered to staff in agencies across the area.", 0),
    ("police", "Policies are up to date and reviewed.", 0),
    ("self-harm", "Self-evaluation is strong and harm is reduced.", 0),
    ("children in need", "Their needs are met. Plans for children are clear.", 0),
    ("nurses", "The nursery is good.", 0),
    # either side of an "and" or an "or", a single word sharing the other side's words
    ("recruitment and retention of social workers", "Recruitment of staff is improving. Retention of workers is a "
     "priority.", 2),
    ("recruitment and retention of social workers", "Recruitment of foster carers is hard.", 0),
    ("strategy meetings and strategy discussions", "Strategy discussions are timely. Strategy meetings are held.", 2),
    ("children | go missing from home or care", "When children go missing from care, return interviews follow. "
     "Care plans are clear.", 1),
    ("speech and language therapy", "Speech and language therapy is hard to reach. Language is clear.", 1),
    # people every report is about, after a preposition, need only be on the page
    ("pathway plans for care leavers", "Care leavers are well supported. Their pathway plans are detailed.", 1),
    ("pathway plans for care leavers", "Their pathway plans are detailed.", 0),
    # other words after one stay in the phrase
    ("Signs of Safety", "Signs of harm are seen. Safety plans are clear.", 0),
    ("Signs of Safety", "The Signs of Safety model is embedded.", 1),
    # what is said about a thing, and the thing, anywhere in the sentence
    ("timeliness of EHC plans", "Too many EHC plans are delayed. Plans are timely.", 1),
    ("pre-proceedings under the public law outline", "Children in pre-proceedings are seen. The PLO is used well.", 2),
])
def test_a_sentence_discusses_the_topic_as_meant(topic, page, found):
    assert len(TopicMatcher(topic).sentences(page)) == found


def test_what_was_counted_is_said_and_odd_topics_match_nothing_without_failing():
    assert "staff" in TopicMatcher("agency social workers").counted
    for odd in ("", "?!", "the of and", "\ue0001 foster carers", "@1 foster carers", "(" * 50):
        TopicMatcher(odd).sentences("Foster carers are supported. The (1) plan is clear.")


@pytest.mark.parametrize("question, terms, topic", [
    # the joining words kept, a word of the frame kept beside the topic, a dash ends it
    ("Which reports discuss recruitment and retention of social workers?", ["recruit", "retent", "social", "worker"],
     "recruitment and retention of social workers"),
    ("Which SEND reports talk about short breaks?", ["break"], "short breaks"),
    ("section 47 enquiries - quotes", ["enquiri"], "section 47 enquiries"),
    ("What do inspectors say about homeless 16 and 17 year olds?", ["homeless"], "homeless"),
    ("Give me quotes about supervision of social workers - reflective supervision, how regular it is",
     ["supervis", "social", "worker", "reflect", "regular"], "supervision of social workers"),
    ("How many reports mention elective home education (EHE)?", ["elect", "home", "educ", "ehe"],
     "elective home education / EHE"),
    ("Which reports talk about children placed out of area?", ["children", "place"], "children placed out of area"),
])
def test_the_topic_is_read_as_the_question_writes_it(question, terms, topic):
    assert topic_text(question, terms) == topic


def test_a_long_sentence_is_cut_around_the_topic():
    sentence = "This is a long sentence with many words in it " * 10 + "about agency staff at its end."
    (quote,) = TopicMatcher("agency staff").sentences(sentence)
    assert "agency staff" in quote and len(quote.split()) <= 60


def test_the_reports_own_acronyms_are_read_either_way():
    pages = ["Work to tackle female genital mutilation (FGM) is strong.", "The youth offending team (YOT) helps.",
             "Their assessed and supported year in employment (ASYE) is good.", "Some text (FGM) with no words before it.",
             "A multi-agency panel (MAP) meets weekly."]
    acronyms = defined(pages)
    assert acronyms["fgm"] == "female genital mutilation" and acronyms["yot"] == "youth offending team"
    assert acronyms["asye"] == "assessed and supported year in employment"
    page = "Risks of female genital mutilation are understood. FGM training is offered. A map of services exists."
    assert len(TopicMatcher("FGM", acronyms=acronyms).sentences(page)) == 2
    assert len(TopicMatcher("female genital mutilation", acronyms=acronyms).sentences(page)) == 2
    # an acronym that is also a word is one only in capitals
    assert TopicMatcher("map", acronyms=acronyms).sentences(page) == ["A map of services exists."]


@pytest.mark.parametrize("question, terms, topic", [
    # a word of the frame joins only right beside the topic; a preposition across other words is no join
    ("What do reports say about neglect in local authorities?", ["neglect"], "neglect"),
    ("What do social workers say about neglect?", ["social", "worker", "neglect"], "social workers | neglect"),
    ("What do reports say about self - harm?", ["self", "harm"], "self - harm"),
    ("What do reports say about children in care (CiC) and care leavers?", ["children", "care", "cic", "leaver"],
     "children in care / CiC and care leavers"),
])
def test_the_topic_keeps_only_what_the_question_joins_to_it(question, terms, topic):
    assert topic_text(question, terms) == topic


def test_readings_stay_whole_and_named_topics_stay_named():
    assert len(TopicMatcher("long-term fostering").sentences("Long-term fostering is used well.")) == 1
    assert TopicMatcher("parents and carers").counted  # two common words together are still a topic
    assert TopicMatcher("hospitals and midwives to protect unborn babies").words > 4  # described, not named
    acronyms = defined(["Powers under the police and criminal evidence (PACE) act are used."])
    page = "Leaders work at pace. The police and criminal evidence act is followed."
    assert len(TopicMatcher("police and criminal evidence", acronyms=acronyms).sentences(page)) == 1
