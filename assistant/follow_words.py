"""The words of a follow-up: how one opens ("what about", "and"), what points back to an earlier
turn ("that", "those", "since?", "over that time", "is that common?"), what only frames it, and
the words said back that ask nothing ("ok", "hmm"). assistant/conversation.py reads a follow-up
with them."""

from __future__ import annotations

import re

from assistant.lexical import tokenize
from assistant.query import WHO_LED

# How a follow-up opens, and the words that only frame one ("what about X?", "same for X please")
FOLLOW_UP = re.compile(r"^\s*(?:(?:and|ok(?:ay)?|so|but|then|now|also)[\s,]+)*(?:what about|how about|what of|same for|"
                       r"and for|and|now|ok(?:ay)?|also|then|so|but)\b", re.I)

FRAME = set(tokenize("and what about how of same for the same question now ok okay also then so but please "
                     "instead too as well this that one ones there their its it do does did same thing council "
                     "councils authority local report reports inspection inspections just only specifically "
                     "particularly instead add too also any hm hmm none those these them they"))

GROUP_NOUNS = set(tokenize("borough boroughs councils counties county region regions areas authorities generally "
                            "overall all royal city metropolitan district"))

PERIOD = set(tokenize("in from since before after between to latest most recent last previous earlier prior year "
                      "years one before older newer old back now today currently current moment"))

LATEST_WORDS = re.compile(r"\b(?:the\s+)?(?:latest|most recent|newest|current|last(?!\s+(?:year|but)))\b", re.I)

PERIOD_PHRASE = re.compile(r"\b(?:in|from|since|before|after|during)?\s*(?:between\s+)?(?:19|20)\d\d"
                           r"(?:\s*(?:-|\u2013|to|and)\s*(?:19|20)\d\d)?\b", re.I)

# Words that point back to an earlier turn ("its weaknesses", "how do the two compare").
POINTS_BACK = re.compile(r"\b(its|their|they|them|it|that|those|these|both|the two|this one|that one|the same)\b", re.I)

# "add Waltham Forest", "Plymouth too", "does North Yorkshire do better?": beside the last turn's councils
ADDS = re.compile(r"\b(add|too|as well|also|better|worse|best|worst|faster|slower)\b", re.I)

# "what do SEND inspections say about it generally": the reports in general, whatever "it" points back to
GENERALLY = re.compile(r"\b(?:generally|in general|across the board|everywhere|elsewhere|nationally|across england)\b", re.I)

THEIRS = re.compile(r"\b(?:their|they|them|these|those|both)\b", re.I)  # the councils already asked about

# A question about reports or councils in general, not about the report of the last answer
ACROSS_ASK = re.compile(r"\b(?:the|all|any|other|which|what)\s+(?:\w+\s+){0,2}?(?:reports|inspections|councils|authorities)\b",
                        re.I)

# "what went wrong in Lancashire specifically?": one of the reports just asked about
NARROWS = re.compile(r"\b(?:specifically|in particular|particularly)\s*[?.!]*\s*$", re.I)

# "what did the Kingston one say?": one of the reports the last answer listed
ONE_OF_THEM = re.compile(r"\bthe\s+[A-Z][\w'&-]*(?:\s+[A-Z][\w'&-]*){0,3}\s+one\b")

# "which is better", "rank them", "which of the three was worst": the councils of the last turns side by side
RANKS = re.compile(r"\b(better|worse|best|worst|rank\w*|strongest|weakest|stronger|weaker|which (?:one|of (?:them|the \w+)))\b",
                   re.I)

# "were they rated the same?": the councils of the last turns side by side
ALIKE = re.compile(r"\b(?:the same|differently|alike|similarly)\b", re.I)

# the side a "why?" asks: "why not good?", "why did it decline?" against "why so good?"
NEGATED = re.compile(r"\b(?:not|never|no longer|bad|poor|poorly)\b|n't\b", re.I)

PRAISE = re.compile(r"\b(?:good|well|strong|great|outstanding|positive|high)\b", re.I)

