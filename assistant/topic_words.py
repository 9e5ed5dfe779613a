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
from assistant.topic import EQUIVALENTS, GENERAL, PREPOSITIONS

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
    "unrelated separate separately anywhere afterwards sub sequence story stories check "
    "jist wat judgment judgments hm hmm none always topic topics swap "
))
# Who is asking and why ("As a councillor I'd like to...", "I run a fostering team in Telford and...",
# "Our team is benchmarking against..."): the clause up to its comma, dash, full stop or "and",
# never what the question is about. Only the clause goes: a topic asked after it stays.
SELF = re.compile(
    r"(?:^|(?<=[.,;:?!])\s*|(?<=^hi)\s*|(?<=^hello)\s*)(?:so\s+|hi,?\s+|hello,?\s+)?"  # where a clause begins, not "Leeds as a place"
    r"(?:as an?|i'?m an?|i am an?|i chair|i run|i lead|i manage|i work (?:in|for|with|at|on)|i'?ve just started as|"
    r"(?:our|my) (?:[\w'-]+ ){0,4}?(?:(?:is|are) \w+ing|wants?|keeps?|asked))\b[^,.;:?!\u2013\u2014]*?"
    r"(?=[,.;:?!\u2013\u2014]|\s-\s|\s+and\s|\s+but\s|\s+so\s|$)", re.I)
# The asking, said in other words ("would you be able to", "what's the story with", "at the moment")
ASKING = re.compile(r"\b(?:(?:would|will) you be able to|are you able to|what'?s the (?:story|deal|score|gist)(?: (?:with|in|for))?|"
                    r"at the moment|back (?:in|then|to)|stack(?:s|ed)? up(?: against)?|measures? up(?: against)?|"
                    r"(?:keeps?|kept) (?:\w+ing )?(?:coming|cropping) up|(?:keeps?|kept) (?:flagging|asking|saying|finding|"
                    r"mentioning|highlighting|raising)|side by side|alongside|(?:compared?|benchmark\w*) against|whose|"
                    r"per (?:its|their|the)|in (?:a few|few|two|three|\d+) (?:lines|words|sentences|bullet points|bullets)|"
                    r"walk (?:me |us )?through|draw out|track record|next steps|to-?do list|(?:go away and )?fix|what drove|"
                    r"how far (?:has|have|did) .{0,40}? come|turn(?:ed|s)? (?:things |it )?around|call (?:themselves|itself)|"
                    r"(?:get|got|gotten|getting|fell|fall) into trouble with (?:ofsted|the inspectors|inspectors)|grade table|"
                    r"areas? for (?:improvement|development)|sorry|(?:the )?(?:bigger|biggest|big|top) (?:\w+ )?(?:problems?|themes?|"
                    r"issues?|recurring|common|strengths?|weaknesses|concerns?)|usually|too)\b|^\s*add\b|"
                    r"\b(?:faster|slower|quicker)\s*(?=\u00a7|$)|\bput(?= (?:the two|them|both|these|those|it|that)\b)|"
                    r"\b(?:at|in) a (?:later|subsequent) (?:inspection|visit|date)\b|\bcovered\b|"
                    # "across Yorkshire as a whole", "the whole grade history in one list", "outstanding across the board"
                    r"\bas a whole\b|\bthe whole(?= (?:grade|history|list|picture|thing|lot|set)\b)|\bin one (?:list|table|place)\b|"
                    r"\bacross the board\b|\b(?:a )?big topic\b", re.I)
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
    "advance simple simply exactly pls plz u ur thx cheers sum contrast olds understand quickly quick gave give given receive received award awarded"))


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
    """The topic as the question writes it, for the topic matcher (assistant/topic.py) to read: its
    words, the joining words between two of them ("recruitment and retention of social workers",
    "pathway plans for care leavers"), an "or", a "/" or a parenthesis between alternatives, and
    "|" where the question had other words between two of them ("admitted to hospital after
    self-harm" -> "admitted hospital | self-harm"), so that words never written together are not
    read as a phrase. A word the question's frame would take on its own is kept beside the topic
    ("short breaks", "the local offer", "section 47 enquiries"), and so is every word of a term
    the reports use ("children placed out of area"). After a dash the question elaborates ("X -
    what do inspectors say", "supervision - reflective, regular"): the topic is what came before."""
    wanted = set(terms)
    found = list(TOKEN.finditer(question))
    tokens = [t.group(0) for t in found]
    kinds = [_kind(w, wanted) for w in tokens]
    for term in TERMS.finditer(question):  # a term of the reports' own, whole
        for i, t in enumerate(found):
            if term.start() <= t.start() and t.end() <= term.end() and kinds[i] in ("word", "soft", "skip", "join"):
                kinds[i] = "topic"
    for i in range(1, len(kinds)):  # "section 47 enquiries", "section 47 - quotes", not "homeless 16 and 17 year olds"
        if kinds[i] == "number" and kinds[i - 1] in ("topic", "soft") and (
                i + 1 == len(kinds) or kinds[i + 1] in ("topic", "dash")):
            kinds[i] = "topic"
    for _ in range(3):  # a soft word right beside a topic word joins it ("short breaks"), a general one after it
        for i, kind in enumerate(kinds):  # ("life story work", not "weak management oversight")
            if kind == "soft" and any(kinds[j] == "topic" for j in (i - 1, i + 1) if 0 <= j < len(kinds)) or (
                    kind == "general" and i > 0 and kinds[i - 1] == "topic"):
                kinds[i] = "topic"
    out: list[str] = []
    for i, (w, kind) in enumerate(zip(tokens, kinds, strict=True)):
        if kind == "dash" and "topic" in kinds[:i]:
            if not _one_word_joined(kinds, i):
                break
            out.append("-")  # "self - harm"
        elif kind == "topic":
            out.append(w)
        elif kind == "join":
            out.append(w.lower())
        elif kind == "either":
            out.append("/" if w != ")" else "")  # "children in care (CiC) and care leavers": the "and" stays
        elif kind != "skip":
            out.append("|")
    return _tidy([w for w in out if w])


