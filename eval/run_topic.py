"""Answers about a topic, against gold read from the PDFs (eval/topic_gold.py).

The items (eval/data/topic/items.jsonl) were written by someone who never read our parser or
retrieval, for the people who ask them first (journalists, managers, researchers):
  - across: a topic across every report in a scope ("Which focused visits mention COVID-19?");
  - within: one council's report and a topic it discusses (present) or does not (absent);
  - recommendation: what a report recommended about a topic (its recommendations section);
  - framing: councils set side by side, or one council over time.

    python -m eval.run_topic --index INDEX [--out DIR] [--kinds across,within] [--systems ours,bm25,dense]
    python -m eval.run_topic --index build/quick-index --gate   # in CI: the gold read from the indexed files

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
from types import SimpleNamespace

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eval.harness import load_items, open_assistant  # noqa: E402
from eval.split import side_of  # noqa: E402
from eval.topic_gold import TOPIC_DIR, gold_files, manifest, on_topic, read_only  # noqa: E402

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


class _Searched:
    """A search's top passages as an answer, for the baselines (BM25, dense) beside ours: each
    passage a citation of its report; the passage's text stands for its quote."""

    def __init__(self, passages):
        self.citations = [SimpleNamespace(file=p.report.file, quote=p.text) for p in passages]
        self.abstained, self.text = not passages, ""


def answer_of(assistant, system: str, item: dict):
    if system == "ours":
        return assistant.ask(item["question"])
    mode = {"bm25": "lexical", "dense": "dense"}[system]
    k = SEARCHED_ACROSS if item["kind"] == "across" else SEARCHED_WITHIN
    return _Searched(assistant.search(item["question"], k=k, mode=mode, aware=item["kind"] != "across"))


SEARCHED_ACROSS, SEARCHED_WITHIN = 10, 5  # passages a baseline cites: a page of results, a report's best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True, help="an index of the corpus, or of part of it (the gold is read "
                    "from the same files)")
    ap.add_argument("--out", type=Path, help="write every item's row and the figures here (JSON)")
    ap.add_argument("--kinds", default="across,within,recommendation,framing")
    ap.add_argument("--systems", default="ours", help="ours, and the baselines bm25 and dense, comma-separated")
    ap.add_argument("--gate", action="store_true", help="exit 1 when ours is below eval/gates.json's section")
    ap.add_argument("--write-gates", action="store_true", help="store ours' test figures as the gates")
    ap.add_argument("--gates-section", default="topic/quick", help="the gates.json section (one an index)")
    args = ap.parse_args(argv)
    kinds = set(args.kinds.split(","))
    assistant = open_assistant(args.index)
    indexed = {m.file for m in assistant.all_reports().values()}
    read_only(None if indexed >= set(manifest()) else indexed & set(manifest()))
    items = [it for it in load_items(TOPIC_DIR) if it["kind"] in kinds and (not it.get("file") or it["file"] in indexed)]
    systems = args.systems.split(",")
    figures: dict[str, dict] = {}
    seconds: list[float] = []
    rows: list[dict] = []
    for system in systems:
        ran = []
        for item in items:
            started = time.perf_counter()
            answer = answer_of(assistant, system, item)
            if system == "ours":
                seconds.append(time.perf_counter() - started)
            ran.append({"id": item["id"], "kind": item["kind"], "side": side_of(item), "system": system,
                        **score(item, answer)})
        figures[system] = {side: summarise([r for r in ran if r["side"] == side]) for side in ("dev", "test")}
        rows += ran
    print(f"{len(items)} items on {len(indexed)} indexed reports")
    print(f"{'metric':<52}" + "".join(f"{s + ' ' + side:>14}" for s in systems for side in ("dev", "test")))
    for key in figures[systems[0]]["dev"]:
        cells = [f"{v if v is not None else '-'} ({n})" for s in systems for side in ("dev", "test")
                 for v, n in [figures[s][side][key]]]
        print(f"{key:<52}" + "".join(f"{c:>14}" for c in cells))
    if seconds:
        seconds.sort()
        print(f"seconds an answer (ours): p50 {seconds[len(seconds) // 2]:.2f}, "
              f"p95 {seconds[int(0.95 * (len(seconds) - 1))]:.2f}")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "topic.json").write_text(json.dumps({"figures": figures, "rows": rows}, indent=1) + "\n")
    if (args.gate or args.write_gates) and "ours" in figures:
        return gate(figures["ours"]["test"], args.gates_section, args.write_gates)
    return 0


def gate(test: dict, section: str, write: bool) -> int:
    """Ours on the test side, each figure no lower than measured (one item of slack)."""
    gates = json.loads(GATES.read_text(encoding="utf-8"))
    if write:
        gates[section] = {k: {"measured": v, "n": n, "lower_is_better": k in LOWER_IS_BETTER}
                          for k, (v, n) in test.items() if v is not None}
        GATES.write_text(json.dumps(gates, indent=1) + "\n", encoding="utf-8")
        print("gates written:", GATES)
        return 0
    failed = []
    for key, spec in gates.get(section, {}).items():
        value, _ = test.get(key, (None, 0))
        slack = 1 / max(1, spec["n"])
        worse = (value is None or (value > spec["measured"] + slack + 1e-9 if spec["lower_is_better"]
                                   else value < spec["measured"] - slack - 1e-9))
        if worse:
            failed.append(f"GATE FAIL {section}/{key}: {value} (measured {spec['measured']}, n={spec['n']})")
    print("\n".join(failed) or f"{section} gates: all hold")
    return 1 if failed else 0


GATES = Path(__file__).resolve().parent / "gates.json"
LOWER_IS_BETTER = {"within: present topic said absent (lower is better)"}


if __name__ == "__main__":
    sys.exit(main())
