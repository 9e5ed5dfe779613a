"""Acronyms the reports define themselves: "female genital mutilation (FGM)", "special guardianship
orders (SGOs)". A topic asked by its acronym is discussed by a sentence that spells it out, and
the other way round (assistant/topic.py reads the topic a second time with the one put for the other).

Read from the indexed pages, not from a list of ours: an index of other reports defines its own.
An acronym counts when its letters are the initials of the words just before it (small joining
words may be skipped, a hyphenated word gives one letter a part); of two spellings out, the more
frequent.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# "(FGM)", "(SGOs)", "(DoLS)": a capital first, two capitals at least, a plural "s" allowed
DEFINED = re.compile(r"\(((?=(?:[a-z&]*[A-Z]){2})[A-Z][A-Za-z&]{1,7})\)")
BEFORE = 100  # characters before the parenthesis the words are read from
SKIPPED = {"and", "of", "the", "for", "in", "to", "with", "on", "a", "an", "&"}


def defined(pages: Iterable[str]) -> dict[str, str]:
    """acronym (lower case) -> what it stands for (lower case), as the pages define them."""
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        for match in DEFINED.finditer(page):
            acronym = match.group(1)
            words = re.findall(r"[A-Za-z][\w'-]*|&", page[max(0, match.start() - BEFORE):match.start()])
            if spelt := spelt_out(acronym, words):
                seen[(acronym.lower().removesuffix("s") if acronym.endswith("s") else acronym.lower(), spelt)] += 1
    best: dict[str, tuple[int, str]] = {}
    for (acronym, spelt), count in seen.items():
        if count > best.get(acronym, (0, ""))[0]:  # once is enough: the initials check keeps it right
            best[acronym] = (count, spelt)
    return {acronym: spelt for acronym, (_, spelt) in best.items()}


def spelt_out(acronym: str, words: list[str]) -> str:
    """The words ending `words` whose initials are the acronym's letters, in lower case, or ""."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    if acronym.endswith("s") and acronym[-2:-1].isupper():
        letters = letters[:-1]  # "SGOs": orders
    taken: list[str] = []
    i = len(words) - 1
    while letters and i >= 0:
        word = words[i].lower().strip("'")
        parts = [p for p in word.split("-") if p]
        initials = [p[0] for p in parts]
        if word in SKIPPED and taken and i > 0 and words[i - 1][:1].lower() == letters[-1]:
            pass  # "assessed and supported year": the "a" is "assessed"'s
        elif letters[-len(initials):] == initials and len(initials) <= len(letters):
            letters = letters[:-len(initials)]
        elif letters[-1] == word[0]:
            letters.pop()
        elif word in SKIPPED and taken:
            pass
        else:
            return ""
        taken.insert(0, word)
        i -= 1
    return " ".join(taken) if not letters and len(taken) >= 2 else ""
