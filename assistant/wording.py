"""A question as typed -> the question to read: the words the reading relies on spelt right, and
a pasted paragraph cut to the question at its end.

Misspelt council names are the gazetteer's (assistant/gazetteer.py). Here: the words that say
what kind of answer is wanted ("sumarise", "weeknesses", "inadquate", "recomendations") are put
right when a typed word is not an English word and one of them alone is a letter or two away;
a topic word typed a letter off one English word is put right by the `Speller`, after the
names are found (a misspelt council is the gazetteer's). Every change is returned, and the
reading line shows it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.gazetteer import SHORTEST_FUZZY, allowed_edits, edit_distance
from assistant.lexical import tokenize
from ingest.wordpieces import known_words

# The words that decide a question's shape, grades and period, as people write them.
CUE_WORDS = sorted(set(["summarise", "summarize", "summary", "summaries", "overview", "weaknesses", "weakness", "weak", "strengths", "strength", "strong", "inadequate", "outstanding", "requires", "improvement", "improvements", "improve", "improved", "improving", "good", "recommendations", "recommendation", "recommend", "recommended", "compare", "compared", "comparison", "common", "commonly", "recurring", "themes", "theme", "across", "judgements", "judgement", "judgments", "judgment", "grades", "grade", "graded", "rated", "rating", "ratings", "inspection", "inspections", "inspected", "reports", "report", "mention", "mentions", "mentioned", "councils", "council", "authorities", "authority", "declined", "decline", "changed", "change", "history", "latest", "recent", "previous", "failings", "problems", "concerns", "criticised", "praised", "positive", "negative", "findings", "found", "effectiveness", "leaders", "leadership", "protection", "children", "leavers", "focused", "visit", "reinspection", "safeguarding", "partnership", "special", "educational", "needs", "disabilities", "which", "what", "where", "when", "how", "many", "list", "every", "each", "downgraded", "upgraded", "downhill", "according", "judged", "worse", "worst", "better"]))
WORD = re.compile(r"[A-Za-z]+")
DERIVED = re.compile(r"(?:e|a)?(?:s|es|ed|d|ing|ly|ness|ment|ments|acy|cy|y|ive|er|ers|ion|ions|ity|al|ally|ful|ened|ens|ening)?")
SPELT_KEPT = 10_000  # words the Speller remembers it has read
PASTED_WORDS = 20  # longer than this, with sentences before the question: a pasted paragraph


@lru_cache(maxsize=4)
def _stems_of(known: frozenset[str]) -> frozenset[str]:
    return frozenset(s for w in known for s in tokenize(w))


def english_stems() -> frozenset[str]:
    """The index stems of the English words the embedder's vocabulary holds."""
    return _stems_of(known_words())


def respell(question: str, known: frozenset[str]) -> tuple[str, list[tuple[str, str]]]:
    """(question with cue words spelt right, [(as typed, as read)]). A word that is a form of an
    English word ("approving", "enquires") or of a cue word ("inadequacy", "strengthens",
    "focussed") is not a misspelling."""
    changes: list[tuple[str, str]] = []
    stems = _stems_of(known)

    def fix(match: re.Match) -> str:
        typed = match.group(0)
        word = typed.lower()
        if word in known or word in CUE_WORDS:
            return typed
        if len(word) < 5:
            right = _short_cue(typed)
            if right != typed:
                changes.append((typed, right))
            return right
        limit = allowed_edits(len(word))
        close = [(edit_distance(word, cue, limit), cue) for cue in CUE_WORDS if abs(len(cue) - len(word)) <= limit]
        close = [(d, cue) for d, cue in close if d <= limit]
        if not close:
            return typed
        # "inadequacy", "strengthens": a form of a word, or a cue word's stem and an ending, not a typo;
        # a letter off a cue word is one ("improvment", which the index stems as "improvement")
        if min(d for d, _ in close) > 1 and (set(tokenize(word)) & stems or any(
                word.startswith(stem) and DERIVED.fullmatch(word[len(stem):])
                for cue in CUE_WORDS for stem in tokenize(cue) if len(stem) >= 4)):
            return typed
        best = min(d for d, _ in close)
        choices = {cue for d, cue in close if d == best}
        if len(choices) != 1:
            return typed
        right = choices.pop()
        changes.append((typed, right))
        return right

    return WORD.sub(fix, question), changes


# Short words that decide a reading ("grades over time", "which councils"), put right only when typed
# with one letter left out or two swapped ("tme", "whch", "teh"): a short word is too often another
# word one letter changed.
SHORT_CUES = ("time", "which", "what", "the", "well", "since", "when", "where")


