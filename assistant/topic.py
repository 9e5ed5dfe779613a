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
from dataclasses import dataclass

from assistant.lexical import tokenize
from ingest.normalize import collapse
from ingest.sentences import sentence_spans

# Words the reports use for one thing, and acronyms with what they stand for: a topic naming one
# of them is discussed by any of them (the first is how an answer names the class). Forms of one
# word need no class ("fostering", "foster carers"): a topic word matches its stem's forms.
EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    ("social workers", "workers", "staff", "practitioners", "social worker", "worker", "staffing", "practitioner",
     "workforce", "locums", "locum"),
    ("covid-19", "covid", "coronavirus", "pandemic", "lockdown", "lockdowns"),
    ("front door", "mash", "multi-agency safeguarding hub", "multi agency safeguarding hub"),
    ("care leavers", "care leaver", "leaving care"),
    ("children in care", "looked after children", "looked-after children", "children looked after"),
    ("child sexual exploitation", "cse"), ("child criminal exploitation", "criminal exploitation", "cce"),
    ("designated officer", "lado", "local authority designated officer"),
    ("public law outline", "plo", "pre-proceedings"), ("independent reviewing officer", "iro", "iros"),
    ("education, health and care", "ehc", "ehcp", "ehcps", "ehc plan", "ehc plans"),
    ("unaccompanied asylum-seeking children", "uasc", "unaccompanied children", "unaccompanied asylum seeking children"),
    ("assessed and supported year in employment", "asye"), ("special guardianship", "sgo", "sgos"),
    ("family group conference", "fgc", "fgcs", "family group conferencing"),
    ("child and adolescent mental health services", "camhs"), ("elective home education", "ehe"),
    ("children missing education", "children missing from education", "cme"),
    ("return home interview", "rhi", "rhis", "return interview", "return home conversation"),
    ("personal education plan", "pep", "peps"), ("deprivation of liberty", "dols"),
    ("bed and breakfast", "b&b"), ("director of children's services", "dcs"),
)
# A topic word this general names no group of its own beside others ("the impact of COVID-19")
GENERAL = set(tokenize("impact effect effects use quality issue issues practice work support services service "
                       "arrangements approach provision level levels high low good poor strong weak better worse "
                       "partnership partners etc "
                       # what a named programme is called around its name ("the Mockingbird model", "the X app")
                       "model models programme programmes program project projects scheme schemes initiative "
                       "initiatives tool tools app apps method"))
MULTI_AGENCY = re.compile(r"\bmulti[\s-]?agency\b")  # a general word; "agency" alone is a topic word
OR = re.compile(r"\s+or\s+|\s*/\s*", re.I)
CLASS = "\ue000"  # stands for a class of words while a topic is read (a character nobody types)
MOST_GROUPS = 3  # a long topic ("supervision of social workers, reflective, regular...") by its first three


@dataclass(frozen=True)
class Group:
    said: str  # how the answer names it: "social workers, workers, staff or practitioners"
    pattern: re.Pattern
    words: int = 1  # the topic's words it stands for: a class of words is one
    stems: frozenset[str] = frozenset()  # index terms a sentence must hold ("polic" for police, not "polici")


def _class_body(words: tuple[str, ...]) -> str:
    parts = sorted((r"[\s-]+".join(map(re.escape, w.split())) for w in words), key=len, reverse=True)
    return rf"(?:{'|'.join(parts)})(?:s|es|'s)?"


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
        stem = (tokenize(word) or [word])[0]
        stem = stem[:-1] if stem.endswith("i") else stem  # "babi": "baby" and "babies"
        parts.append(re.escape(stem if len(stem) >= 3 and word.startswith(stem) else word) + r"[\w']*")
    between = r"[\s-]+(?:(?:to|of|the|a|an|and|in|for|on|with|from|by|their|its)[\s-]+){0,2}"  # "admitted to hospital"
    return re.compile(r"(?<![\w-])" + between.join(parts) + r"(?![\w-])" * run[-1].startswith(CLASS), re.I)


