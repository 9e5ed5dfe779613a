"""A conversation: each question read in the light of the turns before it.

A follow-up keeps what it does not restate and replaces what it does:
  - "What about Sunderland?" names only a council: the last question, asked of Sunderland;
  - "And in 2019?" names only a period: the last question, for that period;
  - "What about its weaknesses?", "And care leavers?" name no council: they keep the last
    turn's councils and, when its answer drew on one or two reports, those very reports;
  - a question across reports ("Which reports mention X?") or one naming its own council
    starts afresh.
A misspelt council is read as the council it is closest to, and the question is read with the
name put right, so every later stage sees the council and not the typo. The reading records
what it took from earlier turns and what it corrected (assistant/reading.py states it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.lexical import tokenize
from assistant.query import ACROSS_REPORTS, YEAR, Intent, inherit

# How a follow-up opens, and the words that only frame one ("what about X?", "same for X please").
FOLLOW_UP = re.compile(r"^\s*(?:and|what about|how about|what of|same for|and for|now|ok(?:ay)?|also|then|so|but|"
                       r"and what about|and how about)\b", re.I)
FRAME = set(tokenize("and what about how of same for the same question now ok okay also then so but please "
                     "instead too as well this that one ones there their its it do does did same thing council "
                     "councils authority local report reports inspection inspections "))
PERIOD = set(tokenize("in from since before after between to latest most recent last previous earlier prior year "
                      "years one before"))
LATEST_WORDS = re.compile(r"\b(?:the\s+)?(?:latest|most recent|newest|current|last)\b", re.I)
PERIOD_PHRASE = re.compile(r"\b(?:in|from|since|before|after|during)?\s*(?:between\s+)?(?:19|20)\d\d"
                           r"(?:\s*(?:-|\u2013|to|and)\s*(?:19|20)\d\d)?\b", re.I)
CITED_FILE = re.compile(r"\[\d+\]\s+(\S+\.pdf)\s+pp?\.")
PINNED_MAX = 2  # an answer drawn from more reports than this is not "the report" a follow-up keeps


@dataclass(frozen=True)
class Turn:
    asked: str
    cited_files: tuple[str, ...] = ()


@dataclass
class Reading:
    asked: str  # as the user typed it
    question: str  # as read: names put right, a follow-up made whole
    intent: Intent
    inherited: list[str] = field(default_factory=list)  # council | question | report | period
    pinned_files: list[str] = field(default_factory=list)  # the reports kept from the last answer


def turns_of(history) -> list[Turn]:
    """Earlier turns from history given as strings, (question, answer) pairs, chat messages or Answers."""
    out: list[Turn] = []
    for turn in history or []:
        if isinstance(turn, str):
            out.append(Turn(turn))
        elif isinstance(turn, dict):
            if turn.get("role") == "user":
                out.append(Turn(str(turn.get("content", ""))))
            elif turn.get("role") == "assistant" and out:
                out[-1] = Turn(out[-1].asked, _files_in(str(turn.get("content", ""))))
        elif isinstance(turn, (list, tuple)) and turn:
            answer = turn[1] if len(turn) > 1 else ""
            out.append(Turn(str(turn[0]), _files_in(str(answer or ""))))
        elif hasattr(turn, "citations") and hasattr(turn, "question"):  # an Answer
            out.append(Turn(str(turn.question), tuple(dict.fromkeys(c.file for c in turn.citations))))
    return out


def _files_in(answer_text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(CITED_FILE.findall(answer_text)))


def read(asked: str, history, parse: Callable[[str], Intent], recent: int = 6) -> Reading:
    """The reading of `asked` after the earlier turns (the last `recent` of them)."""
    before: Reading | None = None
    turns = turns_of(history)[-recent:]
    for turn in turns:
        before = _read_turn(turn.asked, before, parse)
        before.pinned_files = list(turn.cited_files)
    return _read_turn(asked, before, parse)


def _read_turn(asked: str, before: Reading | None, parse: Callable[[str], Intent]) -> Reading:
    intent = parse(asked)
    question = asked
    if intent.corrections:
        question = corrected(asked, intent.corrections)
        intent = parse(question)
        intent.corrections = parse(asked).corrections
    reading = Reading(asked, question, intent)
    if before is None or intent.shape in ACROSS_REPORTS or intent.out_of_scope:
        return reading
    rest = _unstated(question, intent)
    follow = bool(FOLLOW_UP.search(asked)) or len(tokenize(question)) <= 3
    if follow and not rest and (intent.authorities or intent.group) and not intent.unknown_places:
        return _swap_council(reading, before, parse)
    if follow and not rest and _names_period(question, intent) and not intent.authorities:
        return _swap_period(reading, before, parse)
    if intent.authorities or intent.unknown_places or intent.group or not before.intent.names_report:
        return reading
    kept = inherit(question, intent, before.intent)
    reading.intent = kept
    reading.inherited = ["council"]
    states_own = intent.years or intent.report_types or intent.latest
    if before.pinned_files and len(before.pinned_files) <= PINNED_MAX and not states_own:
        reading.pinned_files = list(before.pinned_files)
        reading.inherited.append("report")
    return reading


def _unstated(question: str, intent: Intent) -> list[str]:
    """The question's words beyond follow-up framing, the names and the period it gives."""
    named = set(tokenize(" ".join(intent.authorities + [intent.group])))
    named |= {w for c in intent.corrections for w in tokenize(c[0])}
    return [t for t in tokenize(question) if t not in FRAME | PERIOD | named and not t.isdigit()]