# "why?", "why so bad", "the 2026 one - why requires improvement?" after a grade: what the report found wanting
WHY = re.compile(r"(?:^|\s[-\u2013\u2014:]\s*|,\s*)\W*(?:(?:and|so|but|ok(?:ay)?)\W+)*why\b", re.I)

# A question of its own opens with its asking ("How did Surrey do in 2018?"), not with a name ("Leeds in 2019?")
ASKS = re.compile(r"^\W*(?:how|what|which|who|when|where|why|did|does|do|is|was|were|has|have|can|could|would|tell|"
                  r"summari[sz]e|list|show|give)\b", re.I)

# "ok", "hmm ok", "thanks, anything else?": said back, no question of its own
ACK = re.compile(r"^\W*(?:(?:ok(?:ay)?|hm+|right|thanks?|thank you|cheers|great|cool|fine|i see|got it|sure|yes|no|then)"
                 r"(?:\W+|$))+(?:anything else\W*)?$", re.I)

# "more", "go on", "tell me more": the last question again
MORE = re.compile(r"^\W*(?:(?:ok(?:ay)?|and|so|please)\W+)*(?:more|go on|continue|keep going|tell me more|anything else|"
                  r"what else)(?:\W+please)?\W*$", re.I)

# "mention it", "say about that": the topic of the last question
IT = re.compile(r"\b((?:mention|mentions|mentioned|about|on|discuss|discusses|cover|covers|describe|describes)\s+)"
                r"(?:it|that|this|them|this topic|that topic|the topic)\b"
                r"(?!\s+(?!(?:generally|in general|overall|everywhere|elsewhere|nationally)\b)\w)", re.I)

# "since?", "since then": since the year of the last turns; "over that time": their period
SINCE_THEN = re.compile(r"\bsince(?:\s+then)?(?=\s*[?.!]*\s*$)", re.I)

THAT_YEAR = re.compile(r"\b(?:in\s+)?that\s+year\b", re.I)

THAT_TIME = re.compile(r"\b(?:over|in|during|across|for)\s+(?:that|the same|this|those)\s+(?:time|period|years|span)\b",
                       re.I)

# "is that common?", "is this a problem elsewhere?": the topic of the last question, said as "that"
THAT_IS = re.compile(r"^(\W*(?:(?:and|so|but|ok(?:ay)?|hm+)\W+)*(?:is|was|are|were)\s+)(?:that|this|it)\b"
                     r"(?=\s+(?:a|an|also|really|very|more|less|common|widespread|typical|unusual|rare|usual|normal|"
                     r"problem|issue|concern|pattern|theme|true|the case|happening|seen|found|mentioned|raised)\b)", re.I)

COMMON = re.compile(r"\b(?:common|widespread|typical|unusual|rare|usual|normal)\b", re.I)

# "those councils", "which of them", "these areas": the councils the last answer was about
THOSE = re.compile(r"\b(?:those|these|them|they|the same)\b", re.I)

THE_ONES = re.compile(r"\b(?:the ones|those|of them|of these)\b", re.I)  # "of the ones that improved, ..."

# "and on caseloads?", "what about supervision?": the last question, about another topic
ON_TOPIC = re.compile(r"^\s*(?:(?:and|ok(?:ay)?|so|but|then|now|also)[\s,]+)*(?:what about|how about|and on|and about|"
                      r"on|about|and)\s+", re.I)

LATEST_ONE = re.compile(r"\b(?:latest|most recent|newest|last)\s+one\b", re.I)

SAME_YEAR = re.compile(r"\b(?:that|the same|same)\s+year\b", re.I)


def lead_inspector_said(question: str) -> str:
    """"who led it?" as the reports say it ("Lead inspector: ..."), so the search finds that line."""
    question = SAME_LEAD.sub("was the same lead inspector for", question)
    return WHO_LED.sub("who was the lead inspector for", question)


SAME_LEAD = re.compile(r"\b(?:did\s+)?(?:the\s+)?same\s+(?:person|inspector|hmi)\s+(?:led|lead)\b", re.I)
