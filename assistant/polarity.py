"""Is a report's sentence a weakness, a strength, or neither? Read from Ofsted's evaluative
wording, never from the word "weakness" appearing ("leaders know their strengths and
weaknesses" is neither).

Ofsted writes findings in a small, steady vocabulary: praise ("effective", "timely",
"well supported", "strong"), criticism ("not consistently", "too long", "delays", "drift",
"lack of"), and hedged mixtures ("Although X, Y"), where the main clause decides. Negation
turns praise into criticism ("not always timely"). Measured against two labellers' hand labels
(eval/data/polarity*.jsonl), dev and test apart (`python -m eval.run_shapes --index INDEX`).
"""

from __future__ import annotations

import re
from functools import lru_cache

WEAKNESS = "weakness"
STRENGTH = "strength"
NEUTRAL = "neutral"

_CRITICAL = [
    r"not (?:always|consistently|yet|sufficiently|routinely|all|enough|effective\w*|robust\w*|timely|clear\w*|"
    r"well|good|strong|sure|fully|regularly|being|been|made|taken|given|seen|completed|recorded|considered|"
    r"in place|clear|understood|appropriate\w*|focused|followed|sustained|evident|sufficient)",
    r"(?:does|do|did|is|are|was|were|has|have|had|can|could) not\b", r"\b(?:isn't|aren't|don't|doesn't|hasn't|haven't|wasn't|weren't)\b",
    r"\bno (?:clear|evidence|consistent|effective|formal|systematic|oversight|plan|record)", r"\bnot\b",
    r"\btoo (?:many|much|long|few|slow\w*|late|often|variable|high|low|narrow)\b", r"\binconsisten\w*",
    r"\bvariab\w*", r"\bweak(?:er|ly|ness(?:es)?)?\b", r"\bpoor(?:ly|er)?\b", r"\black(?:s|ing|ed)?\b",
    r"\binsufficient\w*", r"\binadequate\w*", r"\bdelay\w*", r"\bdrift\w*", r"\blimited\b", r"\bgaps?\b",
    r"\bineffective\w*", r"\bfail\w*", r"\bshortfall\w*", r"\bdeficit\w*", r"\bconcerns? (?:about|that|remain)",
    r"\bunclear\b", r"\bslow\w*", r"\bunable\b", r"\bleft at risk\b", r"\bserious\w*", r"\bunsafe\w*",
    r"\bbacklogs?\b", r"\bhigh caseloads?\b", r"\bturnover\b", r"\bunderdeveloped\b", r"\boverly\b",
    r"\bneeds? (?:to|further) (?:improve|strengthen|develop|be)\w*", r"\bshould (?:be|have)\b", r"\brequires? improvement\b",
    r"\b(?:few|minority of|some) (?:children|young people|social workers|plans|assessments|cases)\b",
    r"\bdo(?:es)? not (?:always|consistently)\b", r"\bwithout\b", r"\bfrequent changes\b", r"\btoo\b",
]
_POSITIVE = [
    r"\beffective(?:ly)?\b", r"\btimely\b", r"\bstrong(?:ly)?\b", r"\bwell[- ](?:supported|established|embedded|led|"
    r"coordinated|trained|managed|planned|informed|understood|received|attended|matched)", r"\bgood\b",
    r"\boutstanding\b", r"\brobust(?:ly)?\b", r"\bthorough(?:ly)?\b", r"\bhigh[- ]quality\b", r"\bimprov(?:ed|ing|ement)\b",
    r"\bbenefit\w*", r"\bskil(?:l)?ed\b", r"\bconsistently\b", r"\bclear(?:ly)?\b", r"\bpurposeful(?:ly)?\b",
    r"\bsensitive(?:ly)?\b", r"\bprompt(?:ly)?\b", r"\bswift(?:ly)?\b", r"\bappropriate(?:ly)?\b", r"\bpositive\w*\b",
    r"\bmeaningful(?:ly)?\b", r"\bcreative(?:ly)?\b", r"\bcommitted\b", r"\bimpressive\b", r"\bexcellent\b",
    r"\bcomprehensive\b", r"\bvalued?\b", r"\bstable\b", r"\bsafe(?:r|ly)?\b", r"\bsuccessful(?:ly)?\b",
    r"\bknow (?:their|the) children well\b", r"\bwell\b", r"\bstrengths?\b", r"\bsupportive\b", r"\bresponsive\b",
    r"\bproactive(?:ly)?\b", r"\bcarefully\b", r"\bensur\w*", r"\bhelp(?:s|ed)? (?:children|young people|them)\b",
]
_CRIT = [re.compile(p, re.I) for p in _CRITICAL]
_POS = [re.compile(p, re.I) for p in _POSITIVE]
# One pass each: a sentence with no critical word cannot be a weakness (nor, without praise, a
# strength), so most sentences of a report are ruled out before the full count.
_ANY = {WEAKNESS: re.compile("|".join(_CRITICAL), re.I), STRENGTH: re.compile("|".join(_POSITIVE), re.I)}
# "Although X, Y" / "While X, Y": the main clause (Y) carries the judgement.
_CONCESSIVE = re.compile(r"^\s*(although|while|whilst|though|despite|even though)\b[^,]{3,}?,\s*(?P<main>.+)$", re.I)
_BUT = re.compile(r"^(?P<first>.+?)[,;]?\s+\b(?:but|however|yet)\b,?\s+(?P<main>.+)$", re.I)
# Describing the service's self-knowledge, not a finding about practice.
_META = re.compile(r"\b(strengths and (?:weaknesses|areas for (?:development|improvement))|"
                   r"know (?:their|its|the) (?:service'?s? )?strengths|weaknesses (?:that|which) (?:were|are) identified|"
                   r"self-assessment|self-evaluation)\b", re.I)


@lru_cache(maxsize=200_000)  # a report's sentences are read again by every question about it
def score(sentence: str) -> float:
    """Negative for criticism, positive for praise; the main clause of a mixed sentence decides."""
    if (m := _CONCESSIVE.match(sentence)) or (m := _BUT.match(sentence)):
        return 0.3 * _raw(sentence) + _raw(m.group("main"))
    return _raw(sentence)


def _raw(text: str) -> float:
    critical = sum(bool(p.search(text)) for p in _CRIT)
    # Praise words under a negation ("not always timely") were counted as criticism already.
    negated = re.sub(r"\bnot (?:always |consistently |yet |sufficiently |fully )?\w+", " ", text, flags=re.I)
    positive = sum(bool(p.search(negated)) for p in _POS)
    return positive - 1.5 * critical


def could_be(sentence: str, side: str) -> bool:
    """False when the sentence cannot be classified `side` (weakness or strength): cheap."""
    return bool(_ANY[side].search(sentence))


def classify(sentence: str) -> str:
    """weakness | strength | neutral."""
    if _META.search(sentence) and not re.search(r"\b(not|too|lack|poor|weak)\b", sentence.replace("weaknesses", ""), re.I):
        return NEUTRAL
    value = score(sentence)
    if value <= -1:
        return WEAKNESS
    if value >= 1:
        return STRENGTH
    return NEUTRAL
