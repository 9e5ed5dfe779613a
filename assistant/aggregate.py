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

from assistant import phrases
from assistant.lexical import tokenize
from assistant.query import Intent
from assistant.retrieve import RANGE_BETWEEN, RANGE_SINCE, Scope, coverage
from assistant.types import REPORT_TYPE_LABELS, Answer, Citation, Passage, ReportMeta
from assistant.verify import verify_citations

GRADE_TERMS = [  # longest first: "requires improvement to be good" is not "good"
    ("requires improvement", r"requires? improvement(?: to be good)?"),
    ("widespread and/or systemic failings", r"widespread(?: and/or| or| and)? systemic failings|widespread|systemic failings?"),
    ("inconsistent experiences and outcomes", r"inconsistent (?:experiences|outcomes)|inconsistent"),
    ("positive experiences and outcomes", r"positive (?:experiences|outcomes)"),
    ("inadequate", r"\binadequate\b"),
    ("outstanding", r"\boutstanding\b"),
    ("good", r"\bgood\b"),
    ("adequate", r"\badequate\b"),
]
SEND_GRADES = {"widespread and/or systemic failings", "inconsistent experiences and outcomes",
               "positive experiences and outcomes"}
RANK = {"outstanding": 4, "good": 3, "requires improvement": 2, "adequate": 2, "inadequate": 1,
        "positive experiences and outcomes": 3, "inconsistent experiences and outcomes": 2,
        "widespread and/or systemic failings": 1}

MANY = r"(councils?|authorities|local authorities|las|areas|local areas|partnerships|inspections|reports)"
QUALIFIERS = r"(?:(?:local|area|send|english|london|other|the|all|ilacs|sif|children's|of)\s+){0,3}"
ACROSS = re.compile(rf"\b(which|what|list(?: all)?|name(?: the)?|how many)\s+{QUALIFIERS}{MANY}\b", re.I)
HOW_MANY = re.compile(r"\bhow many\b", re.I)
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


def grades_named(question: str) -> list[str]:
    """Canonical grades in the order the question names them."""
    found, text = [], question
    for grade, pattern in GRADE_TERMS:
        for m in re.finditer(pattern, text, re.I):
            found.append((m.start(), grade))
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    return [g for _, g in sorted(found)]


def _without_grades(question: str) -> str:
    for _, pattern in GRADE_TERMS:
        question = re.sub(pattern, " ", question, flags=re.I)
    return question


def parse(question: str, intent: Intent) -> Request | None:
    """The aggregate question this is, or None for a question about particular reports' findings."""
    grades = grades_named(question)
    keys = _judgement_keys(intent, grades)
    across = bool(ACROSS.search(question)) and not intent.authorities
    rest = _without_grades(question)
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


def answer(assistant, question: str, intent: Intent, scope: Scope) -> Answer | None:
    request = parse(question, intent)
    if request is None:
        return None
    snap = assistant.snapshot()
    ids = snap.reports if scope.report_ids is None else scope.report_ids
    pool = [snap.reports[i] for i in ids if i in snap.reports]
    pool = sorted(_in_years(question, intent, pool), key=_when)
    if request.kind == "recommendations_of":
        return _recommendations_of(assistant, question, intent, pool)
    if request.kind == "recommendations":
        return _recommendations_across(assistant, question, pool)
    if request.kind == "findings":
        return _findings_by_council(assistant, question, intent, scope)
    if request.kind == "history":
        return _history(assistant, question, request, pool)
    if request.kind == "transition":
        return _transitions(assistant, question, request, pool)
    return _grade_list(assistant, question, intent, request, pool)


def _when(meta: ReportMeta) -> date:
    return meta.inspection_end or meta.published or meta.inspection_start or date.min


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
    years = sorted(years)
    return f" inspected in {', '.join(map(str, years))}" if years else ""


