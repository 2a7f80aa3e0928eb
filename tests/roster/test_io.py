"""Rosters as CSV: our officer,day,tour files and the benchmark's employee,day,shift."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.errors import DataValidationError
from forceplan.roster.io import format_roster_csv, parse_roster_csv, read_roster, write_roster

ROSTER = {"A": {0: "E", 1: None, 2: "N"}, "B": {1: "L"}}


def test_write_and_read_a_roster_file(tmp_path):
    path = tmp_path / "roster.csv"
    write_roster(path, ROSTER)
    assert path.read_text().splitlines() == [
        "officer,day,tour", "A,0,E", "A,1,", "A,2,N", "B,1,L",
    ]  # fmt: skip
    assert read_roster(path) == ROSTER


def test_the_benchmark_format_has_only_the_days_worked(tmp_path):
    path = tmp_path / "solution.csv"
    write_roster(path, ROSTER, benchmark=True)
    assert path.read_text().splitlines() == [
        "employee,day,shift", "A,0,E", "A,2,N", "B,1,L",
    ]  # fmt: skip
    assert read_roster(path) == {"A": {0: "E", 2: "N"}, "B": {1: "L"}}


def test_columns_may_come_in_any_order_with_spaces_and_blank_lines():
    text = "Day, Tour, Officer\n0, E, A\n\n1,,A\n"
    assert parse_roster_csv(text) == {"A": {0: "E", 1: None}}


def test_bad_lines_are_named_with_file_line_field_and_what_to_do():
    text = "officer,day,tour\nA,0,E\nA,x,E\n,2,E\nA,0,L\nA,3\n"
    with pytest.raises(DataValidationError) as caught:
        parse_roster_csv(text, source="roster.csv")
    error = caught.value
    assert [(p["line"], p["field"]) for p in error.problems] == [
        (3, "day"), (4, "officer"), (5, "day"), (6, "tour"),
    ]  # fmt: skip
    assert all(p["file"] == "roster.csv" for p in error.problems)
    assert str(error).startswith("roster.csv: 4 bad line(s); first: line 3, day 'x'")
    assert "one tour a day" in error.problems[2]["reason"]
    assert error.hint


def test_a_file_without_a_roster_header_is_refused():
    with pytest.raises(DataValidationError, match="missing column"):
        parse_roster_csv("A,0,E\n", source="roster.csv")
    with pytest.raises(DataValidationError, match="missing column"):
        parse_roster_csv("", source="roster.csv")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(DataValidationError, match="no such roster file"):
        read_roster(tmp_path / "nowhere.csv")


def test_the_same_line_twice_is_harmless():
    assert parse_roster_csv("officer,day,tour\nA,0,E\nA,0,E\n") == {"A": {0: "E"}}


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
)
rosters = st.dictionaries(
    names, st.dictionaries(st.integers(0, 400), st.none() | names, max_size=8), max_size=5
)


@settings(max_examples=200, deadline=None)
@given(rosters)
def test_writing_then_reading_gives_the_roster_back(roster):
    written = {o: days for o, days in roster.items() if days}  # an officer with no lines is gone
    assert parse_roster_csv(format_roster_csv(roster)) == written
    worked = {o: {d: t for d, t in days.items() if t} for o, days in roster.items()}
    assert parse_roster_csv(format_roster_csv(roster, benchmark=True)) == {
        o: days for o, days in worked.items() if days
    }
