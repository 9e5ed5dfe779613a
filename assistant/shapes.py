"""What kind of answer a question wants: its shape, read from its wording.

Each shape has its own composer (assistant/composers.py). A question that fits none, or
whose composer finds nothing to say, gets the finding answer: the reports' best sentences.
"""

from __future__ import annotations

import re
from enum import StrEnum

from assistant.lexical import tokenize
from assistant.query import Intent
from assistant.retrieve import MONTH_WORDS, SCOPE_WORDS


class Shape(StrEnum):
    FINDING = "finding"  # what did the reports find about X (the fallback)
    SUMMARY = "summary"  # summarise / tell me about a report
    GRADES = "grades"  # every graded area of a report
    STRENGTHS = "strengths"  # strengths, weaknesses, what needs to improve, of one council or report
    COMPARISON = "comparison"  # two or more reports side by side
    COVERAGE = "coverage"  # which reports mention X, exhaustively
    THEMES = "themes"  # common strengths or weaknesses across a set of reports


# Shapes that ask across reports: a follow-up of this shape does not inherit the last turn's council.
ACROSS_REPORTS = {Shape.COVERAGE, Shape.THEMES}

SUMMARY = re.compile(
    r"\b(summari[sz]e|summary|summaries|overview|tell me about|key (?:findings|messages|points)|main findings)\b|"
    # "What did Bradford's 2014 inspection find?" (ends there: "... find about X?" is a finding question)
    r"\bwhat did\b.{0,60}?\b(inspection|report|visit|re-?inspection)s?\b.{0,40}?\b(find|say|conclude)\s*\??\s*$|"
    r"\bwhat did (?:ofsted|inspectors|the inspectors) (?:find|say|conclude) (?:about|in|at|of) [A-Z][\w' -]*\??\s*$", re.I)
GRADES = re.compile(
    r"\b(what|which|all|every|each|full|list)\b[^?]{0,40}\b(grades|ratings|judgements|judgments|areas?)\b|"
    r"\bgrade (?:table|breakdown)|\bbreakdown of\b[^?]{0,30}\b(grades|judgements)", re.I)
GRADE_VERB = re.compile(r"\b(grades?|graded|rated|ratings?|judged|judgements?|judgments?|scored)\b", re.I)
WEAK = re.compile(
    r"\b(weakness(?:es)?|weak spots?|shortcomings?|failings|problems|criticis\w+|criticiz\w+|"
    r"what (?:went|is going|was going) wrong|needs? to improve)\b", re.I)
# Across reports, "common areas for improvement" asks for shared weaknesses; of one council's
# report, "its areas for improvement" asks for its list (assistant/aggregate.py).
IMPROVE_AREAS = re.compile(r"\bareas? for (?:improvement|development)\b", re.I)
STRONG = re.compile(
    r"\b(strengths?|strong points?|what (?:works|worked|went|is going|was going) well|do(?:es|ing)? well|did well|"
    r"good practice|praised|commended|doing right)\b", re.I)
COMPARE = re.compile(r"\b(compare[sd]?|comparison|comparing|versus|vs\.?|side by side|differ(?:ence|ences|ed)?)\b|"
                     r"\b(change[sd]?|changing)\b[^?]{0,30}\bbetween\b", re.I)
IN_COMMON = re.compile(r"\b(in common|recur\w*|common|shared|themes?)\b", re.I)
# "Which reports mention X", "How many councils' reports discuss X", "Do Haringey's reports mention X".
COVERAGE = re.compile(
    r"\b(which|what|how many|list(?: all)?|do|does|did|any)\b[^?]{0,80}?\b(reports?|councils?|authorities|"
    r"inspections?|areas|partnerships|letters|visits)\b[^?]{0,20}?\b(mention\w*|refers? to|referred to|"
    r"discuss\w*|talks? about|cites?|use the (?:phrase|term|words?))\b", re.I)
THEMES = re.compile(
    r"\b(common|commonly|recurring|recurrent|typical|typically|themes?|patterns?|frequent\w*|often|usually|"
    r"shared|across (?:the )?(?:councils|authorities|reports|areas))\b", re.I)
GRADE_PHRASES = re.compile(r"widespread(?: and/or| or| and)? systemic failings|requires? improvement|"
                           r"positive experiences|inconsistent experiences", re.I)
HOW_MANY = re.compile(r"\bhow many\b", re.I)
MANY = re.compile(r"\b(councils|authorities|local authorities|areas|reports|inspections|partnerships)\b", re.I)


