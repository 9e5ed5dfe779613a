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
import re
from dataclasses import dataclass, field
from datetime import date

from assistant.draft import Draft
from assistant.evidence import Evidence, when
from assistant.lexical import tokenize
from assistant.query import HOW_MANY, Intent, grades_named, without_grades
from assistant.quotes import area_name, best_sentences, cite_grade
from assistant.retrieve import RANGE_BETWEEN, RANGE_SINCE, coverage, term_weights, wanted_detail
from ingest.core.types import Answer, Passage, ReportMeta
from ingest.core.vocabulary import RANK, REPORT_TYPE_LABELS, SEND_GRADES

MANY = r"(councils?|authorities|local authorities|las|areas|local areas|partnerships|inspections|reports)"
QUALIFIERS = r"(?:(?:local|area|send|english|london|other|the|all|ilacs|sif|children's|of)\s+){0,3}"
ACROSS = re.compile(rf"\b(which|what|list(?: all)?|name(?: the)?|how many)\s+{QUALIFIERS}{MANY}\b", re.I)
JUDGED = re.compile(r"\b(judged|rated|graded|grades?|gradings?|ratings?|judgements?|outcomes?|found|received|got|given)\b", re.I)
UP = re.compile(r"\b(improv\w*|rose|risen|climb\w*|went up|moved up|better|upgraded)\b", re.I)
DOWN = re.compile(r"\b(declin\w*|fell|fallen|dropp\w*|slipp\w*|deteriorat\w*|worse\w*|downgraded)\b", re.I)
FROM_TO = re.compile(r"\bfrom\b.*\bto\b", re.I)
TREND = re.compile(r"\b(chang\w*|over time|since|trends?|history|trajectory|journey|over the (?:last|past)|moved|"
                   r"improv\w*|declin\w*)\b", re.I)
NUMBER = re.compile(r"\b(number|numbers|how many|proportion|percentage)\b", re.I)
RECOMMENDATIONS = re.compile(
    r"\b(areas? for (?:priority action|improvement)|what needs to improve|recommendations?|told to improve|"
    r"asked to improve|needs? to improve|required to improve|improvement actions?|priority actions?)\b", re.I)
LAST_YEAR = re.compile(r"\b(last|previous) year\b", re.I)
THIS_YEAR = re.compile(r"\bthis year\b", re.I)
# Words that only frame a recommendations question; what is left names the topic.
FRAME_WORDS = set(tokenize(
    "which what councils council authorities authority areas area local were was are is told asked needed need needs "
    "required to improve improvement improving improved their its the of for in on response responses recommendation "
    "recommendations priority action actions ofsted inspectors inspection inspections make made better how"
))
# Words that name a report or ask for its list, not a topic ("What were X's 2014 areas for improvement?").
REPORT_WORDS = set(tokenize(
    "what were was are is did does do the list all their its latest most recent last sif ilacs send jtai lscb "
    "focused visit re-inspection reinspection inspection report children's services"
))
# Words that frame a question across reports ("Which councils were criticised for ..."):
# left out of the search and the sentence scores so that boilerplate about councils does not win.
ACROSS_WORDS = FRAME_WORDS | set(tokenize(
    "criticised criticized criticism praised commended concerns concern problems problem issues weaknesses "
    "strengths had have has did do does found find say said about with where list name all every"
))
MAX_ROWS = 40
MAX_GROUPS = 12
MIN_TOPIC_COVERAGE = 0.99
# A council is listed only if one sentence covers most of the topic: a list invites skimming,
# so each line must stand on its own.
MIN_GROUP_SUPPORT = 0.6


@dataclass
class Request:
    kind: str  # grades | count | transition | history | recommendations_of | recommendations | findings
    keys: list[str] = field(default_factory=list)
    grades: list[str] = field(default_factory=list)
    direction: int = 0  # +1 improved, -1 declined (transitions)


