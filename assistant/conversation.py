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
from dataclasses import dataclass, field, replace
from datetime import date

from assistant.follow_words import (
    ACK,
    ACROSS_ASK,
    ADDS,
    ALIKE,
    ASKS,
    COMMON,
    FOLLOW_UP,
    FRAME,
    GENERALLY,
    GROUP_NOUNS,
    IT,
    LATEST_ONE,
    LATEST_WORDS,
    MORE,
    NARROWS,
    NEGATED,
    ON_TOPIC,
    ONE_OF_THEM,
    PERIOD,
    PERIOD_PHRASE,
    POINTS_BACK,
    PRAISE,
    RANKS,
    SAME_YEAR,
    SINCE_THEN,
    THAT_IS,
    THAT_TIME,
    THAT_YEAR,
    THE_ONES,
    THEIRS,
    THOSE,
    WHY,
    lead_inspector_said,
)
from assistant.gazetteer import REGION_WORDS, name_pattern
from assistant.intent import Across, Intent, Shape
from assistant.lexical import tokenize
from assistant.query import (
    COMPARE,
    DOWN,
    GRADE_TERMS,
    REPORT_TYPE_PATTERNS,
    SEND_REPORT,
    STRONG,
    UP,
    WEAK,
    judgement_keys_for,
    side_asked,
    without_grades,
)
from assistant.shapes import answer_label
from assistant.topic_words import topic_text
from assistant.wording import respell, the_ask
from ingest.wordpieces import known_words

CITED_FILE = re.compile(r"\[\d+\]\s+(\S+\.pdf)\s+pp?\.")
Parse = Callable[..., Intent]  # QueryParser.parse: (question, before=None) -> Intent
TURN_CHARS = 2000  # as assistant.api.checked_question allows
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
    inherited: list[str] = field(default_factory=list)  # council | question | report | period | kind | topic | scope
    pinned_files: list[str] = field(default_factory=list)  # the reports kept from the last answer
    pasted: bool = False  # read as the question a pasted paragraph ends with
    earlier_councils: list[str] = field(default_factory=list)  # councils of the turns before this one
    earlier_years: list[int] = field(default_factory=list)  # years of the turns before this one


def turns_of(history) -> list[Turn]:
    """Earlier turns from history given as strings, (question, answer) pairs, chat messages or Answers."""
    out: list[Turn] = []
    for turn in history or []:
        if isinstance(turn, (list, tuple)) and turn and not isinstance(turn[0], str):
            continue  # (None, ...): no question
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
    # a turn with no words is no turn; a very long one is read as its first TURN_CHARS characters
    return [Turn(t.asked[:TURN_CHARS], t.cited_files) for t in out if t.asked.strip() and t.asked != "None"]


def _files_in(answer_text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(CITED_FILE.findall(answer_text)))


def read(asked: str, history, parse: Parse, recent: int = 6) -> Reading:
    """The reading of `asked` after the earlier turns (the last `recent` of them)."""
    before: Reading | None = None
    turns = turns_of(history)[-recent:]
    for turn in turns:
        if before is not None and ACK.match(turn.asked):
            continue  # "hmm": the thread goes on from the turn before it
        earlier = before
        before = _read_turn(turn.asked, before, parse)
        before.pinned_files = list(turn.cited_files)
        if earlier is not None:
            before.earlier_councils = [c for c in dict.fromkeys([*earlier.earlier_councils, *earlier.intent.authorities])
                                       if c not in before.intent.authorities]
            before.earlier_years = [y for y in earlier.intent.years if y not in before.intent.years]
    return _read_turn(asked, before, parse)


def _read_turn(asked: str, before: Reading | None, parse: Parse) -> Reading:
    reading = _read_after(asked, before, parse)
    return reading if before is None else _keeps_scope(asked, reading, before)


