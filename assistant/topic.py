"""A topic as the user means it, found in a report's own words.

"agency social workers" is discussed by a sentence about "agency staff" or "agency workers";
"COVID-19" by one about "the pandemic" or "coronavirus"; "UASC" by "unaccompanied asylum-seeking
children". A topic is read into groups of words: each group a word of the topic (any of its forms:
"exploit" for "exploitation", "exploited") or a class of words the reports use for the same thing
(`EQUIVALENTS`, acronyms and their expansions among them). A sentence
discusses the topic when it holds every group. A loose regular expression finds the candidate
sentences of a page, so a scan of every page of every report in scope stays fast, and a candidate
is kept only when its words' index stems hold the topic's; `counted` says in words what was
looked for, so an answer can state what it counted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from assistant.lexical import tokenize
from ingest.normalize import collapse
from ingest.sentences import sentence_spans
from ingest.wordpieces import known_words

# Words the reports use for one thing, and acronyms with what they stand for: a topic naming one
# of them is discussed by any of them (the first is how an answer names the class). Forms of one
# word need no class ("fostering", "foster carers"): a topic word matches its stem's forms.
EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    ("social workers", "workers", "staff", "practitioners", "social worker", "worker", "staffing", "practitioner",
     "workforce", "locums", "locum"),
    ("covid-19", "covid", "coronavirus", "pandemic", "lockdown", "lockdowns"),
    ("front door", "mash", "multi-agency safeguarding hub", "multi agency safeguarding hub"),
    ("care leavers", "care leaver", "leaving care"),
    ("children in care", "looked after children", "looked-after children", "children looked after", "child in care",
     "children and young people in care", "young people in care", "children we look after", "children we care for"),
    ("child sexual exploitation", "cse"), ("child criminal exploitation", "criminal exploitation", "cce", "criminally exploited",
                                                            "criminal and sexual exploitation", "sexual and criminal exploitation",
                                                            "gang exploitation"),
    ("designated officer", "lado", "local authority designated officer", "allegations against staff",
     "allegations against adults", "allegations against professionals"),
    ("public law outline", "plo", "pre-proceedings"), ("independent reviewing officer", "iro", "iros"),
    ("education, health and care", "ehc", "ehcp", "ehcps", "ehc plan", "ehc plans"),
    ("unaccompanied asylum-seeking children", "uasc", "unaccompanied children", "unaccompanied asylum seeking children"),
    ("assessed and supported year in employment", "asye", "newly qualified social workers", "newly qualified social worker",
     "nqsw", "nqsws"), ("special guardianship", "sgo", "sgos"),
    ("family group conference", "fgc", "fgcs", "family group conferencing", "family group decision-making",
     "family group decision making"),
    ("child and adolescent mental health services", "camhs"),
    ("children missing education", "children missing from education", "cme"),
    ("return home interview", "rhi", "rhis", "return interview", "return home conversation"),
    ("personal education plan", "pep", "peps"), ("deprivation of liberty", "dols"),
    ("bed and breakfast", "b&b"), ("director of children's services", "dcs"),
    ("children in need", "child in need", "cin"),
    ("elective home education", "ehe", "electively home educated", "elective home-education", "home educated",
     "home-educated", "home education"),
    ("extra-familial harm", "extra familial harm", "extra-familial risk", "extra-familial risks", "harm outside the home",
     "risks outside the home", "extra-familial abuse"),
    ("out of area", "out-of-area", "out of authority", "out-of-authority", "out of borough", "out of county",
     "out of the area", "outside the area", "outside the local area", "outside the local authority", "at a distance from home",
     "distance from home", "some distance from", "far from home"),
    ("missing from home", "missing from care", "go missing", "goes missing", "going missing", "went missing",
     "missing episodes", "missing episode", "missing children", "missing from home or care"),
    ("case recording", "case records", "case record", "case notes", "recording"),
    ("school exclusions", "school exclusion", "exclusions from school", "exclusion from school", "excluded from school",
     "permanent exclusions", "permanent exclusion", "fixed-term exclusions", "exclusions", "suspensions", "suspension"),
    ("voice of the child", "voice of children", "voices of children", "voice of young people", "child's voice",
     "children's voices", "children's voice", "wishes and feelings"),
    ("speech and language therapy", "speech and language", "salt", "speech and language therapists"),
    ("substance misuse", "substance use", "drug and alcohol", "drugs and alcohol", "alcohol misuse", "drug misuse"),
    ("timeliness", "timely", "delay", "delays", "delayed", "timescales", "untimely"),
    ("waiting times", "waiting lists", "waiting list", "waiting time", "waits", "wait", "waiting"),
    ("unregistered placements", "unregistered children's homes", "unregistered homes", "unregistered home",
     "unregistered provision", "unregistered settings", "unregistered setting", "unregistered placement",
     "unregulated placements", "unregulated placement", "unregistered children's home"),
    ("sufficiency", "placement sufficiency", "shortage of placements", "lack of placements"),
    ("semi-independent accommodation", "semi-independent", "semi independent", "supported accommodation",
     "supported lodgings"),
)
# Classes naming people every report is about: a topic's qualifier needs only its page to name them
# (not the staff: "recruitment of social workers" is not "recruitment of foster carers" on a page about staff)
PEOPLE = [words for words in EQUIVALENTS if words[0] in ("care leavers", "children in care")]
STAFF = EQUIVALENTS[0]  # the words for a council's staff: alone, no topic ("agency or locum social workers")
OURS = {w for words in EQUIVALENTS for w in words}
SHORTEST_ACRONYM = 3  # "AI", "CP", "PA": two letters stand for too many things
# Words every report uses: never a reading of a topic on their own beside a fuller one
COMMON = set(tokenize("care home homes health education school schools family families child children young people "
                      "plan plans social need needs safety risk risks help staff parents carers placement placements"))
# Classes of what is said about a thing ("timeliness of EHC plans", "CAMHS waiting times"): a group of their own
ASPECTS = [words for words in EQUIVALENTS if words[0] in ("timeliness", "waiting times", "sufficiency")]
# A topic word this general names no group of its own beside others ("the impact of COVID-19")
GENERAL = set(tokenize("impact effect effects use quality issue issues practice work support services service "
                       "arrangements approach provision level levels high low good poor strong weak better worse "
                       "partnership partners etc long longer "
                       # what a named programme is called around its name ("the Mockingbird model", "the X app")
                       "model models programme programmes program project projects scheme schemes initiative "
                       "initiatives tool tools app apps method"))
MULTI_AGENCY = re.compile(r"\bmulti[\s-]?agency\b")  # a general word; "agency" alone is a topic word
JOIN = re.compile(r"\s+(?:or|and)\s+|\s*[/&+]\s*", re.I)  # either side of it is the topic
AND = re.compile(r"\s+and\s+|\s*[&+]\s*", re.I)
PREPOSITIONS = {"of", "for", "in", "on", "under", "with", "to", "from", "about", "among", "within", "by", "at"}
PHRASE_GAP = PREPOSITIONS | {"the", "a", "an", "and", "their", "its"}  # short words a phrase may have between its words
CLASS = "\ue000"  # stands for a class of words while a topic is read (a character nobody types)
MOST_GROUPS = 3  # a long topic ("supervision of social workers, reflective, regular...") by its first three


@dataclass(frozen=True)
class Group:
    said: str  # how the answer names it: "social workers, workers, staff or practitioners"
    pattern: re.Pattern
    words: int = 1  # the topic's words it stands for: a class of words is one
    stems: frozenset[str] = frozenset()  # index terms a sentence must hold ("polic" for police, not "polici")
    on_page: bool = False  # held by the sentence's page, not the sentence ("pathway plans for care leavers")
    needles: tuple[str, ...] = ()  # lower-case text one of which a page holding the group holds (a fast first look)


def _class_body(words: tuple[str, ...]) -> str:
    parts = sorted((r"[\s-]+".join(map(re.escape, w.split())) for w in words), key=len, reverse=True)
    return rf"(?:{'|'.join(parts)})(?:s|es|'s)?"


@lru_cache(maxsize=1024)  # the classes' phrases, one each
def _any_phrase(words: tuple[str, ...]) -> re.Pattern:
    """Any of the phrases as whole words, a last word in its plural or possessive."""
    return re.compile(rf"(?<![\w-]){_class_body(words)}(?![\w-])", re.I)


def _phrase(run: list[str], classes: list[tuple[str, ...]]) -> re.Pattern:
    """Topic words as written together (a short word or two between them allowed), each in any of
    its forms ("case recording" -> "case records"), a class as any of its words ("agency staff" for
    "agency social workers"). The stem is a loose prefix here ("polic" finds "policies" too): a
    sentence found is kept only when its words' stems hold the topic's (`TopicMatcher.sentences`)."""
    parts = []
    for word in run:
        if word.startswith(CLASS):
            parts.append(_class_body(classes[int(word[1:])]))
            continue
        parts.append(re.escape(_prefix(word)) + r"[\w']*")
    between = rf"[\s-]+(?:(?:{'|'.join(sorted(PHRASE_GAP))})[\s-]+){{0,2}}"  # "admitted to hospital"
    return re.compile(r"(?<![\w-])" + between.join(parts) + r"(?![\w-])" * run[-1].startswith(CLASS), re.I)


def _prefix(word: str) -> str:
    """What every form of a topic word begins with: its index stem ("polic"), or the word."""
    stem = (tokenize(word) or [word])[0]
    stem = stem[:-1] if stem.endswith("i") else stem  # "babi": "baby" and "babies"
    return stem if len(stem) >= 3 and word.startswith(stem) else word


def _needles(run: list[str], classes: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The text a page holding the run must hold: its first word's beginning, or one of a class's."""
    first = run[0]
    if first.startswith(CLASS):
        return tuple(dict.fromkeys(phrase.split()[0].lower() for phrase in classes[int(first[1:])]))
    return (_prefix(first).lower(),)


