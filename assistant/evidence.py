"""What a composer is given: the question, what it names, the retrieved passages, and a
read-only view of the index. Composers see this, never the `Assistant` itself, so each can
be written, swapped and tested on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from assistant.conversation import Reading
from assistant.intent import Intent, Shape
from assistant.retrieve import Scope
from ingest.core.settings import AnswerSettings
from ingest.core.types import Answer, Filters, Passage, ReportMeta


class Library(Protocol):
    """The read side of an index, as composers use it (`Assistant` implements it)."""

    def all_reports(self) -> dict[str, ReportMeta]:
        """Every committed report by id (one catalog generation)."""

    def report_pages(self, report_id: str) -> list[str]:
        """The report's page texts normalised for matching (`for_match`), page 1 first."""

    def page_text(self, file: str, page: int) -> str | None: ...

    def report_passages(self, report_id: str) -> list[Passage]:
        """The report's chunks as passages, in reading order."""

    def acronyms(self) -> dict[str, str]:
        """The acronyms the indexed reports define, lower case, each with what it stands for."""

    def improvement_items(self, report_id: str) -> list[tuple[str, int]]:
        """The report's "What needs to improve?" items with their pages."""

    def page_passage(self, meta: ReportMeta, page: int, quote: str) -> Passage | None:
        """The chunk of the report that shows the quote on that page."""

    def idf(self, term: str) -> float: ...

    def document_frequency(self, term: str) -> int:
        """How many chunks hold this (stemmed) term."""

    def vocabulary_size(self) -> int:
        """Distinct terms in the lexical index (0 before it is built)."""

    def embed(self, texts: list[str]): ...


@dataclass
class Evidence:
    question: str
    intent: Intent
    scope: Scope
    passages: list[Passage]  # retrieved for the question, best first
    library: Library
    settings: AnswerSettings
    filters: Filters | None = None  # the user's filters (council, type, years), already in `scope`
    reading: Reading | None = None  # how the question was read (follow-ups, corrections)
    # Searched before composing, as the reading asks (composers never search): a council's latest
    # report of the kind the question is about, and its own best passages; the passages across
    # every report in scope for a question about what the reports say on a topic.
    latest: ReportMeta | None = None
    latest_passages: list[Passage] = field(default_factory=list)
    across_passages: list[Passage] = field(default_factory=list)

    @property
    def shape(self) -> Shape:
        return self.intent.shape

    @property
    def polarity(self) -> int:
        return self.intent.polarity

    def scoped_reports(self) -> list[ReportMeta]:
        """The reports the question is about (all when it names none), oldest first."""
        reports = self.library.all_reports()
        ids = reports if self.scope.report_ids is None else self.scope.report_ids
        return sorted((reports[i] for i in ids if i in reports), key=when)


# Turns evidence into an answer; None lets the next composer (in the end, findings) try.
Composer = Callable[[Evidence], "Answer | None"]


def family(report_type: str) -> str:
    """The kind of report a council's latest is chosen among: a SEND question reads its area SEND
    inspection, not its latest children's services inspection."""
    return report_type if report_type in ("area-send", "school", "jtai") else "children's services"


def latest_of_kind(reports: list[ReportMeta], passages: list[Passage]) -> ReportMeta | None:
    """The newest of `reports` of the kind the best passage comes from (else the newest)."""
    newest = sorted(reports, key=when, reverse=True)
    kind = family(passages[0].report.report_type) if passages else None
    return next((m for m in newest if family(m.report_type) == kind), newest[0] if newest else None)


def when(meta: ReportMeta) -> date:
    """Sort key, oldest first; an undated report sorts first."""
    return meta.when or date.min


def years_asked(intent) -> Callable[[int], bool] | None:
    """Whether a year is among the question's (a range, years named, "last year"); None when it names none."""
    if intent.year_range:
        lo, hi = intent.year_range
        return lambda year: lo <= year <= hi
    years = set(intent.years) | set(intent.relative_years)
    return years.__contains__ if years else None


def published_apart(intent, reports: list[ReportMeta]) -> list[ReportMeta]:
    """Reports published in the question's years but inspected before: a question across reports
    counts a report by the year it was inspected, and lists these apart, marked as such."""
    if (within := years_asked(intent)) is None:
        return []
    return [m for m in reports if m.published and within(m.published.year) and not within(m.year or 0)]
