"""An answer as a list of cited claims, verified and numbered in one place.

Composers never write "[n]" themselves: they ask `Draft.cite` for a token, put it in a
claim's text or a table cell, and `Draft.finish` verifies every quote on its page at
once. A claim whose quote is not on its page disappears with its sentence, a heading
left with no claim under it disappears too, table rows that rest on a dropped quote go,
and the surviving markers are numbered 1, 2, 3... in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant import phrases
from assistant.evidence import Library
from assistant.verify import verify_citations
from ingest.core.types import Answer, Citation, Claim, Passage, ReportMeta, Table
from ingest.normalize import collapse

_TOKEN = re.compile("\u27e6(\\d+)\u27e7")  # ⟦id⟧: a citation's place before it has a number


@dataclass
class _Block:
    kind: str  # note | heading | claim
    text: str | Callable[[list[Claim], int], str]  # a note may be written once the claims are known
    claim: Claim | None = None
    tokens: list[int] = field(default_factory=list)


class Draft:
    """Collects notes, headings, claims and table rows; `finish` turns them into an `Answer`.

    `sep` joins the blocks: " " reads as prose, "\\n" as a list.
    """

    def __init__(self, question: str, kind: str, library: Library, sep: str = "\n"):
        self.question = question
        self.kind = kind
        self.library = library
        self.sep = sep
        self._citations: list[Citation] = []
        self._blocks: list[_Block] = []
        self._table: tuple[list[str], str] | None = None
        self._rows: list[tuple[list[str], list[int], bool]] = []

    # -- building ---------------------------------------------------------------------------
    def cite(self, report: ReportMeta, page: int, quote: str, passage: Passage | None = None) -> str:
        """A placeholder for this quote's marker, to put in a claim's text or a table cell.
        `passage`: the chunk the quote was read from; without it, the chunk showing it is found."""
        passage = passage or self.library.page_passage(report, page, quote)
        self._citations.append(Citation(report.file, page, quote, passage, 0, page in report.ocr_pages))
        return f"\u27e6{len(self._citations) - 1}\u27e7"

    def note(self, text: str | Callable[[list[Claim], int], str]) -> None:
        """An uncited line (what was searched, a count): shown whatever is verified. A callable
        is given the verified claims and the number dropped, to say what the answer holds."""
        self._blocks.append(_Block("note", text))

    def heading(self, text: str) -> None:
        """A line introducing the claims after it; dropped when none of them survives."""
        self._blocks.append(_Block("heading", text))

    def claim(self, text: str, role: str = "finding", report: ReportMeta | None = None,
              area: str = "", grade: str = "", group: str = "") -> None:
        """A statement shown only if every quote whose token it carries is on its page."""
        tokens = [int(t) for t in _TOKEN.findall(text)]
        self._blocks.append(_Block("claim", text, Claim(text, [], role, report, area, grade, group), tokens))

    def table(self, columns: list[str], title: str = "") -> None:
        self._table = (columns, title)

    def row(self, cells: list[str], requires: Sequence[str] = (), partial: bool = False) -> None:
        """A table row; it is dropped when a quote in `requires` (tokens) fails verification. A
        cell resting on a failed quote says "-", or with `partial` (a cell listing many quotes)
        just loses that quote's marker."""
        self._rows.append((cells, [int(t) for r in requires for t in _TOKEN.findall(r)], partial))

    # -- finishing --------------------------------------------------------------------------
    def finish(self, passages: list[Passage], abstain_if_empty: bool = True, only_cited: bool = False) -> Answer:
        """Verify every quote once, drop what rests on a failed one, number the rest.

        With no verified claim the answer abstains, unless `abstain_if_empty` is False (a count
        of none is an answer: "0 reports were judged ..."). The answer's passages are the cited
        ones first, then `passages` (only the cited ones with `only_cited`)."""
        kept, _ = verify_citations(self._citations, self.library.page_text)
        ok = {id(c) for c in kept}
        good = {i for i, c in enumerate(self._citations) if id(c) in ok}
        blocks = [b for b in self._blocks if b.kind != "claim" or (b.tokens and set(b.tokens) <= good)]
        blocks = _drop_empty_headings(blocks)
        numbers: dict[int, int] = {}
        citations: list[Citation] = []

        def number(match: re.Match) -> str:
            token = int(match.group(1))
            if token not in good:
                return ""
            if token not in numbers:
                numbers[token] = len(numbers) + 1
                source = self._citations[token]
                citations.append(Citation(source.file, source.page, source.quote, source.passage, numbers[token],
                                          source.ocr))
            return f"[{numbers[token]}]"

        claims: list[Claim] = []
        parts: list[str | Callable[[list[Claim], int], str]] = []
        for block in blocks:
            if callable(block.text):
                parts.append(block.text)
                continue
            text = _TOKEN.sub(number, block.text)
            parts.append(text)
            if block.claim is not None:
                block.claim.text = collapse(text)
                block.claim.citations = [citations[numbers[t] - 1] for t in dict.fromkeys(block.tokens)]
                claims.append(block.claim)
        dropped = sum(b.kind == "claim" for b in self._blocks) - len(claims)
        lines = [p(claims, dropped) if callable(p) else p for p in parts]
        if not claims and abstain_if_empty:
            return abstain(self.question, passages, phrases.ABSTAIN)
        table = None
        if self._table is not None:
            rows = [[_cell(cell, good, number, partial) for cell in cells] for cells, needs, partial in self._rows
                    if set(needs) <= good]
            table = Table(self._table[0], rows, self._table[1]) if rows else None
        lead = [c.passage for c in citations if c.passage is not None]
        ranked = _dedupe(lead if only_cited else lead + list(passages))
        text = self.sep.join(line for line in lines if line.strip())
        text = "\n".join(collapse(line) for line in text.split("\n")) if self.sep == "\n" else collapse(text)
        return Answer(text=text, citations=citations, abstained=False, passages=ranked, kind=self.kind,
                      question=self.question, claims=claims, table=table)


def _cell(cell: str, good: set[int], number: Callable[[re.Match], str], partial: bool = False) -> str:
    """A cell resting on a quote that failed verification says "-", not its unsupported value
    (`partial`: the failed quote's marker is left out, the rest stands)."""
    if not partial and any(int(t) not in good for t in _TOKEN.findall(cell)):
        return "-"
    return collapse(_TOKEN.sub(number, cell))


def _drop_empty_headings(blocks: list[_Block]) -> list[_Block]:
    out: list[_Block] = []
    for i, block in enumerate(blocks):
        if block.kind == "heading":
            following = next((b for b in blocks[i + 1:] if b.kind != "note"), None)
            if following is None or following.kind != "claim":
                continue
        out.append(block)
    return out


def _dedupe(passages: list[Passage]) -> list[Passage]:
    seen, out = set(), []
    for p in passages:
        if p.chunk_id not in seen:
            seen.add(p.chunk_id)
            out.append(p)
    return out


def abstain(question: str, passages: list[Passage], reason: str) -> Answer:
    return Answer(text=reason, citations=[], abstained=True, passages=passages, kind="abstain", question=question)

