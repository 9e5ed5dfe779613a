"""What a question names and asks, read by rules: authorities, years and periods, months, report
types, judgement areas, grades, the shape of answer it wants, the kind of question across reports
it is, and its topic, with every word list the rules read. `read_rules` returns it all as one
typed `Intent`; assistant/parser.py puts the names, the spelling and the shape model around it.

Longer than our other modules on purpose: every way a user words a question is read here
and nowhere else, so a newcomer changes the wording in one place.

Most questions are about one council's report ("Rotherham's 2014 inspection"); finding
that report first keeps boilerplate shared by hundreds of reports from drowning the answer.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import lru_cache

from assistant.gazetteer import NamesFound, edit_distance
from assistant.intent import Across, AnyIntent, DraftIntent, Intent, Shape
from assistant.lexical import STOPWORDS, tokenize
from assistant.places import out_of_scope
from assistant.topic import EQUIVALENTS
from assistant.topic_words import ASKING, CHATTER, GRAMMAR, SELF, SOFT, VAGUE_WORDS, topic_words
from assistant.wording import english_stems
from ingest.core.vocabulary import SEND_GRADES
from ingest.normalize import collapse

MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})  # "may" is matched only before a year

REPORT_TYPE_PATTERNS = [
    ("focused-visit", r"focus(ed|sed)?[ -]visits?|monitoring visit|\bfvs?\b"),
    ("area-send", r"area send|send inspection|local area (send )?partnership|special educational needs (and|&|and/or) disabilit\w* inspection|joint (ofsted (and|&) cqc )?send"),
    ("sif-reinspection", r"re-?inspection|re-?inspected"),
    ("sif", r"\bsif\b|single inspection( framework)?"),
    ("ilacs", r"\bilacs\b|\bfull (?:(?:ofsted|children'?s services|ilacs)\s+)?inspections?\b|\b(?:standard|short) inspections?\b"),
    ("jtai", r"\bjtai\b|joint targeted area inspection"),
    ("lac", r"looked[- ]after children('s)? (services )?inspection"),
    ("lscb", r"\blscb review|review of the (local safeguarding children board|lscb)"),
    ("school", r"\bschools? inspection|\bprimary school\b"),
]

# Judgement areas as users name them -> canonical judgement keys.
JUDGEMENT_PATTERNS = [
    ("overall_effectiveness", r"overall( effectiveness| grade| judgement| rating)?|overall"),
    ("impact_of_leaders", r"impact of leaders|leadership|leaders|management and governance"),
    ("help_and_protection", r"help and protection|need(s|ing)? help|child protection"),
    ("in_care", r"children in care|looked[- ]after|in care\b|achieving permanence"),
    ("care_leavers", r"care leavers?|leaving care"),
    ("adoption", r"adoption"),
    ("lscb", r"\blscb\b|safeguarding children board"),
    ("send_outcome", r"send (inspection )?outcome|area send"),
]
GRADE_QUESTION = re.compile(
    r"\b(grade[sd]?|rat(ed|ing|e)|judge(d|s|ment)?s?|score[sd]?|verdict|outcome|outstanding|inadequate|"
    r"requires? improvement|good or|how did ofsted (rate|judge|grade|assess))\b|"
    r"\bwhat (?:did|does|do) (?:[\w'-]+\s+){1,4}?get(?:\s+for\b|\s*\??\s*$)",  # "what did Newcastle get for help and protection"
    re.I,
)
COMPARISON = re.compile(
    r"\b(compare[sd]?|comparison|change[sd]?|changing|between|since|improve[sd]?|improvement from|"
    r"progress(ed)? from|declin\w+|versus|vs\.?|than (in|at) (its|the) (previous|last|earlier)|over time|then and now|"
    r"earlier and later|trajectory)\b",
    re.I,
)
# "last year" is a period and "since their last inspection" a starting point, neither the latest report
LATEST = re.compile(r"(?<!since its )(?<!since their )(?<!since the )\b(latest|most recent|last(?!\s+(?:year|month)s?\b)|"
                    r"current|currently|newest|recent|these days|at (?:the )?(?:moment|present))\b|"
                    r"(?<!then and )(?<!from then to )\b(?:now|today)\b(?=\s*[,?.!]|\s*$)|\bright now\b|\bas of (?:now|today)\b",
                    re.I)  # "and now?", "is it outstanding now, Camden?"; not "now the weaknesses"
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


# Words that name the report rather than the finding: once retrieval is scoped to the report,
# they match its boilerplate (title, dates, footnotes) instead of the answer.
SCOPE_WORDS = set(tokenize(
    "ofsted inspection inspections inspected report reports reported council councils authority local "
    "according say said find found findings visit re-inspection reinspection sif ilacs area send cqc "
    "children's services latest recent last previous"
))
MONTH_WORDS = set(tokenize(
    "january february march april may june july august september october november december summer "
    "autumn spring winter jan feb mar apr jun jul aug sep sept oct nov dec"
))


GRADE_TERMS = [  # longest first: "requires improvement to be good" is not "good"
    ("requires improvement", r"requires? improvement(?: to be good)?|\bRI\b"),
    ("widespread and/or systemic failings", r"widespread(?: and/or| or| and)? systemic failings|widespread|systemic failings?"),
    # "arrangements typically lead to positive experiences": the area SEND outcome, said in its own words
    ("inconsistent experiences and outcomes", r"(?:(?:\w+ly )?lead(?:s|ing)? to )?inconsistent (?:experiences|outcomes)|"
                                              r"inconsistent"),
    ("positive experiences and outcomes", r"(?:(?:\w+ly )?lead(?:s|ing)? to )?positive (?:experiences|outcomes)"),
    ("inadequate", r"\binadequate\b"),
    ("outstanding", r"\boutstanding\b"),
    # "what are they good at", "good practice", "good news": praise, not the grade
    ("good", r"\bgood\b(?!\s+(?:practice|points?|news|examples?|job|things)\b)"
             r"(?!\s+at\b(?!\s+(?:a|an|the|its|their|this|that)\s+(?:\w+\s+){0,3}(?:re-?)?(?:inspection|visit)))"),
    ("adequate", r"\badequate\b"),
]


def grades_named(question: str) -> list[str]:
    """Canonical grades in the order the question names them."""
    found, text = [], question
    for grade, pattern in GRADE_TERMS:
        for m in re.finditer(pattern, text, re.I):
            found.append((m.start(), grade))
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    return [g for _, g in sorted(found)]


def without_grades(question: str) -> str:
    for _, pattern in GRADE_TERMS:
        question = re.sub(pattern, " ", question, flags=re.I)
    return question




def read_rules(question: str, names: NamesFound, rest: str, respelt: list[tuple[str, str]],
               before: Intent | None = None) -> DraftIntent:
    """What the rules read in `question`: `names` are the gazetteer's, `rest` the question with them
    taken out and its topic words spelt right (`respelt`: what was put right); `before`, the last
    turn's reading, gives a follow-up that names no council its councils (and report kind, period).
    The shape of a question the rules cannot place is decided after (assistant/shapes.py)."""
    intent = DraftIntent()
    intent.authorities, intent.unknown_places = names.authorities, names.unknown
    intent.corrections, intent.former = names.corrections, names.former
    intent.group = names.region or grade_group(question)
    intent.years = sorted({int(y) for y in YEAR.findall(question)})
    lowered = question.lower()
    intent.months = sorted({n for name, n in MONTHS.items() if re.search(rf"\b{name}\b", lowered) and name != "may"})
    if re.search(r"\bmay\s+(19|20)\d\d\b", lowered):
        intent.months.append(5)
    for report_type, pattern in REPORT_TYPE_PATTERNS:
        if re.search(pattern, lowered):
            intent.report_types.append(report_type)
    if not intent.report_types and SEND_REPORT.search(question):
        intent.report_types.append("area-send")  # "Rotherham SEND", "SEND reports": the area SEND inspection
    for key, pattern in JUDGEMENT_PATTERNS:
        if re.search(rf"\b({pattern})", lowered):
            intent.judgement_keys.append(key)
    if ("care_leavers" in intent.judgement_keys and "in_care" in intent.judgement_keys
            and not re.search(r"children in care|looked[- ]after", lowered)):
        intent.judgement_keys.remove("in_care")
    intent.asks_grade = bool(GRADE_QUESTION.search(GRADE_GROUP.sub(" ", question)))  # "in outstanding councils": a set
    intent.comparison = bool(COMPARISON.search(question)) or len(intent.years) >= 2
    intent.latest = bool(LATEST.search(question))
    intent.out_of_scope = out_of_scope(question)
    intent.year_range = year_range(question, intent.years)
    if intent.year_range and RECOMMENDATIONS.search(question) and MADE_AFTER.search(question):
        intent.year_range = None  # "the recommendations made after its 2024 inspection": that inspection's
    intent.relative_years = relative_years(question)
    read_what_it_asks(question, intent)
    if span := SPAN.search(question):
        lo, hi = sorted((int(span.group(1)), int(span.group(2))))
        intent.year_span = (lo, hi)
    intent.asks_send = bool(SEND.search(question))
    intent.asks_schools = bool(SCHOOLS.search(question))
    intent.grades = grades_named(question)
    intent.previous = bool(PREVIOUS.search(question))
    intent.corrections = intent.corrections + respelt
    intent.topic_terms = topic_terms(question, intent, rest)
    settle(question, intent)
    # vague on its own words: "what's wrong?" after a question about Leeds is still unclear
    vague = not (intent.names_report or intent.group or intent.grades or intent.topic_terms or intent.asks_grade
                 or intent.unknown_places or intent.out_of_scope or intent.shape is not Shape.FINDING
                 or intent.across is not None and intent.across.kind != "findings")
    if before is not None and follows_on(intent, before):
        intent = inherit(question, intent, before)
        intent.follows = True
        settle(question, intent)  # the shape was read again with the councils kept
        # read again with the councils: "and its weaknesses?" asks something after all
        vague = vague and intent.shape is Shape.FINDING and intent.across is None and not intent.asks_grade
    intent.vague = vague
    intent.unnamed = names.rest
    intent.detail = [kind for kind, (asks, _) in _DETAIL.items() if asks.search(question)]
    intent.grade_topic = names_topic(question, intent)
    intent.named_words = proper_names(question)
    return intent


MADE_AFTER = re.compile(r"\bafter\s+(?:its|their|the)\s+(?:19|20)\d\d\s+(?:re-?)?(?:inspection|visit)\b", re.I)


def settle(question: str, intent: DraftIntent) -> None:
    """What the shape and the question across reports become once the topic is read."""
    if intent.shape is Shape.SUMMARY and names_other_topic(intent, SUMMARY_TERMS):
        intent.shape = Shape.FINDING  # "summarise what Lancashire's report says about X": about X
    if intent.shape is Shape.COVERAGE and not intent.topic:
        intent.topic = topic_words(question, intent.topic_terms)  # "private fostering - which reports"
    if (intent.across is not None and intent.across.kind in ("grades", "count") and intent.topic_terms
            and intent.group.endswith(" councils") and not HOW_MANY.search(question)):
        # "what do the reports for outstanding-rated authorities say about early help": the grade is the set
        intent.across = Across("findings", topic=topic_words(question, intent.topic_terms),
                               topic_terms=list(intent.topic_terms))
    if intent.across is not None and intent.across.kind == "recommendations_of" and intent.topic_terms:
        # "What did Ofsted recommend to Rochdale about missing children?": those about it, or none
        intent.across = Across("recommendations_of", topic=topic_words(question, intent.topic_terms),
                               topic_terms=list(intent.topic_terms))
    if intent.shape is Shape.THEMES and HOW_COMMON.search(question) and intent.topic_terms and not intent.authorities:
        intent.shape = Shape.FINDING  # "How common is criticism of life-story work?": that topic, across the reports
    no_grade_set_for_a_change(intent, question)
    moved = UP.search(question) or DOWN.search(question)
    if intent.across is not None and intent.across.kind == "findings" and moved and not intent.topic_terms:
        # "Which councils improved between 2018 and 2025?": a change of grade, nothing else named
        intent.across = Across("transition", judgement_keys_for(intent, []), [], 1 if UP.search(question) else -1)


# "how common is X", "is X a problem across the north west?", "is that common?" made whole
HOW_COMMON = re.compile(r"\bhow (?:common|often|widespread|frequent(?:ly)?|prevalent)\b|"
                        r"^\W*(?:(?:and|so|but)\W+)?(?:is|are|was|were)\b[^?]{0,80}?\b(?:common|widespread|prevalent|"
                        r"(?:a|an)\s+(?:common\s+|wider\s+|widespread\s+|general\s+)?(?:problem|issue|concern))\b", re.I)
# "outstanding councils", "the councils rated outstanding" (not "which councils were rated outstanding",
# a question of grades, nor "from inadequate to good councils", a change)
GRADE_GROUP = re.compile(r"(?<!\bor )(?<!\band )\b(outstanding|good|inadequate|requires improvement)(?:[- ]rated)?\s+"
                         r"(?:councils|authorities|local authorities|las|areas)\b|"
                         r"\b(?:councils|authorities|local authorities|las)\s+(?:that|which)\s+(?:still\s+)?(require|need)s?"
                         r"\s+improvement\b|"
                         r"(?<!which )(?<!what )(?<!many )(?<!list )(?<!list the )(?<!which of the )"
                         r"\b(?:councils|authorities|local authorities|las)\s+(?:currently\s+)?(?:rated|graded|judged)\s+"
                         r"(outstanding|good|inadequate|requires improvement)\b(?!\s+(?:in|at|for|since|between|before|or|and)\b)",
                         re.I)


def no_grade_set_for_a_change(intent: DraftIntent, question: str) -> None:
    """"Which inadequate councils improved?": their grade then, not a set by their latest grade
    (read after the rules, and again after the shape model places a change)."""
    if intent.across is not None and intent.across.kind == "transition" and intent.group == grade_group(question) != "":
        intent.group = ""


def grade_group(question: str) -> str:
    """"outstanding councils": the councils whose latest overall grade is outstanding."""
    match = GRADE_GROUP.search(question)
    if not match or MOVE_FROM.search(question[:match.start()]):
        return ""  # "from inadequate to good councils": a change, not a set
    if match.group(2):  # "councils that require improvement"
        return "requires improvement councils"
    return f"{(match.group(1) or match.group(3)).lower()} councils"


MOVE_FROM = re.compile(r"\bfrom\s+(?:being\s+)?(?:rated\s+|judged\s+)?(?:outstanding|good|inadequate|requires improvement)\s+"
                       r"(?:to|into)\s*$", re.I)


PREVIOUS = re.compile(r"\b(previous|prior|earlier|one before|last but one|penultimate)\b", re.I)
# Words of report kinds ("area SEND", "focused visit") said as the kind, not the topic: taken out by
# their patterns, so that "disabled children" or "special educational needs support" stay a topic.
REPORT_KIND_WORDS = set(tokenize("send special educational needs disabilities area partnership"))
COUNTIES = re.compile(r"\bcount(?:ies|y)\b(?!\s+lines?\b)", re.I)  # a kind of council, but "county lines" is a topic
CHILDRENS_SERVICES = re.compile(r"\bchildren(?:\W?s)?\s+services\b", re.I)
# "Birmingham Children's Trust", written as a name: what is inspected ("children's trust boards" is a topic)
TRUST_NAME = re.compile(r"\b[Cc]hildren(?:\W?s)?\s+(?:[Ss]ervices\s+)?Trust\b")
TRUST = re.compile(r"\bchildren(?:\W?s)?\s+(?:services\s+)?trust\b", re.I)


# Our own words, and the reports' words that no English word list holds ("carers" is not "careers",
# "locum" not "locus"): never read as a misspelling
OWN_WORDS = (SCOPE_WORDS | set(tokenize("ofsted lscb lscp ilacs jtai camhs mash ehcp ehc plo sen send cqc hmi dcs adcs "
                                         "senco sencos lado iro iros carer carers paediatric paediatrician"))
             | set(tokenize(" ".join(phrase for words in EQUIVALENTS for phrase in words))))


def topic_terms(question: str, intent: AnyIntent, rest: str) -> list[str]:
    """The index terms of what the question asks about: its words once names, periods, grades,
    report kinds, the shape's own words and the asking are taken out (`rest`: the question
    with names taken out, assistant.gazetteer)."""
    frame = _frame()
    grades = set(tokenize(" ".join(intent.grades)))
    text = COUNTIES.sub(" ", CHILDRENS_SERVICES.sub(" ", without_grades(DATED.sub(" ", rest))))
    text = ASKING.sub(" ", text)  # the asking in other words
    if TRUST_NAME.search(question):
        text = TRUST.sub(" ", text)
    # who is asking ("As a councillor, ..."): read in the question as typed, whose punctuation ends the clause
    asker = set(tokenize(" ".join(m.group(0) for m in SELF.finditer(question)))) - set(tokenize(SELF.sub(" ", question)))
    if intent.across is not None and intent.across.kind == "history":
        text = TREND.sub(" ", text)  # "Manchester's Ofsted journey", "Hackney's track record": its grades over time
    for _, pattern in REPORT_TYPE_PATTERNS:
        text = re.sub(pattern, " ", text, flags=re.I)
    text = DOWN.sub(" ", UP.sub(" ", SEND_REPORT.sub(" ", text)))  # the direction of a change, not a topic
    # typed in lower case, or first: a capitalised word past the first may be a name
    typed = set(re.findall(r"(?<![\w-])[a-z]+(?![\w-])", question[:1].lower() + question[1:]))
    tokens = tokenize(text)
    kept = [t not in frame and t not in grades and t not in asker and not t.isdigit() and len(t) > 1
            and not (t in typed and _frame_typo(t)) for t in tokens]
    # a word the frame takes alone names a topic right after one of its words ("early help", "public
    # law outline"), or before one ("short breaks", "the local offer")
    terms = [t for i, t in enumerate(tokens) if kept[i] or t in SOFT_STEMS and (
        i > 0 and kept[i - 1] or t in BEFORE_STEMS and i + 1 < len(tokens) and kept[i + 1])]
    terms = [SPOKEN.get(t, t) for t in terms]  # "disabled kids": the reports' "disabled children"
    if WHO_LED.search(question) or re.search(r"\blead inspector\b", question, re.I):  # "who led it?": the lead inspector
        terms = [*LEAD_INSPECTOR, *(t for t in terms if t not in LED_WORDS)]
    terms = list(dict.fromkeys(terms))
    return [] if terms == ["children"] else terms  # every report is about children: no topic of its own


SOFT_STEMS = frozenset(tokenize(" ".join(SOFT - {"year"})))  # "caseloads this year": no topic word
BEFORE_STEMS = frozenset(tokenize("short local regional"))
SPOKEN = {"kid": "children"}  # index stems of spoken words -> the reports' own
WHO_LED = re.compile(r"\bwho\s+(?:led|lead|headed)\b|\b(?:same|which|what)\s+(?:person|inspector|hmi)\s+(?:led|lead)\b", re.I)
LEAD_INSPECTOR = tuple(tokenize("lead inspector"))
LED_WORDS = set(tokenize("led lead headed person"))


@lru_cache(maxsize=1)
def _frame() -> frozenset[str]:
    """Every word that frames a question and never names its topic."""
    frame = (WRAPPING | (SUMMARY_TERMS - REPORT_KIND_WORDS) | STRENGTH_TERMS | COMPARE_TERMS | ASKING_WORDS
             | ACROSS_WORDS | REPORT_WORDS | SCOPE_WORDS | MONTH_WORDS | VAGUE_WORDS | TOPIC_FRAME | CHATTER | GRAMMAR)
    return frozenset(frame - {"children"})  # "disabled children": the kind of report is taken out by its pattern


@lru_cache(maxsize=10_000)
def _frame_typo(word: str) -> bool:
    """"compair", "realy": a word of the asking typed with a letter left out or two swapped, not a
    topic. Only a word of five letters or more that no English word stems to is tried (shorter ones
    are put right before, assistant/wording.py, or are the reports' own: "neet", "cme")."""
    if len(word) < 5 or word in OWN_WORDS or word in english_stems():
        return False  # "neet", "cme", "mst": the reports' own short words
    for w in _frame() | STOPWORDS:
        if abs(len(w) - len(word)) > 1 or edit_distance(word, w, 1) > 1:
            continue
        if len(w) != len(word) or sorted(w) == sorted(word):  # a letter more or less, or two swapped
            return True
    return False


_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z\u00e0-\u00ff]+(?:['\u2019]s)?)\b")


def proper_names(question: str) -> list[str]:
    """Capitalised words that are not the first word of the question (candidate names)."""
    return [m.group(1).removesuffix("'s").removesuffix("\u2019s") for m in _NAME.finditer(question.strip())]


def follows_on(intent: DraftIntent, before: Intent) -> bool:
    """A question that names no place of its own, and does not ask across reports, continues the last turn's."""
    return (before.names_report and not (intent.authorities or intent.unknown_places or intent.group)
            and intent.shape not in ACROSS_REPORTS and intent.across is None and not intent.out_of_scope)


def inherit(question: str, intent: DraftIntent, previous: Intent | None) -> DraftIntent:
    """A follow-up ("And what about care leavers?") keeps the earlier turn's report scope; its
    shape is read again with the councils it now names ("And its weaknesses?")."""
    if previous is None or intent.authorities or intent.unknown_places:
        return intent
    # a period said replaces the whole period ("and now?" after "in 2017" is the latest report, not 2017's)
    said = (intent.years or intent.months or intent.latest or intent.previous or intent.year_range
            or intent.relative_years)
    period = intent if said else previous
    kept = replace(
        intent,
        authorities=list(previous.authorities),
        years=list(period.years), months=list(period.months), latest=period.latest, previous=period.previous,
        year_range=period.year_range, relative_years=list(period.relative_years),
        report_types=intent.report_types or ([] if intent.latest else list(previous.report_types)),
        judgement_keys=intent.judgement_keys or ([] if not intent.asks_grade else list(previous.judgement_keys)),
    )
    read_what_it_asks(question, kept)
    return kept


def read_what_it_asks(question: str, intent: DraftIntent) -> None:
    """What depends on the councils the question is taken to name: its shape, its kind of
    question across reports, its coverage topic (read again when a follow-up inherits them)."""
    named = len(intent.authorities) or len(intent.unknown_places) + len(intent.former)  # "Swansea grades": not indexed, still asked
    intent.shape, intent.polarity = classify(question, named, bool(grades_named(question)))
    intent.across = read_across(question, intent)
    if intent.across is not None and intent.across.kind == "history" and intent.shape is Shape.GRADES:
        intent.shape = Shape.FINDING  # "list the grades for X over time": its history, not one report's table
    if (intent.across is not None and intent.across.kind == "history" and intent.shape is Shape.COMPARISON
            and not SET_SIDE_BY_SIDE.search(question)):
        intent.shape = Shape.FINDING  # "How did Surrey's grades change between 2015 and 2025?": its history
    places = [*intent.authorities, *([intent.group] if intent.group else [])]  # "... mention X in London": a scope
    intent.topic, intent.topic_quoted = topic_phrase(question, places)
    if intent.group and intent.topic and re.search(rf"\b{re.escape(intent.group)}\b", intent.topic, re.I):
        intent.group = ""  # "Which reports mention London?": the phrase asked about, not a scope


# Shapes that ask across reports: a follow-up of this shape does not inherit the last turn's council.
ACROSS_REPORTS = {Shape.COVERAGE, Shape.THEMES}

SUMMARY = re.compile(
    r"\b(summari[sz]e|summary|summaries|overview|tell me about|key (?:findings|messages|points)|main findings)\b|"
    # "What were the findings of Ofsted's 2021 focused visit to Haringey?" (not "the findings on X")
    r"\b(?:what were|what are|give me|list) (?:the |its |their )?(?:overall )?findings (?:of|from|in)\b"
    r"(?![^?]{0,60}\b(?:about|on|regarding|for)\b)|"
    # "What did Bradford's 2014 inspection find?" (ends there: "... find about X?" is a finding question)
    r"\bwhat did\b.{0,60}?\b(inspection|report|visit|re-?inspection)s?\b.{0,40}?\b(find|say|conclude)\s*\??\s*$|"
    r"\bwhat did (?:ofsted|inspectors|the inspectors) (?:find|say|conclude) (?:about|in|at|of) (?-i:[A-Z])[\w' -]*\??\s*$|"
    # "what the 2015 LSCB review concluded", "how did its SEND inspection go?", "what happened in 2015?"
    r"\bwhat (?:the|its|their)\b.{0,60}?\b(?:inspection|report|visit|review|re-?inspection)s?\b.{0,20}?"
    r"\b(?:found|said|concluded)\s*\??\s*$|\bhow did\b.{0,50}?\b(?:inspection|visit|review)\s+go\b|"
    r"\bwhat happened (?:in|at|during)\b(?![^?]{0,60}\b(?:with|to|about|regarding|for)\b)", re.I)
GRADES = re.compile(
    r"\b(what|which|all|every|each|full|list)\b[^?]{0,40}\b(grades|ratings|judgements|judgments|areas?)\b|"
    r"\bgrade (?:table|breakdown)|\bbreakdown of\b[^?]{0,30}\b(grades|judgements)|\bsub-?judge?ments?\b|"
    r"\b(?:every|each|all the) (?:\w+ )?judge?ments?\b", re.I)
GRADE_VERB = re.compile(r"\b(grades?|graded|rated|ratings?|judged|judgements?|judgments?|scored)\b", re.I)
WEAK = re.compile(
    r"\b(weakness(?:es)?|weak (?:spots?|areas?|points?)|weakest|shortcomings?|failings|problems|criticis\w+|criticiz\w+|"
    r"what (?:went|is going|was going) wrong|struggl\w*|shortfalls?|needs? to improve|not (?:so |as |very |going )?well|less well|badly|poorly|"
    r"needed improv\w+|needs? improving|(?:could|should) (?:do|be doing) better|fell short|fall(?:s|ing)? short)\b",
    re.I)
# Across reports, "common areas for improvement" asks for shared weaknesses; of one council's
# report, "its areas for improvement" asks for its list (assistant/composers/across.py).
IMPROVE_AREAS = re.compile(r"\bareas? for (?:improvement|development)\b", re.I)
STRONG = re.compile(
    r"\b(strengths?|strong points?|shine[sd]?|shone|shining|impress(?:ed|ive|es)?|successes|what (?:works|worked|went|is going|was going) well|do(?:es|ing)? well|did well|"
    r"good practice|prais(?:e|ed|es|ing)|commended|doing right|(?:good|best) at\b(?!\s+(?:a|an|the|its|their)\s+(?:\w+\s+){0,3}"
    r"(?:re-?)?(?:inspection|visit))|excel\w*)\b", re.I)


def side_asked(question: str) -> int:
    """+1 for a question asking for strengths, -1 for weaknesses, 0 for neither or both."""
    weak, strong = bool(WEAK.search(question)), bool(STRONG.search(question))
    return 0 if weak == strong else 1 if strong else -1


COMPARE = re.compile(r"\b(compare[sd]?|comparison|comparing|versus|vs\.?|side by side|differ(?:ence|ences|ed)?)\b|"
                     r"\b(change[sd]?|changing)\b[^?]{0,30}\bbetween\b", re.I)
SET_SIDE_BY_SIDE = re.compile(r"\b(compare[sd]?|comparison|comparing|versus|vs\.?|side by side|differ\w*)\b", re.I)
IN_COMMON = re.compile(r"\b(in common|recur\w*|common|shar(?:e|ed|es|ing)|themes?)\b", re.I)
# "Which reports mention X", "How many councils' reports discuss X", "Do Haringey's reports mention X".
COVERAGE = re.compile(
    r"\b(which|what|how many|list(?: all)?|do|does|did|any)\b[^?]{0,80}?\b(reports|councils?|authorities|"
    r"inspections|areas|partnerships|letters|visits|any report|any inspection)\b[^?]{0,40}?\b(mention\w*|refers? to|referred to|"
    r"discuss\w*|talks? about|cites?|covers?|covered|use the (?:phrase|term|words?))\b", re.I)
# Terse and spoken: "X - which reports", "'staying put' count", "how often does X come up?", "councils that mention
# it" (not of weaknesses or strengths: "what problems come up most often" asks for the common ones)
COVERAGE_SPOKEN = re.compile(
    r"[-\u2013:]\s*(?:which|what) (?:reports|inspections)\s*\??\s*$|\b(?:count|mentions)\s*\??\s*$|\bhow often\b|\b(?:comes?|crops?) up\b|"
    r"\b(?:reports|councils|inspections|authorities|visits|letters)\s+(?:that|which)\s+(?:mention|refer|discuss|cover)", re.I)
THEMES = re.compile(
    r"\b(common|commonly|recurring|recurrent|typical|typically|themes?|patterns?|frequent\w*|often|usually|"
    r"shared|across (?:the )?(?:councils|authorities|reports|areas))\b", re.I)
GRADE_PHRASES = re.compile(r"widespread(?: and/or| or| and)? systemic failings|requires? improvement|"
                           r"positive experiences|inconsistent experiences", re.I)
HOW_MANY = re.compile(r"\bhow many\b", re.I)
MANY = re.compile(r"\b(councils|authorities|local authorities|areas|reports|inspections|partnerships)\b", re.I)


def classify(question: str, councils: int, names_grade: bool) -> tuple[Shape, int]:
    """(shape, polarity): polarity -1 asks for weaknesses, +1 for strengths, 0 for both or n/a.

    `councils`: how many indexed councils the question names; `names_grade`: it names a
    grade ("rated inadequate"), which makes a set of councils out of a plural noun.
    """
    wording = GRADE_PHRASES.sub(" ", question)  # "systemic failings" is a grade, not a question about failings
    weak = bool(WEAK.search(wording)) or (councils == 0 and bool(IMPROVE_AREAS.search(wording)))
    strong = bool(STRONG.search(wording))
    polarity = -1 if weak and not strong else 1 if strong and not weak else 0
    if (COVERAGE.search(question) or (COVERAGE_SPOKEN.search(question) and not (weak or strong))) \
            and not SUMMARY.search(question):
        return Shape.COVERAGE, 0
    if councils == 0 and (weak or strong) and not HOW_MANY.search(question) and (
            THEMES.search(question) or (names_grade and MANY.search(question))):
        return Shape.THEMES, polarity
    if councils == 0 and names_grade and MANY.search(question) and IN_COMMON.search(question):
        return Shape.THEMES, polarity  # "What do councils rated outstanding for leaders have in common?"
    if councils > 1 and IN_COMMON.search(question):  # "What did Rotherham (2014) and Lambeth (2015) have in common?"
        return Shape.THEMES, polarity
    if councils == 0:
        return Shape.FINDING, 0
    if COMPARE.search(question):
        return Shape.COMPARISON, 0
    if SUMMARY.search(question) and not (councils == 1 and polarity):  # "summarise its weaknesses": those
        return Shape.SUMMARY, 0
    if GRADES.search(question) and GRADE_VERB.search(question):
        return Shape.GRADES, 0
    if (weak or strong) and councils == 1:
        return Shape.STRENGTHS, polarity
    return Shape.FINDING, 0


# The words of "How did Ofsted rate X's children's services in 2015?": a grade question that
# names nothing else asks for the headline grade; one that names a topic ("services for
# missing children") asks what the report found about it.
GRADE_FRAME = set(tokenize(
    "how what was were is are did does do rate rated rating ratings grade graded grades judge judged judgement "
    "judgements score scored verdict outcome outcomes services service children's children overall effectiveness "
    "ofsted inspection inspections inspectors report get got give given receive received the its their it in of "
    "for at by on and latest most recent last previous first council's council local authority "
    "outstanding good inadequate requires require improvement adequate headline partnership partnership's arrangements"
)) | SCOPE_WORDS | MONTH_WORDS


TOPIC_FRAME = GRADE_FRAME - set(tokenize("children care leavers help protection adoption"))
TOPIC_FRAME |= set(tokenize("mention mentions mentioned discuss discusses discussed refer refers referred talk talks "
                            "cite cites phrase term word words quote quotes common commonly recurring typical themes "
                            "pattern patterns often across compared improve improved decline declined change changed "
                            "history over time years year since between recommend recommended recommendations "
                            "councils authorities boroughs las region regions"))


def names_topic(question: str, intent: AnyIntent) -> bool:
    named = set(tokenize(" ".join(intent.authorities))) | {str(y) for y in intent.years}
    return any(t not in GRADE_FRAME and t not in named and not t.isdigit() for t in tokenize(question))


# How users name judgement areas and ask to set reports side by side: a comparison in these
# words alone asks for the grade table; one naming anything else ("population") asks what
# each report says about that.
AREA_TERMS = set(tokenize(
    "help protection need needs children care leavers looked after leaving leaders leadership impact management "
    "governance adoption permanence achieving experiences progress overall effectiveness lscb board"))
COMPARE_TERMS = set(tokenize("compare compared comparison comparing differ difference versus vs side between with "
                             "change changed changes inspections reports judgements grades ratings results result"))


# The words of a summary or strengths question about a whole report: anything else names a
# topic ("Tell me about corporate parenting in Bracknell Forest"), which a finding answers.
SUMMARY_TERMS = set(tokenize(
    "summarise summarize summary summaries overview tell me about key main findings messages points give say said "
    "find found conclude concluded send special educational needs disabilities area partnership focused visit "
    "letter latest recent last most"))
STRENGTH_TERMS = set(tokenize(
    "weakness weaknesses weak spots shortcomings failings problems criticised criticized criticism wrong need needs "
    "improve improvement strengths strength strong points well works worked going went good practice praised "
    "commended doing right main key biggest major areas what were are shine shines shone shining impress impressed "
    "impressive impresses successes struggle struggles struggling struggled shortfall shortfalls"))


# How people wrap a request and open a follow-up: "Could you give me...", "What about its...",
# "ok and ...". Never a topic.
WRAPPING = set(tokenize(
    "about please could would can you give me show tell let i we need want like know wondering looking "
    "and so ok okay also then what how which thanks thank just quick quickly brief briefly one before previous "
    "earlier prior"))


def names_other_topic(intent: AnyIntent, frame: set[str] = COMPARE_TERMS) -> bool:
    """The question names a topic beyond the report, its judgement areas and the shape's own
    words (`frame`): it wants what the reports say about that topic, a finding."""
    named = set(tokenize(" ".join(intent.authorities))) | {str(y) for y in intent.years}
    skip = GRADE_FRAME | AREA_TERMS | WRAPPING | frame | named
    return any(t not in skip and not t.isdigit() for t in intent.topic_terms)  # names, periods, asking already out


# -- periods ------------------------------------------------------------------------------------------
# "from 2019 onwards" is a period; "the inspections from 2019" are of that year
RANGE_SINCE = re.compile(r"\b(?:(?:since|after)\s+(?:(?:its|their|the)\s+)?(19|20)\d\d\b(?!\s*(?:to|and|-)\s*(?:19|20)\d\d)|"
                         r"from\s+(19|20)\d\d\s*(?:onwards?|on\b|forwards?)|"
                         # "since it was judged inadequate in 2017", "from the 2013 inspection through to today"
                         r"since\s+(?:it|they|its|their|the)\b[^?.!;,]{0,50}?\bin\s+(19|20)\d\d\b|"
                         r"from\s+(?:the\s+|its\s+|their\s+)?(19|20)\d\d\b[^?.!;]{0,60}?\b(?:to|through|until|till)\s+"
                         r"(?:today|now|date|the present|the latest|the most recent)\b)", re.I)
# "between 2014 and 2017", "from 2014 to 2017", "2014 to 2017", "2014–2017": the years between, both in
RANGE_BETWEEN = re.compile(r"\b(?:(between|from)\s+)?((19|20)\d\d)\s*((?(1)(?:and|-)|(?!))|to|\u2013)\s*((19|20)\d\d)\b",
                           re.I)
# "before 2019": to 2018; "up to 2019": 2019 in
RANGE_BEFORE = re.compile(r"\b(?:(before|prior to|pre-?)|until|till|up to|up until)\s*((?:19|20)\d\d)\b", re.I)
# "published before 2019", "inspected in 2024": when, not what about
DATED = re.compile(r"\b(?:published|inspected|dated|written)\s+(?:before|after|since|in|between|from|during|until|"
                   r"prior to)\s+(?:19|20)\d\d\b", re.I)
SPAN = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|\u2013|to)\s*((?:19|20)\d\d)\b")
SEND = re.compile(r"\b(send|special educational needs|disabilit\w*|ehc\w*)\b", re.I)
# SEND as the kind of report: written in capitals ("Rotherham SEND"), or before a report word
# (lower-case "send" only before a word no verb takes: "send reports" is sending them)
SEND_REPORT = re.compile(r"(?-i:\bSEND\b)|\bsend\s+(?:inspections?|outcomes?|judgements?|areas?|partnerships?)\b", re.I)
SCHOOLS = re.compile(r"\bschools?\b", re.I)
LAST_YEAR = re.compile(r"\b(last|previous) year\b", re.I)
THIS_YEAR = re.compile(r"\bthis year\b", re.I)


def year_range(question: str, years: list[int]) -> tuple[int, int] | None:
    if match := RANGE_BETWEEN.search(question):
        lo, hi = sorted((int(match.group(2)), int(match.group(5))))
        return lo, hi
    since = RANGE_SINCE.search(question)
    if before := RANGE_BEFORE.search(question):
        end = int(before.group(2)) - bool(before.group(1))
        found = YEAR.search(since.group(0)) if since else None
        start = int(found.group(0)) if found else 0  # "since 2015 but before 2019"
        return (start, end) if start <= end else None
    if years and since:
        return min(years), 9999
    return None


def relative_years(question: str) -> list[int]:
    """"last year" is the calendar year before today's, "this year" today's."""
    today = date.today().year
    return [y for y, pattern in ((today - 1, LAST_YEAR), (today, THIS_YEAR)) if pattern.search(question)]


# -- questions across reports, answered from the reports table (assistant/composers/across.py) -------------
ACROSS_NOUNS = r"(councils?|authorities|local authorities|las|areas|local areas|partnerships|inspections|reports|boroughs|counties)"
QUALIFIERS = r"(?:(?:local|area|send|english|london|other|the|all|ilacs|sif|children's|of)\s+){0,3}"
ACROSS = re.compile(rf"\b(which|what|list(?: all)?|name(?: the)?|how many|any)\s+{QUALIFIERS}{ACROSS_NOUNS}\b", re.I)
JUDGED = re.compile(r"\b(judged|rated|graded|grades?|gradings?|ratings?|judgements?|outcomes?|found|received|got|given)\b", re.I)
UP = re.compile(r"\b(improv\w*|rose|risen|climb\w*|(?:went|gone|moved|go) up|better|upgraded|"
                r"(?:moved|move|got|get|getting|came|come|climbed) out of)\b", re.I)
DOWN = re.compile(r"\b(declin\w*|fell|fallen|drops?(?=\s+(?:to|from|a|down|one|by)\b)|dropp\w*|slipp\w*|deteriorat\w*|worse\w*|downgraded|(?:went|gone|go|going|moved) "
                  r"(?:down(?:hill)?|backwards?)|downhill)\b", re.I)
FROM_TO = re.compile(r"\bfrom\b.*\bto\b", re.I)
TREND = re.compile(r"\b(chang\w*|over time|since|trends?|history|trajector(?:y|ies)|journey|always|oldest to newest|over the (?:last|past|years)|moved|"
                   r"improv\w*|declin\w*|onwards?|successive|in (?:date )?order|oldest first|from the first|"
                   r"each of (?:its|their) (?:\w+ )?inspections|every (?:\w+ )?(?:grade|judgement|rating)s? .{0,40}"
                   r"(?:received|had|given|got)|timeline|ever|each time|every time|all (?:of )?(?:its|their) (?:\w+ )?inspections|"
                   r"across (?:its|their|the) (?:\w+ )?(?:inspections|sif|re-?inspection)|(?:gone|went|go|goes) (?:up|down)|"
                   r"climb\w*|slipp?\w*|(?:got|get|getting|climbed|moved) out of|before it was|track record|previous and latest|"
                   r"latest and previous|from (?:19|20)\d\d\s*(?:on|onwards?|forwards?))\b", re.I)
NUMBER = re.compile(r"\b(number|numbers|how many|proportion|percentage)\b", re.I)
RECOMMENDATIONS = re.compile(
    r"\b(?:tell|told|ask|asked|want|wanted|require|required)\b[^?]{0,40}\bto improve\b|"  # "tell Manchester to improve"
    r"\b(areas? for (?:priority action|improvement)|what needs to improve|recommend\w*|told to improve|"
    r"asked to improve|needs? to improve|required to improve|improvement actions?|priority actions?|next steps|to-?do list|"
    r"(?:tell|told|want|wants|wanted|ask|asked)\b[^?]{0,30}\bto (?:go away and )?fix|"
    r"(?:want|wants|wanted|expect|expects)\s+(?:them|it|the council|the authority|\w+)\s+to\s+(?:do|change))\b", re.I)
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


def read_across(question: str, intent: AnyIntent) -> Across | None:
    """The question across reports this is, or None for one about particular reports' findings."""
    grades = grades_named(question)
    keys = judgement_keys_for(intent, grades)
    across = bool(ACROSS.search(question)) and not intent.authorities
    rest = without_grades(question)
    if intent.authorities and len(intent.authorities) == 1:
        if RECOMMENDATIONS.search(question):  # its topic, if any, is read with the others (read_rules)
            return Across("recommendations_of")
        graded = intent.asks_grade or bool(grades) or "overall_effectiveness" in intent.judgement_keys
        one_year = len(intent.years) == 1 and not (RANGE_SINCE.search(question) or RANGE_BETWEEN.search(question))
        several = len(intent.years) >= 3 or RANGE_BETWEEN.search(question) or SPAN.search(question)
        if graded and (TREND.search(rest) or several) and not one_year and not NUMBER.search(question):
            return Across("history", keys)  # "grades in 2014, 2016 and 2019", "grades 2017 to 2024"
        return None
    if not across:
        return None
    if grades and (FROM_TO.search(question) or UP.search(rest) or DOWN.search(rest)) and len(grades) >= 2:
        return Across("transition", keys, grades[:2])
    if not grades and (intent.asks_grade or intent.judgement_keys) and (UP.search(rest) or DOWN.search(rest)):
        return Across("transition", keys, [], 1 if UP.search(rest) else -1)
    if len(grades) == 1 and moved_near_grade(question):
        return one_grade_move(question, rest, keys, grades[0])
    if grades and (intent.asks_grade or JUDGED.search(question) or set(grades) & SEND_GRADES):
        return Across("count" if HOW_MANY.search(question) else "grades", keys, grades)
    if RECOMMENDATIONS.search(question):
        words = [w for w in re.findall(r"[\w'-]+", question.lower()) if not set(tokenize(w)) <= FRAME_WORDS]
        terms = [t for t in dict.fromkeys(tokenize(question)) if t not in FRAME_WORDS]
        return Across("recommendations", topic=" ".join(dict.fromkeys(words)), topic_terms=terms)
    topic = " ".join(w for w in re.findall(r"[\w'&-]+", question) if not set(tokenize(w)) <= ACROSS_WORDS)
    terms = [t for t in dict.fromkeys(tokenize(topic or question)) if t not in ACROSS_WORDS]
    return Across("findings", topic=topic, topic_terms=terms)


# "slipped to inadequate": the grade a move ends at (else it starts there)
MOVE_TO = re.compile(r"\b(?:to|into)\s+$", re.I)


# A grade's own move, said by a verb of moving a few words from the grade ("moved out of inadequate",
# "rated good and then declined"), not "rated inadequate, and what needed to improve?"
MOVED = (r"(?:improved|declined|deteriorated|slipped|fell(?: back)?|fallen|dropped|moved|climbed|rose|"
         r"(?:went|gone|got|get|getting) (?:up|down|better|worse)|(?:moved|got|get|getting|came|come|climbed) out of)")


def moved_near_grade(question: str) -> bool:
    """The question says a grade changed: a verb of moving within four words of a grade, in one clause."""
    for _, pattern in GRADE_TERMS:
        grade = rf"(?:{pattern})"
        near = rf"\b{MOVED}\b(?:[^\w,;?.!]+\w+){{0,4}}?[^\w,;?.!]+{grade}|{grade}(?:[^\w,;?.!]+\w+){{0,4}}?[^\w,;?.!]+{MOVED}\b"
        if re.search(near, question, re.I):
            return True
    return False


def one_grade_move(question: str, rest: str, keys: list[str], grade: str) -> Across:
    """A change of grade with one end named: `grades` holds it at its end ("", the other); the grade
    is where a move ends only after "to" ("slipped to inadequate"), else where it starts ("declined
    after being rated outstanding", "moved out of inadequate")."""
    direction = -1 if DOWN.search(rest) and not UP.search(rest) else 1
    at = next((m.start() for _, p in GRADE_TERMS for m in re.finditer(p, question, re.I)), 0)
    ends_at = bool(MOVE_TO.search(question[:at]))
    return Across("transition", keys, ["", grade] if ends_at else [grade, ""], direction)


def judgement_keys_for(intent: AnyIntent, grades: list[str]) -> list[str]:
    if grades and set(grades) <= SEND_GRADES:
        return ["send_outcome"]
    keys = [k for k in intent.judgement_keys if k != "send_outcome"]
    return keys or ["overall_effectiveness"]


# -- what a finding question asks for, and what it is about -------------------------------------------
_DETAIL = {  # what kind of detail a question asks for, and how a sentence shows it
    "number": (re.compile(r"\bhow many\b|\bnumber of\b|\bhow much\b|\bproportion\b|\bpercentage\b|\bcaseloads?\b|\bpopulation\b", re.I), re.compile(r"\d")),
    "date": (re.compile(r"^\s*when\b|\bwhat (date|dates|month|year)\b|\bwhich (date|month|year)\b", re.I), re.compile(r"\b(19|20)\d\d\b")),
    "person": (re.compile(r"^\s*who\b|\bwhich (inspector|hmi)\b|\blead inspector\b|\bname of\b", re.I), re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z'-]+\b")),
}


def wanted_detail(intent: AnyIntent) -> list[re.Pattern]:
    """Patterns a sentence matches when it holds the kind of detail the question asks for."""
    return [_DETAIL[kind][1] for kind in intent.detail]


# "What do inspectors say about X": the asking, not the topic. Left out of a sentence's score
# when one report is read on its own, where they would match its every "inspectors saw".
ASKING_WORDS = set(tokenize("what which how do does did about say says said tell me inspector inspectors find found "
                            "think thought report reports"))


# -- the phrase a coverage question asks about ("Which reports mention 'staying put'?") -------------
# A phrase in double quotes, or in single quotes that are not apostrophes ("Lambeth's").
QUOTED = re.compile(r"[\"\u201c]([^\"\u201d]{2,120})[\"\u201d]|(?<!\w)['\u2018]([^'\u2019]{2,120})['\u2019](?!\w)")
AFTER_VERB = re.compile(
    r"\b(?:mention\w*|refers? to|referred to|discuss\w*|talks? about|cites?|"
    r"use the (?:phrase|term|words?))\s+(.+?)\s*[?.!]*$", re.I)
# Scope words at the end of the phrase ("... in their reports", "... in 2024") are not the phrase.
TRAILING = re.compile(
    r"(\s+(in|across|among|from|during|of)\s+(their|its|the|any|all|these|those)?\s*(reports?|inspections?|councils?|"
    r"authorities|letters|visits)\b.*|\s+(in|since|from|before|after|during|between)\s+(19|20)\d\d\b.*|"
    r"\s+at all|\s+anywhere|\s*\([^()]*\)|\s*,?\s+and (?:how many|which|where|what|list|name)\b.*)$", re.I)
# "(London)": the scope a follow-up kept; ", and how many are there": a second ask
LEADING = re.compile(r"^(the (?:phrase|term|words?)|anything about|about|on|any|the|a|an)\s+", re.I)
# "Is Signs of Safety mentioned anywhere?": the phrase before a passive verb
PASSIVE_VERB = re.compile(r"\b(?:mentioned|discussed|referred to|cited)\b", re.I)
PASSIVE = re.compile(r"\b(?:is|are|was|were|has|have)\s+(?:the\s+)?(.+?)\s+(?:ever\s+|been\s+)*(?:mentioned|discussed|"
                     r"referred to|cited)\b", re.I)


def topic_phrase(question: str, places: list[str]) -> tuple[str, bool]:
    """(phrase, quoted) the question asks about, '' if none can be read."""
    if match := QUOTED.search(question):
        return collapse(match.group(1) or match.group(2)), True
    match = AFTER_VERB.search(question)
    phrase = match.group(1) if match else ""
    for place in sorted(places, key=len, reverse=True):  # "... mention X in Haringey"
        phrase = re.sub(rf"\s+(in|at|for|by)\s+{re.escape(place)}\b.*$", "", phrase, flags=re.I)
    phrase = TRAILING.sub("", f" {phrase}").strip()  # "mentioned in any report": no phrase after the verb
    phrase = LEADING.sub("", phrase).strip(" ,;:")
    if not set(tokenize(phrase)) - CHATTER - VAGUE_WORDS and PASSIVE_VERB.search(question):
        passive = PASSIVE.search(question)
        phrase = TRAILING.sub("", f" {passive.group(1)}").strip() if passive else ""
        phrase = phrase if set(tokenize(phrase)) - CHATTER - VAGUE_WORDS else ""  # "Where is it mentioned?"
    return collapse(phrase), False
