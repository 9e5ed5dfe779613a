"""Pages a file repeats from a report already indexed (the report saved again under another name,
a compilation of its pages) or from its own earlier pages: each such text is indexed once.

A page is known by its print (`page_print`: its text, case and spacing aside). A file that
repeats at least `MIN_COPIED_PAGES` pages of one report is copying it; a page or two in common is
not a copy (Ofsted's back page is the same in many reports), and a page held by several reports
is put down to the one the file shares most pages with. A file with as many pages as that report,
every printed one of them its copy, becomes another name for it, as a copy of its bytes does;
otherwise the chunks lying wholly on copied pages are not indexed again (their pages are kept, so
the file's text can still be read), and ingest says which file repeats which. When the report
whose text a copy leans on goes, the copy is read again on the next run (catalog `_delete`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Protocol

MIN_PRINT_CHARS = 200  # a shorter page ("Contents", a title) says nothing of a copy
MIN_COPIED_PAGES = 3


def page_print(text: str) -> str | None:
    """The page's text, case and spacing aside, as a digest; None for a page too short to tell."""
    said = " ".join(text.lower().split())
    return hashlib.sha1(said.encode("utf-8")).hexdigest() if len(said) >= MIN_PRINT_CHARS else None


class PrintedPages(Protocol):
    def printed_pages(self, prints: set[str], other_than: str | None) -> dict[str, list[tuple[str, str, int]]]: ...

    def page_count(self, report_id: str) -> int: ...


@dataclass
class Copies:
    printed: int = 0  # the file's pages long enough to have a print
    pages: dict[int, tuple[str, str, int]] = field(default_factory=dict)  # page -> (report_id, file, page) it repeats
    whole_of: str | None = None  # the report the file is a copy of, page for page

    def covers(self, first: int, last: int) -> bool:
        """Every page from `first` to `last` repeats a page indexed elsewhere."""
        return all(page in self.pages for page in range(first, last + 1))

    def warnings(self, total: int) -> list[str]:
        by_file: dict[str, list[int]] = {}
        for page, (_, file, _) in sorted(self.pages.items()):
            by_file.setdefault(file, []).append(page)
        out = []
        for file, pages in by_file.items():
            source = "its own earlier pages" if not file else f"pages of {file}"
            out.append(f"{len(pages):,} of its {total:,} pages ({_ranges(pages)}) repeat {source}: indexed once")
        return out


def find_copies(catalog: PrintedPages, own_report: str | None, pages: list[str]) -> Copies:
    """The pages of a file that repeat a report other than its own former version, or itself."""
    prints = [page_print(text) for text in pages]
    known = catalog.printed_pages({p for p in prints if p}, own_report)
    shared: dict[str, int] = {}  # report_id -> the file's prints it holds
    for holders in known.values():
        for rid in {rid for rid, _, _ in holders}:
            shared[rid] = shared.get(rid, 0) + 1
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}
    first_here: dict[str, int] = {}
    for page, mark in enumerate(prints, 1):
        if mark is None:
            continue
        if mark in known:  # held by several reports: put down to the one the file shares most with
            rid, other, theirs = max(known[mark], key=lambda holder: shared[holder[0]])
            found.setdefault((rid, other), []).append((page, theirs))
        elif mark in first_here:
            found.setdefault(("", ""), []).append((page, first_here[mark]))
        else:
            first_here[mark] = page
    copies = Copies(printed=sum(p is not None for p in prints))
    for (rid, other), pairs in found.items():
        if len(pairs) >= MIN_COPIED_PAGES:
            copies.pages.update({page: (rid, other, theirs) for page, theirs in pairs})
    owners = {rid for rid, _, _ in copies.pages.values()}
    if (len(copies.pages) == copies.printed and len(owners) == 1 and "" not in owners
            and catalog.page_count(next(iter(owners))) == len(pages)):
        copies.whole_of = owners.pop()
    return copies


def _ranges(pages: list[int]) -> str:
    """"2-5, 9" for [2, 3, 4, 5, 9], the first few runs only."""
    runs: list[list[int]] = []
    for page in pages:
        if runs and page == runs[-1][1] + 1:
            runs[-1][1] = page
        else:
            runs.append([page, page])
    shown = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in runs[:4])
    return shown + (f" and {len(runs) - 4} more runs" if len(runs) > 4 else "")
