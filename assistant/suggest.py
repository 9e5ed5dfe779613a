"""Other readings to offer when the reading is unsure: two or three concrete questions.

Offered when the question is vague ("what's wrong?"), names a council that is not indexed (a
former one, a near miss), or was placed by its wording with another answer close behind. Each
is a whole question the user can ask as it stands (in the chat, a button that asks it).
"""

from __future__ import annotations

import difflib
import re

from assistant.evidence import Evidence
from assistant.gazetteer import name_pattern
from assistant.intent import Intent
from assistant.topic_words import topic_words

# One question per answer shape, about a council (or a topic) the reading already has.
ASK_AS = {
    "summary": "Summarise {council}'s latest inspection",
    "grades": "What grades did {council} get at its latest inspection?",
    "grade_history": "How have {council}'s grades changed over time?",
    "strengths": "What are {council}'s main strengths?",
    "weaknesses": "What are {council}'s main weaknesses?",
    "recommendations": "What did Ofsted recommend {council} improve?",
    "finding": "What did {council}'s latest report say about {topic}?",
    "topic_across": "What do the reports say about {topic}?",
    "coverage": "Which reports mention {topic}?",
    "themes": "What weaknesses are common across the reports?",
    "rated": "Which councils were rated {grade} at their latest inspection?",
    "grade_change": "Which councils improved their overall grade?",
}
STARTERS = [  # for a question that names nothing and asks nothing that can be told
    "Which councils were rated inadequate at their latest inspection?",
    "What weaknesses are common across the reports?",
    "Which reports mention {topic}?",
]
MAX_OFFERED = 3


def suggestions(ev: Evidence) -> list[str]:
    intent = ev.intent
    offered: list[str] = []
    for old, successors in intent.former:
        offered += [_with_council(ev.question, old, s) for s in successors]
    unknown = [p for p in intent.unknown_places if not any(old.lower() == p for old, _ in intent.former)]
    councils = sorted({m.authority for m in ev.library.all_reports().values() if m.authority}) if unknown else []
    for place in unknown:
        near = difflib.get_close_matches(place.title(), councils, n=2, cutoff=0.75)
        offered += [_with_council(ev.question, place, c) for c in near]
    if intent.vague:
        council = ev.reading.intent.authorities[0] if ev.reading and ev.reading.intent.authorities else ""
        offered += [ASK_AS[s].format(council=council, topic="", grade="") for s in ("summary", "weaknesses")] \
            if council else [s.format(topic="private fostering") for s in STARTERS]
    elif intent.decided_by == "wording" and intent.runner_up in ASK_AS and (other := _as(intent.runner_up, intent, ev.question)):
        offered.append(other)
    return list(dict.fromkeys(q for q in offered if q and q != ev.question))[:MAX_OFFERED]


def _with_council(question: str, written: str, council: str) -> str:
    """The question with the name as written replaced by `council`."""
    replaced = re.sub(name_pattern(written), council, question, count=1, flags=re.I)
    return replaced if replaced != question else f"{question.rstrip(' ?.')} ({council})?"


def _as(label: str, intent: Intent, question: str) -> str:
    """The question asked as the answer `label`, when the reading has what that needs."""
    template = ASK_AS[label]
    council = intent.authorities[0] if intent.authorities else ""
    topic = topic_words(question.rstrip("?.!"), intent.topic_terms)
    if ("{council}" in template and not council) or ("{topic}" in template and not topic):
        return ""
    if "{grade}" in template and not intent.grades:
        return ""
    return template.format(council=council, topic=topic, grade=intent.grades[0] if intent.grades else "")
