"""The question parser: the gazetteer's names, the topic words spelt right, the rules' reading
(assistant/query.py), then the shape of a question the rules cannot place (assistant/shapes.py).
Built from the indexed reports' authorities, so it knows exactly what is there; `Assistant(parser=...)`
takes another (assistant.query.QuestionParser)."""

from __future__ import annotations

from assistant import shape_model
from assistant.gazetteer import Gazetteer
from assistant.intent import Intent
from assistant.query import OWN_WORDS, read_rules
from assistant.shapes import decide
from assistant.wording import Speller
from ingest.wordpieces import known_words


class QueryParser:
    """Reads a question into its `Intent`, in the light of the last turn's."""

    def __init__(self, authorities: list[str], learnt: bool = True):
        """`learnt`: questions the rules cannot place go to the shape model (needs the embedder)."""
        self.gazetteer = Gazetteer(authorities, known_words())
        self.speller = Speller(known_words(), frozenset(OWN_WORDS))
        self.model = shape_model.load() if learnt else None
        self._encode: shape_model.Encode | None = None

    def encode(self, texts: list[str]):
        if self._encode is None:
            from assistant.embedder import get_embedder  # the model loads on the first question it must place

            self._encode = get_embedder("auto").encode_queries
        return self._encode(texts)

    def parse(self, question: str, before: Intent | None = None) -> Intent:
        """The reading of `question`; `before`, the last turn's reading (a follow-up keeps its councils)."""
        names = self.gazetteer.find(question)
        rest, respelt = self.speller.respell(names.rest, question)
        draft = read_rules(question, names, rest, respelt, before)
        decide(draft, question, names.rest, self.model, self.encode if self.model else None)
        return draft.freeze()