class TopicMatcher:
    """Finds the sentences of a page that discuss a topic."""

    def __init__(self, topic: str, quote_words: int = 60):
        self.topic = collapse(topic)
        self.quote_words = quote_words
        # "the pandemic or COVID", "MASH / front door": a sentence holding either discusses it
        self.alternatives = _readings(self.topic)

    @property
    def groups(self) -> tuple[Group, ...]:
        return tuple(g for alternative in self.alternatives for g in alternative)

    @property
    def words(self) -> int:
        """The fewest words an alternative asks for: a named topic has few, a described one many."""
        return min((sum(g.words for g in groups) for groups in self.alternatives), default=0)

    @property
    def counted(self) -> str:
        """What a sentence must hold, in words: "\u201cagency\u201d and \u201csocial workers\u201d (or workers, staff...)"."""
        return "; or ".join(" and ".join(g.said for g in groups) for groups in self.alternatives)

    def find(self, page: str) -> str | None:
        """The first sentence of `page` that discusses the topic, or None."""
        found = self.sentences(page)
        return found[0] if found else None

    def sentences(self, page: str) -> list[str]:
        """The sentences of `page` (for_match text) that discuss the topic, in page order."""
        possible = [groups for groups in self.alternatives if all(g.pattern.search(page) for g in groups)]
        if not possible:
            return []
        out = []
        for a, b in sentence_spans(page):
            text = page[a:b]
            for groups in possible:
                found = [g.pattern.search(text) for g in groups]
                if all(found) and all(g.stems <= set(tokenize(text)) for g in groups if g.stems):
                    at = len(text[: min(m.start() for m in found if m)].split())  # the word the topic starts at
                    out.append(_trim(collapse(text), self.quote_words, at))
                    break
        return out


def _readings(topic: str) -> list[tuple[Group, ...]]:
    """An "or" joins the words either side of it, the rest of the topic still asked for: "admitted
    to hospital after self-harm or suicide attempts" is (admitted, hospital, self-harm) or
    (admitted, hospital, suicide attempts)."""
    parts = [_groups(part) for part in OR.split(topic)]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return parts
    before, after = parts[0][:-1], parts[-1][1:]
    out = [parts[0] + after] + [before + p + (after if i < len(parts) - 1 else ()) for i, p in enumerate(parts[1:], 1)]
    return list(dict.fromkeys(tuple(dict.fromkeys(alt))[:MOST_GROUPS] for alt in out))


def _groups(topic: str) -> tuple[Group, ...]:
    """The groups a sentence must hold: runs of the topic's words written together (a class of
    words among them: "agency" and the words for staff), a general or a separating word between runs."""
    text = " " + MULTI_AGENCY.sub(" | ", topic.lower().replace(CLASS, " ")) + " "
    classes: list[tuple[str, ...]] = []
    for words in sorted(EQUIVALENTS, key=lambda ws: -max(map(len, ws))):  # the longest phrases first
        pattern = _any_phrase(words)
        if pattern.search(text):
            text = pattern.sub(f" {CLASS}{len(classes)} ", text)
            classes.append(words)
    runs: list[list[str]] = [[]]  # words and classes (CLASS + index) in runs a general or separating word breaks
    general: list[list[str]] = [[]]
    for w in re.findall(rf"{CLASS}\d+|[a-z0-9][\w']*|\S", text):  # "self-harm": two words, a hyphen between
        if w.startswith(CLASS):
            runs[-1].append(w)
            general[-1].append(w)
            continue
        stems = set(tokenize(w))
        if not w[0].isalnum() and w != "-":
            runs.append([])
            general.append([])
        elif not stems or w == "-":
            continue  # "voice of the child", "self-harm": a short word or a hyphen between two is allowed (`_phrase`)
        elif stems <= GENERAL:
            runs.append([])
            general[-1].append(w)
        else:
            runs[-1].append(w)
            general[-1].append(w)
    phrases = [_without_children(r) for r in runs if r] or [g for g in general if g]
    groups = [Group(_said(run, classes), _phrase(run, classes), len(run),
                    frozenset(t for w in run if not w.startswith(CLASS) for t in tokenize(w))) for run in phrases]
    if len(groups) > 1:  # "children" on its own, beside a more telling word, is what every report is about
        groups = [g for g in groups if not g.pattern.fullmatch("children")] or groups
    return tuple(groups)


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
