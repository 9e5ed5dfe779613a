"""Set the checker's thresholds on the evaluation set: how close (MiniLM cosine) and how much
of its wording a supported sentence shares with the passage it cites, against sentences the
cited passages do not support.

    python -m eval.calibrate_checker --index build/quick-index [--limit 40]

For each answerable quick item on the dev side of the split, the passages a model would be given (the extractive answer's
cited ones first) and:
- supported: each cited sentence reworded as a model does ("Inspectors found that ...",
  its opening clause dropped);
- unsupported, the hard way: a finding from another page of the same report that the passages
  do not contain, and a finding from another council's report on the same topic.
Prints, per threshold, the share of each kind the checker passes; the settings' defaults
(LLMSettings.min_similarity, min_term_share) are chosen from this table.
"""

from __future__ import annotations

import argparse

from assistant import Assistant
from assistant.checker import Checker
from assistant.composers.llm import LLMComposer
from eval.harness import load_items, quick_items
from eval.run_llm import spread
from eval.split import side_of
from ingest.sentences import split_sentences


def reworded(sentence: str) -> list[str]:
    out = [f"Inspectors found that {sentence[0].lower()}{sentence[1:]}"]
    _, comma, rest = sentence.partition(", ")
    if comma and len(rest.split()) >= 8:
        out.append(rest[0].upper() + rest[1:])
    return out


def cases(assistant: Assistant, items: list[dict]):
    composer = LLMComposer(assistant.settings.llm, client=object())  # type: ignore[arg-type]  # no model needed
    answered = []
    for item in items:
        answer = assistant.ask(item["question"])
        if answer.abstained or not answer.citations:
            continue
        passages = composer.evidence(assistant.evidence(item["question"]), answer)
        answered.append((item, answer, passages))
    for n, (_, answer, passages) in enumerate(answered):
        given = " ".join(p.text for p in passages)
        number = {p.chunk_id: i for i, p in enumerate(passages, start=1)}
        for c in answer.citations[:3]:
            if c.passage is not None and c.passage.chunk_id in number:
                for text in reworded(c.quote):
                    yield "supported", text, [number[c.passage.chunk_id]], passages
        report = passages[0].report
        elsewhere = [p for p in assistant.report_passages(report.report_id) if p.chunk_id not in number]
        for p in elsewhere[:: max(1, len(elsewhere) // 3)][:3]:
            sentence = next((s for s in split_sentences(p.text) if len(s.split()) >= 10 and s not in given), None)
            if sentence:
                yield "same report, not in the passages", sentence, [1], passages
        other = answered[(n + 1) % len(answered)]
        if other[1].citations and other[2][0].report.authority != report.authority:
            yield "another council", other[1].citations[0].quote, [1], passages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", default="build/quick-index")
    parser.add_argument("--set", default="eval/data/v1")
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args()
    assistant = Assistant.open(args.index, create=False)
    # Calibrated on dev items only: the checker is then reported on test (eval.run_llm --side test).
    items = spread([i for i in quick_items(load_items(args.set))
                    if i.get("type") != "unanswerable" and side_of(i) == "dev"], args.limit)
    cfg = assistant.settings.llm.model_copy()
    loose = cfg.model_copy(update={"min_similarity": 0.01, "min_term_share": 0.01})
    checker = Checker(assistant, loose)
    scored: list[tuple[str, float, float, str]] = []
    for kind, text, cited, passages in cases(assistant, items):
        verdict = checker.check(text, cited, passages)
        scored.append((kind, verdict.similarity, verdict.term_share, verdict.reason))
    kinds = sorted({k for k, *_ in scored})
    print(f"{len(scored)} sentences: " + ", ".join(f"{k} {sum(s[0] == k for s in scored)}" for k in kinds))
    print(f"{'similarity':>10} {'term share':>10} " + " ".join(f"{k[:28]:>30}" for k in kinds))
    for sim in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75):
        for share in (0.5, 0.6, 0.7, 0.8):
            passed = {k: [s for s in scored if s[0] == k] for k in kinds}
            cells = []
            for k in kinds:
                rows = passed[k]
                ok = sum(not r[3] and r[1] >= sim and r[2] >= share for r in rows)
                cells.append(f"{ok / len(rows):>30.3f}" if rows else f"{'-':>30}")
            mark = "  <- settings" if (sim, share) == (cfg.min_similarity, cfg.min_term_share) else ""
            print(f"{sim:>10} {share:>10} " + " ".join(cells) + mark)


if __name__ == "__main__":
    main()