TOKEN = re.compile(r"(?<=\s)[-\u2013\u2014](?=\s)|[\u2013\u2014]|[\w'&+-]+|[/()]")
JOINS = {"or", "and", "&", "+"} | PREPOSITIONS
# Words of the asking or the scope ("a short summary", "the local authority") that name a topic
# right beside one of its words ("short breaks", "the local offer", "early help", "the public law
# outline"), and the general words a topic is said with ("life story work", "edge of care services")
SOFT = {"local", "short", "help", "early", "outline", "discussion", "discussions", "year", "section", "regional",
        "orders", "order", "story", "check", "checks"}  # "life story work", "health checks"
SPACE = r"[\s-]+"
TERMS = re.compile("|".join(r"(?<![\w-])" + SPACE.join(map(re.escape, phrase.split())) + r"(?![\w-])"
                            for words in EQUIVALENTS for phrase in words if " " in phrase), re.I)


def _one_word_joined(kinds: list[str], dash: int) -> bool:
    """"self - harm": a spaced hyphen with one topic word after it, and nothing more of the topic, joins."""
    after = kinds[dash + 1:dash + 3]
    return kinds[dash - 1] == "topic" and after[:1] == ["topic"] and after[1:] != ["topic"]


def _kind(word: str, wanted: set[str]) -> str:
    low = word.lower()
    if low in ("-", "\u2013", "\u2014"):
        return "dash"
    if low in ("/", "(", ")"):
        return "either"
    if set(tokenize(word)) & wanted:
        return "topic"
    if low in JOINS:
        return "join"
    if low.isdigit() and len(low) <= 3:
        return "number"
    if low in SOFT:
        return "soft"
    if tokenize(word) and set(tokenize(word)) <= GENERAL:
        return "general"
    return "skip" if not tokenize(word) else "word"


def _tidy(out: list[str]) -> str:
    """Joining words only between two topic words; "|" and "/" once, never at an end."""
    tidy: list[str] = []
    for i, w in enumerate(out):
        if w == "or" and tidy and tidy[-1] == "|":  # "advocacy services or independent visitors": either
            tidy[-1] = "/"
            continue
        if w in JOINS:
            nxt = next((o for o in out[i + 1:] if o not in JOINS), "|")
            if not tidy or tidy[-1] in JOINS or tidy[-1] in ("|", "/") or nxt in ("|", "/"):
                continue
        elif w in ("|", "/") and tidy and tidy[-1] in ("|", "/"):
            tidy[-1] = "/" if "/" in (w, tidy[-1]) else "|"
            continue
        tidy.append(w)
    while tidy and (tidy[-1] in JOINS or tidy[-1] in ("|", "/", "-")):
        tidy.pop()
    while tidy and (tidy[0] in JOINS or tidy[0] in ("|", "/")):
        tidy.pop(0)
    return " ".join(tidy)
