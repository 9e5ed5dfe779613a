"""What the language model is told: the one place its instructions and its view of the
evidence are written. The model sees numbered passages, each with its report and page, and
must end every sentence with the numbers of the passages it used."""

from __future__ import annotations

from ingest.core.types import Passage

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


def messages(question: str, passages: list[Passage], earlier: list[str] | None = None) -> list[dict[str, str]]:
    """The chat messages: the rules, a worked example, then the passages, the conversation so far
    and the question."""
    evidence = "\n\n".join(passage_block(i, p) for i, p in enumerate(passages, start=1))
    so_far = ""
    if earlier:
        so_far = "Earlier questions in this conversation:\n" + "\n".join(f"- {q}" for q in earlier) + "\n\n"
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": EXAMPLE_QUESTION},
        {"role": "assistant", "content": EXAMPLE_ANSWER},
        {"role": "user", "content": f"Passages:\n\n{evidence}\n\n{so_far}Question: {question}"},
    ]
