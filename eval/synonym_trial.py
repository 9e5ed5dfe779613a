"""Put the query synonym table (assistant.stages.SYNONYMS) on trial: what each entry gains on
items it fires on, measured on the test side, with the items written after the table
(eval/data/v2, eval/data/reworded: by people who never saw it) apart from the v1 items
that were in view when it was built.

    .venv/bin/python -m eval.synonym_trial --index index [--side test] [--sets v1,v2,reworded]

For each entry: the items whose question it matches, answered by ours (`ask`) with the whole
table and with the table minus that entry; then the whole table against none. Gain is
with minus without, in hit@5, MRR@10 and keyword accuracy (mean over the items).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.harness import load_sets, open_assistant  # noqa: E402
from eval.metrics import Result, get_metric  # noqa: E402
from eval.split import side_of  # noqa: E402

METRICS = ("hit@5", "mrr@10", "keyword_accuracy")
INDEPENDENT_SETS = {"v2", "reworded"}


def _scores(assistant: Any, items: list[dict]) -> dict[str, float]:
    totals = {m: [] for m in METRICS}
    for item in items:
        answer = assistant.ask(item["question"])
        result = Result(passages=list(answer.passages or []), answer=answer, expects_answer=True)
        for m in METRICS:
            value = get_metric(m).compute(item, result, None)
            if value is not None:
                totals[m].append(value)
    return {m: (sum(v) / len(v) if v else float("nan")) for m, v in totals.items()}


def _gains(assistant: Any, items: list[dict], with_table: list, without_table: list) -> dict[str, float]:
    from assistant import stages

    stages._SYNONYM_PATTERNS[:] = with_table
    on = _scores(assistant, items)
    stages._SYNONYM_PATTERNS[:] = without_table
    off = _scores(assistant, items)
    return {m: on[m] - off[m] for m in METRICS}


def trial(assistant: Any, items: list[dict]) -> list[dict[str, Any]]:
    """One row per entry (and one for the whole table): the items it fires on, and its gain on
    the independent items and on the v1 items apart."""
    from assistant import stages

    full = list(stages._SYNONYM_PATTERNS)
    rows = []
    try:
        entries = [(key, [p for p in full if p[0] is not pattern], (pattern,))
                   for (pattern, _), key in zip(full, stages.SYNONYMS)]
        entries.append(("(whole table)", [], tuple(p for p, _ in full)))
        for key, without, patterns in entries:
            fired = [it for it in items if any(p.search(it["question"]) for p in patterns)]
            row: dict[str, Any] = {"entry": key, "items": len(fired)}
            for group, members in (("independent", [it for it in fired if it["set"] in INDEPENDENT_SETS]),
                                   ("v1", [it for it in fired if it["set"] not in INDEPENDENT_SETS])):
                row[group] = len(members)
                if members:
                    row[f"{group} gain"] = _gains(assistant, members, full, without)
            rows.append(row)
    finally:
        stages._SYNONYM_PATTERNS[:] = full
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True)
    ap.add_argument("--side", default="test", choices=["dev", "test"])
    ap.add_argument("--sets", default="v1,v2,reworded")
    args = ap.parse_args(argv)
    items = [it for it in load_sets(args.sets) if side_of(it) == args.side and it["type"] != "unanswerable"]
    assistant = open_assistant(args.index)
    print(f"{len(items)} {args.side} items of {args.sets}")
    print(f"{'entry':30} {'items':>5}  gain on independent items (n: hit@5 MRR kw)  gain on v1 items (n: hit@5 MRR kw)")
    for row in trial(assistant, items):
        cells = []
        for group in ("independent", "v1"):
            g = row.get(f"{group} gain")
            cells.append(f"{row[group]:>3}: " + (" ".join(f"{g[m]:+.3f}" for m in METRICS) if g else "-"))
        print(f"{row['entry']:30} {row['items']:>5}  {cells[0]:<44} {cells[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
