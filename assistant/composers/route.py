"""Every answer is composed here: a question's shape (`Intent.shape`, assistant/query.py) picks its
route in `ROUTES`, the shape's own composer first and then the declared fallbacks, each of which
returns None when the question is not its kind. Before any route, the questions no composer can
answer are told so (a council not indexed, a vague question, another inspectorate, a name no
report contains, nothing found). Every answer is a `Draft`: its quotes are verified in one place.
"""

from __future__ import annotations

from assistant import phrases
from assistant.composers import COMPOSERS
from assistant.composers.across import across_answer
from assistant.composers.finding import finding_answer, judgement_answer, side_by_side_answer
from assistant.composers.topic import topic_across_answer
from assistant.draft import abstain
from assistant.evidence import Composer, Evidence
from assistant.intent import Shape
from assistant.lexical import tokenize
from ingest.core.types import Answer

# After a shape's own composer, in order: a question across reports (from the reports table), a
# headline grade, reports side by side, what every report in scope says on a topic, and the
# finding answer, which always answers.
FALLBACKS: tuple[Composer, ...] = (across_answer, judgement_answer, side_by_side_answer, topic_across_answer,
                                   finding_answer)


def route(shape: Shape, composers: dict[Shape, Composer]) -> tuple[Composer, ...]:
    """The composers that answer `shape`, in the order they are tried."""
    own = composers.get(shape)
    return ((own,) if own is not None else ()) + FALLBACKS


ROUTES: dict[Shape, tuple[Composer, ...]] = {shape: route(shape, COMPOSERS) for shape in Shape}


def compose(ev: Evidence, composers: dict[Shape, Composer] | None = None) -> Answer:
    routes = ROUTES if composers is None else {shape: route(shape, composers) for shape in Shape}
    composers = COMPOSERS if composers is None else composers
    question, intent, scope, passages = ev.question, ev.intent, ev.scope, ev.passages
    if scope.problem:
        return abstain(question, passages, phrases.NOT_INDEXED.format(reason=scope.problem))
    if intent.vague:
        return abstain(question, [], phrases.VAGUE)
    coverage = composers.get(Shape.COVERAGE)
    if ev.shape is Shape.COVERAGE and coverage and (answer := coverage(ev)) is not None:
        return answer  # exhaustive: it says itself when nothing mentions the phrase
    if intent.out_of_scope and (not intent.authorities or intent.asks_grade):
        return abstain(question, passages, phrases.OUT_OF_SCOPE.format(what=intent.out_of_scope))
    if unknown := _unmentioned_names(intent.named_words, ev.library):
        return abstain(question, passages, phrases.NOT_MENTIONED.format(name=unknown))
    if not passages:
        return abstain(question, passages, phrases.ABSTAIN)
    for composer in routes[ev.shape] if ev.shape is not Shape.COVERAGE else FALLBACKS:
        if (answer := composer(ev)) is not None:
            return answer
    raise AssertionError("finding_answer ends every route and always answers")  # pragma: no cover


def _unmentioned_names(names: tuple[str, ...], library) -> str:
    """A name the question relies on that no indexed report contains (a case, a hospital...)."""
    if not library.vocabulary_size():
        return ""  # no lexical index yet: nothing to tell
    for name in names:
        terms = tokenize(name)
        if terms and all(library.document_frequency(t) == 0 for t in terms):
            return name
    return ""
