"""Answers about a topic, against gold read from the PDFs (eval/topic_gold.py).

The items (eval/data/topic/items.jsonl) were written by someone who never read our parser or
retrieval, for the people who ask them first (journalists, managers, researchers):
  - across: a topic across every report in a scope ("Which focused visits mention COVID-19?");
  - within: one council's report and a topic it discusses (present) or does not (absent);
  - recommendation: what a report recommended about a topic (its recommendations section);
  - framing: councils set side by side, or one council over time.

    python -m eval.run_topic --index INDEX [--out DIR] [--kinds across,within]

Figures, dev and test apart (eval/split.py): for questions across reports, how often an answer
is given when the scan finds the topic, report recall and precision of the reports an answer
cites against the scan, and the share of quoted sentences on the topic; for one report, the
present topic quoted from it and the absent topic said to be absent; for comparisons of
councils, no change label ("improved", "declined") meant for one council over time.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.harness import load_items, open_assistant  # noqa: E402
from eval.split import side_of  # noqa: E402
from eval.topic_gold import TOPIC_DIR, gold_files, on_topic  # noqa: E402

SAID_ABSENT = re.compile(r"\b(does not (?:discuss|mention|say|cover)|do not (?:discuss|mention)|no (?:passage|mention|"
                         r"recommendation)s?\b|not discussed|is silent|none of (?:its|the) recommendations)", re.I)
CHANGE_LABEL = re.compile(r"\b(improved|declined|same grade|got worse|deteriorated)\b", re.I)
STATED_COUNT = re.compile(r"\b(\d[\d,]*) of (\d[\d,]*)\b")


def score(item: dict, answer) -> dict:
    files = {c.file for c in answer.citations}
    quotes = [c.quote for c in answer.citations]
    row: dict = {"abstained": answer.abstained, "cited_reports": len(files)}
    kind = item["kind"]
    if kind in ("across", "within", "recommendation"):
        gold = gold_files(item)
        row["gold_reports"] = len(gold)
        row["on_topic"] = [on_topic(item["topic_id"], q) for q in quotes]
    if kind == "across":
        row["answered"] = not answer.abstained if gold else None
        row["recall"] = len(files & gold) / len(gold) if gold else None
        row["precision"] = len(files & gold) / len(files) if files else None
        if stated := STATED_COUNT.search(answer.text.split("\n", 1)[0]):
            row["count_matches_shown"] = int(stated.group(1).replace(",", "")) == len(files)
    elif kind in ("within", "recommendation"):
        own = [c for c in answer.citations if c.file == item["file"]]
        said_absent = bool(SAID_ABSENT.search(answer.text))
        if gold:
            row["present_quoted"] = any(on_topic(item["topic_id"], c.quote) for c in own)
            row["present_said_absent"] = said_absent  # the worst error: a topic it discusses called absent
        else:
            row["absent_said"] = said_absent
    elif kind == "framing" and item.get("expect") == "across_councils":
        row["no_change_label"] = not CHANGE_LABEL.search(answer.text)
    return row


def summarise(rows: list[dict]) -> dict:
    def mean(key: str, kind: str | None = None) -> tuple[float | None, int]:
        values = [r[key] for r in rows if r.get(key) is not None and (kind is None or r["kind"] == kind)]
        return (round(sum(values) / len(values), 3) if values else None), len(values)

    quotes = [q for r in rows if r["kind"] == "across" for q in r.get("on_topic", [])]
    out = {
        "across: answered when the scan finds it": mean("answered"),
        "across: report recall": mean("recall"),
        "across: report precision": mean("precision"),
        "across: quotes on topic": (round(sum(quotes) / len(quotes), 3) if quotes else None, len(quotes)),
        "across: count stated = reports shown": mean("count_matches_shown"),
        "within: present topic quoted": mean("present_quoted", "within"),
        "within: absent topic said": mean("absent_said", "within"),
        "within: present topic said absent (lower is better)": mean("present_said_absent", "within"),
        "recommendation: present quoted": mean("present_quoted", "recommendation"),
        "recommendation: absent said": mean("absent_said", "recommendation"),
        "framing: no change label across councils": mean("no_change_label"),
    }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True, help="an index of the whole corpus")
    ap.add_argument("--out", type=Path, help="write every item's row and the figures here (JSON)")
    ap.add_argument("--kinds", default="across,within,recommendation,framing")
    args = ap.parse_args(argv)
    kinds = set(args.kinds.split(","))
    items = [it for it in load_items(TOPIC_DIR) if it["kind"] in kinds]
    assistant = open_assistant(args.index)
    rows, seconds = [], []
    for item in items:
        started = time.perf_counter()
        answer = assistant.ask(item["question"])
        seconds.append(time.perf_counter() - started)
        rows.append({"id": item["id"], "kind": item["kind"], "side": side_of(item), **score(item, answer)})
    figures = {side: summarise([r for r in rows if r["side"] == side]) for side in ("dev", "test")}
    print(f"{'metric':<52}{'dev':>12}{'test':>12}")
    for key in figures["dev"]:
        cells = [f"{v if v is not None else '-'} ({n})" for v, n in (figures["dev"][key], figures["test"][key])]
        print(f"{key:<52}{cells[0]:>12}{cells[1]:>12}")
    seconds.sort()
    print(f"seconds an answer: p50 {seconds[len(seconds) // 2]:.2f}, p95 {seconds[int(0.95 * (len(seconds) - 1))]:.2f}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "topic.json").write_text(json.dumps({"figures": figures, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