class TopicMatcher:
    """Finds the sentences of a page that discuss a topic."""

    def __init__(self, topic: str, quote_words: int = 60, acronyms: Mapping[str, str] | None = None):
        """`acronyms`: those the indexed reports define (assistant/acronyms.py), acronym -> spelt out."""
        self.topic = collapse(topic)
        self.quote_words = quote_words
        # an acronym the reports define is read spelt out too, and the other way round
        texts = [self.topic] + [_swap(self.topic, spelt, acronym) for spelt, acronym in _defined(self.topic, acronyms or {})]
        self.alternatives = list(dict.fromkeys(alt for text in texts for alt in _readings(text)))

    @property
    def groups(self) -> tuple[Group, ...]:
        return tuple(g for alternative in self.alternatives for g in alternative)

    @property
    def words(self) -> int:
        """The most words a reading asks for: a named topic has few, a described one many (its
        parts either side of an "and" are fewer: "hospitals and midwives to protect unborn babies")."""
        return max((sum(g.words for g in groups) for groups in self.alternatives), default=0)

    @property
    def counted(self) -> str:
        """What a sentence must hold, in words: "\u201cagency\u201d and \u201csocial workers\u201d (or workers, staff...)",
        and what its page must: "\u201cpathway plans\u201d, on a page with \u201ccare leavers\u201d"."""
        def said(groups: tuple[Group, ...]) -> str:
            page = [g.said for g in groups if g.on_page]
            text = " and ".join(g.said for g in groups if not g.on_page)
            return text + (f", on a page with {' and '.join(page)}" if page else "")
        return "; or ".join(map(said, self.alternatives))

    def find(self, page: str) -> str | None:
        """The first sentence of `page` that discusses the topic, or None."""
        found = self.sentences(page)
        return found[0] if found else None

    def sentences(self, page: str) -> list[str]:
        """The sentences of `page` (for_match text) that discuss the topic, in page order."""
        held: dict[Group, bool] = {}  # a group several readings share is looked for once a page
        lower = page.lower()

        def holds(group: Group) -> bool:
            if group not in held:
                held[group] = any(n in lower for n in group.needles) and bool(group.pattern.search(page))
            return held[group]

        possible = [groups for groups in self.alternatives if all(holds(g) for g in groups)]
        if not possible:
            return []
        out = []
        for a, b in sentence_spans(page):
            text = page[a:b]
            for groups in possible:
                inside = [g for g in groups if not g.on_page]
                found = [g.pattern.search(text) for g in inside]
                if all(found) and all(g.stems <= set(tokenize(text)) for g in inside if g.stems):
                    at = len(text[: min(m.start() for m in found if m)].split())  # the word the topic starts at
                    out.append(_trim(collapse(text), self.quote_words, at))
                    break
        return out


