"""Questions across reports, answered from the reports table with one citation per row.

"Which councils were judged inadequate overall in 2024?", "How has Haringey's overall
effectiveness changed since 2014?", "Which councils improved from inadequate to good?",
"How many area SEND inspections found widespread or systemic failings?", "What were
Rotherham's areas for improvement in 2014?", "Which councils were told to improve their
response to private fostering?" and findings grouped by council. Every answer says how many
reports it looked at; a row is shown only if its quote is verified on its page.
"""

from __future__ import annotations

import itertools
from datetime import date

from assistant.composers.topic import topic_across_answer
from assistant.draft import Draft
from assistant.evidence import Evidence, published_apart, when, years_asked
from assistant.intent import Across, Intent, span_words
from assistant.lexical import tokenize
from assistant.query import wanted_detail
from assistant.quotes import area_name, best_sentences, cite_grade
from assistant.retrieve import coverage, term_weights
from ingest.core.types import Answer, Passage, ReportMeta
from ingest.core.vocabulary import RANK, REPORT_TYPE_LABELS


def across_answer(ev: Evidence) -> Answer | None:
    request = ev.intent.across
    if request is None:
        return None
    pool = sorted(_in_years(ev.intent, ev.scoped_reports()), key=when)
    if request.kind == "recommendations_of":
        return _recommendations_of(ev, request, pool)
    if request.kind == "recommendations":
        return _recommendations_across(ev, request, pool)
    if request.kind == "findings":
        return topic_across_answer(ev) or _findings_by_council(ev, request)
    if request.kind == "history":
        return _history(ev, request, pool)
    if request.kind == "transition":
        return _transitions(ev, request, pool)
    return _grade_list(ev, request, pool)


def _in_years(intent: Intent, reports: list[ReportMeta]) -> list[ReportMeta]:
    """The question's years, read as inspection years ("last year" included)."""
    within = years_asked(intent)
    return [r for r in reports if r.year and within(r.year)] if within is not None else reports


def _years_phrase(intent: Intent) -> str:
    if intent.year_range:
        lo, hi = intent.year_range
        return f" inspected {span_words(lo, hi)}"
    years = set(intent.years) | set(intent.relative_years)
    return f" inspected in {', '.join(map(str, sorted(years)))}" if years else ""


# -- rows cited to the page that states the grade ----------------------------------------------------
def _cite_grade(draft: Draft, meta: ReportMeta, key: str) -> str | None:
    """A citation token for the sentence stating this grade, None if there is none to quote."""
    cited = cite_grade(draft, meta, key)
    return cited[0] if cited else None


def _reports(n: int) -> str:
    return f"{n} indexed report{'' if n == 1 else 's'}"


def _describe(meta: ReportMeta) -> str:
    day = when(meta)
    return f"{REPORT_TYPE_LABELS.get(meta.report_type, 'report')}, {day.strftime('%B %Y') if day != date.min else 'undated'}"


def _grade_list(ev: Evidence, request: Across, pool: list[ReportMeta]) -> Answer:
    key = request.keys[0]
    intent_years = _years_phrase(ev.intent)
    graded = [m for m in pool if key in m.judgements]
    hits = [m for m in graded if m.judgements[key].grade in request.grades]
    draft = Draft(ev.question, "aggregate", ev.library)
    grades = " or ".join(f"'{g}'" for g in request.grades)

    def head(kept, _dropped: int) -> str:
        most = ev.settings.across_max_rows
        more = f" (the first {most} shown)" if len(hits) > most else ""
        dropped = len(hits[:most]) - sum(c.role == "grade" for c in kept)  # of the rows counted, not those apart
        if dropped:  # say so rather than show a row without its quote
            more += f" ({dropped} not listed: the sentence stating the grade was not found on its page)"
        return (f"Looked at {_reports(len(graded))} with a grade for {area_name(key)}{intent_years}: "
                f"{len(hits)} {'was' if len(hits) == 1 else 'were'} judged {grades}{more}.")

    draft.note(head)
    for meta in hits[:ev.settings.across_max_rows]:
        grade = meta.judgements[key].grade
        mark = _cite_grade(draft, meta, key) or ""
        draft.claim(f"- {meta.authority} ({_describe(meta)}): {grade} {mark}", "grade", meta, key, grade)
    apart = [m for m in published_apart(ev.intent, ev.scoped_reports())
             if key in m.judgements and m.judgements[key].grade in request.grades]
    if apart:  # the other reading of the year: published then, inspected before
        draft.heading(f"Published{intent_years.replace(' inspected', '')} but inspected before, so not counted above:")
    for meta in apart[:ev.settings.across_max_rows]:
        grade = meta.judgements[key].grade
        mark = _cite_grade(draft, meta, key) or ""
        draft.claim(f"- {meta.authority} ({_describe(meta)}, published {meta.published:%B %Y}): {grade} {mark}",
                    "published-apart", meta, key, grade)
    return draft.finish([], abstain_if_empty=False)


