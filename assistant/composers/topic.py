"""What the reports say about a topic, across every report in scope.

Not the top passages of a search: every page of every report in scope is read for the topic as
the user means it (assistant/topic.py: its words in any form, the reports' own words for the
same thing, acronyms and their expansions). The answer gives the count ("31 of 324 reports
discuss agency social workers"), says what was counted, quotes the strongest sentences council
by council (each council's latest report first), and tables every report found. When no report
in scope discusses it, it says so, and the nearest passages a search finds are marked as not
an answer.
"""

from __future__ import annotations

import re

from assistant import phrases, polarity
from assistant.composers.coverage import day_of, reports_in_scope, scope_words
from assistant.draft import Draft
from assistant.evidence import Evidence, when
from assistant.lexical import tokenize
from assistant.query import side_asked, wanted_detail
from assistant.quotes import best_sentences
from assistant.retrieve import coverage, term_weights
from assistant.shapes import answer_label
from assistant.topic import TopicMatcher
from assistant.topic_words import topic_text, topic_words
from ingest.core.types import Answer, ReportMeta
from ingest.core.vocabulary import REPORT_TYPE_LABELS

# A topic of more words than this is described, not named ("how councils work with hospitals to
# protect unborn babies"): the passages a search ranks answer it best, and that no sentence holds
# every word is no sign it is absent.
NAMED_WORDS = 4
QUOTES_A_COUNCIL = 1  # one bullet a council keeps the answer to about 15 lines (the table has every report)


def topic_across_answer(ev: Evidence) -> Answer | None:
    request = ev.intent.across
    asked = request is not None and request.kind == "findings" or (
        request is None and answer_label(ev.intent) == "topic_across" and _asks_about_a_topic(ev.question))
    if not asked:
        return None
    written = topic_text(ev.question, ev.intent.topic_terms)  # "the local offer for care leavers", as asked
    subject = (re.sub(r"\s*/\s*", " or ", written.replace(" | ", " ")) or topic_words(ev.question, ev.intent.topic_terms)
               or (request.topic if request is not None else ""))
    if (matcher := named_topic(ev, subject)) is None:
        return None  # a topic described at length, not named: the passages a search ranks answer it
    reports = reports_in_scope(ev)
    weights = {t: ev.library.idf(t) for t in dict.fromkeys(tokenize(subject))}
    side = _side(ev.question, subject)  # "which councils were criticised for X": the sentences that criticise it
    searched: dict[str, set[int]] = {}  # the pages the question's search ranked high, by report
    for p in ev.passages:
        searched.setdefault(p.report.report_id, set()).update(p.pages)
    found: list[tuple[ReportMeta, list[tuple[int, str]]]] = []
    either: list[tuple[ReportMeta, list[tuple[int, str]]]] = []  # whatever side the sentences read as
    pages_read = 0
    for meta in reports:
        pages = ev.library.report_pages(meta.report_id)
        pages_read += len(pages)
        hits = [(number, s) for number, text in enumerate(pages, 1) for s in matcher.sentences(text)]
        # a page the search ranked high first, then the sentence carrying most of the topic
        hits.sort(key=lambda h: (h[0] not in searched.get(meta.report_id, ()), -_strength(h[1], weights)))
        if hits:
            either.append((meta, hits))
        if sided := [h for h in hits if side is None or polarity.classify(h[1]) == side]:
            found.append((meta, sided))
    draft = Draft(ev.question, "aggregate", ev.library)
    scope = scope_words(ev, reports)
    if not found and either:  # reports discuss it, none reads as the side asked: say so, and what they say
        draft.note(f"None of the {len(either)} reports{scope} that discuss {subject} has a sentence about it"
                   f"{WHICH[side]}; what they say:")
        found, side = either, None
    if not found:
        return _nearest(ev, draft, subject, matcher, scope, len(reports), pages_read)

    def head(kept, dropped: int) -> str:  # counted before verification: every report found is in the table
        councils = len({meta.authority for meta, _ in found})
        return (f"{len(found)} of {len(reports)} indexed reports{scope} ({councils} "
                f"{'council' if councils == 1 else 'councils'}) {SAYS[side]} {subject}: counted, a sentence with "
                f"{matcher.counted}{WHICH[side]}; {pages_read:,} pages read. The strongest quote of each council, "
                f"from its latest report that discusses it:")

    draft.note(head)
    by_council: dict[str, list[tuple[ReportMeta, list[tuple[int, str]]]]] = {}
    for meta, hits in found:
        by_council.setdefault(meta.authority or meta.file, []).append((meta, hits))
    # the councils whose reports the search ranked highest first, then by the strength of their best sentence
    rank = {p.report.report_id: i for i, p in reversed(list(enumerate(ev.passages)))}
    strongest = sorted(by_council.items(), key=lambda kv: (min(rank.get(m.report_id, len(rank)) for m, _ in kv[1]),
                                                           -max(_strength(h[0][1], weights) for _, h in kv[1])))
    marks: dict[tuple[str, int, str], str] = {}  # one citation for a quote shown in the text and the table

    def cite(meta: ReportMeta, page: int, quote: str) -> str:
        key = (meta.report_id, page, quote)
        if key not in marks:
            marks[key] = draft.cite(meta, page, quote)
        return marks[key]

    for council, own in strongest[: ev.settings.across_max_councils]:
        own = sorted(own, key=lambda found_in: when(found_in[0]), reverse=True)
        shown = [(meta, page, quote) for meta, hits in own for page, quote in hits[:1]][:QUOTES_A_COUNCIL]
        for meta, page, quote in shown:
            mark = cite(meta, page, quote)
            draft.claim(f"- {council}, {_describe(meta)}, p.{page}: \u201c{quote}\u201d {mark}", "finding", meta,
                        group=council)
    if len(strongest) > ev.settings.across_max_councils:
        draft.note(f"{len(strongest) - ev.settings.across_max_councils} more councils are in the table.")
    draft.table(["Council", "Report", "Date", "Pages discussing it", "Quote"], title=f"Reports that discuss {subject}")
    for meta, hits in sorted(found, key=lambda f: (f[0].authority, when(f[0]))):
        page, quote = hits[0]
        mark = cite(meta, page, quote)
        label = REPORT_TYPE_LABELS.get(meta.report_type, "report")
        discussing = len({p for p, _ in hits})
        draft.row([meta.authority, label, day_of(meta), str(discussing), f"p.{page}: \u201c{quote}\u201d {mark}"], requires=[mark])
    return draft.finish([], abstain_if_empty=False)


