"""Strings that a spreadsheet would run as formulas are never written back out unescaped."""

from __future__ import annotations

import csv

from hypothesis import given
from hypothesis import strategies as st

from forceplan.ingest.importer import FORMULA_START, _safe_cell, import_file
from tests.ingest.helpers import row, simple_profile, write_csv

DANGEROUS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1,1)", '=HYPERLINK("http://x")']


@given(st.text(max_size=20))
def test_safe_cell_never_starts_with_a_formula_character(text):
    assert not _safe_cell(text).startswith(FORMULA_START)
    assert _safe_cell(text).endswith(text)


def test_quarantine_csv_escapes_formulas(database, tmp_path):
    rows = [row(f"A{i}", prio=value) for i, value in enumerate(DANGEROUS)]
    rows.append(row("=EVIL()", kind="=2*3", prio="P9"))
    report = import_file(
        database, "incidents", write_csv(tmp_path / "f.csv", rows), simple_profile()
    )
    assert report.quarantined == len(rows)
    with open(report.quarantine_csv, newline="", encoding="utf-8") as handle:
        cells = [cell for record in csv.reader(handle) for cell in record]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert any(c == "'=cmd|' /C calc'!A0" for c in cells)
