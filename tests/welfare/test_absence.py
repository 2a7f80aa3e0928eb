"""Sickness spells, Bradford factors, absence patterns and restricted-duty capacity."""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.welfare.absence import (
    AbsenceRules,
    absence_patterns,
    bradford_factors,
    restricted_duty_by_unit,
    restricted_duty_capacity,
    sickness_spells,
)

D = dt.date
DAY = dt.timedelta(days=1)
AS_OF = D(2025, 12, 31)


def absences(rows: list[tuple], extra: bool = False) -> pl.DataFrame:
    """rows: (person_id, start, end[, kind[, status]])."""
    full = [(r + ("sickness", "approved")[len(r) - 3:])[:5] for r in rows]
    frame = pl.DataFrame(
        full, schema={"person_id": pl.String, "start": pl.Date, "end": pl.Date,
                      "kind": pl.String, "status": pl.String}, orient="row",
    ).with_columns(hours_per_day=pl.lit(None, pl.Float64))
    return frame.with_columns(reason=pl.lit("private")) if extra else frame


def rest_days(person: str, *days: dt.date) -> pl.DataFrame:
    return pl.DataFrame({"person_id": [person] * len(days), "date": list(days)},
                        schema={"person_id": pl.String, "date": pl.Date})


def spell_frame(rows: list[tuple[str, dt.date, int]]) -> pl.DataFrame:
    """Spells given directly: (person_id, spell_start, working_days_lost)."""
    return pl.DataFrame(
        [(p, s, s + (n - 1) * DAY, n, n, "x", False) for p, s, n in rows], orient="row",
        schema=["person_id", "spell_start", "spell_end", "calendar_days",
                "working_days_lost", "starts_on", "adjacent_to_non_working"])


# --- sickness spells ---------------------------------------------------------------------

def test_overlapping_and_touching_records_form_one_spell():
    spells = sickness_spells(absences([
        ("A", D(2025, 3, 3), D(2025, 3, 5)), ("A", D(2025, 3, 4), D(2025, 3, 6)),
        ("A", D(2025, 3, 7), D(2025, 3, 7)), ("A", D(2025, 3, 9), D(2025, 3, 9)),
    ]))
    assert spells.select("spell_start", "spell_end", "calendar_days").rows() == [
        (D(2025, 3, 3), D(2025, 3, 7), 5), (D(2025, 3, 9), D(2025, 3, 9), 1)]


def test_rest_days_join_spells_only_when_the_roster_is_given():
    sick = absences([("A", D(2025, 1, 3), D(2025, 1, 3)), ("A", D(2025, 1, 6), D(2025, 1, 6))])
    assert sickness_spells(sick).height == 2  # Friday and Monday, no roster: two spells
    joined = sickness_spells(sick, rest_days("A", D(2025, 1, 4), D(2025, 1, 5)))
    assert joined.select("spell_start", "spell_end", "calendar_days",
                         "working_days_lost").rows() == [(D(2025, 1, 3), D(2025, 1, 6), 4, 2)]
    # another officer's rest days never join this officer's spells
    assert sickness_spells(sick, rest_days("B", D(2025, 1, 4), D(2025, 1, 5))).height == 2
    # a gap with one working day in it is not bridged
    assert sickness_spells(sick, rest_days("A", D(2025, 1, 4))).height == 2


def test_sick_on_a_rest_day_is_not_a_working_day_lost():
    spells = sickness_spells(absences([("A", D(2025, 1, 1), D(2025, 1, 5))]),
                             rest_days("A", D(2025, 1, 2), D(2025, 1, 9)))
    assert spells.select("calendar_days", "working_days_lost").row(0) == (5, 4)


def test_only_approved_sickness_counts_and_extra_columns_are_fine():
    spells = sickness_spells(absences([
        ("A", D(2025, 1, 1), D(2025, 1, 1), "sickness", "refused"),
        ("A", D(2025, 1, 2), D(2025, 1, 2), "sickness", "cancelled"),
        ("A", D(2025, 1, 3), D(2025, 1, 3), "sickness", "requested"),
        ("A", D(2025, 1, 4), D(2025, 1, 4), "annual_leave", "approved"),
        ("A", D(2025, 1, 8), D(2025, 1, 8), "sickness", "approved"),
    ], extra=True))
    assert spells.select("spell_start").to_series().to_list() == [D(2025, 1, 8)]