def _short_cue(typed: str) -> str:
    word = typed.lower()
    if typed != word and typed[1:] != word[1:]:  # "WHO", "McAfee": capitals inside, an acronym or a name
        return typed
    found = {cue for cue in SHORT_CUES if (len(cue) == len(word) + 1 and any(cue[:i] + cue[i + 1:] == word
                                                                               for i in range(len(cue))))
             or (len(cue) == len(word) and cue != word and sorted(cue) == sorted(word)
                 and edit_distance(word, cue, 1) <= 1)}
    return found.pop() if len(found) == 1 else typed


class Speller:
    """Topic words typed a letter off one English word ("supervison", "servcies") read as that word.
    Only words typed in lower case are tried: a capitalised one is a name ("Mockingbird")."""

    def __init__(self, known: frozenset[str], own_stems: frozenset[str] = frozenset()):
        """`own_stems`: our own words as index stems ("ofsted", "lscb"), never misspellings."""
        self.known = known
        self.stems = _stems_of(known) | own_stems
        self._fixed: dict[str, str] = {}
        self.by_start: dict[str, list[str]] = {}
        for word in known:
            if word.isalpha() and len(word) >= SHORTEST_FUZZY - 1:
                self.by_start.setdefault(word[0], []).append(word)

    def fix(self, word: str) -> str:
        """`word` (lower case) spelt right, or as it is when it is a word, a form of one, or not one
        word's near miss. The first letter is taken as typed: it keeps the look-up fast."""
        if word not in self._fixed:
            if len(self._fixed) >= SPELT_KEPT:  # a server reads questions for months: keep the memo small
                self._fixed.clear()
            self._fixed[word] = self._closest(word)
        return self._fixed[word]

    def _closest(self, word: str) -> str:
        if len(word) < SHORTEST_FUZZY or not word.isalpha() or word in self.known or set(tokenize(word)) & self.stems:
            return word
        # one edit, whatever the length: two would read the reports' own words that the English list
        # lacks as others ("contextual" as "conceptual", "unregulated" as "unrelated")
        limit = min(1, allowed_edits(len(word)))
        close = [(edit_distance(word, w, limit), w) for w in self.by_start.get(word[0], ()) if abs(len(w) - len(word)) <= limit]
        close = [(d, w) for d, w in close if d <= limit]
        if not close:
            return word
        best = min(d for d, _ in close)
        choices = sorted(w for d, w in close if d == best)
        stems = {tuple(tokenize(w)) for w in choices}  # "supervision" or "supervisor": one index term
        if len(stems) > 1:  # a letter left out is the likeliest slip: "supervison" is "supervision"
            choices = [w for w in choices if len(w) == len(word) + 1 and _holds_in_order(w, word)]
            stems = {tuple(tokenize(w)) for w in choices}
        return min(choices, key=len) if len(stems) == 1 else word

    def respell(self, rest: str, question: str) -> tuple[str, list[tuple[str, str]]]:
        """(`rest` with its misspelt topic words put right, [(as typed, as read)]); `rest` is the
        question in lower case with its names taken out (assistant/gazetteer.py)."""
        changes: list[tuple[str, str]] = []

        def fix(match: re.Match) -> str:
            typed = match.group(0)
            if not re.search(rf"(?<![A-Za-z]){re.escape(typed)}(?![A-Za-z])", question):
                return typed  # written capitalised or in capitals: a name or an acronym
            right = self.fix(typed)
            if right != typed:
                changes.append((typed, right))
            return right

        return re.sub(r"[a-z]+", fix, rest), changes


# A sentence ends at . ? ! before a capital, but not after "St." or "Dr." ("St. Helens").
SENTENCE_END = re.compile(r"(?<!\bSt\.)(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<=[.?!])\s+(?=[A-Z\"'\u201c])")


def the_ask(text: str) -> tuple[str, str]:
    """(the question a pasted paragraph ends with, the context before it); ("", "") when the text
    is not a paragraph with a question at its end."""
    if len(text.split()) <= PASTED_WORDS:
        return "", ""
    sentences = [s.strip() for s in SENTENCE_END.split(text.strip()) if s.strip()]
    if len(sentences) < 2:
        return "", ""
    asks = [i for i, s in enumerate(sentences) if s.endswith("?")]
    last = asks[-1] if asks else len(sentences) - 1
    return sentences[last], " ".join(sentences[:last])


def _holds_in_order(longer: str, typed: str) -> bool:
    """Every letter of `typed`, in order, in `longer`."""
    letters = iter(longer)
    return all(c in letters for c in typed)
