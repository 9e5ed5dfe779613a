"""How questions are read: shape and slots, paraphrase groups, follow-up chains, names.

The items (eval/data/reading/) were written and labelled by people who never read the parser
(docs/evaluation.md): single questions (shape and every slot), paraphrase groups (one need
asked five ways), conversations (each turn's complete reading in its context) and names
(misspellings, aliases, regions, grade groups, councils that are not indexed). The parser is
built from every council of the corpus manifest, as an index of the whole corpus builds it.

    python -m eval.run_reading                 # dev and test side by side
    python -m eval.run_reading --gate          # fail below eval/gates.json's reading section
    python -m eval.run_reading --show dev      # each dev item read wrong, for development
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.conversation import read as read_conversation  # noqa: E402
from assistant.gazetteer import council_entry  # noqa: E402
from assistant.lexical import tokenize  # noqa: E402
from assistant.parser import QueryParser  # noqa: E402
from assistant.intent import Intent  # noqa: E402
from assistant.shape_model import masked  # noqa: E402
from assistant.shapes import answer_label  # noqa: E402
from eval.harness import DEFAULT_CORPUS, load_items  # noqa: E402
from eval.split import side_of  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "reading"
# single questions (the first set, one need asked five ways, names, a second set written later) and conversations
SINGLE_FILES = ("single", "paraphrase", "names", "single_more", "single_third", "paraphrase_third", "paraphrase_fourth",
                "paraphrase_fifth", "paraphrase_sixth")
CHAIN_FILES = ("chains", "chains_more", "chains_third", "chains_fourth", "chains_fifth", "chains_sixth")
SLOTS = ("shape", "councils", "group", "report_type", "period", "grades", "topic")
REPORT_TYPES = {"lac": "lac-2013", "lscb": "lscb-review"}  # the index's names -> the labels'
GRADE_LABELS = {"positive experiences and outcomes": "positive experiences",  # the parser's -> the labels'
                "inconsistent experiences and outcomes": "inconsistent experiences",
                "widespread and/or systemic failings": "widespread systemic failings"}


# The answer sets' kinds of question, in the reading labels (eval/data/v1, eval/data/shapes).
V1_LABELS = {"judgement": "grades", "fact": "finding", "finding": "finding", "comparison": "comparison"}
POLARITY_LABELS = {"weakness": "weaknesses", "strength": "strengths"}


def dev_examples() -> list[dict]:
    """Dev questions with the answer they want: the reading set's, and the answer sets' (v1 and
    shapes, written earlier by other people), their kind translated to a reading label."""
    out = []
    for it in load_items(DATA.parent / "v1"):
        if side_of(it) == "dev" and it["type"] in V1_LABELS:
            out.append({**it, "shape": V1_LABELS[it["type"]]})
    for it in load_items(DATA.parent / "shapes"):
        label = POLARITY_LABELS.get(it.get("polarity", "")) if it["type"] == "strengths" else it["type"]
        if side_of(it) == "dev" and label:
            out.append({**it, "shape": label})
    for name in SINGLE_FILES:
        out += [it for it in load_items(DATA / f"{name}.jsonl") if side_of(it) == "dev"]
    for chain in (c for name in CHAIN_FILES for c in load_items(DATA / f"{name}.jsonl")):
        if side_of(chain) == "dev":
            out += [{**t, "id": f"{chain['id']}/{n}"} for n, t in enumerate(chain["turns"], 1) if not t.get("inherited")]
    # a dev question written word for word as a test one ("more", a chain's opening) is not learnt from
    tested = {_words(it["question"]) for name in SINGLE_FILES for it in load_items(DATA / f"{name}.jsonl")
              if side_of(it) == "test"}
    tested |= {_words(t["question"]) for name in CHAIN_FILES for c in load_items(DATA / f"{name}.jsonl")
               if side_of(c) == "test" for t in c["turns"]}
    return [it for it in out if _words(it["question"]) not in tested]


def _words(text: str) -> str:
    return " ".join(text.lower().split())


def corpus_parser(corpus: Path = Path(DEFAULT_CORPUS), learnt: bool = True) -> QueryParser:
    with (corpus / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        return QueryParser(sorted({row["local_authority"] for row in csv.DictReader(fh)}), learnt=learnt)


def council_name(name: str) -> str:
    return council_entry(name).get("name", name)


def reading_labels(intent: Intent, today: date | None = None) -> dict:
    """An Intent in the labels' terms."""
    year = (today or date.today()).year
    lo, hi = intent.year_range or (None, None)
    relative = {year - 1: "last year", year: "this year"}
    return {
        "shape": answer_label(intent),
        "councils": sorted(council_name(a) for a in intent.authorities),
        "group": intent.group,
        "report_type": sorted(REPORT_TYPES.get(t, t) for t in intent.report_types),
        "period": {"latest": intent.latest and not intent.previous, "previous": intent.previous,
                   "years": [] if intent.year_range else sorted(set(intent.years) - set(intent.relative_years)),
                   "from": lo or None, "to": None if hi is None or hi >= 9999 else hi,  # 0 and 9999: open ends
                   "relative": next((relative[y] for y in intent.relative_years if y in relative), "")},
        "grades": sorted(GRADE_LABELS.get(g, g) for g in intent.grades),
        "topic": intent.topic_terms,
    }


