"""Which answer a reading leads to, and the learnt fallback for questions the rules cannot place.

`answer_label` names the answer an Intent leads to in the evaluation's terms (summary, grades,
weaknesses, rated, topic_across...). `decide` runs after the rules: when they fell through
to a finding (or found nothing to ask), the shape model (assistant/shape_model.py) reads the
wording; its answer is taken when it is confident and the question gives what that answer
needs (a council for a summary, grades for "rated", two councils or years for a comparison).
The reading records what decided and the runner-up, so an unsure reading can offer both.
"""

from __future__ import annotations

import re

from assistant.intent import Across, AnyIntent, DraftIntent, Shape
from assistant.lexical import tokenize
from assistant.query import (
    DOWN,
    HOW_COMMON,
    HOW_MANY,
    IN_COMMON,
    STRONG,
    SUMMARY_TERMS,
    THEMES,
    UP,
    WEAK,
    judgement_keys_for,
    names_other_topic,
    no_grade_set_for_a_change,
    one_grade_move,
    topic_phrase,
    without_grades,
)
from assistant.shape_model import Encode, ShapeModel, facts, features, masked
from assistant.topic_words import topic_words

ACROSS_LABELS = {"grades": "rated", "count": "rated", "transition": "grade_change", "history": "grade_history",
                 "recommendations_of": "recommendations", "recommendations": "recommendations",
                 "findings": "topic_across"}
FALLBACK = {"finding", "topic_across", "clarify"}
# A list of recommendations only for a question asking what should change ("Brighton 2024: strategy
# discussions" asks what the report says about them)
ASKS_CHANGE = re.compile(r"\b(recommend\w*|recs?|improv\w*|what needs|needs? to|actions?|should|must|told|asked|"
                         r"next steps?|do better|fix\w*|priorit\w*|change)\b", re.I)
# A list of reports is wanted only of a question about reports: "Do care leavers at college get the
# same support?" asks what the reports say.
REPORT_NOUN = re.compile(r"\b(reports?|inspections?|letters?|visits?)\b|\b(which|how many|list|count)\s+(?:\w+\s+){0,2}"
                         r"(councils|authorities|las|areas|partnerships)\b", re.I)


# Words that ask for one side, praise or criticism, however put ("where did X shine", "what's weak about")
SIDE = re.compile(r"\b(weak\w*|strong\w*|strength\w*|concern\w*|worr\w*|problem\w*|poor\w*|wrong|issues?|shortfall\w*|"
                  r"fail\w*|struggl\w*|trouble\w*|down|shin\w*|impress\w*|prais\w*|positives?|negatives?|excel\w*|"
                  r"well|wel|secret|working|good|best|drove|earn\w*|develop\w*|improv\w*|criticis\w*|lacking|gaps?|"
                  r"short)\b", re.I)
# A list or a count of reports is asked for in these words: "Do the police ... send reports?" asks neither
COUNTS = re.compile(r"\b(which|wich|how many|how often|how common|how widespread|how frequently|list|count|number|proportion|"
                    r"any|anything|every|all|where|show|find|name|give|mention\w*|appear\w*|refer\w*|cit\w+|discuss\w*)\b|"
                    r"^\W*(?:the\s+)?(?:reports?|inspections?|(?:focused\s+)?visits?|letters?)\b|\bw/", re.I)


def answer_label(intent: AnyIntent) -> str:
    """The answer this reading leads to, in the evaluation's labels."""
    if intent.vague:
        return "clarify"
    if intent.shape is Shape.STRENGTHS:
        return "weaknesses" if intent.polarity < 0 else "strengths"
    if intent.shape is not Shape.FINDING:
        return str(intent.shape)
    if intent.across is not None and intent.across.kind in ACROSS_LABELS:
        return ACROSS_LABELS[intent.across.kind]
    if intent.authorities and intent.asks_grade and (intent.judgement_keys or not intent.topic_terms):
        return "grades"  # a headline grade, or the grade of an area ("children in care")
    return "finding" if intent.authorities else "topic_across"


def decide(intent: DraftIntent, question: str, rest: str, model: ShapeModel | None, encode: Encode | None) -> None:
    """Let the model place a question the rules left as a finding (changes `intent`)."""
    intent.decided_by = "rules"
    label = answer_label(intent)
    if model is None or encode is None or label not in FALLBACK or intent.out_of_scope or intent.across is not None:
        return  # "Which councils were criticised for X" is the rules' own reading (findings by council)
    text = masked(rest)
    x = features(encode([text])[0], facts(len(intent.authorities), bool(intent.group), len(intent.years),
                                          len(intent.grades), intent.latest), text)
    guess = model.predict(x)
    intent.runner_up = guess.runner_up if guess.label == label else guess.label
    if guess.label == label or guess.probability < model.confident or not fits(guess.label, intent):
        return
    apply(guess.label, intent, question)
    no_grade_set_for_a_change(intent, question)
    intent.decided_by = "wording"
    intent.runner_up = label