def _keeps_scope(asked: str, reading: Reading, before: Reading) -> Reading:
    """A council asked after a question across reports ("and in Rotherham?" after the focused visits
    that mention exploitation) keeps the period and the kind of report it does not restate."""
    intent = reading.intent
    # a follow-up by its opening ("and in Rotherham?") or read as one, the last question or its topic
    # kept ("what did Plymouth's say?", "what does Warrington's say about it"); not a question of its
    # own that names a council ("What is Haringey's overall grade?", "Tell me about Hackney")
    follows = (bool(FOLLOW_UP.search(asked) or NARROWS.search(asked) or ONE_OF_THEM.search(asked))
               or bool({"question", "topic"} & set(reading.inherited)))
    if not (intent.authorities and not before.intent.authorities and not intent.out_of_scope and follows):
        return reading
    kept: list[str] = []
    if before.intent.period.named and not intent.period.named:
        intent, kept = replace(intent, period=before.intent.period), ["period"]  # "what did Plymouth's say?" after 2024's
    if before.intent.report_types and not intent.report_types:
        intent, kept = replace(intent, report_types=before.intent.report_types), [*kept, "kind"]
    if not kept:
        return reading
    return Reading(reading.asked, reading.question, intent, [*reading.inherited, *kept], list(reading.pinned_files),
                   reading.pasted)


def _read_after(asked: str, before: Reading | None, parse: Parse) -> Reading:
    """`asked` read alone, or as a follow-up of `before`."""
    question, pasted = _cut_to_the_ask(asked, parse)
    question, respelt = respell(question, known_words())
    question = lead_inspector_said(question)
    intent = parse(question)
    if intent.corrections:
        found = intent.corrections
        question = corrected(question, found)
        intent = parse(question)
        intent = replace(intent, corrections=found)
    intent = replace(intent, corrections=tuple(respelt) + tuple(intent.corrections))
    reading = Reading(asked, question, intent, pasted=pasted)
    if before is None or intent.out_of_scope:
        return reading
    if MORE.match(asked) and not before.intent.vague:  # "more", "go on": the last question again, topic and all
        return Reading(asked, before.question, replace(before.intent, decided_by="follow-up"), ["question"],
                       pinned_files=list(before.pinned_files), pasted=reading.pasted)
    if ACK.match(asked):  # "ok", "hmm", "thanks": no question, nothing to keep
        return reading
    if not intent.period.named and (said := _period_back(question, before)) != question:
        # "how have their grades moved since?", "how did Sandwell's grades move over that time?"
        question = said
        intent = replace(parse(question), corrections=reading.intent.corrections)
        reading = Reading(asked, question, intent, ["period"], pasted=pasted)
    rest = _unstated(question, intent)
    follow = bool(FOLLOW_UP.search(asked) or POINTS_BACK.search(asked)) or len(tokenize(question)) <= 4
    if follow and (subject := _topic_of(before)) and not intent.topic_terms and (IT.search(question)
                                                                                 or THAT_IS.search(question)):
        # "which of them mention it?", "is that a problem across the north west?"
        question = IT.sub(lambda m: f"{m.group(1)}{subject}", question, count=1)
        question = THAT_IS.sub(lambda m: f"{m.group(1)}{subject}", question, count=1)
        intent = replace(parse(question), corrections=reading.intent.corrections)
        reading = Reading(asked, question, intent, ["topic"], pasted=pasted)
        if COMMON.search(question) or GENERALLY.search(question):
            return reading  # "is that common?": across the reports, not the last one's council
        rest = _unstated(question, intent)
    across = (_follow_across(reading, before, rest, parse)
              if follow and not intent.authorities and not before.intent.authorities and _across(before.intent) else None)
    if across is not None:
        return across
    if follow and ADDS.search(question) and intent.authorities and before.intent.authorities:
        return _compare_with_before(reading, before, parse)  # "add Waltham Forest too"
    ranks = RANKS.search(question) or (ALIKE.search(question) and THEIRS.search(asked))
    if follow and ranks and not intent.authorities and before.intent.authorities and (
            len(before.intent.authorities) > 1 or before.earlier_councils):
        return _compare_with_before(reading, before, parse)  # "which of the three was worst?", "rank them"
    if (follow and len(intent.authorities) == 1 and not before.intent.authorities and before.intent.topic_terms
            and not intent.topic_terms and not (intent.decided_by == "rules" and answer_label(intent) not in OPEN)):
        return _swap_council(reading, before, parse)  # "what did Ealing's say?" after a topic across reports
    if follow and intent.authorities and set(intent.authorities) == set(before.intent.authorities) and ASKS.match(asked):
        return reading  # "How did Surrey do in its 2018 re-inspection?": a question of its own about the same council
    if follow and not rest and (intent.authorities or intent.group) and not intent.unknown_places:
        return _swap_council(reading, before, parse)
    if follow and not rest and _names_period(question, intent) and not intent.authorities:
        return _swap_period(reading, before, parse)
    if (WHY.search(asked) and not (intent.authorities or intent.group or intent.topic_terms or ACROSS_ASK.search(asked))
            and before.intent.names_report and answer_label(before.intent) in ("grades", "grade_history")):
        return _why_graded(reading, before)
    if follow and COMPARE.search(question) and before.intent.authorities:
        return _compare_with_before(reading, before, parse)
    if ACROSS_ASK.search(question) and ((GENERALLY.search(asked) and not THEIRS.search(asked))
                                        or not (FOLLOW_UP.search(asked) or POINTS_BACK.search(asked))):
        return reading  # "What do the reports say about X?" after a question about Leeds: all the reports
    kept = _parse_after(parse, question, before.intent)
    if not kept.follows:
        return reading
    if answer_label(before.intent) == "comparison" and answer_label(kept) in ("finding", "comparison") and kept.topic_terms:
        kept = replace(kept, shape=Shape.COMPARISON, comparison=True, decided_by="follow-up")  # "on domestic abuse"
    elif kept.decided_by == "wording" or (answer_label(kept) == "finding" and not kept.topic_terms):
        # the model's guess at a few words is not theirs: "and care leavers?" asks about care leavers,
        # "and their full inspection?" asks as before
        kept = replace(kept, shape=Shape.FINDING, polarity=0, across=None, vague=False, decided_by="follow-up") \
            if kept.topic_terms else replace(_asked_as_before(kept, before.intent), decided_by="follow-up")
    if answer_label(kept) == "grade_history" and kept.period.latest and not intent.period.named:
        kept = replace(kept, period=replace(kept.period, latest=False))  # grades over time: not the latest alone
    reading.intent = replace(kept, corrections=intent.corrections)
    reading.inherited = [*reading.inherited, *(["council"] if kept.authorities else [])]
    if kept.authorities and not any(re.search(name_pattern(a), question, re.I) for a in kept.authorities):
        # the question made whole, so a later "what about Blackpool?" has a council to swap
        reading.question = f"{question.rstrip(' ?.')} ({' and '.join(kept.authorities)})?"
    states_own = intent.years or intent.report_types or intent.latest or intent.previous
    over_time = answer_label(reading.intent) == "grade_history"  # "how have their grades moved since?": every report
    if before.pinned_files and len(before.pinned_files) <= PINNED_MAX and not (states_own or over_time):
        reading.pinned_files = list(before.pinned_files)
        reading.inherited.append("report")
    return reading