def named_topic(ev: Evidence, fallback: str) -> TopicMatcher | None:
    """The question's topic as the matcher reads it (`fallback` when its words give none), when it
    names one: None for a question with no topic ("summarise X") and for one described at length."""
    text = topic_text(ev.question, ev.intent.topic_terms) or fallback
    matcher = TopicMatcher(text, ev.settings.coverage_quote_words, ev.library.acronyms()) if text.strip(" |") else None
    return matcher if matcher is not None and matcher.groups and matcher.words <= NAMED_WORDS else None


# "What do the reports say about X", "quotes on X", "how common is X", "X - what do inspectors say":
# what the reports say on a topic, not a question of fact ("Are nurses told when a child goes to A&E?")
TOPIC_ASK = re.compile(
    r"\b(?:say|says|said|saying|quotes?|quotations?|comments?|commented|views?|examples?|evidence|mentions?|"
    r"mentioned|talk(?:s|ed)? about|how (?:common|often|widespread|frequently)|anything (?:on|about)|"
    # "is care leavers' support a problem across the north west?", "is that common?" made whole
    r"(?:common|widespread|prevalent|typical|(?:a|an) (?:common |wider |widespread |general )?(?:problem|issue|concern))"
    r"(?= *(?:across|in|among|elsewhere|everywhere|nationally|generally|\?|$))|"
    r"findings (?:on|about)|what (?:do|did|does) (?:the )?(?:reports?|inspectors?|ofsted|inspections?) "
    r"(?:find|think|describe)|criticis\w+|prais\w+|good practice)\b", re.I)
TERSE_WORDS = 6  # "agency staff", "FGM - any reports?": a topic named alone


def _asks_about_a_topic(question: str) -> bool:
    """"What do the reports say about X", "agency staff quotes", "young carers in the west midlands
    reports" (a topic named, no question asked of it), not "Are nurses told when...?"."""
    return asks_what_is_said(question) or (len(question.split()) <= TERSE_WORDS and not FACT_OPENING.match(question))


FACT_OPENING = re.compile(r"\s*(?:are|is|do|does|did|has|have|was|were|can|could|should|why|when|who|how)\b", re.I)
QUESTION_WORD = re.compile(r"\b(?:are|is|do|does|did|has|have|was|were|can|could|should|why|when|who|how|what|which|"
                           r"where|whether)\b", re.I)


def asks_what_is_said(question: str) -> bool:
    """"What did X's report say about Y", "X 2024: Y?": what a report says on a topic, not a
    question of fact about it ("What was the child population?", "Was the PLO used well?")."""
    return bool(TOPIC_ASK.search(question)) or not QUESTION_WORD.search(question)


SAYS = {None: "discuss", polarity.WEAKNESS: "criticise", polarity.STRENGTH: "praise"}
WHICH = {None: "", polarity.WEAKNESS: " that reads as criticism", polarity.STRENGTH: " that reads as praise"}


def _side(question: str, subject: str) -> str | None:
    """The side a question asks for ("criticised for", "good practice in"), None for both; the
    topic's own words never ask it ("mental health problems" is a topic, not a criticism)."""
    for word in subject.split():
        question = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", " ", question, flags=re.I)
    return {-1: polarity.WEAKNESS, 1: polarity.STRENGTH}.get(side_asked(question))


def _strength(sentence: str, weights: dict[str, float]) -> float:
    """How much of the topic a sentence carries (its words, IDF-weighted), a long one a little less."""
    return coverage(weights, set(tokenize(sentence))) - len(sentence.split()) / 400


def _describe(meta: ReportMeta) -> str:
    return f"{REPORT_TYPE_LABELS.get(meta.report_type, 'report')}, {day_of(meta)}"


def _nearest(ev: Evidence, draft: Draft, subject: str, matcher: TopicMatcher, scope: str, reports: int,
             pages: int) -> Answer:
    """No report in scope discusses it: said first; the closest passages, marked as not an answer."""
    draft.note(f"No indexed report{scope} discusses {subject} (looked for a sentence with {matcher.counted} "
               f"in {reports} reports, {pages:,} pages).")
    weights = term_weights(subject, ev.library.idf, ev.intent)
    searched = ev.across_passages or ev.passages
    best = best_sentences(searched[:20], weights, limit=3, wants=wanted_detail(ev.intent))
    if best:
        draft.heading(phrases.NEAREST_NOTE)
    for cand in best:
        mark = draft.cite(cand.passage.report, cand.page, cand.quote, cand.passage)
        draft.claim(f"- {cand.passage.report.authority} ({_describe(cand.passage.report)}): {cand.quote} {mark}",
                    "nearest", cand.passage.report, group=cand.passage.report.authority)
    return draft.finish(searched, abstain_if_empty=False, only_cited=True)
