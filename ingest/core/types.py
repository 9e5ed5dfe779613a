"""The public data contract: what `Assistant.search`, `ask` and `reports` return.

These names are stable API (docs/using.md documents them); add fields, never rename.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from ingest.core.vocabulary import REPORT_TYPE_LABELS


@dataclass(frozen=True)
class Judgement:
    grade: str  # canonical lower-case grade, e.g. "requires improvement"
    page: int | None  # 1-based page that states it
    label: str = ""  # the judgement's wording in the report


@dataclass
class ReportMeta:
    """What a report is: extracted from its text (file name only as a fallback)."""

    report_id: str
    file: str  # path relative to the ingest root, e.g. "ofsted-ilacs/haringey_2023-04-11_ilacs.pdf"
    authority: str = ""
    report_type: str = "other"  # ilacs | sif | sif-reinspection | focused-visit | jtai | area-send | lac | lscb | school | other
    inspectorates: list[str] = field(default_factory=list)
    inspection_start: date | None = None
    inspection_end: date | None = None
    published: date | None = None
    lead_inspector: str = ""
    judgements: dict[str, Judgement] = field(default_factory=dict)
    pages: int = 0
    title: str = ""
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text was read by OCR (scans)

    @property
    def when(self) -> date | None:
        """The report's date, for ordering and showing: the inspection's last day, else its
        publication, else the inspection's first day."""
        return self.inspection_end or self.published or self.inspection_start

    @property
    def year(self) -> int | None:
        return self.when.year if self.when else None

    @property
    def label(self) -> str:
        """Human label: 'Haringey, ILACS, Feb 2023'."""
        when = self.when
        parts = [self.authority or self.file, REPORT_TYPE_LABELS.get(self.report_type, self.report_type)]
        if when:
            parts.append(when.strftime("%b %Y"))
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("inspection_start", "inspection_end", "published"):
            out[key] = out[key].isoformat() if out[key] else None
        return out


Report = ReportMeta



@dataclass(frozen=True)
class Recommendation:
    """One "What needs to improve?" item (or area SEND "area for improvement") of a report."""

    file: str
    page: int
    text: str
    report: ReportMeta


@dataclass
class Filters:
    """Restrict retrieval. Every field is optional; all given fields must hold."""

    authority: str | list[str] | None = None
    report_type: str | list[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    file: str | list[str] | None = None

    def is_empty(self) -> bool:
        return not any((self.authority, self.report_type, self.year_from, self.year_to, self.file))


@dataclass
class Passage:
    file: str
    page_start: int
    page_end: int
    pages: list[int]
    text: str
    score: float
    section: str
    report: ReportMeta
    chunk_id: str = ""
    paragraphs: list[int] = field(default_factory=list)


@dataclass
class Citation:
    file: str
    page: int
    quote: str  # verbatim from the cleaned text of that page
    passage: Passage | None = None
    marker: int = 0  # the [n] used in Answer.text
    ocr: bool = False  # the page is a scan whose text OCR read: the quote is verified against that
    also_in: list[str] = field(default_factory=list)  # "file p.N": other indexed pages with the same text
    url: str | None = None  # the page on the publisher's site ("...#page=N"), when the report's address is known


@dataclass
class Claim:
    """One cited statement of an answer: `text` as shown, with its markers; every citation
    verified on its page (a claim whose quote fails verification is never in an answer)."""

    text: str
    citations: list[Citation]
    role: str = "finding"  # grade | improve | opening | weakness | strength | finding | mention | theme | change
    report: ReportMeta | None = None
    area: str = ""  # canonical judgement key (grade claims), e.g. "care_leavers"
    grade: str = ""  # canonical grade (grade claims)
    group: str = ""  # the heading it is listed under (a report's label, a theme, "Weaknesses")


_MARKER = re.compile(r"\[(\d+)\]")


def markers_in(text: object) -> list[int]:
    """The citation markers ("[2]") a text or a table cell carries, each once, in order."""
    return list(dict.fromkeys(int(n) for n in _MARKER.findall(str(text))))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d+(\.\d+)?%?")


def spreadsheet_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula ("=HYPERLINK(...)" in
    a PDF's text) gets a leading apostrophe, as OWASP advises against CSV injection; numbers stay."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text) else text


@dataclass
class Table:
    """Rows an answer shows as a table (comparison, coverage, themes, a report's grades);
    cells may carry [n] markers of the answer's citations. Downloadable as CSV."""

    columns: list[str]
    rows: list[list[str]]
    title: str = ""

    def to_csv(self, links: dict[int, str] | None = None) -> str:
        """With `links` (a citation's marker -> its page on the publisher's site), each row ends
        with the links of the citations its cells carry."""
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out)
        extra = ["Publisher's pages"] if links else []
        writer.writerow([spreadsheet_cell(c) for c in [*self.columns, *extra]])
        for row in self.rows:
            cited = dict.fromkeys(n for cell in row for n in markers_in(cell))
            pages = [" ".join(f"[{n}] {links[n]}" for n in cited if n in links)] if links else []
            writer.writerow([spreadsheet_cell(c) for c in [*row, *pages]])
        return out.getvalue()


@dataclass
class Answer:
    text: str
    citations: list[Citation]
    abstained: bool
    passages: list[Passage]
    # finding | judgement | comparison | aggregate | summary | grades | strengths | coverage | themes | abstain
    kind: str = "finding"
    question: str = ""
    claims: list[Claim] = field(default_factory=list)  # the cited statements, in answer order
    table: Table | None = None
    composer: str = "extractive"  # "llm" when a language model wrote it (every sentence checked)
    unsupported: list[str] = field(default_factory=list)  # the model's sentences removed by the checker
    reading: str = ""  # how the question was read, one line (assistant/reading.py): shown before the answer
    suggestions: list[str] = field(default_factory=list)  # other readings to offer, as questions (assistant/suggest.py)

    def table_csv(self) -> str:
        """Its table as CSV, each row with its citations' pages on the publisher's site."""
        assert self.table is not None
        return self.table.to_csv({c.marker: c.url for c in self.citations if c.url})


@dataclass(frozen=True)
class AnswerEvent:
    """One step of an answer as it is made (`Assistant.answer_events`), for a display to show:
    "reading" (text: how the question was read), "token" (text: a piece of a language model's
    answer, not yet checked), "claim" (text: a verified statement of the answer), "table" (table),
    "done" (answer: the whole answer, the same one `Assistant.ask` returns)."""

    kind: str
    text: str = ""
    role: str = ""  # a claim's role ("nearest": a passage near the question, not an answer)
    table: Table | None = None
    answer: Answer | None = None