def fits(label: str, intent: AnyIntent) -> bool:
    """The question gives what that answer needs."""
    councils = len(intent.authorities)
    # of a topic, only when the question says which side ("what did Wolverhampton's say about county lines" asks both)
    one_side = councils == 1 and (not intent.topic_terms or bool(SIDE.search(intent.unnamed)))
    needs = {
        # a grade table only for a question with no topic or grade of its own (those the rules answer)
        # a summary of a report, not of a topic it names ("what did Wolverhampton say about county lines?")
        "summary": councils >= 1 and not _about_a_topic(intent), "grades": councils >= 1 and not intent.topic_terms and not intent.grades,
        "grade_history": councils == 1,
        "strengths": one_side, "weaknesses": one_side,
        "recommendations": bool(ASKS_CHANGE.search(intent.unnamed)),
        "comparison": councils >= 2 or (councils == 1 and len(intent.years) >= 2),
        "coverage": bool(intent.topic_terms) and bool(REPORT_NOUN.search(intent.unnamed)) and bool(
            COUNTS.search(intent.unnamed)), "themes": councils != 1  # "how common is X" with a topic is that topic (query.settle), not the model's themes
        and not (intent.topic_terms and HOW_COMMON.search(intent.unnamed))
        # common strengths or weaknesses: of a named topic, only when a side or a commonality is asked
        # ("what does the avocet protocol guide?" asks what the reports say about it)
        and (not intent.topic_terms
             or bool(SIDE.search(intent.unnamed) or THEMES.search(intent.unnamed) or IN_COMMON.search(intent.unnamed))), "rated": bool(intent.grades) and councils == 0,
        "grade_change": councils == 0 and (bool(UP.search(intent.unnamed) or DOWN.search(intent.unnamed))
                                           or len(intent.grades) >= 2), "finding": councils >= 1, "topic_across": councils == 0 and bool(intent.topic_terms),
        "clarify": councils == 0 and not intent.group and not intent.topic_terms,
    }
    return needs.get(label, False)


# "say about county lines", "on caseloads": what follows names the topic asked about
ABOUT = re.compile(r"\b(?:about|regarding|concerning|on)\s+(?:(?:the|their|its|any)\s+)?([\w'-]+)", re.I)


def _about_a_topic(intent: AnyIntent) -> bool:
    """The question asks about a topic beyond the report's frame, said after "about" or "on"."""
    return names_other_topic(intent, SUMMARY_TERMS) and any(
        set(tokenize(m.group(1))) & set(intent.topic_terms) for m in ABOUT.finditer(intent.unnamed))


def apply(label: str, intent: DraftIntent, question: str) -> None:
    """Set the reading's shape (and what it asks across reports) to `label`."""
    keys = judgement_keys_for(intent, intent.grades)
    wording = without_grades(question)
    intent.across, intent.vague = None, False
    intent.shape, intent.polarity = Shape.FINDING, 0
    if label in ("summary", "comparison", "coverage", "themes", "grades"):
        intent.shape = Shape(label)
    if label == "grades":
        intent.asks_grade = True
    elif label == "comparison":
        intent.comparison = True
    elif label == "coverage":
        phrase, quoted = topic_phrase(question, intent.authorities)  # "... mention X", or X in quotes
        intent.topic, intent.topic_quoted = (phrase, quoted) if phrase else (topic_words(question, intent.topic_terms), False)
    elif label == "themes":
        weak, strong = bool(WEAK.search(wording)), bool(STRONG.search(wording))
        intent.polarity = -1 if weak and not strong else 1 if strong and not weak else 0
    elif label in ("strengths", "weaknesses"):
        intent.shape, intent.polarity = Shape.STRENGTHS, (1 if label == "strengths" else -1)
    elif label == "grade_history":
        intent.asks_grade = True
        intent.across = Across("history", keys)
    elif label == "recommendations":
        intent.across = Across("recommendations_of") if len(intent.authorities) == 1 else Across(
            "recommendations", topic=topic_words(question, intent.topic_terms), topic_terms=intent.topic_terms)
    elif label == "rated":
        intent.across = Across("count" if HOW_MANY.search(question) else "grades", keys, intent.grades)
    elif label == "grade_change":
        direction = -1 if DOWN.search(wording) and not UP.search(wording) else 1
        intent.across = (one_grade_move(question, wording, keys, intent.grades[0]) if len(intent.grades) == 1 else
                         Across("transition", keys, intent.grades[:2] if len(intent.grades) >= 2 else [], direction))
    elif label == "clarify":
        intent.vague = True