def gold_labels(item: dict) -> dict:
    period = item.get("period") or {}
    return {
        "shape": item["shape"],
        "councils": sorted(council_name(c) for c in item.get("councils") or []),
        "group": item.get("group_label", item.get("group", "")) or "",
        "report_type": [item["report_type"]] if item.get("report_type") else [],
        "period": {"latest": bool(period.get("latest")), "previous": bool(period.get("previous")),
                   "years": sorted(period.get("years") or []), "from": period.get("from"), "to": period.get("to"),
                   "relative": period.get("relative") or ""},
        "grades": sorted(item.get("grades") or []),
        "topic": item.get("topic") or "",
    }


def slot_right(slot: str, gold, got) -> bool:
    if slot == "topic":  # words as the index stems them: half of them in common counts
        want = {t for t in tokenize(gold) if len(t) > 1}
        have = set(got)
        if not want or not have:
            return not want and not have
        return len(want & have) / len(want | have) >= 0.5
    return gold == got


def score(gold: dict, got: dict) -> dict[str, bool]:
    return {slot: slot_right(slot, gold[slot], got[slot]) for slot in SLOTS}


def single_results(items: list[dict], parse: Callable[[str], Intent]) -> list[dict]:
    out = []
    for item in items:
        started = time.perf_counter()
        reading = read_conversation(item["question"], None, parse)
        ms = 1000 * (time.perf_counter() - started)
        gold, got = gold_labels(item), reading_labels(reading.intent)
        out.append({"item": item, "gold": gold, "got": got, "right": score(gold, got), "ms": ms,
                    "unnamed": reading.intent.unnamed})
    return out


def chain_results(chains: list[dict], parse: Callable[[str], Intent]) -> list[dict]:
    """Each later turn read with the turns before it as history (questions only)."""
    out = []
    for chain in chains:
        turns = chain["turns"]
        for n in range(1, len(turns)):
            started = time.perf_counter()
            reading = read_conversation(turns[n]["question"], [t["question"] for t in turns[:n]], parse)
            ms = 1000 * (time.perf_counter() - started)
            gold, got = gold_labels(turns[n]), reading_labels(reading.intent)
            out.append({"item": {**turns[n], "id": f"{chain['id']}/{n + 1}", "set": chain.get("set"), "chain": chain},
                        "gold": gold, "got": got, "right": score(gold, got), "ms": ms})
    return out


def summarise(results: list[dict], paraphrases: list[dict], chains: list[dict], names: list[dict]) -> dict:
    def share(rows, test) -> float | None:
        return round(sum(map(test, rows)) / len(rows), 3) if rows else None

    out: dict = {"n": len(results)}
    for slot in SLOTS:
        out[slot] = share(results, lambda r, s=slot: r["right"][s])
    out["all-slots"] = share(results, lambda r: all(r["right"].values()))
    for slot in ("group", "report_type", "grades", "topic"):  # an empty slot read empty is easy: apart
        out[f"{slot} (named)"] = share([r for r in results if r["gold"][slot]], lambda r, s=slot: r["right"][s])
    by_group: dict[str, list[dict]] = {}
    for r in paraphrases:
        by_group.setdefault(r["item"]["paraphrase"], []).append(r)
    out["paraphrase-groups"] = share(list(by_group.values()), _group_holds)
    out["paraphrase-n"] = len(by_group)
    out["follow-ups"] = share(chains, lambda r: all(r["right"][s] for s in ("shape", "councils", "period", "report_type")))
    out["follow-up-n"] = len(chains)
    out["names"] = share(names, lambda r: r["right"]["councils"] and r["right"]["group"])
    out["names-n"] = len(names)
    return out


def _group_holds(rows: list[dict]) -> bool:
    """Every phrasing read alike, and read right in shape and councils."""
    first = rows[0]["got"]
    same = all({k: r["got"][k] for k in ("shape", "councils", "group", "report_type", "period")} ==
               {k: first[k] for k in ("shape", "councils", "group", "report_type", "period")} for r in rows)
    return same and all(r["right"]["shape"] and r["right"]["councils"] for r in rows)