OPEN = {"finding", "topic_across", "clarify", "summary"}  # readings a few words of a follow-up do not settle


def _period_back(question: str, before: Reading) -> str:
    """The question with a period that points back written as that period."""
    earlier = before.intent
    years = earlier.years or before.earlier_years
    if years and SINCE_THEN.search(question):
        return SINCE_THEN.sub(f"since {min(years)}", question, count=1)
    if years and THAT_YEAR.search(question):  # "which other councils were rated inadequate that year?"
        return THAT_YEAR.sub(f"in {max(years)}", question, count=1)
    lo, hi = earlier.year_range or (0, 0)
    if THAT_TIME.search(question) and (lo or earlier.years):
        said = (f"between {lo} and {hi}" if 0 < hi < 9999 else f"since {lo}") if lo else \
            f"in {' and '.join(map(str, earlier.years))}"
        return THAT_TIME.sub(said, question, count=1)
    return question


def _topic_of(before: Reading) -> str:
    """The last question's topic as its words ("unaccompanied asylum-seeking children")."""
    # a word the frame would take alone stays beside the topic ("early help", not "early")
    return before.intent.topic or topic_text(before.question, before.intent.topic_terms).replace(" | ", " ")


def _across(intent: Intent) -> bool:
    """The last question asked across reports: a topic, a group, grades or a question about reports."""
    return bool(intent.topic_terms or intent.group or intent.grades or intent.across is not None)