def _defined(topic: str, acronyms: Mapping[str, str]) -> list[tuple[str, str]]:
    """(spelt out, acronym) of the reports' own acronyms the topic names either way ("FGM",
    "female genital mutilation"); an acronym that is also a word ("map", "send") only in capitals."""
    typed = re.findall(r"[\w&']+", topic)  # "FGM", "fgm", "SGOs"
    plural = [w[:-1] for w in typed if w.endswith("s") and w[:-1].isupper()]
    capitals = {w.lower() for w in typed + plural if w.isupper()}
    words = {w.lower() for w in typed + plural}
    joined = f" {' '.join(w.lower() for w in typed)} "
    found: list[tuple[str, str]] = []
    for acronym, spelt in acronyms.items():
        if acronym in OURS or spelt in OURS or len(acronym) < SHORTEST_ACRONYM:
            continue
        english = acronym in known_words()
        if acronym in (capitals if english else words) or (f" {spelt} " in joined and not english):
            found.append((spelt, acronym))  # spelt out: its acronym, unless that is also a word ("met", "pace")
    return found


def _swap(topic: str, spelt: str, acronym: str) -> str:
    """The topic with the acronym spelt out, or what it spells written as the acronym."""
    said = re.compile(rf"(?<![\w-])(?i:{re.escape(acronym)})s?(?![\w-])")
    if said.search(topic):
        return said.sub(spelt, topic)
    return re.sub(rf"(?<![\w-]){re.escape(spelt)}(?![\w-])", acronym.upper(), topic, flags=re.I)