def _transitions(ev: Evidence, request: Across, pool: list[ReportMeta]) -> Answer:
    key = request.keys[0]
    by_authority: dict[str, list[ReportMeta]] = {}
    for meta in pool:
        if key in meta.judgements and meta.authority:
            by_authority.setdefault(meta.authority, []).append(meta)
    draft = Draft(ev.question, "aggregate", ev.library)
    moves = []
    start, end = request.grades or ("", "")
    for authority in sorted(by_authority):
        for before, after in itertools.pairwise(by_authority[authority]):
            a, b = before.judgements[key].grade, after.judgements[key].grade
            moved = (RANK.get(b, 0) - RANK.get(a, 0)) * request.direction > 0 if not (start and end) else a != b
            if moved and start in ("", a) and end in ("", b):  # one end named ("out of inadequate"), both, or none
                moves.append((authority, before, after, a, b))
    what = _move_words(request)
    pairs = sum(max(0, len(s) - 1) for s in by_authority.values())
    graded = sum(len(s) for s in by_authority.values())

    def head(kept, dropped: int) -> str:  # counted after verification: each move shown is quoted at both ends
        unquoted = len(moves) - len(kept)
        more = f" ({unquoted} more not listed: a grade sentence was not found on its page)" if unquoted else ""
        return (f"Looked at {graded} graded reports for {area_name(key)} ({len(by_authority)} councils, {pairs} "
                f"pairs of consecutive graded inspections): {len(kept)} moved {what}{more}.")

    draft.note(head)
    for authority, before, after, a, b in moves:
        first, second = _cite_grade(draft, before, key), _cite_grade(draft, after, key)
        if first and second:
            draft.claim(f"- {authority}: {a} ({_describe(before)}) {first} to {b} ({_describe(after)}) {second}",
                        "change", after, key, b, authority)
    return draft.finish([], abstain_if_empty=False)


def _move_words(request: Across) -> str:
    start, end = request.grades or ("", "")
    better, worse = ("better", "worse") if request.direction > 0 else ("worse", "better")
    if start and end:
        return f"from '{start}' to '{end}'"
    if start:
        return f"from '{start}' to a {better} grade"
    return f"to '{end}' from a {worse} grade" if end else f"to a {better} grade"


def _history(ev: Evidence, request: Across, pool: list[ReportMeta]) -> Answer | None:
    keys = request.keys
    graded = [m for m in pool if any(k in m.judgements for k in keys)]
    if not graded:
        return None
    draft = Draft(ev.question, "aggregate", ev.library)
    authority = graded[0].authority

    def head(kept, dropped: int) -> str:
        out = f"Looked at {_reports(len(pool))} for {authority}; {len(graded)} carry a grade for {area_name(keys[0])}"
        return out + (f", from '{kept[0].grade}' to '{kept[-1].grade}':" if len(kept) > 1 else ":")

    draft.note(head)
    for meta in graded:
        key = next(k for k in keys if k in meta.judgements)
        if mark := _cite_grade(draft, meta, key):
            grade = meta.judgements[key].grade
            draft.claim(f"- {_describe(meta)}: {area_name(key)} '{grade}' {mark}", "grade", meta, key, grade)
    return draft.finish([])