def test_weekday_and_adjacency():
    monday, wednesday, friday = D(2025, 1, 6), D(2025, 1, 8), D(2025, 1, 10)
    no_roster = sickness_spells(absences([("A", monday, monday), ("A", wednesday, wednesday),
                                          ("A", friday, friday)]))
    assert no_roster["starts_on"].to_list() == ["Monday", "Wednesday", "Friday"]
    assert no_roster["adjacent_to_non_working"].to_list() == [True, False, True]
    # with a roster, weekends mean nothing: only the officer's own rest days count
    rostered = sickness_spells(absences([("A", monday, monday), ("A", wednesday, wednesday)]),
                               rest_days("A", D(2025, 1, 9)))
    assert rostered["adjacent_to_non_working"].to_list() == [False, True]


def test_no_sickness_gives_an_empty_frame_with_columns():
    spells = sickness_spells(absences([("A", D(2025, 1, 1), D(2025, 1, 2), "training")]),
                             rest_days("A", D(2025, 1, 3)))
    assert spells.is_empty() and "working_days_lost" in spells.columns
    assert bradford_factors(spells, AS_OF).is_empty()
    assert absence_patterns(spells).is_empty()


offsets = st.integers(0, 40)
records = st.lists(st.tuples(st.sampled_from(["A", "B"]), offsets, st.integers(0, 4),
                             st.sampled_from(["approved", "approved", "refused", "cancelled"]),
                             st.sampled_from(["sickness", "sickness", "annual_leave"])),
                   max_size=12)
rosters = st.one_of(st.none(), st.sets(st.tuples(st.sampled_from(["A", "B"]), offsets)))


@settings(max_examples=150, deadline=None)
@given(records, rosters)
def test_spell_merger_properties(rows, roster):
    base = D(2025, 1, 1)
    frame = absences([(p, base + s * DAY, base + (s + n) * DAY, k, st_)
                      for p, s, n, st_, k in rows])
    nwd = None if roster is None else pl.DataFrame(
        [(p, base + o * DAY) for p, o in roster], orient="row",
        schema={"person_id": pl.String, "date": pl.Date})
    rest = set() if roster is None else {(p, base + o * DAY) for p, o in roster}
    sick = {(p, base + (s + i) * DAY) for p, s, n, st_, k in rows
            if st_ == "approved" and k == "sickness" for i in range(n + 1)}
    spells = sickness_spells(frame, nwd)
    covering = {day: [sp for sp in spells.iter_rows(named=True) if sp["person_id"] == day[0]
                      and sp["spell_start"] <= day[1] <= sp["spell_end"]] for day in sick}
    assert all(len(found) == 1 for found in covering.values())  # each sick day: one spell
    for person, group in spells.group_by("person_id"):
        ordered = group.sort("spell_start").rows(named=True)
        for before, after in itertools.pairwise(ordered):
            assert before["spell_end"] < after["spell_start"]  # never overlap
            gap = [before["spell_end"] + i * DAY
                   for i in range(1, (after["spell_start"] - before["spell_end"]).days)]
            # kept apart by at least one day that is neither sick nor a rest day
            assert any((person[0], g) not in rest | sick for g in gap)
    for sp in spells.iter_rows(named=True):
        days = [sp["spell_start"] + i * DAY for i in range(sp["calendar_days"])]
        assert (sp["person_id"], sp["spell_start"]) in sick
        assert (sp["person_id"], sp["spell_end"]) in sick
        assert sp["working_days_lost"] == sum((sp["person_id"], d) not in rest for d in days)
        assert sp["working_days_lost"] <= sp["calendar_days"]
        if roster is None:
            assert sp["working_days_lost"] == sp["calendar_days"]


# --- Bradford factor ---------------------------------------------------------------------