def evaluate(parse: Callable[[str], Intent]) -> dict[str, dict]:
    single = single_results([it for name in SINGLE_FILES for it in load_items(DATA / f"{name}.jsonl")], parse)
    chains = chain_results([c for name in CHAIN_FILES for c in load_items(DATA / f"{name}.jsonl")], parse)
    times = sorted(r["ms"] for r in single + chains)
    # The model reads names masked: a test question worded as a dev one with another council
    # ("york strengths" after "bromley strengths") was seen in training. Reported apart.

    seen = {masked(read_conversation(it["question"], None, parse).intent.unnamed) for it in dev_examples()}
    for r in single:
        r["unseen"] = masked(r["unnamed"]) not in seen
    out = {}
    for side in ("dev", "test"):
        mine = [r for r in single if side_of(r["item"]) == side]
        unseen = [r for r in mine if r["unseen"] and "paraphrase" not in r["item"]]
        out[side + "-unseen"] = {"shape": round(sum(r["right"]["shape"] for r in unseen) / max(1, len(unseen)), 3),
                                 "n": len(unseen)}
        out[side] = summarise(
            [r for r in mine if "paraphrase" not in r["item"]] + [r for r in mine if "paraphrase" in r["item"]],
            [r for r in mine if "paraphrase" in r["item"]],
            [r for r in chains if side_of(r["item"]["chain"]) == side],
            [r for r in mine if r["item"]["id"].startswith("n-")],
        )
    out["timing"] = {"ms_mean": round(sum(times) / len(times), 2), "ms_p95": round(times[int(0.95 * (len(times) - 1))], 2)}
    out["_results"] = {"single": single, "chains": chains}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--show", choices=["dev"], help="print each item of that side read wrong")
    ap.add_argument("--gate", action="store_true", help="exit 1 below eval/gates.json's reading section")
    ap.add_argument("--write-gates", action="store_true", help="store the test figures as the gates")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)
    figures = evaluate(corpus_parser().parse)
    results = figures.pop("_results")
    keys = [k for k in figures["test"] if not k.endswith("-n") and k != "n"]
    print(f"{'metric':<20}{'dev':>8}{'test':>8}")
    for key in keys:
        print(f"{key:<20}{_fmt(figures['dev'][key]):>8}{_fmt(figures['test'][key]):>8}")
    print(f"{'items (single)':<20}{figures['dev']['n']:>8}{figures['test']['n']:>8}")
    for k in ("paraphrase-n", "follow-up-n", "names-n"):
        print(f"{k:<20}{figures['dev'][k]:>8}{figures['test'][k]:>8}")
    print(f"shape, single questions worded unlike any training question: dev {_fmt(figures['dev-unseen']['shape'])} "
          f"(n={figures['dev-unseen']['n']}), test {_fmt(figures['test-unseen']['shape'])} (n={figures['test-unseen']['n']})")
    print(f"reading a question: {figures['timing']['ms_mean']} ms mean, {figures['timing']['ms_p95']} ms p95")
    if args.show:
        for r in results["single"] + results["chains"]:
            item = r["item"].get("chain", r["item"])
            if side_of(item) == "dev" and not all(r["right"].values()):
                wrong = {s: (r["gold"][s], r["got"][s]) for s in SLOTS if not r["right"][s]}
                print(f"{r['item']['id']}: {r['item']['question']!r}\n    {wrong}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return gate(figures["test"], args.write_gates) if (args.gate or args.write_gates) else 0


GATES = Path(__file__).resolve().parent / "gates.json"
GATED = ("shape", "councils", "group", "report_type", "period", "grades", "topic", "paraphrase-groups",
         "follow-ups", "names")


def gate(test: dict, write: bool) -> int:
    gates = json.loads(GATES.read_text(encoding="utf-8"))
    if write:
        gates["reading"] = {k: {"measured": test[k], "n": _n_of(k, test)} for k in GATED}
        GATES.write_text(json.dumps(gates, indent=1) + "\n", encoding="utf-8")
        print("gates written:", GATES)
        return 0
    failed = []
    for key, spec in gates.get("reading", {}).items():
        floor = spec["measured"] - 1 / max(1, spec["n"])  # one item of slack: not a tuned threshold
        if test.get(key) is None or test[key] < floor - 1e-9:
            failed.append(f"GATE FAIL reading/{key}: {test.get(key)} < {floor:.3f} (measured {spec['measured']})")
    print("\n".join(failed) or "reading gates: all hold")
    return 1 if failed else 0


def _n_of(key: str, test: dict) -> int:
    return {"paraphrase-groups": test["paraphrase-n"], "follow-ups": test["follow-up-n"],
            "names": test["names-n"]}.get(key, test["n"])


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    sys.exit(main())