def _recommendations_of(ev: Evidence, request: Across, pool: list[ReportMeta]) -> Answer | None:
    with_items = [(m, ev.library.improvement_items(m.report_id)) for m in pool]
    with_items = [(m, items) for m, items in with_items if items]
    if not with_items:
        return None
    if not ev.intent.years:
        with_items = with_items[-1:]  # "What must X improve?" means its latest report
    draft = Draft(ev.question, "aggregate", ev.library)
    topic = {t: ev.library.idf(t) for t in request.topic_terms}
    if topic:  # only those about the topic asked; when none is, said first, and the list follows
        about = [(m, [(text, page) for text, page in items if coverage(topic, set(tokenize(text))) >= ev.settings.topic_present])
                 for m, items in with_items]
        if any(items for _, items in about):
            with_items = [(m, items) for m, items in about if items]
            draft.note(f"Looked at {_reports(len(pool))} for {with_items[0][0].authority}; areas for improvement "
                       f"about {request.topic}:")
        else:
            draft.note(f"None of its recommendations is about {request.topic} ({_reports(len(pool))} looked at for "
                       f"{with_items[0][0].authority}); they are:")
    else:
        draft.note(f"Looked at {_reports(len(pool))} for {with_items[0][0].authority}; areas for improvement listed:")
    for meta, items in with_items:
        draft.heading(f"{meta.authority}, {_describe(meta)}:")
        for text, page in items:
            draft.claim(f"- {text} {draft.cite(meta, page, text)}", "improve", meta, group=meta.label)
    return draft.finish([])


def _recommendations_across(ev: Evidence, request: Across, pool: list[ReportMeta]) -> Answer:
    topic = {t: ev.library.idf(t) for t in request.topic_terms}
    draft = Draft(ev.question, "aggregate", ev.library)
    matches = []
    for meta in pool:
        items = [(text, page) for text, page in ev.library.improvement_items(meta.report_id)
                 if topic and coverage(topic, set(tokenize(text))) >= ev.settings.across_recommendation_match]
        if items:
            matches.append((meta, items))
    draft.note(f"Looked at the areas for improvement of {_reports(len(pool))}: "
               f"{len(matches)} name {request.topic or 'this topic'}.")
    for meta, items in matches[:ev.settings.across_max_rows]:
        for text, page in items[:2]:
            draft.claim(f"- {meta.authority} ({_describe(meta)}): {text} {draft.cite(meta, page, text)}",
                        "improve", meta, group=meta.authority)
    return draft.finish([], abstain_if_empty=False)


def _findings_by_council(ev: Evidence, request: Across) -> Answer:
    """Retrieve across every report in scope and give each council's best cited sentence."""
    question = ev.question
    passages = ev.across_passages  # searched for the topic across every report in scope, before composing
    terms = set(request.topic_terms)
    weights = {t: w for t, w in term_weights(request.topic or question, ev.library.idf, ev.intent).items() if t in terms}
    floor = max(ev.settings.min_support, ev.settings.across_min_support)
    by_authority: dict[str, list[Passage]] = {}
    for p in passages:
        by_authority.setdefault(p.report.authority or p.file, []).append(p)
    draft = Draft(ev.question, "aggregate", ev.library)
    searched = len(ev.library.all_reports()) if ev.scope.report_ids is None else len(ev.scope.report_ids)

    def head(kept, dropped: int) -> str:
        groups = len(kept)
        return (f"Searched {_reports(searched)}; the best-matching passages come from {groups} "
                f"{'council' if groups == 1 else 'councils'} (one cited passage each, strongest first):")

    draft.note(head)
    groups = 0
    for authority, group in by_authority.items():
        best = best_sentences(group, weights, limit=1, wants=wanted_detail(ev.intent))
        if not best or best[0].score < floor or groups >= ev.settings.across_max_councils:
            continue
        cand = best[0]
        groups += 1
        mark = draft.cite(cand.passage.report, cand.page, cand.quote, cand.passage)
        draft.claim(f"- {authority} ({_describe(cand.passage.report)}): {cand.quote} {mark}",
                    report=cand.passage.report, group=authority)
    return draft.finish(passages, only_cited=True)
