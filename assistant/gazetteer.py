"""Council names as users write them: exact names and aliases, misspellings, former councils,
places that are not indexed, and groups of councils (the nine English regions).

`assistant/councils.json` holds, for each English children's-services council, its region,
the other names people use for it (official long names, short names) and the councils it
replaced. `tests/test_reading.py` checks it against the corpus manifest's authorities.

A misspelt name is read as the council it is one or two letters from ("Birmingam" ->
Birmingham) only when the written word is not an English word (the embedder's vocabulary)
and one council alone is that close; the correction is reported, never silent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from assistant.places import COMMON_WORDS, NOT_INDEXED, canonical_key, variants

DATA = Path(__file__).with_name("councils.json")
REGIONS = ("North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West")
# How people name a region, in canonical_key form, matched after council names are taken out
# ("North East Lincolnshire" is a council, not the region).
REGION_WORDS = {
    "North East": r"north east(?: of england| england)?|northeast",
    "North West": r"north west(?: of england| england)?|northwest",
    "Yorkshire and the Humber": r"yorkshire(?: and(?: the)? humber)?|the humber",
    "East Midlands": r"east mid(?:land)?s",
    "West Midlands": r"west mid(?:land)?s",
    "East of England": r"east of england|east anglia|eastern region",
    "London": r"(?:inner |outer |greater )?london(?: boroughs?| councils?| authorities| las)?|"
              r"the capital(?! (?:investment|spend\w*|fund\w*|budget|programme|costs?|grants?|projects?)\b)",
    "South East": r"south east(?: of england| england)?|southeast",
    "South West": r"south west(?: of england| england)?|southwest",
}
SHORTEST_FUZZY = 5  # letters: shorter words are too often another word one letter away


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict]:
    """Each council's entry under its name and under every alias, in canonical_key form: the
    reports write "City of London" and "Telford and Wrekin" where the data says
    "London Corporation" and "Telford & Wrekin"."""
    out: dict[str, dict] = {}
    for name, entry in json.loads(DATA.read_text(encoding="utf-8")).items():
        entry = {**entry, "name": name}
        for written in [name, *entry["aliases"]]:
            out.setdefault(canonical_key(written), entry)
    return out


def council_entry(authority: str) -> dict:
    """{"name", "region", "aliases", "former"} of a council however it is written, or {}."""
    return _entries().get(canonical_key(authority), {})


def region_of(authority: str) -> str:
    return council_entry(authority).get("region", "")


def region_members(region: str, authorities: list[str]) -> list[str]:
    """The indexed authorities of a region."""
    return [a for a in authorities if region_of(a) == region]


@dataclass
class NamesFound:
    authorities: list[str] = field(default_factory=list)  # indexed councils, in the order written
    unknown: list[str] = field(default_factory=list)  # places named that are not indexed
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (as written, read as)
    former: list[tuple[str, list[str]]] = field(default_factory=list)  # (former council, its successors)
    region: str = ""
    rest: str = ""  # the question in canonical form with every name taken out


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance with adjacent swaps (optimal string alignment), or limit + 1 once past it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _is_region(written: str) -> bool:
    return any(re.fullmatch(pattern, written) for pattern in REGION_WORDS.values())


def allowed_edits(length: int) -> int:
    return 0 if length < SHORTEST_FUZZY else 1 if length < 9 else 2


def name_edits(length: int) -> int:
    """Letters a council's name may be off: names are spelt by ear ("Rochdail", "Wirall"), and
    only a word that is no English word is tried, and only when one council is that close."""
    return 0 if length < SHORTEST_FUZZY else 1 if length < 6 else 2 if length < 12 else 3


class Gazetteer:
    """Built from the indexed reports' authorities, so it reads exactly the councils that are there."""

    def __init__(self, authorities: list[str], known_words: frozenset[str] = frozenset()):
        self.authorities = sorted(set(authorities))
        self._names: list[tuple[str, str]] = []  # (variant, authority), longest first
        for authority in self.authorities:
            written = set(variants(authority))
            entry = council_entry(authority)
            written |= {canonical_key(a) for a in [entry.get("name", ""), *entry.get("aliases", [])]}
            # "City of London" is also written "London", which here means the region.
            self._names += [(v, authority) for v in written if v and not _is_region(v)]
        self._names.sort(key=lambda item: -len(item[0]))
        # the names a misspelling is tried against, by their number of words: (variant, authority,
        # letters it may be off, letters off when its first letter is not the one typed, its letters)
        self._fuzzy: dict[int, list[tuple[str, str, int, int, frozenset[str]]]] = {}
        for variant, authority in self._names:
            letters = len(variant.replace(" ", ""))
            if letters > SHORTEST_FUZZY:
                self._fuzzy.setdefault(variant.count(" ") + 1, []).append(
                    (variant, authority, name_edits(letters), min(name_edits(letters), allowed_edits(letters)),
                     frozenset(variant)))
        known = self._variants = {v for v, _ in self._names}
        # a name that begins longer ones ("kingston" -> "kingston upon hull", "kingston upon thames")
        self._begins: dict[str, list[tuple[str, str]]] = {}
        for variant, authority in self._names:
            words = variant.split()
            for k in range(1, len(words)):
                if " ".join(words[:k]) in known:
                    self._begins.setdefault(" ".join(words[:k]), []).append((variant, authority))
        self._former: dict[str, list[str]] = {}
        for authority in self.authorities:
            for old in council_entry(authority).get("former", []):
                if canonical_key(old) not in known:
                    self._former.setdefault(canonical_key(old), []).append(authority)
        # places with no indexed report: outside England's children's services, or an English council
        # whose reports are not in this index ("Manchester" in an index of 27 reports)
        elsewhere = {canonical_key(p) for p in NOT_INDEXED}
        elsewhere |= {canonical_key(e["name"]) for e in _entries().values() if e["name"] not in self.authorities
                      and not any(canonical_key(a) in known for a in [e["name"], *e["aliases"]])}
        self._unknown = sorted(elsewhere - known - set(self._former), key=len, reverse=True)
        self._name_words = {w for v in known for w in v.split()}
        self._words = known_words
        self._stems = {_stem(w) for w in known_words}  # "hampering" is a form of "hamper", not a name

    def find(self, question: str) -> NamesFound:
        found = NamesFound()
        text = " " + canonical_key(question) + " "
        for variant, authority in self._names:
            # "Sunderlands rating": the possessive, its apostrophe unwritten (not of a short name: "Yorks");
            # "Leed's strengths": a name ending in s, its apostrophe put before the s
            needles = [f" {variant} ", f" {variant}s "] if len(variant) >= 5 else [f" {variant} "]
            if (len(variant) >= 5 and variant.endswith("s") and variant[:-1] not in self._words  # not "staff's"
                    and re.search(rf"\b{re.escape(variant[:-1])}['\u2019]s\b", question, re.I)):
                needles.append(f" {variant[:-1]} ")
            for needle in needles:
                if needle in text and (longer := self._longer_misspelt(text, needle)):
                    written, other = longer  # "Kingston upon Hul": not "Kingston", but a longer name misspelt
                    if other not in found.authorities:
                        found.authorities.append(other)
                    found.corrections.append((written, other))
                    text = text.replace(f" {written} ", " \u00a7 ", 1)
                    continue
                if needle in text and (variant not in COMMON_WORDS or _capitalised(question, variant)):
                    if authority not in found.authorities:
                        found.authorities.append(authority)
                    text = text.replace(needle, " \u00a7 ")
        for old, successors in self._former.items():
            if f" {old} " in text:
                found.former.append((old.title(), successors))
                found.unknown.append(old)
                text = text.replace(f" {old} ", " \u00a7 ")
        for place in self._unknown:
            if f" {place} " in text and (place not in COMMON_WORDS or _capitalised(question, place)):
                found.unknown.append(place)
                text = text.replace(f" {place} ", " \u00a7 ")
        text = self._misspelt(text, found, question)
        for region, pattern in REGION_WORDS.items():
            if re.search(rf" (?:{pattern}) ", text):
                found.region = found.region or region
                text = re.sub(rf" (?:{pattern}) ", " \u00a7 ", text)
        found.rest = text.strip()
        found.authorities.sort(key=lambda a: self._first_position(a, question, found))
        return found

    def _longer_misspelt(self, text: str, needle: str) -> tuple[str, str] | None:
        """(as written, council) when the name found begins a longer name that the words after it
        spell a letter or two off, one council's only ("Kingston upon Hul", "Kingston apon Thames")."""
        start = needle.strip()
        after = text[text.find(needle) + len(needle):].split()
        close: list[tuple[int, str, str]] = []
        for variant, authority in self._begins.get(start, ()):
            extra = variant.count(" ") - start.count(" ")
            typed, meant = " ".join(after[:extra]), variant[len(start) + 1:]
            # the words after are that name's end a letter or two off, and name no council of their own
            # ("Hammersmith and Newham", "Brighton and Hull" are two councils)
            if len(after) < extra or "\u00a7" in typed or typed == meant or any(
                    " ".join(after[i:j]) in self._variants for i in range(extra) for j in range(i + 1, extra + 1)):
                continue
            limit = max(1, name_edits(len(meant.replace(" ", ""))) - 1)
            if (d := edit_distance(typed, meant, limit)) <= limit:
                close.append((d, f"{start} {typed}", authority))
        if not close:
            return None
        best = min(d for d, _, _ in close)
        found = {(w, a) for d, w, a in close if d == best}
        return found.pop() if len({a for _, a in found}) == 1 else None

    def _first_position(self, authority: str, question: str, found: NamesFound) -> int:
        """Where the question first names `authority` (however written), so councils keep the user's order."""
        text = " " + canonical_key(question) + " "
        written = [v for v, a in self._names if a == authority] + [w for w, a in found.corrections if a == authority]
        hits = [text.find(f" {w} ") for w in written if f" {w} " in text]
        return min(hits, default=len(text))

    def _misspelt(self, text: str, found: NamesFound, question: str) -> str:
        """Read a name one or two letters off a council's as that council, when only one is that close.

        Only a word written as a name is tried (capitalised, or anywhere in a question typed in lower
        case but for acronyms), never an English word or a form of one ("rearing", "severing"), an acronym
        ("CAMHS") or a council's short name of five letters or fewer."""
        words = text.split()
        casual = _without_acronyms(question) == _without_acronyms(question).lower()  # "warrinton SEND findings"
        unknown = [i for i, w in enumerate(words) if self._is_unknown(w) and (casual or _as_name(question, w))]
        if not unknown:
            return text
        for i in sorted(unknown, reverse=True):
            best: list[tuple[int, int, str, str]] = []  # (distance, span, variant, authority)
            for span in (3, 2, 1):
                for start in range(max(0, i - span + 1), min(i, len(words) - span) + 1):
                    written = " ".join(words[start:start + span])
                    if "\u00a7" in written:
                        continue
                    seen = set(written)
                    for variant, authority, limit, begun_right, letters in self._fuzzy.get(span, ()):
                        if written[0] != variant[0]:
                            limit = begun_right  # the second letter off only for a name begun right ("Wirall")
                        # an edit changes at most two of the letters one has and the other lacks: a cheap bound first
                        if abs(len(written) - len(variant)) > limit or len(seen ^ letters) > 2 * limit:
                            continue
                        d = edit_distance(written, variant, limit)
                        if d <= limit:
                            best.append((d, start, written, authority))
            if not best:
                continue
            top = min(d for d, *_ in best)
            councils = {a for d, _, _, a in best if d == top}
            if len(councils) != 1:
                continue  # as close to two councils: no guess
            _, start, written, authority = min(b for b in best if b[0] == top)
            if authority not in found.authorities:
                found.authorities.append(authority)
            found.corrections.append((written, authority))
            words[start:start + written.count(" ") + 1] = ["\u00a7"]
        return " " + " ".join(words) + " "

    def _is_unknown(self, word: str) -> bool:
        return (len(word) >= 3 and word.isalpha() and word not in self._words and word not in self._name_words
                and _stem(word) not in self._stems)


def name_pattern(written: str) -> str:
    """A regex for a name as a user may write it: its words in order, any punctuation between,
    whole words ("Kent" in "Kent's", not in "Kentish")."""
    words = re.findall(r"[a-z0-9]+", written.lower())
    return r"\b" + r"\W+".join(map(re.escape, words)) + r"\b"


def _stem(word: str) -> str:
    from assistant.lexical import tokenize

    stems = tokenize(word)
    return stems[0] if stems else word


def _without_acronyms(question: str) -> str:
    return re.sub(r"\b[A-Z]{2,}s?\b", " ", question)


def _as_name(question: str, word: str) -> bool:
    """`word` (lower case) is written capitalised in the question, not in capitals (an acronym)."""
    return re.search(rf"\b{re.escape(word[0].upper())}{re.escape(word[1:])}\b", question) is not None


def _capitalised(question: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word.title())}\b", question) is not None