def classify(question: str, councils: int, grades_named: bool) -> tuple[Shape, int]:
    """(shape, polarity): polarity -1 asks for weaknesses, +1 for strengths, 0 for both or n/a.

    `councils`: how many indexed councils the question names; `grades_named`: it names a
    grade ("rated inadequate"), which makes a set of councils out of a plural noun.
    """
    wording = GRADE_PHRASES.sub(" ", question)  # "systemic failings" is a grade, not a question about failings
    weak = bool(WEAK.search(wording)) or (councils == 0 and bool(IMPROVE_AREAS.search(wording)))
    strong = bool(STRONG.search(wording))
    polarity = -1 if weak and not strong else 1 if strong and not weak else 0
    if COVERAGE.search(question) and not SUMMARY.search(question):
        return Shape.COVERAGE, 0
    if councils == 0 and (weak or strong) and not HOW_MANY.search(question) and (
            THEMES.search(question) or (grades_named and MANY.search(question))):
        return Shape.THEMES, polarity
    if councils == 0 and grades_named and MANY.search(question) and IN_COMMON.search(question):
        return Shape.THEMES, polarity  # "What do councils rated outstanding for leaders have in common?"
    if councils > 1 and IN_COMMON.search(question):  # "What did Rotherham (2014) and Lambeth (2015) have in common?"
        return Shape.THEMES, polarity
    if councils == 0:
        return Shape.FINDING, 0
    if COMPARE.search(question):
        return Shape.COMPARISON, 0
    if SUMMARY.search(question):
        return Shape.SUMMARY, 0
    if GRADES.search(question) and GRADE_VERB.search(question):
        return Shape.GRADES, 0
    if (weak or strong) and councils == 1:
        return Shape.STRENGTHS, polarity
    return Shape.FINDING, 0


# The words of "How did Ofsted rate X's children's services in 2015?": a grade question that
# names nothing else asks for the headline grade; one that names a topic ("services for
# missing children") asks what the report found about it.
GRADE_FRAME = set(tokenize(
    "how what was were is are did does do rate rated rating ratings grade graded grades judge judged judgement "
    "judgements score scored verdict outcome outcomes services service children's children overall effectiveness "
    "ofsted inspection inspections inspectors report get got give given receive received the its their it in of "
    "for at by on and latest most recent last previous first council's council local authority "
    "outstanding good inadequate requires require improvement adequate headline partnership partnership's arrangements"
)) | SCOPE_WORDS | MONTH_WORDS


def names_topic(question: str, intent: Intent) -> bool:
    named = set(tokenize(" ".join(intent.authorities))) | {str(y) for y in intent.years}
    return any(t not in GRADE_FRAME and t not in named and not t.isdigit() for t in tokenize(question))


# How users name judgement areas and ask to set reports side by side: a comparison in these
# words alone asks for the grade table; one naming anything else ("population") asks what
# each report says about that.
AREA_TERMS = set(tokenize(
    "help protection need needs children care leavers looked after leaving leaders leadership impact management "
    "governance adoption permanence achieving experiences progress overall effectiveness lscb board"))
COMPARE_TERMS = set(tokenize("compare compared comparison comparing differ difference versus vs side between with "
                             "change changed changes inspections reports judgements grades ratings results result"))


# The words of a summary or strengths question about a whole report: anything else names a
# topic ("Tell me about corporate parenting in Bracknell Forest"), which a finding answers.
SUMMARY_TERMS = set(tokenize(
    "summarise summarize summary summaries overview tell me about key main findings messages points give say said "
    "find found conclude concluded send special educational needs disabilities area partnership focused visit "
    "letter latest recent last most"))
STRENGTH_TERMS = set(tokenize(
    "weakness weaknesses weak spots shortcomings failings problems criticised criticized criticism wrong need needs "
    "improve improvement strengths strength strong points well works worked going went good practice praised "
    "commended doing right main key biggest major areas what were are"))


def names_other_topic(question: str, intent: Intent, frame: set[str] = COMPARE_TERMS) -> bool:
    """The question names a topic beyond the report, its judgement areas and the shape's own
    words (`frame`): it wants what the reports say about that topic, a finding."""
    named = set(tokenize(" ".join(intent.authorities))) | {str(y) for y in intent.years}
    skip = GRADE_FRAME | AREA_TERMS | frame | named
    return any(t not in skip and not t.isdigit() for t in tokenize(question))
