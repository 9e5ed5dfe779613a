"""The topic as the user means it (assistant/topic.py): the reports' own words for it, its words'
forms, and what it must not be mistaken for. Pure text: no index, no model."""

from __future__ import annotations

import pytest

from assistant.topic import TopicMatcher

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
])
def test_a_sentence_discusses_the_topic_as_meant(topic, page, found):
    assert len(TopicMatcher(topic).sentences(page)) == found


def test_what_was_counted_is_said_and_odd_topics_match_nothing_without_failing():
    assert "staff" in TopicMatcher("agency social workers").counted
    for odd in ("", "?!", "the of and", "\ue0001 foster carers", "@1 foster carers", "(" * 50):
        TopicMatcher(odd).sentences("Foster carers are supported. The (1) plan is clear.")


def test_a_long_sentence_is_cut_around_the_topic():
    sentence = "This is a long sentence with many words in it " * 10 + "about agency staff at its end."
    (quote,) = TopicMatcher("agency staff").sentences(sentence)
    assert "agency staff" in quote and len(quote.split()) <= 60
