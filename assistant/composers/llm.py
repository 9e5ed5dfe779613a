"""The optional language-model composer: the extractive answer chooses the evidence, a
language model writes the answer from it, and every sentence it writes is checked against
the page it cites (assistant/checker.py) before it is shown.

It plugs in after the extractive composers: it is given their answer and returns another.
Answers whose substance is our own data (grades, counts, tables, exhaustive lists) stay
extractive; so does an abstention. The extractive answer is also what the user gets, with
the reason, when the endpoint is down, slow or answers nonsense, when the model says the
passages do not answer, and when none of its sentences survives the checker.

With `LLMSettings.constrain = "copy"` the request carries a grammar under which the model can
only copy the passages' own sentences, each with its marker (assistant/prompt.py); the reply
is checked exactly like free text.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import replace

from assistant import phrases, prompt
from assistant.checker import Checker, split_reply
from assistant.draft import Draft
from assistant.evidence import Evidence, Library
from assistant.llm import ChatClient
from assistant.verify import on_matched_page
from ingest.core.errors import LLMUnavailable
from ingest.core.settings import LLMSettings
from ingest.core.types import Answer, Passage
from ingest.normalize import for_match

# Answer kinds the model may write in prose; the others are our data, shown as they are.
WRITES_PROSE = {"finding", "summary", "strengths"}


class LLMComposer:
    def __init__(self, cfg: LLMSettings, client: ChatClient | None = None):
        self.cfg = cfg
        self.client = client or ChatClient(cfg)

    def stream(self, ev: Evidence, extractive: Answer, earlier: list[str] | None = None) -> Generator[str, None, Answer]:
        """The model's text piece by piece as it writes (unchecked), then, returned, the checked answer."""
        if extractive.abstained:
            return extractive
        if extractive.kind not in WRITES_PROSE:
            return replace(extractive, text=f"{extractive.text}\n\n{phrases.LLM_OWN_DATA}")
        passages = self.evidence(ev, extractive)
        copy = self.cfg.constrain == "copy"  # the reply held to copied passage sentences (prompt.copy_grammar)
        parts: list[str] = []
        try:
            for token in self.client.stream(prompt.messages(ev.question, passages, earlier, copy=copy),
                                            grammar=prompt.copy_grammar(passages, on_one_page(ev.library)) if copy else None):
                parts.append(token)
                yield token
        except LLMUnavailable as exc:
            return fallback(extractive, str(exc))
        reply = "".join(parts).strip()
        if reply.strip().upper().startswith(prompt.NOT_ANSWERED):
            return fallback(extractive, "the language model found no answer in the passages")
        checker = Checker(ev.library, self.cfg)
        verdicts = [checker.check(text, cited, passages) for text, cited in split_reply(reply)]
        draft = Draft(ev.question, "llm", ev.library, sep=" ")
        draft.note(phrases.LLM_WRITTEN)
        shown: set[str] = set()
        for verdict in verdicts:
            if verdict.supported and verdict.text not in shown:  # a sentence written twice is shown once
                shown.add(verdict.text)
                marks = [draft.cite(s.passage.report, s.page, s.sentence, s.passage) for s in verdict.support]
                draft.claim(f"{verdict.text} {' '.join(marks)}", "finding", verdict.support[0].passage.report)
        removed = [v.text for v in verdicts if not v.supported]
        if removed:
            n = len(removed)
            draft.note(phrases.LLM_REMOVED.format(n=n, s="" if n == 1 else "s", were="was" if n == 1 else "were",
                                                  them="it" if n == 1 else "them"))
        answer = draft.finish(passages)
        if answer.abstained:
            reason = "no sentence the language model wrote is supported by the page it cites"
            return replace(fallback(extractive, reason), unsupported=removed)
        return replace(answer, composer="llm", unsupported=removed)

    def evidence(self, ev: Evidence, extractive: Answer) -> list[Passage]:
        """What the model reads: the passages the extractive answer cited, then the rest retrieved."""
        cited = [c.passage for c in extractive.citations if c.passage is not None]
        seen: set[str] = set()
        out: list[Passage] = []
        for passage in cited + extractive.passages + ev.passages:
            if passage.chunk_id not in seen:
                seen.add(passage.chunk_id)
                out.append(passage)
        return out[: self.cfg.passages]


def on_one_page(library: Library) -> prompt.OnPage:
    """Whether a passage's sentence lies whole on one of its pages, as the checker finds it
    (a sentence across a page break is never a citation's quote); each page normalised once."""
    pages: dict[tuple[str, int], str] = {}

    def on_page(passage: Passage, sentence: str) -> bool:
        for page in passage.pages:
            key = (passage.file, page)
            if key not in pages:
                pages[key] = for_match(library.page_text(passage.file, page) or "")
            if on_matched_page(sentence, pages[key]):
                return True
        return False

    return on_page


def fallback(extractive: Answer, reason: str) -> Answer:
    return replace(extractive, text=f"{phrases.LLM_FALLBACK.format(reason=reason)}\n\n{extractive.text}")