def _follow_across(reading: Reading, before: Reading, rest: list[str], parse: Parse) -> Reading | None:
    """A follow-up to a question across reports. "in London boroughs?" asks the last question of
    that group; "which of them mention it?", "what do those councils have in common?" ask the new
    question of the last one's councils (its group, grades and years); "and on caseloads?" asks the
    last question about another topic."""
    intent, earlier = reading.intent, before.intent
    scope: list[str] = []  # what the last question scoped to and this one does not restate
    if earlier.group and not intent.group:
        scope.append(earlier.group)
    if earlier.grades and not intent.grades:
        scope.append(f"rated {' or '.join(earlier.grades)}")
    if not (intent.years or intent.relative_years):
        scope += [str(y) for y in earlier.years]
        scope += ["last year" if y < date.today().year else "this year" for y in earlier.relative_years]
    if intent.group and not rest:  # "in Yorkshire": the last question there (instead of its region)
        written = REGION_WORDS.get(earlier.group)
        question = re.sub(rf"\b(?:{written})\b", intent.group, before.question, count=1, flags=re.I) if written else ""
        if not written or question == before.question:
            question = f"{before.question.rstrip(' ?.')} in {intent.group}?"
        inherited = ["question"]
    elif (earlier.group.endswith(" councils") and len(intent.grades) == 1 and not intent.group
          and not set(rest) - set(tokenize(intent.grades[0]))):
        # "and the inadequate ones?" after "what do outstanding councils do on supervision?"
        grade = earlier.group.removesuffix(" councils")
        question = re.sub(rf"\b{re.escape(grade)}\b", intent.grades[0], before.question, count=1, flags=re.I)
        if intent.years:  # "and the inadequate ones in 2019?"
            question = f"{question.rstrip(' ?.')} ({', '.join(map(str, intent.years))})?"
        inherited = ["question"]
    elif (len(earlier.grades) == 1 and intent.grades and intent.grades != earlier.grades and not intent.group
          and not set(rest) - set(tokenize(" ".join(intent.grades)))):
        # "and inadequate?" after "which councils in the East of England got requires improvement?"
        grade = dict(GRADE_TERMS)[earlier.grades[0]]
        question = re.sub(grade, " or ".join(intent.grades), before.question, count=1, flags=re.I)
        if question == before.question:
            return None
        if intent.years:  # "what about inadequate in 2019?"
            question = f"{PERIOD_PHRASE.sub(' ', question).rstrip(' ?.')} in {' and '.join(map(str, intent.years))}?"
        inherited = ["question"]
    elif THOSE.search(reading.question) and scope:
        question = re.sub(r"\b(?:them|they)\b", "those councils", reading.question, count=1, flags=re.I)
        question = f"{question.rstrip(' ?.')} ({', '.join(scope)})?"
        inherited = reading.inherited + ["scope"]
    elif ON_TOPIC.match(reading.question) and intent.topic_terms and _topic_of(before) and earlier.topic_terms:
        subject = " ".join(w for w in re.findall(r"[\w'&-]+", ON_TOPIC.sub("", reading.question))
                           if set(tokenize(w)) & set(intent.topic_terms))
        question = re.sub(re.escape(_topic_of(before)), subject, before.question, count=1, flags=re.I)
        if question == before.question:
            return None
        inherited = ["question"]
    elif earlier.shape is Shape.THEMES and (side := side_asked(reading.question)) and not intent.topic_terms:
        # "and the strengths?" after the common weaknesses of a set: its common strengths
        weak, strong = (WEAK, STRONG) if side > 0 else (STRONG, WEAK)
        question = weak.sub("strengths" if side > 0 else "weaknesses", before.question)
        if strong.search(question) is None:
            question = f"{before.question.rstrip(' ?.')} ({'strengths' if side > 0 else 'weaknesses'})?"
        inherited = ["question"]
    elif (earlier.across is not None and earlier.across.kind == "transition"
          and not (intent.authorities or intent.grades or intent.report_types or intent.period.named)
          and (FOLLOW_UP.search(reading.asked) or THE_ONES.search(reading.asked))
          and (UP.search(reading.question) or DOWN.search(reading.question))):
        # "and which went backwards?" after the councils that improved between their last two inspections
        direction = -1 if DOWN.search(reading.question) and not UP.search(reading.question) else 1
        moved = DOWN if earlier.across.direction < 0 else UP
        question = moved.sub("declined" if direction < 0 else "improved", before.question, count=1)
        if intent.group and not earlier.group:
            question = f"{question.rstrip(' ?.')} in {intent.group}?"
        kept = replace(earlier, across=replace(earlier.across, direction=direction), group=intent.group or earlier.group,
                       corrections=intent.corrections, decided_by="follow-up")
        return Reading(reading.asked, question, kept, ["question"], pasted=reading.pasted)
    elif answer_label(intent) == answer_label(earlier) and _across(intent) and not (intent.period.named or intent.report_types):
        # the same kind of question across reports ("which of them were rated good?" after a list of
        # 2019's focused visits): of the same period, kind of report and group, unless it names its own
        kept = replace(intent, period=earlier.period, report_types=earlier.report_types, group=intent.group or earlier.group)
        what = [k for k, old in (("period", earlier.period.named), ("kind", earlier.report_types),
                                 ("scope", earlier.group and not intent.group)) if old]
        return Reading(reading.asked, reading.question, kept, [*reading.inherited, *what], pasted=reading.pasted) \
            if what else None
    else:
        return None
    read_again = replace(parse(question), corrections=intent.corrections)
    return Reading(reading.asked, question, read_again, inherited, pasted=reading.pasted)