def _readings(topic: str) -> list[tuple[Group, ...]]:
    """The alternatives a sentence may hold. An "or" (a "/", a parenthesis) and an "and" join the
    words either side, the rest of the topic still asked for: "admitted to hospital after self-harm
    or suicide attempts" is (admitted, hospital, self-harm) or (admitted, hospital, suicide
    attempts); a single word shares the other side's words ("agency or locum social workers",
    "missing from home or care", "recruitment and retention of social workers"). A topic with an
    "and" is also read whole ("speech and language therapy"). A word every report uses, or the
    words for its staff, is no reading on its own ("care" of "missing from home or care")."""
    text, classes = _with_classes(topic)
    whole = AND.sub(" ", text)
    out: list[tuple[Group, ...]] = []
    for joined in [text] + ([whole] if whole != text else []):  # every part; the "and" phrase as written
        pieces = [piece for piece in JOIN.split(joined) if _groups(piece, classes)]
        parts = [_groups(piece, classes) for piece in pieces]
        if len(parts) < 2:
            out += parts
            continue
        before, after = parts[0][:-1], parts[-1][1:]
        alike = [parts[0] + after] + [before + p + (after if i < len(parts) - 1 else ()) for i, p in enumerate(parts[1:], 1)]
        first, last = pieces[0].split(), pieces[-1].split()
        joiners = [j.strip().lower() for j in JOIN.findall(joined)]
        for i, words in enumerate(piece.split() for piece in pieces):
            if len(words) == 1 and len(shared := words + last[1:] if i == 0 else first[:-1] + words) > 1:
                shared = [w for j, w in enumerate(shared) if not j or w != shared[j - 1]]
                joiner = joiners[max(i - 1, 0)] if joiners else ""
                # "recruitment and retention of social workers", "missing from home or care": what is shared
                # across a preposition is one phrase with the word, which alone is another topic ("care");
                # across an "and", the word and the shared words anywhere in the sentence ("recruiting
                # and retaining social workers": "recruiting additional staff"); across an "or", either
                # reading ("radicalisation or the Prevent duty")
                if (last[1:2] if i == 0 else first[-2:-1])[0] in PREPOSITIONS:
                    alike[i] = _groups(" ".join(shared), classes)
                elif joiner in ("and", "&", "+"):
                    rest = " ".join(w for w in shared if w != words[0])
                    alike[i] = _groups(f"{words[0]} | {rest}" if i == 0 else f"{rest} | {words[0]}", classes)
                else:
                    alike.append(_groups(" ".join(shared), classes))
        out += alike
    readings = [tuple(dict.fromkeys(alt))[:MOST_GROUPS] for alt in out if any(not g.on_page for g in alt)]
    if len(readings) > 1:
        readings = [alt for alt in readings if not (len(alt) == 1 and (alt[0].words == 1 and alt[0].stems and alt[0].stems <= COMMON
                                                                           or alt[0].said == _said([f"{CLASS}0"], [STAFF])))] or readings
    return list(dict.fromkeys(readings))