# -- rows cited to the page that states the grade ----------------------------------------------------
class _Rows:
    """Lines of an answer, each with its citations; a line whose quote fails verification is left out."""

    def __init__(self, assistant):
        self.assistant = assistant
        self.lines: list[str] = []
        self.citations: list[Citation] = []
        self.lead: list[Passage] = []

    def cite(self, meta: ReportMeta, page: int, quote: str) -> int | None:
        from assistant.answer import _page_passage

        citation = Citation(meta.file, page, quote, _page_passage(self.assistant, meta, page, quote), len(self.citations) + 1)
        kept, _ = verify_citations([citation], self.assistant.page_text)
        if not kept:
            return None
        self.citations.append(citation)
        if citation.passage:
            self.lead.append(citation.passage)
        return citation.marker

    def grade(self, meta: ReportMeta, key: str) -> int | None:
        from assistant.answer import _grade_quote

        quote, page = _grade_quote(self.assistant, meta, key, meta.judgements[key])
        return self.cite(meta, page, quote) if quote else None

    def answer(self, question: str, head: str, abstain_if_empty: bool = False) -> Answer:
        """`head` then the verified lines; with no verified line, a count of none is still an
        answer ("0 were judged ..."), but a list that should have had items abstains."""
        if not self.citations:
            if abstain_if_empty:
                return Answer(text=phrases.ABSTAIN, citations=[], abstained=True, passages=[], kind="abstain", question=question)
            return Answer(text=head, citations=[], abstained=False, passages=[], kind="aggregate", question=question)
        seen, passages = set(), []
        for p in self.lead:
            if p.chunk_id not in seen:
                seen.add(p.chunk_id)
                passages.append(p)
        return Answer(text="\n".join([head, *self.lines]), citations=self.citations, abstained=False,
                      passages=passages, kind="aggregate", question=question)


def _reports(n: int) -> str:
    return f"{n} indexed report{'' if n == 1 else 's'}"


def _describe(meta: ReportMeta) -> str:
    when = _when(meta)
    return f"{REPORT_TYPE_LABELS.get(meta.report_type, 'report')}, {when.strftime('%B %Y') if when != date.min else 'undated'}"


def _area(key: str) -> str:
    from assistant.answer import AREA_NAMES

    return AREA_NAMES.get(key, key.replace("_", " "))


def _grade_list(assistant, question: str, intent: Intent, request: Request, pool: list[ReportMeta]) -> Answer:
    key = request.keys[0]
    intent_years = _years_phrase(question, intent)
    graded = [m for m in pool if key in m.judgements]
    hits = [m for m in graded if m.judgements[key].grade in request.grades]
    rows = _Rows(assistant)
    for meta in hits[:MAX_ROWS]:
        if (n := rows.grade(meta, key)) is not None:
            rows.lines.append(f"- {meta.authority} ({_describe(meta)}): {meta.judgements[key].grade} [{n}]")
    grades = " or ".join(f"'{g}'" for g in request.grades)
    more = f" (the first {MAX_ROWS} shown)" if len(hits) > MAX_ROWS else ""
    missing = min(len(hits), MAX_ROWS) - len(rows.lines)
    if missing > 0:  # say so rather than show a row without its quote
        more += f" ({missing} not listed: the sentence stating the grade was not found on its page)"
    head = (f"Looked at {_reports(len(graded))} with a grade for {_area(key)}{intent_years}: "
            f"{len(hits)} {'was' if len(hits) == 1 else 'were'} judged {grades}{more}.")
    return rows.answer(question, head)


def _transitions(assistant, question: str, request: Request, pool: list[ReportMeta]) -> Answer:
    key = request.keys[0]
    by_authority: dict[str, list[ReportMeta]] = {}
    for meta in pool:
        if key in meta.judgements and meta.authority:
            by_authority.setdefault(meta.authority, []).append(meta)
    rows = _Rows(assistant)
    moves = 0
    for authority in sorted(by_authority):
        series = by_authority[authority]
        for before, after in itertools.pairwise(series):
            a, b = before.judgements[key].grade, after.judgements[key].grade
            if request.grades:
                wanted = (a, b) == tuple(request.grades)
            else:
                wanted = (RANK.get(b, 0) - RANK.get(a, 0)) * request.direction > 0
            if not wanted:
                continue
            moves += 1
            first, second = rows.grade(before, key), rows.grade(after, key)
            if first is not None and second is not None:
                rows.lines.append(f"- {authority}: {a} ({_describe(before)}) [{first}] to {b} ({_describe(after)}) [{second}]")
    what = (f"from '{request.grades[0]}' to '{request.grades[1]}'" if request.grades
            else ("to a better grade" if request.direction > 0 else "to a worse grade"))
    pairs = sum(max(0, len(s) - 1) for s in by_authority.values())
    head = (f"Looked at {sum(len(s) for s in by_authority.values())} graded reports for {_area(key)} "
            f"({len(by_authority)} councils, {pairs} pairs of consecutive graded inspections): "
            f"{moves} moved {what}.")
    return rows.answer(question, head)