def test_hand_worked_bradford_factors():
    start = D(2025, 1, 6)
    rows = [("ten_days", start, start + 9 * DAY)]
    rows += [("ten_spells", start + 14 * i * DAY, start + 14 * i * DAY) for i in range(10)]
    rows += [("two_spells", start, start + DAY), ("two_spells", start + 30 * DAY,
                                                   start + 32 * DAY)]
    result = bradford_factors(sickness_spells(absences(rows)), AS_OF)
    by_person = {r["person_id"]: r for r in result.iter_rows(named=True)}
    assert by_person["ten_days"]["bradford_factor"] == 10
    assert by_person["ten_spells"]["bradford_factor"] == 1000
    assert by_person["two_spells"]["bradford_factor"] == 20
    assert [by_person[p]["band"] for p in ("ten_days", "ten_spells", "two_spells")] == [
        "none", "formal stage 2", "none"]
    assert result["person_id"].to_list()[0] == "ten_spells"  # highest first


def test_reason_in_plain_words():
    spells = spell_frame([("A", D(2025, 2, 3), 3), ("A", D(2025, 4, 7), 2),
                          ("A", D(2025, 6, 2), 2), ("A", D(2025, 9, 1), 2),
                          ("B", D(2025, 5, 5), 1)])
    reasons = dict(bradford_factors(spells, AS_OF).select("person_id", "reason").rows())
    assert reasons["A"] == ("4 spells, 9 days in 12 months: Bradford factor 144 "
                            "(informal review at 51)")
    assert reasons["B"] == ("1 spell, 1 day in 12 months: Bradford factor 1 "
                            "(below informal review at 51)")


@pytest.mark.parametrize(("days", "band"), [
    (50, "none"), (51, "informal review"), (200, "informal review"),
    (201, "formal stage 1"), (400, "formal stage 1"), (401, "formal stage 2")])
def test_band_boundaries(days, band):
    result = bradford_factors(spell_frame([("A", D(2025, 1, 1), days)]), AS_OF)
    assert result.select("bradford_factor", "band").row(0) == (days, band)


def test_triggers_are_configurable():
    rules = AbsenceRules(bradford_triggers=((10, "talk"), (100, "review")), window_days=364)
    result = bradford_factors(spell_frame([("A", D(2025, 6, 2), 10)]), AS_OF, rules)
    assert result.select("band", "reason").row(0) == (
        "talk", "1 spell, 10 days in 52 weeks: Bradford factor 10 (talk at 10)")
    with pytest.raises(ValueError, match="ascending"):
        AbsenceRules(bradford_triggers=((200, "b"), (51, "a")))


def test_window_boundary():
    rows = [("on_first_excluded_day", AS_OF - 365 * DAY, 5),
            ("on_first_day", AS_OF - 364 * DAY, 5),
            ("on_as_of", AS_OF, 5), ("after_as_of", AS_OF + DAY, 5)]
    listed = bradford_factors(spell_frame(rows), AS_OF)["person_id"].to_list()
    assert sorted(listed) == ["on_as_of", "on_first_day"]


# --- patterns ----------------------------------------------------------------------------

def test_pattern_needs_enough_spells_and_share():
    mondays = [D(2025, 1, 6) + 14 * i * DAY for i in range(4)]
    wednesday = D(2025, 3, 5)
    rows = [("three_mondays", m, m) for m in mondays[:3]]
    rows += [("two_mondays", m, m) for m in mondays[:2]]
    rows += [("half", m, m) for m in mondays[:2]]
    rows += [("half", wednesday + 7 * i * DAY, wednesday + 7 * i * DAY) for i in range(2)]
    rows += [("one_in_four", mondays[0], mondays[0])]
    rows += [("one_in_four", wednesday + 7 * i * DAY, wednesday + 7 * i * DAY) for i in range(3)]
    result = absence_patterns(sickness_spells(absences(rows)))
    flags = dict(result.select("person_id", "pattern_flag").rows())
    assert flags == {"three_mondays": True, "two_mondays": False, "half": True,
                     "one_in_four": False}
    row = result.filter(pl.col("person_id") == "half").row(0, named=True)
    assert (row["spells"], row["monday_or_friday_spells"], row["share"]) == (4, 2, 0.5)
    reasons = dict(result.select("person_id", "reason").rows())
    assert "a pattern worth a conversation" in reasons["three_mondays"]
    assert "too few to speak of a pattern" in reasons["two_mondays"]
    assert reasons["one_in_four"].endswith("no pattern")


