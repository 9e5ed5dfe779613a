"""Which reports mention X: an exhaustive scan of every page of every report in scope.

Not top-k retrieval: a journalist asking "which councils mention unregistered homes" needs
every report, and the ones that do not. A phrase in quotation marks ("...") must occur as
written (a last word's plural counts); any other is the topic as meant (assistant/topic.py:
its words in any form, the reports' own words for it, acronyms), and the answer says what
it counted.
"""

from __future__ import annotations

import re
from datetime import date

from assistant.draft import Draft
from assistant.evidence import Evidence, when
from assistant.intent import span_words
from assistant.lexical import tokenize
from assistant.topic import TopicMatcher
from ingest.core.types import Answer, ReportMeta
from ingest.core.vocabulary import REPORT_TYPE_LABELS
from ingest.normalize import collapse, for_match
from ingest.sentences import sentence_spans

INFLECTIONS = r"(?:s|es|rs?|ers?|ed|d|ing)?"


class Matcher:
    """Finds a quoted phrase in a page (normalised text), as written (a last word's plural counts),
    and returns the sentence that shows it."""

    def __init__(self, phrase: str, quote_words: int = 60):
        self.quote_words = quote_words
        words = for_match(phrase).lower().split()
        last = words[-1] if words else ""
        stem = last[:-1] if last.endswith("s") and len(last) > 3 else last
        body = r"\s+".join(re.escape(w) for w in words[:-1])
        gap = r"\s+" if body else ""
        # The last word in its inflections: "kinship care" is mentioned by "kinship carers".
        self.pattern = re.compile(rf"(?<![\w-]){body}{gap}{re.escape(stem)}{INFLECTIONS}(?![\w-])", re.I)

    def find(self, page: str) -> str | None:
        """The sentence of `page` (for_match text) that mentions the phrase, or None."""
        match = self.pattern.search(page)
        return _sentence_at(page, match.start(), match.end(), self.quote_words) if match else None


def _sentence_at(page: str, start: int, end: int, most: int) -> str:
    for a, b in sentence_spans(page):
        if a <= start < b:
            return _trim(collapse(page[a:max(b, end)]), for_match(page[start:end]), most)
    return collapse(page[max(0, start - 100):end + 100])


def _trim(sentence: str, needle: str | None, most: int) -> str:
    """A long run-on 'sentence' (a table, a list) is cut to the `most` words around the phrase."""
    words = sentence.split()
    if len(words) <= most:
        return sentence
    if needle:
        at = len(sentence[: sentence.lower().find(needle.lower())].split())
        lo = max(0, at - most // 2)
        return " ".join(words[lo: lo + most])
    return " ".join(words[:most])


def coverage_answer(ev: Evidence) -> Answer | None:
    phrase, quoted = ev.intent.topic, ev.intent.topic_quoted
    if not phrase or not tokenize(phrase):
        return None
    # In quotation marks: as written. Else the topic as meant (its forms, the reports' words for it, acronyms).
    matcher: Matcher | TopicMatcher = (Matcher(phrase, ev.settings.coverage_quote_words) if quoted
                                       else TopicMatcher(phrase, ev.settings.coverage_quote_words, ev.library.acronyms()))
    if isinstance(matcher, TopicMatcher) and not matcher.groups:
        return None
    reports = reports_in_scope(ev)
    draft = Draft(ev.question, "coverage", ev.library)
    found: list[tuple[ReportMeta, int, str, int]] = []  # report, page, quote, pages mentioning
    pages_searched = 0
    for meta in reports:
        first, count = None, 0
        pages = ev.library.report_pages(meta.report_id)
        pages_searched += len(pages)
        for number, text in enumerate(pages, 1):
            quote = matcher.find(text)
            if quote:
                count += 1
                first = first or (number, quote)
        if first:
            found.append((meta, first[0], first[1], count))
    how = "as written" if isinstance(matcher, Matcher) else f"counted: a sentence with {matcher.counted}"
    scope = scope_words(ev, reports)
    if not found:
        draft.note(f"No indexed report{scope} mentions \u201c{phrase}\u201d ({how}): searched "
                   f"{len(reports)} report{'s' if len(reports) != 1 else ''}, {pages_searched:,} pages.")
        return draft.finish([], abstain_if_empty=False)
    found.sort(key=lambda f: (f[0].authority, when(f[0])))

    def head(kept, dropped: int) -> str:  # counted after verification: what the table shows
        councils = len({c.report.authority for c in kept if c.report is not None})
        return (f"{len(kept)} of {len(reports)} indexed reports{scope} ({councils} "
                f"{'council' if councils == 1 else 'councils'}) mention \u201c{phrase}\u201d ({how}); searched "
                f"{pages_searched:,} pages. One verified quote per report:")

    draft.note(head)
    draft.table(["Council", "Report", "Date", "Pages mentioning", "Quote"], title=f"Reports that mention \u201c{phrase}\u201d")
    for meta, page, quote, count in found:
        mark = draft.cite(meta, page, quote)
        label = REPORT_TYPE_LABELS.get(meta.report_type, "report")
        day = day_of(meta)
        draft.claim(f"- {meta.authority} ({label}, {day}), p.{page}: \u201c{quote}\u201d {mark}",
                    "mention", meta, group=meta.authority)
        draft.row([meta.authority, label, day, str(count), f"p.{page}: \u201c{quote}\u201d {mark}"], requires=[mark])
    if ev.intent.authorities:
        silent = [a for a in ev.intent.authorities if a not in {m.authority for m, *_ in found}]
        if silent:
            draft.note(f"Not mentioned in any indexed report of: {', '.join(silent)}.")
    return draft.finish([], abstain_if_empty=False)


def reports_in_scope(ev: Evidence) -> list[ReportMeta]:
    """The reports to scan; "SIF reports" takes in the SIF re-inspections too."""
    reports = ev.scoped_reports()
    types = ev.intent.report_types
    if "sif" in types and "sif-reinspection" not in types:
        years = set(ev.intent.years)
        reports += [m for m in ev.library.all_reports().values() if m.report_type == "sif-reinspection"
                    and (not ev.intent.authorities or m.authority in ev.intent.authorities)
                    and (not years or m.year in years)]
    return sorted(reports, key=when)


def day_of(meta: ReportMeta) -> str:
    day = when(meta)
    return day.strftime("%d %b %Y") if day != date.min else "undated"


def scope_words(ev: Evidence, reports: list[ReportMeta]) -> str:
    if ev.scope.report_ids is None:
        return ""
    parts = []
    if ev.intent.group and not ev.intent.authorities:
        parts.append(f"of {ev.intent.group}")
    if ev.intent.authorities:
        parts.append("for " + ", ".join(ev.intent.authorities))
    if ev.intent.report_types:
        parts.append("of type " + ", ".join(ev.intent.report_types))
    if ev.intent.year_range:
        parts.append(span_words(*ev.intent.year_range))
    elif ev.intent.years:
        parts.append("from " + ", ".join(map(str, ev.intent.years)))
    return (" " + " ".join(parts)) if parts else " in scope"