def parse(question: str, intent: Intent) -> Request | None:
    """The aggregate question this is, or None for a question about particular reports' findings."""
    grades = grades_named(question)
    keys = _judgement_keys(intent, grades)
    across = bool(ACROSS.search(question)) and not intent.authorities
    rest = without_grades(question)
    if intent.authorities and len(intent.authorities) == 1:
        if RECOMMENDATIONS.search(question) and not _topic(question, intent):
            return Request("recommendations_of")
        graded = intent.asks_grade or bool(grades) or "overall_effectiveness" in intent.judgement_keys
        one_year = len(intent.years) == 1 and not (RANGE_SINCE.search(question) or RANGE_BETWEEN.search(question))
        if graded and TREND.search(rest) and not one_year and not NUMBER.search(question):
            return Request("history", keys)
        return None
    if not across:
        return None
    if grades and (FROM_TO.search(question) or UP.search(rest) or DOWN.search(rest)) and len(grades) >= 2:
        return Request("transition", keys, grades[:2])
    if not grades and (intent.asks_grade or intent.judgement_keys) and (UP.search(rest) or DOWN.search(rest)):
        return Request("transition", keys, [], 1 if UP.search(rest) else -1)
    if grades and (intent.asks_grade or JUDGED.search(question) or set(grades) & SEND_GRADES):
        return Request("count" if HOW_MANY.search(question) else "grades", keys, grades)
    if RECOMMENDATIONS.search(question):
        return Request("recommendations")
    return Request("findings")


def _topic(question: str, intent: Intent) -> list[str]:
    """What a question about one report's recommendations asks beyond the list itself."""
    named = set(tokenize(" ".join(intent.authorities))) | {str(y) for y in intent.years}
    skip = FRAME_WORDS | named | REPORT_WORDS
    return [t for t in tokenize(question) if t not in skip]


def _judgement_keys(intent: Intent, grades: list[str]) -> list[str]:
    if grades and set(grades) <= SEND_GRADES:
        return ["send_outcome"]
    keys = [k for k in intent.judgement_keys if k != "send_outcome"]
    return keys or ["overall_effectiveness"]


def answer(ev: Evidence) -> Answer | None:
    question, intent = ev.question, ev.intent
    request = parse(question, intent)
    if request is None:
        return None
    pool = sorted(_in_years(question, intent, ev.scoped_reports()), key=when)
    if request.kind == "recommendations_of":
        return _recommendations_of(ev, pool)
    if request.kind == "recommendations":
        return _recommendations_across(ev, pool)
    if request.kind == "findings":
        return _findings_by_council(ev)
    if request.kind == "history":
        return _history(ev, request, pool)
    if request.kind == "transition":
        return _transitions(ev, request, pool)
    return _grade_list(ev, request, pool)


def _in_years(question: str, intent: Intent, reports: list[ReportMeta]) -> list[ReportMeta]:
    """The question's years, read as inspection years; "last year" is the calendar year before today."""
    years = list(intent.years)
    if LAST_YEAR.search(question):
        years.append(date.today().year - 1)
    if THIS_YEAR.search(question):
        years.append(date.today().year)
    if not years:
        return reports
    if match := RANGE_BETWEEN.search(question):
        lo, hi = sorted((int(match.group(2)), int(match.group(5))))
        return [r for r in reports if r.year and lo <= r.year <= hi]
    if RANGE_SINCE.search(question):
        return [r for r in reports if r.year and r.year >= min(years)]
    return [r for r in reports if r.year in years]


def _years_phrase(question: str, intent: Intent) -> str:
    if match := RANGE_BETWEEN.search(question):
        return f" inspected between {match.group(2)} and {match.group(5)}"
    if intent.years and RANGE_SINCE.search(question):
        return f" inspected since {min(intent.years)}"
    years = set(intent.years)
    if LAST_YEAR.search(question):
        years.add(date.today().year - 1)
    if THIS_YEAR.search(question):
        years.add(date.today().year)
    return f" inspected in {', '.join(map(str, sorted(years)))}" if years else ""


# -- rows cited to the page that states the grade ----------------------------------------------------
def _cite_grade(ev: Evidence, draft: Draft, meta: ReportMeta, key: str) -> str | None:
    """A citation token for the sentence stating this grade, None if there is none to quote."""
    cited = cite_grade(ev.library, draft, meta, key)
    return cited[0] if cited else None


def _cite(ev: Evidence, draft: Draft, meta: ReportMeta, page: int, quote: str) -> str:
    return draft.cite(meta.file, page, quote, ev.library.page_passage(meta, page, quote))