def _parse_after(parse: Parse, question: str, before: Intent) -> Intent:
    """parse(question, before); a parser injected with the older one-argument parse reads the
    follow-up on its own (inheriting nothing)."""
    import inspect

    try:
        takes_before = len(inspect.signature(parse).parameters) >= 2
    except (TypeError, ValueError):
        takes_before = False
    return parse(question, before) if takes_before else parse(question)


def _unstated(question: str, intent: Intent) -> list[str]:
    """The question's words beyond follow-up framing, the names, the period and the report kind it gives."""
    named = set(tokenize(" ".join([*intent.authorities, intent.group])))
    named |= {w for c in intent.corrections for w in tokenize(c[0])}
    kinds = set(tokenize(" ".join(m.group(0) for _, p in REPORT_TYPE_PATTERNS for m in re.finditer(p, question, re.I))))
    words = intent.unnamed.replace("\u00a7", " ") or question  # the names as written taken out ("bucks")
    return [t for t in tokenize(words) if t not in FRAME | PERIOD | GROUP_NOUNS | named | kinds and not t.isdigit()]


def _names_period(question: str, intent: Intent) -> bool:
    """A period or a kind of report: "and in 2019?", "the one before?", "and the focused visit?"."""
    return bool(intent.years or intent.relative_years or intent.latest or intent.previous or intent.report_types)


def _compare_with_before(reading: Reading, before: Reading, parse) -> Reading:
    """"How does that compare with Kent?": the councils of the last turn beside those named now;
    "how do the two compare?": the councils (or the years) of the last two turns."""
    named = reading.intent.authorities
    councils = list(dict.fromkeys([*before.intent.authorities, *named, *(before.earlier_councils if not named else [])]))
    years = [] if named or before.intent.year_range else list(dict.fromkeys([*before.earlier_years, *before.intent.years]))
    if len(councils) == 1 and before.intent.previous and not (years or reading.intent.years):
        years_said = "the latest and the previous inspection"  # "compare the two" after the latest, then the one before
    elif len(councils) < 2 and len(years) + bool(reading.intent.latest or reading.intent.years) < 2:
        return reading  # "how does that compare with the latest?" after the 2015 report: the two reports
    else:
        years_said = ""
    extra = [c for c in councils if c not in named] + [str(y) for y in years if y not in reading.intent.years]
    extra += [years_said] if years_said else []
    asked = reading.question.rstrip(' ?.')
    # "how does that compare with Somerset?" after Devon's care leavers: Somerset's care leavers beside them
    topic = _topic_of(before) if before.intent.topic_terms and not (reading.intent.topic_terms
                                                                     or reading.intent.asks_grade) else ""
    question = f"{asked} on {topic} ({' and '.join(extra)})?" if topic else f"{asked} ({' and '.join(extra)})?"
    intent = parse(question)
    if len(intent.authorities) >= 2 and answer_label(intent) == "grades" and (ALIKE.search(question) or RANKS.search(question)):
        intent = replace(intent, shape=Shape.COMPARISON, comparison=True)  # "were they rated the same?"
    inherited = (["council"] if not years else ["council", "period"]) + (["topic"] if topic else [])
    if before.intent.report_types and not intent.report_types:
        # "which of the two came out better?" after two councils' SEND inspections: those inspections
        intent = replace(intent, report_types=before.intent.report_types)
        inherited.append("kind")
    if not years and not intent.period.named and before.intent.period.named:
        # "how does that compare with York?" after Leeds's latest inspection: York's latest beside it
        intent = replace(intent, period=before.intent.period)
        inherited.append("period")
    return Reading(reading.asked, question, intent, inherited)


