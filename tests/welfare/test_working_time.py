"""Working-time monitor: breaches found in hand-made rosters, none in compliant ones."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.welfare.working_time import WorkingTimeRules, prepare, working_time_breaches

MONDAY = dt.datetime(2025, 1, 6)


def frame(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["person_id", "start", "end"], orient="row")


def day_tours(person, days, hour=7, hours=8.0, begin=MONDAY):
    out = []
    for day in days:
        start = begin + dt.timedelta(days=day, hours=hour)
        out.append((person, start, start + dt.timedelta(hours=hours)))
    return out


def rules_of(breaches: pl.DataFrame) -> list[str]:
    return sorted(breaches["rule"].to_list())


@st.composite
def compliant_rosters(draw):
    """Blocks of at most 5 day tours (07:00-09:00 starts, at most 9 hours) followed by at
    least 2 rest days: within every rule by construction."""
    rows, day = [], draw(st.integers(0, 6))
    while day < 180:
        for _ in range(draw(st.integers(1, 5))):
            start = MONDAY + dt.timedelta(days=day, minutes=draw(st.integers(7 * 60, 9 * 60)))
            length = dt.timedelta(minutes=draw(st.integers(6 * 60, 9 * 60)))
            rows.append(("P1", start, start + length))
            day += 1
        day += draw(st.integers(2, 4))
    return frame(rows)


@settings(max_examples=40, deadline=None)
@given(compliant_rosters())
def test_compliant_rosters_have_no_breaches(roster):
    assert working_time_breaches(roster).height == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(4, 40).filter(lambda g: abs(g - 11) > 1e-3), min_size=1,
                max_size=20))
def test_every_short_rest_is_found_and_no_other(gaps):
    rows, start = [], MONDAY
    for gap in [30.0, *gaps]:
        start = start + dt.timedelta(hours=8 + gap)
        rows.append(("P1", start, start + dt.timedelta(hours=8)))
    found = working_time_breaches(frame(rows)).filter(pl.col("rule") == "daily_rest")
    assert found.height == sum(1 for g in gaps if g < 11)
    assert sorted(found["value"].to_list()) == pytest.approx(
        sorted(g for g in gaps if g < 11), abs=0.006)


@settings(max_examples=60, deadline=None)
@given(st.sets(st.integers(0, 60), min_size=1, max_size=50))
def test_runs_of_working_days_match_a_brute_force_count(days):
    found = working_time_breaches(frame(day_tours("P1", sorted(days), hours=6)),
                                  WorkingTimeRules(max_average_weekly_hours=99,
                                                   weekly_rest_hours=0))
    runs, run = [], 0
    for day in range(62):
        run = run + 1 if day in days else 0
        if run and day + 1 not in days:
            runs.append(run)
    expected = sorted(r for r in runs if r > 7)
    got = found.filter(pl.col("rule") == "consecutive_days")["value"].to_list()
    assert sorted(int(v) for v in got) == expected


def test_average_week_over_17_weeks():
    # 18 weeks of five 10-hour tours: 50 h a week in every complete 17-week period.
    over = [d for w in range(18) for d in range(7 * w, 7 * w + 5)]
    found = working_time_breaches(frame(day_tours("P1", over, hours=10)))
    assert rules_of(found) == ["average_weekly_hours"]
    assert found["value"][0] == 50.0
    # Four 12-hour tours a week is exactly 48 h: within the limit.
    exact = [d for w in range(18) for d in range(7 * w, 7 * w + 4)]
    assert working_time_breaches(frame(day_tours("P1", exact, hours=12))).height == 0


def test_leave_is_taken_out_of_the_reference_period():
    # 14 weeks of 52 h (four 13 h tours) and 3 weeks' leave: 52 h a week while working.
    working = [d for w in range(14) for d in range(7 * w, 7 * w + 4)]
    leave = pl.DataFrame({"person_id": "P1", "date": [
        (MONDAY + dt.timedelta(days=d)).date() for d in range(98, 119)]})
    roster = frame(day_tours("P1", working, hours=13)
                   + day_tours("P1", [118], hours=0.5))  # a token tour to close the period
    rules = WorkingTimeRules(max_tour_hours=24)
    assert working_time_breaches(roster, rules).height == 0  # leave counted as zero hours
    found = working_time_breaches(roster, rules, absence_days=leave)
    assert rules_of(found) == ["average_weekly_hours"]


def test_weekly_rest_in_each_week_or_fortnight():
    twelve_days = frame(day_tours("P1", range(12), hours=8, hour=8))
    weekly = WorkingTimeRules(allow_fortnightly_rest=False, max_consecutive_days=30)
    assert "weekly_rest" in rules_of(working_time_breaches(twelve_days, weekly))
    # Six days on, one off: 24 h+ rest in every week.
    six_one = [d for w in range(4) for d in range(7 * w, 7 * w + 6)]
    assert working_time_breaches(frame(day_tours("P1", six_one)), weekly).height == 0


def test_runs_of_nights():
    def nights(n):
        return frame(day_tours("P1", range(n), hour=22, hours=9))
    assert rules_of(working_time_breaches(nights(4))) == []
    found = working_time_breaches(nights(5))
    assert "consecutive_nights" in rules_of(found)


def test_hours_are_exact_across_the_clock_change():
    london = pl.DataFrame({"person_id": ["P1"],
                           "start": [dt.datetime(2025, 3, 29, 22)],
                           "end": [dt.datetime(2025, 3, 30, 7)]}).with_columns(
        pl.col("start", "end").dt.replace_time_zone("Europe/London"))
    prepared = prepare(london)
    assert prepared["hours"][0] == 8.0  # the clocks went forward: 9 on the wall, 8 worked
    assert prepared["date"][0] == dt.date(2025, 3, 29)
    assert prepared["night"][0]
