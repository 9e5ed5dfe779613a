"""Aggregate questions on a whole index, checked against the publisher's manifest.

For every year and grade, "Which councils were judged <grade> overall in <year>?" (and the
area SEND outcomes) is asked through `Assistant.ask`; the reports it cites are compared with
the manifest's headline judgements of the indexed reports inspected that year.

    python -m eval.check_aggregate --index index [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

from assistant import Assistant

GRADES = ["outstanding", "good", "requires improvement", "inadequate"]
SEND = {"widespread": "widespread and/or systemic failings", "inconsistent": "inconsistent experiences and outcomes",
        "typically lead to positive": "positive experiences and outcomes"}
PROSE_GRADE = re.compile(r"requires? improvement|inadequate|outstanding|good|widespread|inconsistent|typically lead to positive", re.I)


def manifest_truth(corpus: Path, files: set[str]) -> dict[str, tuple[int | None, str, str]]:
    """file -> (inspection year, judgement key, grade) from the manifest's headline judgement."""
    out = {}
    with open(corpus / "manifest.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["file"] not in files:
                continue
            years = re.findall(r"(?:19|20)\d\d", row["inspection_dates"])
            year = int(years[-1]) if years else None
            headline = row["headline_judgement"]
            pairs = dict(p.strip().split("=", 1) for p in headline.split(";") if "=" in p)
            if "overall_effectiveness" in pairs:
                out[row["file"]] = (year, "overall_effectiveness", pairs["overall_effectiveness"])
            elif not pairs and (m := PROSE_GRADE.search(headline)):
                kind = row["report_type"]
                key = "send_outcome" if kind == "area-send" else "lscb" if kind.startswith("lscb") else "overall_effectiveness"
                grade = re.sub(r"^require ", "requires ", m.group(0).lower())
                out[row["file"]] = (year, key, SEND.get(grade, grade))
    return out


def questions(truth) -> list[tuple[str, set[str]]]:
    years = sorted({y for y, _, _ in truth.values() if y})
    out = []
    for year in years:
        for grade in GRADES:
            expected = {f for f, (y, k, g) in truth.items() if y == year and k == "overall_effectiveness" and g == grade}
            out.append((f"Which councils were judged {grade} overall in {year}?", expected))
    for phrase, grade in [("widespread or systemic failings", SEND["widespread"]),
                          ("inconsistent experiences and outcomes", SEND["inconsistent"]),
                          ("positive experiences and outcomes", SEND["typically lead to positive"])]:
        expected = {f for f, (_, k, g) in truth.items() if k == "send_outcome" and g == grade}
        out.append((f"How many area SEND inspections found {phrase}?", expected))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", default="index")
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    args = parser.parse_args()
    assistant = Assistant.open(args.index)
    truth = manifest_truth(Path(args.corpus), set(assistant.files()))
    exact = found = wanted = cited = 0
    for question, expected in questions(truth):
        answer = assistant.ask(question)
        # Reports the manifest gives no headline grade for cannot be checked either way.
        got = {c.file for c in answer.citations} & set(truth)
        exact += got == expected
        found += len(got & expected)
        wanted += len(expected)
        cited += len(got)
        if got != expected:
            print(f"DIFF {question}\n  missing: {sorted(expected - got)}\n  extra:   {sorted(got - expected)}")
    total = len(questions(truth))
    print(f"{total} aggregate questions over {len(truth)} graded reports: {exact} exactly right; "
          f"row recall {found / max(wanted, 1):.3f}, row precision {found / max(cited, 1):.3f}")


if __name__ == "__main__":
    main()
