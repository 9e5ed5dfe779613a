"""The words around a topic, and the topic as the question writes it.

People wrap what they ask about in the asking ("I'd be grateful for a rundown of..."), in grammar
("the concerns raised after it") and in vague fillers ("stuff about"): these word lists are never
a topic (assistant/query.py takes them out of a question's topic terms). `topic_words` and
`topic_text` give the topic back in the question's own words, for an answer to say and for the
topic matcher (assistant/topic.py) to read.
"""

from __future__ import annotations

import re

from assistant.lexical import tokenize

# Words that carry no topic: the shapes' own words, the asking, the framing, vague fillers.
VAGUE_WORDS = set(tokenize("wrong right problem problems issue issues help more this that thing things stuff bad "
                           "hi hello hmm yes no anything everything else going on why here there one before from should each full must "
                           "now current currently among share shared oldest newest first move moved identify identified "
                           "recognise recognised describe described positive positives negative mind again shorter "
                           "longer when who where instance especially comment comments written write all every "
                           "five four three two urgently urgent address better worse best worst getting use uses using count show"))


# How people talk around a question ("I'd be grateful for a rundown", "a few bullet points is fine",
# "what's the general picture?"): never what it is about.
CHATTER = set(tokenize(
    "i im i'm id i'd ive i've we we're were our ours us my own new few some bit bullet bullets point fine short "
    "rundown grateful appreciate appreciated provide track gone came come comes coming up down out set pull together "
    "based base tend tends generally general particular particularly actually formal formally highlight highlighted "
    "picture news ended end ends order successive onwards onward seen next nutshell headline headlines "
    "them those these they it its other others same something someone somebody test testing sort kind "
    "quite really very much many any ani isn't isnt wasn't aren't don't doesn't ever still whether only "
    "time times tomorrow today yesterday week soon looked look looks specifically specific just instead "
    "unrelated separate separately anywhere afterwards "
))
# The grammar and the asking around a topic ("what were the concerns raised after it", "the gist of
# it for a story", "grades timeline pls"): words that never name what a question is about.
GRAMMAR = set(tokenize(
    "after under than been being be have has had having into onto upon within without above below along "
    "around behind beyond during except inside near off outside over past through throughout toward towards "
    "until via whilst while though although because unless either neither nor both each few most less least "
    "such can could would will might do does did done doing am is are was were get got gets getting go goes "
    "went gone raise raised raising happen happened happening fare faring mean meant stand reach reached "
    "lack lacking lacked worry worried worries worrying fall falling fell falls want wanted know "
    "tell told say said says find found identify identified outline outlined describe explain trace "
    "flag flagged pointed conclude concluded think thought see saw "
    "gist rundown timeline rec recs part parts piece fact facts paragraph sentence "
    "terms detail details aspect aspects conclusion conclusions finding findings result results matter question "
    "answer reporter journalist researcher dissertation study thesis "
    "paper readers main biggest major weakest strongest stronger weaker possible possibly thanks "
    "advance simple simply exactly pls plz u ur thx cheers sum contrast olds"))


# Kept between two topic words: "recruitment and retention of social workers", "the MASH / front door"
CONNECTORS = ("or", "/", "and", "of", "for", "in", "on", "to", "with", "from")


def topic_words(question: str, terms: list[str] | tuple[str, ...]) -> str:
    """The question's own words whose index terms are the topic's, in order ("kinship care"), with
    a connector between two of them kept ("county lines or criminal exploitation")."""
    wanted = set(terms)
    out: list[str] = []
    for w in re.findall(r"[\w'&-]+|/", question):
        if set(tokenize(w)) & wanted:
            if not out or out[-1] != w:  # "strategy meetings and strategy discussions": one "strategy"
                out.append(w)
        elif w.lower() in CONNECTORS and out and out[-1] not in CONNECTORS:
            out.append(w.lower())
    while out and out[-1] in CONNECTORS:
        out.pop()
    return " ".join(w for i, w in enumerate(out) if w not in CONNECTORS or out[i - 1] not in CONNECTORS)


def topic_text(question: str, terms: list[str] | tuple[str, ...]) -> str:
    """The topic's words as `topic_words` gives them, with "|" where the question had other words
    between two of them ("admitted to hospital after self-harm" -> "admitted hospital | self-harm"),
    so that words never written together are not read as a phrase."""
    wanted = set(terms)
    out: list[str] = []
    for w in re.findall(r"[\w'&-]+|/", question):
        if set(tokenize(w)) & wanted:
            out.append(w)
        elif w.lower() in CONNECTORS or not tokenize(w):
            out.append(w.lower() if w.lower() in ("or", "/") else "")
        elif out and out[-1] != "|":
            out.append("|")
    return " ".join(w for w in out if w).strip(" |")