def _history(assistant, question: str, request: Request, pool: list[ReportMeta]) -> Answer | None:
    keys = request.keys
    graded = [m for m in pool if any(k in m.judgements for k in keys)]
    if not graded:
        return None
    rows = _Rows(assistant)
    path = []
    for meta in graded:
        key = next(k for k in keys if k in meta.judgements)
        if (n := rows.grade(meta, key)) is not None:
            grade = meta.judgements[key].grade
            path.append(grade)
            rows.lines.append(f"- {_describe(meta)}: {_area(key)} '{grade}' [{n}]")
    authority = graded[0].authority
    head = f"Looked at {_reports(len(pool))} for {authority}; {len(graded)} carry a grade for {_area(keys[0])}"
    if len(path) > 1:
        head += f", from '{path[0]}' to '{path[-1]}':"
    else:
        head += ":"
    return rows.answer(question, head, abstain_if_empty=True)


def _recommendations_of(assistant, question: str, intent: Intent, pool: list[ReportMeta]) -> Answer | None:
    with_items = [(m, assistant.catalog.recommendations(m.report_id)) for m in pool]
    with_items = [(m, items) for m, items in with_items if items]
    if not with_items:
        return None
    if not intent.years:
        with_items = with_items[-1:]  # "What must X improve?" means its latest report
    rows = _Rows(assistant)
    for meta, items in with_items:
        cited = [f"- {text} [{n}]" for text, page in items if (n := rows.cite(meta, page, text)) is not None]
        if cited:
            rows.lines += [f"{meta.authority}, {_describe(meta)}:", *cited]
    head = f"Looked at {_reports(len(pool))} for {with_items[0][0].authority}; areas for improvement listed:"
    return rows.answer(question, head, abstain_if_empty=True)


def _recommendations_across(assistant, question: str, pool: list[ReportMeta]) -> Answer:
    topic = {t: assistant.lexical.idf(t) for t in dict.fromkeys(tokenize(question)) if t not in FRAME_WORDS}
    rows = _Rows(assistant)
    matched = 0
    for meta in pool:
        items = [(text, page) for text, page in assistant.catalog.recommendations(meta.report_id)
                 if topic and coverage(topic, set(tokenize(text))) >= MIN_TOPIC_COVERAGE]
        if not items:
            continue
        matched += 1
        if matched > MAX_ROWS:
            continue
        for text, page in items[:2]:
            if (n := rows.cite(meta, page, text)) is not None:
                rows.lines.append(f"- {meta.authority} ({_describe(meta)}): {text} [{n}]")
    words = " ".join(dict.fromkeys(_topic_words(question)))
    head = (f"Looked at the areas for improvement of {_reports(len(pool))}: "
            f"{matched} name {words or 'this topic'}.")
    return rows.answer(question, head)


def _topic_words(question: str) -> list[str]:
    """The question's own words that are not framing (for saying what was searched)."""
    return [w for w in re.findall(r"[\w'-]+", question.lower()) if not set(tokenize(w)) <= FRAME_WORDS]


def _findings_by_council(assistant, question: str, intent: Intent, scope: Scope) -> Answer:
    """Retrieve across every report in scope and give each council's best cited sentence."""
    from assistant.answer import _best_sentences
    from assistant.retrieve import term_weights, wanted_detail

    topic = " ".join(w for w in re.findall(r"[\w'&-]+", question) if not set(tokenize(w)) <= ACROSS_WORDS)
    passages = assistant.search(topic or question, k=60)
    weights = {t: w for t, w in term_weights(topic or question, assistant.lexical.idf, intent).items() if t not in ACROSS_WORDS}
    floor = max(assistant.settings.answer.min_support, MIN_GROUP_SUPPORT)
    by_authority: dict[str, list[Passage]] = {}
    for p in passages:
        by_authority.setdefault(p.report.authority or p.file, []).append(p)
    rows = _Rows(assistant)
    groups = 0
    for authority, group in by_authority.items():
        best = _best_sentences(group, weights, limit=1, wants=wanted_detail(question))
        if not best or best[0].score < floor or groups >= MAX_GROUPS:
            continue
        cand = best[0]
        if (n := rows.cite(cand.passage.report, cand.page, cand.quote)) is not None:
            groups += 1
            rows.lines.append(f"- {authority} ({_describe(cand.passage.report)}): {cand.quote} [{n}]")
    searched = len(assistant.snapshot().reports) if scope.report_ids is None else len(scope.report_ids)
    head = (f"Searched {_reports(searched)}; the best-matching passages come from {groups} "
            f"{'council' if groups == 1 else 'councils'} (one cited passage each, strongest first):")
    if not groups:
        return Answer(text=phrases.ABSTAIN, citations=[], abstained=True, passages=passages, kind="abstain", question=question)
    return rows.answer(question, head, abstain_if_empty=True)

