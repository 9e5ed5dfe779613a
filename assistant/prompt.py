"""What the language model is told: the one place its instructions and its view of the
evidence are written. The model sees numbered passages, each with its report and page, and
must end every sentence with the numbers of the passages it used.

Under `LLMSettings.constrain = "copy"` the model is told to copy sentences, and `copy_grammar`
writes the GBNF grammar that holds it to that: each sentence of its reply is one of the
passages' own sentences followed by that passage's marker.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.core.types import Passage
from ingest.sentences import split_sentences

OnPage = Callable[[Passage, str], bool]  # is this sentence of the passage whole on one of its pages?

NOT_ANSWERED = "NOT ANSWERED"

SYSTEM = f"""You answer questions about Ofsted inspection reports of children's services, \
using only the numbered passages you are given.
- Write 2 to 5 plain sentences that answer the question.
- End every sentence with the number of each passage it uses, in square brackets: [1] or [2][3].
- State only what those passages say. Do not add grades, numbers, dates or names that are not in them.
- Put any words copied from a passage in double quotes, exactly as written there.
- If the passages do not answer the question, reply with exactly: {NOT_ANSWERED}"""


def passage_block(number: int, passage: Passage) -> str:
    pages = f"page {passage.page_start}" if passage.page_start == passage.page_end else \
        f"pages {passage.page_start}-{passage.page_end}"
    return f"[{number}] {passage.report.label}, {pages}:\n{' '.join(passage.text.split())}"


# One worked exchange shows the form of an answer (invented council, so it cannot leak into one).
EXAMPLE_QUESTION = """Passages:

[1] Northtown, ILACS inspection, May 2022, page 4:
Managers provide regular supervision. Supervision records are brief and do not show the reasons for decisions.

[2] Northtown, ILACS inspection, May 2022, page 9:
Care leavers are supported by personal advisers who know them well.

Question: What did inspectors find about supervision in Northtown?"""
EXAMPLE_ANSWER = ("Managers provide regular supervision [1]. However, supervision records are brief and do not show "
                  "the reasons for decisions [1].")


# Under the copy grammar: the rules and the example say what the grammar allows.
COPY_SYSTEM = f"""You answer questions about Ofsted inspection reports of children's services, \
using only the numbered passages you are given.
- Answer by copying the 1 to 3 sentences of the passages that best answer the question, word for word.
- End every sentence with the number of the passage it comes from, in square brackets: [1].
- If the passages do not answer the question, reply with exactly: {NOT_ANSWERED}"""
COPY_EXAMPLE_ANSWER = "Supervision records are brief and do not show the reasons for decisions. [1]"
COPY_SENTENCES = 3  # most sentences a reply under the grammar holds
COPY_WORDS = (4, 40)  # shortest and longest sentence offered (the checker compares sentences of 4 words or more)


def copyable(passage: Passage, on_page: OnPage | None = None) -> list[str]:
    """The sentences of a passage the copy grammar offers: complete ones of 4 to 40 words that
    come back whole, and alone, when a reply made of them is split into sentences again (no
    brackets, bullets or lower-case starts that would make the checker see another sentence),
    and, given `on_page`, that lie on one page (a sentence across a page break cannot be quoted)."""
    from assistant.checker import split_reply  # the checker's own reading of a reply

    out: list[str] = []
    for raw in split_sentences(passage.text):
        sentence = " ".join(raw.split())
        if not COPY_WORDS[0] <= len(sentence.split()) <= COPY_WORDS[1] or sentence in out:
            continue
        if any(c in sentence for c in "[]\u2022") or not sentence.rstrip("\"')\u201d\u2019").endswith((".", "!", "?")):
            continue
        if split_reply(f"{sentence} [1] {sentence} [2]") != [(sentence, [1]), (sentence, [2])]:
            continue
        if on_page is None or on_page(passage, sentence):
            out.append(sentence)
    return out


def copy_grammar(passages: list[Passage], on_page: OnPage | None = None) -> str:
    """A GBNF grammar (llama.cpp's) for a reply of 1 to `COPY_SENTENCES` sentences, each copied
    verbatim from a numbered passage and followed by its marker, "<sentence> [n]", or NOT ANSWERED.
    The sentences offered are `copyable`'s."""
    cited, rules = [], []
    for number, passage in enumerate(passages, start=1):
        if sentences := copyable(passage, on_page):
            cited.append(f"p{number} \" [{number}]\"")
            rules.append(f"p{number} ::= " + " | ".join(_literal(s) for s in sentences))
    if not cited:  # nothing to copy: the model can only say so
        return f"root ::= {_literal(NOT_ANSWERED)}\n"
    return "\n".join([f"root ::= {_literal(NOT_ANSWERED)} | sentence (\" \" sentence){{0,{COPY_SENTENCES - 1}}}",
                      "sentence ::= " + " | ".join(cited), *rules]) + "\n"


def _literal(text: str) -> str:
    """`text` as a GBNF string literal: ASCII, with quotes, backslashes and the rest escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 32 <= code < 127:
            out.append(char)
        else:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def messages(question: str, passages: list[Passage], earlier: list[str] | None = None,
             copy: bool = False) -> list[dict[str, str]]:
    """The chat messages: the rules, a worked example, then the passages, the conversation so far
    and the question. `copy`: the rules and example for replies under `copy_grammar`."""
    evidence = "\n\n".join(passage_block(i, p) for i, p in enumerate(passages, start=1))
    so_far = ""
    if earlier:
        so_far = "Earlier questions in this conversation:\n" + "\n".join(f"- {q}" for q in earlier) + "\n\n"
    return [
        {"role": "system", "content": COPY_SYSTEM if copy else SYSTEM},
        {"role": "user", "content": EXAMPLE_QUESTION},
        {"role": "assistant", "content": COPY_EXAMPLE_ANSWER if copy else EXAMPLE_ANSWER},
        {"role": "user", "content": f"Passages:\n\n{evidence}\n\n{so_far}Question: {question}"},
    ]
