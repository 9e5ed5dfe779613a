"""Text normalisation shared by ingest (what is stored) and verification (what is checked).

A quote is shown to a user only if it occurs in the *normalised* text of its page, so
both sides must use exactly these functions.
"""

from __future__ import annotations

import re
import unicodedata

_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\u00ad": "",
        "\ufeff": "",
        # Bullet glyphs: pypdf returns Wingdings/private-use code points for list bullets.
        "\uf0b7": "\u2022",
        "\uf0a7": "\u2022",
        "\u25fc": "\u2022",
        "\u25aa": "\u2022",
        "\u25cf": "\u2022",
        "\uf0d8": "\u2022",
        "\uf076": "\u2022",
    }
)

_WS = re.compile(r"\s+")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def normalize_chars(text: str) -> str:
    """Canonical characters: NFKC, straight quotes, ASCII hyphens, one bullet glyph."""
    text = unicodedata.normalize("NFKC", text.translate(_CHAR_MAP))
    return _PRIVATE_USE.sub("\u2022", text)


def collapse(text: str) -> str:
    """Whitespace-insensitive form: every run of whitespace becomes one space."""
    return _WS.sub(" ", text).strip()


def for_match(text: str) -> str:
    """The form in which quotes and pages are compared."""
    return collapse(normalize_chars(text))


# Control characters and bidi overrides in a file name would drive the terminal or reorder the
# line it is printed on ("\u202eevil\u202cfdp.pdf" shows as "evilpdf.pdf"): show them as escapes.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