def _swap_council(reading: Reading, before: Reading, parse) -> Reading:
    """"What about Sunderland?": the last question, asked of the council(s) named now, when it
    named one council (or region) as written here; else the follow-up is read on its own. A
    period or report kind named with the council ("What about Kent in 2019?") replaces that too."""
    new = " and ".join(reading.intent.authorities) or reading.intent.group
    old = before.intent.authorities or ([before.intent.group] if before.intent.group else [])
    if not old and before.intent.topic_terms and reading.intent.authorities:
        # "disabled children - what do the reports say | and in Newcastle's?": that council's report on it
        question = f"What does {new}'s report say about {_topic_of(before)}?"
        swapped = Reading(reading.asked, question, replace(parse(question), corrections=reading.intent.corrections),
                          ["question"])
        return _swap_period(reading, swapped, parse) if _names_period(reading.question, reading.intent) else swapped
    if len(old) != 1 or not before.question.strip():
        return reading
    written = [n for n in _written_names(old[0], before) if re.search(name_pattern(n), before.question, re.I)]
    if written:
        question = re.sub(name_pattern(written[0]), new, before.question, count=1, flags=re.I)
    elif before.intent.unnamed.count("\u00a7") == 1:  # written by another of its names ("City of London")
        question = before.intent.unnamed.replace("\u00a7", new)
    else:
        return reading
    intent = _asked_as_before(parse(question), before.intent)
    if not _names_period(reading.question, reading.intent):  # "what about Bucks?" after the latest Leeds report
        intent = replace(intent, period=before.intent.period, report_types=before.intent.report_types)
    swapped = Reading(reading.asked, question, replace(intent, corrections=reading.intent.corrections), ["question"])
    if _names_period(reading.question, reading.intent):
        return _swap_period(reading, swapped, parse)
    return swapped


def _why_graded(reading: Reading, before: Reading) -> Reading:
    """"why?" after a report's grades: what it found wanting, or, asked of a good or outstanding
    grade ("why outstanding?", "why so good"), what it found strong; of the same report."""
    grades = reading.intent.grades or before.intent.grades
    said = without_grades(reading.question)  # "why requires improvement?": the grade is what is explained
    negative = WEAK.search(said) or DOWN.search(said) or NEGATED.search(said)  # "why not good?", "why did it decline?"
    positive = STRONG.search(said) or PRAISE.search(said) or UP.search(said)  # "why so good?", "why did it improve?"
    praise = bool(positive) if positive or negative else bool(grades) and set(grades) <= {"good", "outstanding"}
    side = "strengths" if praise else "weaknesses"
    own = reading.intent.period
    when = " ".join([str(y) for y in own.years] + (["latest"] if own.latest else []) + (["previous"] if own.previous else []))
    question = f"{before.question.rstrip(' ?.')} ({side})" + (f" ({when})?" if when else "?")
    # the grade asked about is the reason, not a set ("why requires improvement?"); "the 2026 one - why
    # requires improvement?" after the grades over time: that report's
    intent = replace(before.intent, shape=Shape.STRENGTHS, polarity=1 if praise else -1, grades=reading.intent.grades,
                     period=own if own.named else before.intent.period, across=None, asks_grade=False, vague=False,
                     decided_by="follow-up", corrections=reading.intent.corrections)
    pinned = before.pinned_files if not own.named and len(before.pinned_files) <= PINNED_MAX else []
    return Reading(reading.asked, question, intent, ["question", "report"] if pinned else ["question"], list(pinned))


def _written_names(name: str, before: Reading) -> list[str]:
    """How the last question may have written `name`: as itself, or as the name it corrected."""
    return [name] + [w for w, a in before.intent.corrections if a == name]