def _names_period(question: str, intent: Intent) -> bool:
    return bool(intent.years or intent.latest or re.search(r"\b(previous|earlier|one before|prior)\b", question, re.I))


def _swap_council(reading: Reading, before: Reading, parse) -> Reading:
    """"What about Sunderland?": the last question, asked of the council(s) named now."""
    new = " and ".join(reading.intent.authorities) or reading.intent.group
    question = before.question
    old = before.intent.authorities or ([before.intent.group] if before.intent.group else [])
    replaced = False
    for name in sorted(old, key=len, reverse=True):
        pattern = _name_pattern(name, before.question)
        if pattern and re.search(pattern, question, re.I):
            question = re.sub(pattern, new if not replaced else "", question, count=1, flags=re.I)
            replaced = True
    if not replaced:
        question = f"{question.rstrip(' ?.')} ({new})?"
    question = re.sub(r"\s+(and\s+)?(?=[\s,?.])", " ", question).replace(" ,", ",").replace(" ?", "?")
    intent = parse(question)
    intent.corrections = reading.intent.corrections
    return Reading(reading.asked, question, intent, ["question"])


def _name_pattern(name: str, question: str) -> str:
    """How `name` (a council or group read from `question`) was written there."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    pattern = r"\b" + r"\W+".join(map(re.escape, words)) + r"(?:['\u2019]s)?\b"
    return pattern if re.search(pattern, question, re.I) else ""


def _swap_period(reading: Reading, before: Reading, parse) -> Reading:
    """"And in 2019?": the last question, for the period named now."""
    question = PERIOD_PHRASE.sub(" ", before.question)
    question = LATEST_WORDS.sub(" ", question)
    period = " ".join(FOLLOW_UP.sub(" ", reading.question).split()).strip(" ?.!")
    question = re.sub(r"\s+", " ", question).strip().rstrip(" ?.")
    question = f"{question} {period}?" if YEAR.search(period) or re.search(r"\b(in|from|since|before)\b", period) \
        else f"{question} ({period})?"
    intent = parse(question)
    return Reading(reading.asked, question, intent, ["question"])


def corrected(question: str, corrections: list[tuple[str, str]]) -> str:
    """The question with each misspelt name written as the council it was read as."""
    for written, authority in corrections:
        pattern = r"\b" + r"\W+".join(map(re.escape, written.split())) + r"\b"
        question = re.sub(pattern, authority, question, count=1, flags=re.I)
    return question