def _reports(n: int) -> str:
    return f"{n} indexed report{'' if n == 1 else 's'}"


def _describe(meta: ReportMeta) -> str:
    day = when(meta)
    return f"{REPORT_TYPE_LABELS.get(meta.report_type, 'report')}, {day.strftime('%B %Y') if day != date.min else 'undated'}"


def _grade_list(ev: Evidence, request: Request, pool: list[ReportMeta]) -> Answer:
    key = request.keys[0]
    intent_years = _years_phrase(ev.question, ev.intent)
    graded = [m for m in pool if key in m.judgements]
    hits = [m for m in graded if m.judgements[key].grade in request.grades]
    draft = Draft(ev.question, "aggregate", ev.library.page_text)
    grades = " or ".join(f"'{g}'" for g in request.grades)

    def head(kept, dropped: int) -> str:
        more = f" (the first {MAX_ROWS} shown)" if len(hits) > MAX_ROWS else ""
        if dropped:  # say so rather than show a row without its quote
            more += f" ({dropped} not listed: the sentence stating the grade was not found on its page)"
        return (f"Looked at {_reports(len(graded))} with a grade for {area_name(key)}{intent_years}: "
                f"{len(hits)} {'was' if len(hits) == 1 else 'were'} judged {grades}{more}.")

    draft.note(head)
    for meta in hits[:MAX_ROWS]:
        grade = meta.judgements[key].grade
        mark = _cite_grade(ev, draft, meta, key) or ""
        draft.claim(f"- {meta.authority} ({_describe(meta)}): {grade} {mark}", "grade", meta, key, grade)
    return draft.finish([], abstain_if_empty=False)


def _transitions(ev: Evidence, request: Request, pool: list[ReportMeta]) -> Answer:
    key = request.keys[0]
    by_authority: dict[str, list[ReportMeta]] = {}
    for meta in pool:
        if key in meta.judgements and meta.authority:
            by_authority.setdefault(meta.authority, []).append(meta)
    draft = Draft(ev.question, "aggregate", ev.library.page_text)
    moves = []
    for authority in sorted(by_authority):
        for before, after in itertools.pairwise(by_authority[authority]):
            a, b = before.judgements[key].grade, after.judgements[key].grade
            if request.grades:
                wanted = (a, b) == tuple(request.grades)
            else:
                wanted = (RANK.get(b, 0) - RANK.get(a, 0)) * request.direction > 0
            if wanted:
                moves.append((authority, before, after, a, b))
    what = (f"from '{request.grades[0]}' to '{request.grades[1]}'" if request.grades
            else ("to a better grade" if request.direction > 0 else "to a worse grade"))
    pairs = sum(max(0, len(s) - 1) for s in by_authority.values())
    draft.note(f"Looked at {sum(len(s) for s in by_authority.values())} graded reports for {area_name(key)} "
               f"({len(by_authority)} councils, {pairs} pairs of consecutive graded inspections): "
               f"{len(moves)} moved {what}.")
    for authority, before, after, a, b in moves:
        first, second = _cite_grade(ev, draft, before, key), _cite_grade(ev, draft, after, key)
        if first and second:
            draft.claim(f"- {authority}: {a} ({_describe(before)}) {first} to {b} ({_describe(after)}) {second}",
                        "change", after, key, b, authority)
    return draft.finish([], abstain_if_empty=False)


def _history(ev: Evidence, request: Request, pool: list[ReportMeta]) -> Answer | None:
    keys = request.keys
    graded = [m for m in pool if any(k in m.judgements for k in keys)]
    if not graded:
        return None
    draft = Draft(ev.question, "aggregate", ev.library.page_text)
    authority = graded[0].authority

    def head(kept, dropped: int) -> str:
        out = f"Looked at {_reports(len(pool))} for {authority}; {len(graded)} carry a grade for {area_name(keys[0])}"
        return out + (f", from '{kept[0].grade}' to '{kept[-1].grade}':" if len(kept) > 1 else ":")

    draft.note(head)
    for meta in graded:
        key = next(k for k in keys if k in meta.judgements)
        if mark := _cite_grade(ev, draft, meta, key):
            grade = meta.judgements[key].grade
            draft.claim(f"- {_describe(meta)}: {area_name(key)} '{grade}' {mark}", "grade", meta, key, grade)
    return draft.finish([])


