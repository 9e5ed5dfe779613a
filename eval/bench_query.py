"""Query benchmark over an existing index: search/ask p50/p95 and cold start.

python -m eval.bench_query --index index [--set eval/data/v1] [--out eval/out]
Cold start = a fresh process opening the index and answering its first question.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from eval.check_set import load_set

COLD = """
import time, sys
t = time.perf_counter()
from assistant import Assistant
a = Assistant.open(sys.argv[1])
a.ask(sys.argv[2])
print(time.perf_counter() - t)
"""


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", default="index")
    parser.add_argument("--set", default="eval/data/v1")
    parser.add_argument("--out", default="eval/out")
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()
    questions = [item["question"] for item in load_set(args.set)][: args.limit]

    cold = subprocess.run([sys.executable, "-c", COLD, args.index, questions[0]], capture_output=True, text=True, check=True)
    cold_s = float(cold.stdout.strip().splitlines()[-1])

    from assistant import Assistant

    assistant = Assistant.open(args.index)
    assistant.ask(questions[0])  # load the model and the index once, as a running service has
    timings: dict[str, list[float]] = {"search": [], "ask": []}
    for q in questions:
        for name, call in (("search", lambda: assistant.search(q, k=10)), ("ask", lambda: assistant.ask(q))):
            t = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - t) * 1000)
    result = {"questions": len(questions), "cold_start_s": round(cold_s, 2)}
    for name, values in timings.items():
        result[f"{name}_p50_ms"] = round(statistics.median(values), 1)
        result[f"{name}_p95_ms"] = round(percentile(values, 0.95), 1)
    for key, value in result.items():
        print(f"{key:>16}: {value}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_query.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
