"""Run the evaluation: every system on every item, scored, aggregated, reported.

CLI:  .venv/bin/python -m eval.run --index index/ --set eval/data/v1 --out eval/out
          [--quick] [--systems bm25,ours] [--ingest] [--gate] [--write-gates]

The harness is eval/harness.py; this is its command line (and `inspection-assistant eval`):
the findings, then the answer shapes (eval/run_shapes.py) on the same index.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import click

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.cli import index_option  # noqa: E402
from eval.harness import (  # noqa: E402
    DEFAULT_CORPUS,
    GATED_METRICS,
    QUICK_FILES,
    REPO_ROOT,
    gate,
    load_gates,
    load_sets,
    measured_gates,
    open_assistant,
    run_eval,
    write_gates,
)
from eval.run_shapes import SHAPE_GATED, format_shapes, polarity_gate_values, run_shapes, shapes_gate  # noqa: E402
from eval.systems import ALL_SYSTEMS  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", required=True, help="Assistant index directory")
    ap.add_argument("--set", default="v1,v2", help="eval set folders under eval/data (or paths), comma-separated")
    ap.add_argument("--out", default=str(REPO_ROOT / "eval" / "out"))
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--systems", default=",".join(ALL_SYSTEMS))
    ap.add_argument("--quick", action="store_true", help="QUICK_FILES subset")
    ap.add_argument("--types", default=None, help="only these question types (comma-separated)")
    ap.add_argument("--ingest", action="store_true", help="ingest (QUICK_FILES or whole corpus) first")
    ap.add_argument("--gate", action="store_true", help="exit 1 if a gated test-side metric loses an item (eval/gates.json)")
    ap.add_argument("--write-gates", action="store_true", help="write this run's test-side values to eval/gates.json")
    ap.add_argument("--no-shapes", action="store_true", help="skip the answer-shape evaluation (eval/data/shapes)")
    args = ap.parse_args(argv)
    if args.write_gates and (args.gate or args.types):
        ap.error("--write-gates measures every item of a whole run: not with --gate or --types")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

    assistant = open_assistant(args.index)
    if args.ingest:
        root = Path(args.corpus)
        paths = [root / f for f in QUICK_FILES] if args.quick else [root]
        # relative file names must be relative to the corpus root, as in the eval set
        print(assistant.ingest(paths, root=root, progress=True).format())
    results = run_eval(
        assistant, args.set, args.out, systems=[s for s in args.systems.split(",") if s],
        quick=args.quick, item_filter=args.types, corpus_root=args.corpus, items=load_sets(args.set),
    )
    from eval.report import format_table

    print(format_table(results))
    print("written:", ", ".join(str(p) for p in results.get("paths", {}).values()))
    section = "quick" if args.quick else "full"
    if args.write_gates:
        write_gates(f"{section}/findings", measured_gates(results, GATED_METRICS))
    failures = gate(results, load_gates(f"{section}/findings"), GATED_METRICS) if args.gate else []
    if not args.types and not args.no_shapes:  # the answer shapes, on the same index
        baselines = [s for s in ("bm25", "naive-llamaindex") if s in args.systems.split(",")]
        shapes = run_shapes(assistant, args.out, ["ours", *baselines], args.corpus)
        print(format_shapes(shapes))
        if args.write_gates:
            write_gates(f"{section}/shapes", measured_gates(shapes, SHAPE_GATED))
            write_gates(f"{section}/shapes-polarity", polarity_gate_values(shapes))
        failures += shapes_gate(shapes, f"{section}/shapes") if args.gate else []
    for f in failures:
        print("GATE FAIL:", f)
    return 1 if failures else 0


@click.command("eval", context_settings={"ignore_unknown_options": True})
@index_option
@click.option("--quick", is_flag=True, help="The CI gate: a fixed subset of reports and their questions.")
@click.option("--corpus", default="../shared/corpus", show_default=True, type=click.Path(file_okay=False))
@click.option("--out", "out_dir", default="eval/out", show_default=True)
@click.option("--systems", default=None, help="Comma-separated systems (default: ours and every baseline).")
@click.option("--gate/--no-gate", default=None, help="Fail on quality below the thresholds (default: on with --quick).")
def eval_command(index_dir, quick, corpus, out_dir, systems, gate) -> None:
    """Ingest the corpus (incrementally), run the evaluation set against ours and the baselines."""
    argv = ["--index", index_dir, "--corpus", corpus, "--out", out_dir, "--ingest"]
    argv += ["--quick"] if quick else []
    argv += ["--systems", systems] if systems else []
    argv += ["--gate"] if (gate if gate is not None else quick) else []
    sys.exit(main(argv))


if __name__ == "__main__":
    sys.exit(main())
