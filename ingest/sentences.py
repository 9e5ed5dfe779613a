"""Sentence spans in report text: used to pack chunks and to pick quotable sentences."""

from __future__ import annotations

import itertools
import re

_ABBREVIATIONS = {"e.g", "i.e", "etc", "dr", "mr", "mrs", "ms", "no", "st", "vs", "cf", "para", "paras", "approx", "incl"}
# A sentence ends at . ! ? (optionally followed by a quote/bracket/footnote digit) when the
# next non-space character starts a new sentence.
_BOUNDARY = re.compile(r"""(?<=[.!?])['")\]]?\d{0,2}(?=\s+(?:[A-Z0-9"'(\u2022]))""")
_BULLET = re.compile(r"\s*\u2022\s*")
# Ofsted's numbered paragraphs ("124. Care leavers ...") start a sentence at a line start.
_NUMBERED_LINE = re.compile(r"(?<=\n)\d{1,3}\.\s")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) character spans of the sentences in `text`, whitespace trimmed.

    Bullets also start a sentence, so list items are quotable on their own.
    """
    cuts = [0]
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        word = re.search(r"(\S+)$", text[cuts[-1] : end])
        token = word.group(1).rstrip(".!?'\")]").lower() if word else ""
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        cuts.append(end)
    for match in _BULLET.finditer(text):
        cuts.append(match.start())
    for match in _NUMBERED_LINE.finditer(text):
        cuts.append(match.start())
    cuts = sorted(set(cuts)) + [len(text)]
    spans = []
    for start, end in itertools.pairwise(cuts):
        segment = text[start:end]
        stripped = segment.strip()
        if not stripped or stripped == "\u2022":
            continue
        lead = len(segment) - len(segment.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))
    return spans


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
