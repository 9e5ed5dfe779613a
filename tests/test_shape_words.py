"""Reading a question's shape and a sentence's side: pure functions, no model, no corpus."""

from __future__ import annotations

import pytest

from assistant import polarity
from assistant.parser import QueryParser
from assistant.query import classify
from assistant.intent import Shape

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("question, shape", [
    ("Summarise the latest inspection of Birmingham children's services.", Shape.SUMMARY),
    ("Tell me about SEND services in Surrey.", Shape.SUMMARY),
    ("What grades did Haringey get in 2023?", Shape.GRADES),
    ("Which areas were rated inadequate in Birmingham's 2014 inspection?", Shape.GRADES),
    ("Compare Rotherham's 2014 and 2018 inspections.", Shape.COMPARISON),
    ("Which reports mention children placed in unregistered children's homes?", Shape.COVERAGE),
    ("What were the main weaknesses in Haringey's children's services in 2014?", Shape.STRENGTHS),
    ("What are common weaknesses in services for care leavers across councils rated inadequate?", Shape.THEMES),
    ("What do inspectors say about management oversight of child protection work in Croydon?", Shape.FINDING),
    ("What is the name of the team acting as Bradford's front door to children's social care in 2014?", Shape.FINDING),
])
def test_question_shapes(question, shape):
    named = sum(name in question for name in ("Birmingham", "Surrey", "Haringey", "Rotherham", "Croydon", "Bradford"))
    assert classify(question, named, "inadequate" in question)[0] is shape


@pytest.mark.parametrize("sentence, label", [
    ("They demonstrate a good understanding of service strengths and weaknesses.", polarity.NEUTRAL),
    ("Management oversight of practice is not robust, leading to drift and delay for some children.", polarity.WEAKNESS),
    ("Services for children who need help and protection in Haringey are strong.", polarity.STRENGTH),
    ("Although leaders have made progress, the quality of plans is too variable.", polarity.WEAKNESS),
    ("Return home interviews are not consistently offered.", polarity.WEAKNESS),
    ("Social workers know their children well and visit them regularly.", polarity.STRENGTH),
])
def test_polarity_reads_evaluative_wording(sentence, label):
    assert polarity.classify(sentence) == label


def test_the_parser_reads_periods_topics_and_questions_across_reports():
    parser = QueryParser(["Haringey", "Bexley", "Rotherham"])
    across = parser.parse("Which councils improved from inadequate to good since 2015?")
    assert across.across is not None and across.across.kind == "transition" and across.year_range == (2015, 9999)
    assert parser.parse("Which councils were judged inadequate between 2019 and 2016?").year_range == (2016, 2019)
    assert parser.parse("Which councils were judged inadequate last year?").relative_years
    mention = parser.parse("Which of Haringey's reports mention 'staying put'?")
    assert (mention.topic, mention.topic_quoted) == ("staying put", True)
    themes = parser.parse("What are common weaknesses of schools inspected 2014-2016?")
    assert themes.year_span == (2014, 2016) and themes.asks_schools
    assert parser.parse("What did inspectors say about SEND in Bexley?").asks_send
    assert parser.parse("What did Ofsted find about Rotherham in 2014?").across is None


@pytest.mark.parametrize("question, refused", [
    ("How was Great Ormond Street Hospital rated at its last inspection?", True),
    ("What rating did Alder Hey Children's Hospital get?", True),
    ("What CQC rating did the Royal London Hospital get?", True),
    ("What did HM Inspectorate of Prisons find at HMP Pentonville?", True),
    ("What PEEL grade did the Metropolitan Police receive?", True),
    # a body named, but not what is rated: answered from the reports
    ("What do inspectors say about dental checks for children in care?", False),
    ("How well are care leavers supported to go to university?", False),
    ("How do councils work with hospitals when a baby is at risk?", False),
    ("How was Birmingham Children's Trust rated?", False),  # a trust running a council's services
    ("What did the CQC find in the area SEND inspection of Wakefield?", False),  # joint with Ofsted
    ("How was Surrey rated and how does the MASH work with Surrey Police?", False),
    ("What did the inspection of Rotherham say about work with South Yorkshire Police?", False),
])
def test_out_of_scope_only_when_another_body_is_what_is_rated(question, refused):
    from assistant.places import out_of_scope

    assert bool(out_of_scope(question)) is refused, out_of_scope(question)
