"""A text's search terms: its words lower-cased, stop words left out, Snowball-stemmed (English).

One tokenizer for every lexical index (bm25s in the index dir, the database's term index) and
for the questions searched against them, so both engines index and look up the same terms.
"""

from __future__ import annotations

import re

import bm25s
import Stemmer

_STEMMER = Stemmer.Stemmer("english")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_EN)  # words the index leaves out ("the", "what", "which")


def tokenize(text: str) -> list[str]:
    words = [w.replace("'s", "") for w in _TOKEN.findall(text.lower())]
    return _STEMMER.stemWords([w for w in words if w and w not in STOPWORDS])