def _with_classes(topic: str) -> tuple[str, list[tuple[str, ...]]]:
    """The topic with each phrase of a class of words put as one token (the longest phrases first:
    "education, health and care" is one thing, not two joined by "and")."""
    text = " " + MULTI_AGENCY.sub(" | ", topic.lower().replace(CLASS, " ")) + " "
    text = re.sub(r"[()]", " / ", text)  # "elective home education (EHE)": either
    classes: list[tuple[str, ...]] = []
    for words in sorted(EQUIVALENTS, key=lambda ws: -max(map(len, ws))):
        # every phrase of the class found, overlapping ones as one ("go missing from home or care")
        spans = sorted(m.span() for phrase in words for m in _any_phrase((phrase,)).finditer(text))
        if not spans:
            continue
        merged = [list(spans[0])]
        for a, b in spans[1:]:
            if a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in reversed(merged):
            text = f"{text[:a]} {CLASS}{len(classes)} {text[b:]}"
        classes.append(words)
    return re.sub(rf"({CLASS}\d+)(\s+\1)+\b", r"\1", text), classes  # "EHE (elective home education)": once


def _groups(topic: str, classes: list[tuple[str, ...]]) -> tuple[Group, ...]:
    """The groups a sentence must hold: runs of the topic's words written together (a class of
    words among them: "agency" and the words for staff), a general or a separating word between
    runs. People every report is about, after a preposition, need only be on the page: "pathway
    plans for care leavers" is a sentence on pathway plans, on a page about care leavers. Other
    words after one stay in the phrase ("Signs of Safety", "the cost of living")."""
    tokens = re.findall(rf"{CLASS}\d+|[a-z0-9][\w']*|\S", topic)  # "self-harm": two words, a hyphen between
    runs: list[list[str]] = [[]]  # words and classes (CLASS + index) in runs a general or separating word breaks
    general: list[list[str]] = [[]]
    on_page: list[bool] = [False]
    for i, w in enumerate(tokens):
        if w.startswith(CLASS) and classes[int(w[1:])] in ASPECTS:  # "CAMHS waiting times": waits, and CAMHS
            runs += [[w], []]
            general[-1].append(w)
            on_page += [on_page[-1], on_page[-1]]
            continue
        if w.startswith(CLASS):
            if w not in runs[-1][-1:]:  # "pre-proceedings under the public law outline": one thing
                runs[-1].append(w)
                general[-1].append(w)
            continue
        stems = set(tokenize(w))
        if w in PREPOSITIONS and any(runs) and (people := _people(tokens[i + 1:], classes)):
            runs.append([])
            general.append([])
            on_page.append(people == "page")
        elif not w[0].isalnum() and w != "-":
            runs.append([])
            general.append([])
            on_page.append(False)
        elif not stems or w == "-" or w in PREPOSITIONS or runs[-1] and runs[-1][-1] == w:
            continue  # "Signs of Safety", "self-harm": a short word or a hyphen between two is allowed (`_phrase`)
        elif stems <= GENERAL and tokens[i + 1:i + 2] != ["-"]:  # "long-term fostering" stays whole
            runs.append([])
            general[-1].append(w)
            on_page.append(on_page[-1])
        else:
            runs[-1].append(w)
            general[-1].append(w)
    kept = [(_without_children(r), page) for r, page in zip(runs, on_page, strict=True) if r]
    if not kept or all(page for _, page in kept):
        kept = [(g, False) for g in general if g]
    groups = [Group(_said(run, classes), _phrase(run, classes), len(run),
                    frozenset(t for w in run if not w.startswith(CLASS) for t in tokenize(w)), page, _needles(run, classes))
              for run, page in kept]
    # "children" on its own, beside a more telling word in the sentence, is what every report is about
    telling = [g for g in groups if not g.on_page and not g.pattern.fullmatch("children")]
    return tuple(g for g in groups if g.on_page or not g.pattern.fullmatch("children") or not telling)


