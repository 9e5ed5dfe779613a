"""Aggregate questions on a whole index, checked against the publisher's manifest.

For every year and grade, "Which councils were judged <grade> overall in <year>?" (and the
area SEND outcomes) is asked through `Assistant.ask`; the reports it cites are compared with
the manifest's headline judgements of the indexed reports inspected that year.

    python -m eval.check_aggregate --index index [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant import Assistant
from eval.manifest import headline_truth, inspection_year, read_manifest

GRADES = ["outstanding", "good", "requires improvement", "inadequate"]
# How a user asks about each area SEND outcome -> the outcome as the manifest and we name it.
SEND_PHRASES = [("widespread or systemic failings", "widespread and/or systemic failings"),
                ("inconsistent experiences and outcomes", "inconsistent experiences and outcomes"),
                ("positive experiences and outcomes", "positive experiences and outcomes")]


def questions(truth, years: set[int]) -> list[tuple[str, set[str]]]:
    """Every grade for every year an indexed report was inspected: a year with no report of a
    grade checks that the answer says so rather than listing look-alikes."""
    out = []
    for year in sorted(years):
        for grade in GRADES:
            expected = {f for f, (y, k, g) in truth.items() if y == year and k == "overall_effectiveness" and g == grade}
            out.append((f"Which councils were judged {grade} overall in {year}?", expected))
    for phrase, grade in SEND_PHRASES:
        expected = {f for f, (_, k, g) in truth.items() if k == "send_outcome" and g == grade}
        out.append((f"How many area SEND inspections found {phrase}?", expected))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", default="index")
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared" / "corpus"))
    args = parser.parse_args()
    assistant = Assistant.open(args.index)
    files = set(assistant.files())
    truth = headline_truth(Path(args.corpus), files)
    years = {inspection_year(row) for row in read_manifest(Path(args.corpus)) if row["file"] in files} - {None}
    asked = questions(truth, years)
    exact = found = wanted = cited = 0
    for question, expected in asked:
        answer = assistant.ask(question)
        # Reports the manifest gives no headline grade for cannot be checked either way.
        got = {c.file for c in answer.citations} & set(truth)
        exact += got == expected
        found += len(got & expected)
        wanted += len(expected)
        cited += len(got)
        if got != expected:
            print(f"DIFF {question}\n  missing: {sorted(expected - got)}\n  extra:   {sorted(got - expected)}")
    print(f"{len(asked)} aggregate questions over {len(truth)} graded reports: {exact} exactly right; "
          f"row recall {found / max(wanted, 1):.3f}, row precision {found / max(cited, 1):.3f}")


if __name__ == "__main__":
    main()