def _recommendations_of(ev: Evidence, pool: list[ReportMeta]) -> Answer | None:
    with_items = [(m, ev.library.improvement_items(m.report_id)) for m in pool]
    with_items = [(m, items) for m, items in with_items if items]
    if not with_items:
        return None
    if not ev.intent.years:
        with_items = with_items[-1:]  # "What must X improve?" means its latest report
    draft = Draft(ev.question, "aggregate", ev.library.page_text)
    draft.note(f"Looked at {_reports(len(pool))} for {with_items[0][0].authority}; areas for improvement listed:")
    for meta, items in with_items:
        draft.heading(f"{meta.authority}, {_describe(meta)}:")
        for text, page in items:
            draft.claim(f"- {text} {_cite(ev, draft, meta, page, text)}", "improve", meta, group=meta.label)
    return draft.finish([])


def _recommendations_across(ev: Evidence, pool: list[ReportMeta]) -> Answer:
    topic = {t: ev.library.idf(t) for t in dict.fromkeys(tokenize(ev.question)) if t not in FRAME_WORDS}
    draft = Draft(ev.question, "aggregate", ev.library.page_text)
    words = " ".join(dict.fromkeys(_topic_words(ev.question)))
    matches = []
    for meta in pool:
        items = [(text, page) for text, page in ev.library.improvement_items(meta.report_id)
                 if topic and coverage(topic, set(tokenize(text))) >= MIN_TOPIC_COVERAGE]
        if items:
            matches.append((meta, items))
    draft.note(f"Looked at the areas for improvement of {_reports(len(pool))}: "
               f"{len(matches)} name {words or 'this topic'}.")
    for meta, items in matches[:MAX_ROWS]:
        for text, page in items[:2]:
            draft.claim(f"- {meta.authority} ({_describe(meta)}): {text} {_cite(ev, draft, meta, page, text)}",
                        "improve", meta, group=meta.authority)
    return draft.finish([], abstain_if_empty=False)


def _topic_words(question: str) -> list[str]:
    """The question's own words that are not framing (for saying what was searched)."""
    return [w for w in re.findall(r"[\w'-]+", question.lower()) if not set(tokenize(w)) <= FRAME_WORDS]


def _findings_by_council(ev: Evidence) -> Answer:
    """Retrieve across every report in scope and give each council's best cited sentence."""
    question = ev.question
    topic = " ".join(w for w in re.findall(r"[\w'&-]+", question) if not set(tokenize(w)) <= ACROSS_WORDS)
    passages = ev.library.search(topic or question, k=60)
    weights = {t: w for t, w in term_weights(topic or question, ev.library.idf, ev.intent).items() if t not in ACROSS_WORDS}
    floor = max(ev.settings.min_support, MIN_GROUP_SUPPORT)
    by_authority: dict[str, list[Passage]] = {}
    for p in passages:
        by_authority.setdefault(p.report.authority or p.file, []).append(p)
    draft = Draft(ev.question, "aggregate", ev.library.page_text)
    searched = len(ev.library.all_reports()) if ev.scope.report_ids is None else len(ev.scope.report_ids)

    def head(kept, dropped: int) -> str:
        groups = len(kept)
        return (f"Searched {_reports(searched)}; the best-matching passages come from {groups} "
                f"{'council' if groups == 1 else 'councils'} (one cited passage each, strongest first):")

    draft.note(head)
    groups = 0
    for authority, group in by_authority.items():
        best = best_sentences(group, weights, limit=1, wants=wanted_detail(question))
        if not best or best[0].score < floor or groups >= MAX_GROUPS:
            continue
        cand = best[0]
        groups += 1
        mark = draft.cite(cand.passage.file, cand.page, cand.quote, cand.passage)
        draft.claim(f"- {authority} ({_describe(cand.passage.report)}): {cand.quote} {mark}",
                    report=cand.passage.report, group=authority)
    return draft.finish(passages, only_cited=True)