def _swap_period(reading: Reading, before: Reading, parse) -> Reading:
    """"And in 2019?": the last question, for the period named now; "and the SEND inspection that
    year?": of that kind of report, in the same year."""
    same_year = SAME_YEAR.search(reading.question) and not reading.intent.period.named
    question = before.question if same_year else PERIOD_PHRASE.sub(" ", before.question)
    question = LATEST_WORDS.sub(" ", question)
    question = re.sub(r"\(?\b(?:the\s+)?(?:previous|prior|earlier|one before|last but one)(?:\s+one)?\b\)?", " ", question,
                      flags=re.I)
    if reading.intent.report_types or (reading.intent.latest and not LATEST_ONE.search(reading.question)):
        # "and the focused visit?": the last question, of that kind of report; "and the latest?": of any
        # kind, but "and just the latest one" after the focused visits: the latest of them
        for _, pattern in REPORT_TYPE_PATTERNS:
            question = re.sub(pattern, " ", question, flags=re.I)
        question = SEND_REPORT.sub(" ", question)
    period = FOLLOW_UP.sub(" ", reading.question)
    for council in reading.intent.authorities:  # "What about Kent in 2019?": the period is "in 2019"
        period = re.sub(name_pattern(council) + r"(?:['\u2019]s)?", " ", period, flags=re.I)
    period = " ".join(period.split()).strip(" ?.!") or ("latest" if reading.intent.latest else "")  # "and now?"
    # what is left of a period or kind taken out: "()", "(the )", "(by )"
    question = re.sub(r"\(\s*(?:(?:the|by|in|from|since|before|after|during|until)\s*)*\)", " ", question)
    question = re.sub(r"\s+", " ", question).strip().rstrip(" ?.")
    question = f"{question} {period}?" if re.match(r"(in|from|since|before|after|between)\s+(19|20)\d\d", period) \
        else f"{question} ({period})?"
    return Reading(reading.asked, question, _asked_as_before(parse(question), before.intent), ["question"])


UNGRADED = {"focused-visit"}  # a focused visit's letter gives no grades


def _asked_as_before(intent: Intent, earlier: Intent) -> Intent:
    """The last question's kind of answer, for the council or report named now: the question made
    whole is read for its names and period, its shape is the one already asked ("How did Manchester
    do in 2014? | and the reinspection"). Grades asked of a report that has none ask what it found."""
    if earlier.vague or earlier.out_of_scope or intent.out_of_scope:
        return intent
    if earlier.shape is Shape.THEMES and len(intent.authorities) == 1:  # "and Warwickshire's?": its own
        return replace(intent, shape=Shape.STRENGTHS if earlier.polarity else Shape.SUMMARY,
                       polarity=earlier.polarity, across=None, vague=False)
    since = intent.year_range is not None and intent.year_range[1] >= 9999
    if answer_label(earlier) == "grades" and since and len(intent.authorities) == 1:
        # "and since?" after a report's grades: the grades from then on
        return replace(intent, shape=Shape.FINDING, polarity=0, across=Across("history", judgement_keys_for(intent, [])),
                       asks_grade=True, vague=False, report_types=())
    if answer_label(earlier) in ("grades", "grade_history") and intent.report_types and set(intent.report_types) <= UNGRADED:
        return replace(intent, shape=Shape.SUMMARY, polarity=0, across=None, asks_grade=False, vague=False)
    return replace(intent, shape=earlier.shape, polarity=earlier.polarity, across=earlier.across,
                   asks_grade=earlier.asks_grade, comparison=earlier.comparison, vague=False)


def _cut_to_the_ask(asked: str, parse: Parse) -> tuple[str, bool]:
    """A pasted paragraph is read as the question at its end, with the councils, years and report
    kinds its context names and the question does not."""
    ask, context = the_ask(asked)
    if not ask:
        return asked, False
    own, around = parse(ask), parse(context)
    if not own.topic_terms and around.topic_terms and (IT.search(ask) or THAT_IS.search(ask)):
        # "...a piece about children placed in unregistered homes. What do the reports say about it?"
        subject = topic_text(context, around.topic_terms).replace(" | ", " ")
        ask = THAT_IS.sub(lambda m: f"{m.group(1)}{subject}", IT.sub(lambda m: f"{m.group(1)}{subject}", ask, count=1),
                          count=1)
        own = parse(ask)
    extra = [] if own.authorities or own.group else list(around.authorities)
    extra += [] if own.authorities or own.years else [str(y) for y in around.years]
    if around.report_types and not own.report_types:
        extra += [m.group(0) for _, p in REPORT_TYPE_PATTERNS for m in [re.search(p, context, re.I)] if m][:1]
    return (f"{ask.rstrip(' ?.')} ({', '.join(extra)})?" if extra else ask), True


def corrected(question: str, corrections: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    """The question with each misspelt name written as the council it was read as."""
    for written, authority in corrections:
        question = re.sub(name_pattern(written), authority, question, count=1, flags=re.I)
    return question