def test_pattern_uses_rest_days_from_the_roster_and_the_window():
    tuesdays = [D(2025, 1, 7) + 14 * i * DAY for i in range(3)]
    sick = absences([("A", t, t) for t in tuesdays])
    roster = rest_days("A", *[t - DAY for t in tuesdays])  # rest day before each spell
    assert absence_patterns(sickness_spells(sick))["pattern_flag"].to_list() == [False]
    flagged = absence_patterns(sickness_spells(sick, roster))
    assert flagged.select("adjacent_to_non_working_spells", "pattern_flag").row(0) == (3, True)
    later = absence_patterns(sickness_spells(sick, roster), as_of=D(2026, 1, 14))
    assert later["spells"].to_list() == [2]  # the first spell has left the 12 months


# --- restricted duty ---------------------------------------------------------------------

PEOPLE = pl.DataFrame({"id": ["A", "B", "C", "D"], "unit_id": ["T1", "T1", "T2", None],
                       "contracted_hours_per_week": [40.0, 20.0, 40.0, 40.0],
                       "role": ["response"] * 4})
JAN_1, JAN_31 = D(2025, 1, 1), D(2025, 1, 31)


def restrictions(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, orient="row", schema={
        "person_id": pl.String, "kind": pl.String, "start": pl.Date, "end": pl.Date,
        "allowed_roles": pl.List(pl.String)})


def test_overlapping_restriction_and_restricted_duty_absence_count_once():
    limits = restrictions([("A", "restricted", D(2025, 1, 1), D(2025, 1, 10), ["custody"]),
                           ("A", "adjusted", D(2025, 1, 8), D(2025, 1, 9), None)])
    duty = absences([("A", D(2025, 1, 5), D(2025, 1, 15), "restricted_duty"),
                     ("A", D(2025, 1, 20), D(2025, 1, 25), "restricted_duty", "refused")])
    result = restricted_duty_capacity(PEOPLE, limits, duty, JAN_1, JAN_31)
    row = result.row(0, named=True)
    assert row["restricted_days"] == 15
    assert row["frontline_hours_lost"] == pytest.approx(15 * 40 / 7)
    assert row["fte_lost"] == pytest.approx(15 / 31)


def test_clipping_open_ended_and_part_time():
    limits = restrictions([("B", "recuperative", D(2024, 12, 1), None, None),
                           ("C", "restricted", D(2024, 11, 1), D(2024, 12, 31), None),
                           ("Z", "restricted", D(2025, 1, 31), D(2025, 2, 5), None)])
    result = restricted_duty_capacity(PEOPLE, limits, absences([]), JAN_1, JAN_31)
    rows = {r["person_id"]: r for r in result.iter_rows(named=True)}
    assert set(rows) == {"B", "Z"}  # C ended before the period
    assert rows["B"]["restricted_days"] == 31
    assert rows["B"]["fte_lost"] == pytest.approx(0.5)  # whole period, half-time contract
    assert rows["B"]["frontline_hours_lost"] == pytest.approx(31 * 20 / 7)
    assert rows["Z"]["restricted_days"] == 1 and rows["Z"]["fte_lost"] is None
    with pytest.raises(ValueError, match="ends before"):
        restricted_duty_capacity(PEOPLE, limits, absences([]), JAN_31, JAN_1)


def test_restricted_duty_by_unit():
    limits = restrictions([("A", "restricted", JAN_1, JAN_31, None),
                           ("B", "adjusted", JAN_1, D(2025, 1, 7), None),
                           ("D", "adjusted", JAN_1, JAN_1, None)])
    per_person = restricted_duty_capacity(PEOPLE, limits, absences([]), JAN_1, JAN_31)
    units = {r["unit_id"]: r for r in restricted_duty_by_unit(per_person, PEOPLE).iter_rows(
        named=True)}
    assert (units["T1"]["headcount"], units["T1"]["people_restricted"],
            units["T1"]["restricted_days"]) == (2, 2, 38)
    assert units["T1"]["fte_lost"] == pytest.approx(1 + 7 / 31 * 0.5)
    assert units["T1"]["frontline_hours_lost"] == pytest.approx(31 * 40 / 7 + 7 * 20 / 7)
    assert (units["T2"]["headcount"], units["T2"]["people_restricted"],
            units["T2"]["fte_lost"]) == (1, 0, 0.0)
    assert units[None]["people_restricted"] == 1