def _people(rest: list[str], classes: list[tuple[str, ...]]) -> str:
    """"page" when the words after a preposition, up to a break, name only people every report is
    about; "sentence" when they name its staff (a group of their own, anywhere in the sentence:
    "recruitment of social workers" is "recruitment and retention of a qualified workforce");
    "" otherwise."""
    words = []
    for w in rest:
        if not (w.startswith(CLASS) or w[0].isalnum()) and w != "-":
            break
        if w.startswith(CLASS) or tokenize(w):
            words.append(w)
    if words and all(w in POPULATION or w.startswith(CLASS) and classes[int(w[1:])] in PEOPLE for w in words):
        return "page"
    return "sentence" if words and all(w.startswith(CLASS) and classes[int(w[1:])] is STAFF for w in words) else ""


def _without_children(run: list[str]) -> list[str]:
    """"criminal exploitation of children": every report is about children, so a run of three
    words or more does not need the word at its ends; a shorter one is a term of its own."""
    inner = list(run)
    while len(inner) > 2 and inner[-1] in CHILDREN:  # "children in need", "disabled children" stay whole
        inner.pop()
    while len(inner) > 2 and inner[0] in CHILDREN:
        inner.pop(0)
    return inner


CHILDREN = {"children", "child", "children's", "childrens", "kids"}
POPULATION = CHILDREN | {"young", "people", "families", "family", "parents", "pupils", "learners"}


def _said(run: list[str], classes: list[tuple[str, ...]]) -> str:
    shown = [classes[int(w[1:])][0] if w.startswith(CLASS) else w for w in run]
    others = [", ".join(dict.fromkeys(classes[int(w[1:])][1:4])) for w in run if w.startswith(CLASS)]
    return f"\u201c{' '.join(shown)}\u201d" + "".join(f" (or {o})" for o in others)


def _trim(sentence: str, most: int, at: int = 0) -> str:
    """A long run-on sentence (a table, a list) cut to `most` words around word `at`, where the topic is."""
    words = sentence.split()
    if len(words) <= most:
        return sentence
    first = max(0, min(at - most // 3, len(words) - most))
    return " ".join(words[first:first + most])
