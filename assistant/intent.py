"""What a question is read as: the frozen `Intent` (with its one `Period` and, for a question the
reports table answers, its `Across`), the `Shape` of answer it wants, the draft the rules fill in,
and the parser's protocol. The rules that read them are assistant/query.py; the parser that puts
them together is assistant/parser.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


class Shape(StrEnum):
    FINDING = "finding"  # what did the reports find about X (the fallback)
    SUMMARY = "summary"  # summarise / tell me about a report
    GRADES = "grades"  # every graded area of a report
    STRENGTHS = "strengths"  # strengths, weaknesses, what needs to improve, of one council or report
    COMPARISON = "comparison"  # two or more reports side by side
    COVERAGE = "coverage"  # which reports mention X, exhaustively
    THEMES = "themes"  # common strengths or weaknesses across a set of reports


@dataclass(frozen=True)
class Period:
    """When a question is about, in one place: the years and months it names, a range ("between
    2015 and 2019", "since 2018"), a span ("2014-2016"), "last year" / "this year", the latest
    report or the one before it. A year is read against a report's inspection dates (`reads`),
    which the reading line states, with the reports published that year but inspected before."""

    years: tuple[int, ...] = ()  # years named ("in 2019", "2014 and 2018")
    months: tuple[int, ...] = ()  # months named ("May 2019")
    between: tuple[int, int] | None = None  # "between 2015 and 2019", "since 2018" (to 9999)
    span: tuple[int, int] | None = None  # "2014-2016" (themes read it as inspection years)
    relative: tuple[int, ...] = ()  # "last year", "this year", as calendar years
    latest: bool = False  # "latest", "most recent", "current"
    previous: bool = False  # "the one before", "the previous inspection"
    reads: str = "inspection"  # which date of a report a year means

    @property
    def named(self) -> bool:
        return bool(self.years or self.months or self.between or self.span or self.relative or self.latest
                    or self.previous)


@dataclass(frozen=True)
class Intent:
    """The complete reading of a question, made once by the parser (assistant/parser.py) and never
    changed after: a follow-up's reading is a new Intent (assistant/conversation.py)."""

    authorities: tuple[str, ...] = ()
    unknown_places: tuple[str, ...] = ()
    period: Period = Period()
    report_types: tuple[str, ...] = ()
    judgement_keys: tuple[str, ...] = ()
    asks_grade: bool = False
    comparison: bool = False
    out_of_scope: str = ""
    shape: Shape = Shape.FINDING  # the answer the question wants (classify)
    polarity: int = 0  # -1 asks for weaknesses, +1 for strengths, 0 both or not asked
    across: Across | None = None  # a question answered from the reports table (read_across)
    topic: str = ""  # what a coverage question asks about, as written ("private fostering")
    topic_quoted: bool = False  # the user put it in quotation marks: match it exactly
    asks_send: bool = False  # names SEND or disabilities: the area SEND report, when a council has one
    asks_schools: bool = False  # about schools, not children's services
    corrections: tuple[tuple[str, str], ...] = ()  # (as written, read as): councils and topic words
    former: tuple[tuple[str, list[str]], ...] = ()  # (former council, its successors)
    group: str = ""  # a region ("London") or "outstanding councils": the councils it scopes to
    grades: tuple[str, ...] = ()  # grade words named ("inadequate")
    topic_terms: tuple[str, ...] = ()  # what it asks about, as index terms, framing left out
    vague: bool = False  # names nothing and asks nothing that can be told ("what's wrong?")
    follows: bool = False  # a follow-up: councils, report kind and period kept from the last turn
    unnamed: str = ""  # the question with its names taken out (lower case, names as \u00a7)
    decided_by: str = "rules"  # what placed the shape: "rules", or "wording" (assistant/shapes.py)
    runner_up: str = ""  # the next most likely answer, in the evaluation's labels
    detail: tuple[str, ...] = ()  # the kind of detail asked for: "number", "date", "person"
    grade_topic: bool = False  # a grade question that names something beyond the grade ("services for missing children")
    named_words: tuple[str, ...] = ()  # capitalised words past the first: names a report must contain

    # the period's parts, as the stages read them
    @property
    def years(self) -> tuple[int, ...]:
        return self.period.years

    @property
    def months(self) -> tuple[int, ...]:
        return self.period.months

    @property
    def year_range(self) -> tuple[int, int] | None:
        return self.period.between

    @property
    def year_span(self) -> tuple[int, int] | None:
        return self.period.span

    @property
    def relative_years(self) -> tuple[int, ...]:
        return self.period.relative

    @property
    def latest(self) -> bool:
        return self.period.latest

    @property
    def previous(self) -> bool:
        return self.period.previous

    @property
    def names_report(self) -> bool:
        return bool(self.authorities or self.years or self.report_types)


@dataclass
class DraftIntent:
    """The reading while the rules and the shape model fill it in (`freeze` makes the Intent)."""

    authorities: list[str] = field(default_factory=list)
    unknown_places: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    months: list[int] = field(default_factory=list)
    report_types: list[str] = field(default_factory=list)
    judgement_keys: list[str] = field(default_factory=list)
    asks_grade: bool = False
    comparison: bool = False
    latest: bool = False
    out_of_scope: str = ""
    shape: Shape = Shape.FINDING
    polarity: int = 0
    year_range: tuple[int, int] | None = None
    relative_years: list[int] = field(default_factory=list)
    across: Across | None = None
    topic: str = ""
    topic_quoted: bool = False
    year_span: tuple[int, int] | None = None
    asks_send: bool = False
    asks_schools: bool = False
    corrections: list[tuple[str, str]] = field(default_factory=list)
    former: list[tuple[str, list[str]]] = field(default_factory=list)
    group: str = ""
    grades: list[str] = field(default_factory=list)
    previous: bool = False
    topic_terms: list[str] = field(default_factory=list)
    vague: bool = False
    follows: bool = False
    unnamed: str = ""
    decided_by: str = "rules"
    runner_up: str = ""
    detail: list[str] = field(default_factory=list)
    grade_topic: bool = False
    named_words: list[str] = field(default_factory=list)

    @property
    def names_report(self) -> bool:
        return bool(self.authorities or self.years or self.report_types)

    def freeze(self) -> Intent:
        period = Period(tuple(self.years), tuple(self.months), self.year_range, self.year_span,
                        tuple(self.relative_years), self.latest, self.previous)
        return Intent(
            authorities=tuple(self.authorities), unknown_places=tuple(self.unknown_places), period=period,
            report_types=tuple(self.report_types), judgement_keys=tuple(self.judgement_keys),
            asks_grade=self.asks_grade, comparison=self.comparison, out_of_scope=self.out_of_scope,
            shape=self.shape, polarity=self.polarity, across=self.across, topic=self.topic,
            topic_quoted=self.topic_quoted, asks_send=self.asks_send, asks_schools=self.asks_schools,
            corrections=tuple(self.corrections), former=tuple(self.former), group=self.group,
            grades=tuple(self.grades), topic_terms=tuple(self.topic_terms), vague=self.vague,
            follows=self.follows, unnamed=self.unnamed, decided_by=self.decided_by, runner_up=self.runner_up,
            detail=tuple(self.detail), grade_topic=self.grade_topic, named_words=tuple(self.named_words))


AnyIntent = Intent | DraftIntent  # what the rules (assistant/query.py) read, during the parse and after it


class QuestionParser(Protocol):
    """The first stage: a question -> what it names and the answer it wants."""

    def parse(self, question: str, before: Intent | None = None) -> Intent: ...


# Builds the parser from the indexed reports' authorities (again whenever the catalog moves);
# `Assistant(parser=...)` takes another.
ParserFactory = Callable[[list[str]], QuestionParser]


@dataclass(frozen=True)
class Across:
    """A question across reports (or through one council's history) that the reports table answers."""

    kind: str  # grades | count | transition | history | recommendations_of | recommendations | findings
    keys: list[str] = field(default_factory=list)  # judgement areas
    grades: list[str] = field(default_factory=list)
    direction: int = 0  # +1 improved, -1 declined (transitions)
    topic: str = ""  # the question's words beyond its framing, as written (recommendations, findings)
    topic_terms: list[str] = field(default_factory=list)  # the same as index terms


def span_words(lo: int, hi: int) -> str:
    """A range of years in words: "from 2019", "before 2019", "2015\u20132019"."""
    if hi >= 9999:
        return f"from {lo}"
    if lo <= 0:
        return f"before {hi + 1}"
    return f"{lo}\u2013{hi}"
