"""No quote reaches a user unless it occurs on the cited page of the cited report."""

from __future__ import annotations

from collections.abc import Callable

from ingest.core.types import Citation
from ingest.normalize import for_match

PageText = Callable[[str, int], "str | None"]  # (file, page) -> cleaned page text


def quote_on_page(quote: str, page_text: str | None) -> bool:
    """True when the quote occurs verbatim on the page (after ingest's normalisation)."""
    return page_text is not None and on_matched_page(quote, for_match(page_text))


def on_matched_page(quote: str, matched_page: str) -> bool:
    """`quote_on_page` for a page already normalised with `for_match` (one page, many quotes)."""
    needle = for_match(quote)
    return bool(needle) and needle in matched_page


def verify_citations(citations: list[Citation], page_text: PageText) -> tuple[list[Citation], list[Citation]]:
    """(verified, rejected): a rejected citation must not be shown."""
    kept: list[Citation] = []
    dropped: list[Citation] = []
    for citation in citations:
        ok = quote_on_page(citation.quote, page_text(citation.file, citation.page))
        (kept if ok else dropped).append(citation)
    return kept, dropped
