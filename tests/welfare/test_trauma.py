"""Traumatic incidents attended per officer and TRiM referral flags."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.welfare.trauma import TraumaRules, trauma_exposure, traumatic_exposures

FIVE = TraumaRules(trim_threshold=5)  # the tests' threshold: five exposures in 90 days

UTC = dt.UTC
T0 = dt.datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
SCHEMA = {
    "person_id": pl.String,
    "incident_id": pl.String,
    "dispatched_at": pl.Datetime("us", "UTC"),
    "category": pl.String,
}


def deployments(rows: list[tuple]) -> pl.DataFrame:
    """Rows of (person_id, incident_id, days after T0, category)."""
    return pl.DataFrame(
        [(p, i, T0 + dt.timedelta(days=days), c) for p, i, days, c in rows],
        schema=SCHEMA,
        orient="row",
    )


def by_person(frame: pl.DataFrame) -> dict[str, dict]:
    return {row["person_id"]: row for row in frame.iter_rows(named=True)}


def test_counts_distinct_traumatic_incidents_per_officer():
    frame = deployments(
        [
            ("P1", "I1", 0, "sudden_death"),
            ("P1", "I2", 10, "sudden_death"),
            ("P1", "I3", 20, "child_protection"),
            ("P1", "I4", 30, "theft"),  # not traumatic
            ("P1", "I5", 40, "burglary"),  # not traumatic
            ("P2", "I1", 0, "sudden_death"),
            ("P3", "I6", 5, "alarm"),  # nothing traumatic: no row
            (None, "I7", 5, "sexual_offence"),  # a unit, not a person
        ]
    )
    out = trauma_exposure(frame, START, END, FIVE)
    rows = by_person(out)
    assert set(rows) == {"P1", "P2"}
    assert rows["P1"]["exposures"] == 3
    assert rows["P1"]["by_category"] == "sudden_death 2, child_protection 1"
    assert rows["P1"]["first_exposure_at"] == T0
    assert rows["P1"]["last_exposure_at"] == T0 + dt.timedelta(days=20)
    assert rows["P2"]["exposures"] == 1
    assert not out["trim_referral"].any()


def test_only_the_period_is_counted():
    frame = deployments([("P1", f"I{k}", k * 30, "sexual_offence") for k in range(6)])
    out = trauma_exposure(frame, dt.date(2025, 1, 31), dt.date(2025, 3, 2))
    assert by_person(out)["P1"]["exposures"] == 2  # days 30 and 60
    moment = trauma_exposure(frame, T0 + dt.timedelta(days=30), T0 + dt.timedelta(days=30))
    assert by_person(moment)["P1"]["exposures"] == 1


def test_five_within_the_window_flags_a_referral():
    frame = deployments(
        [
            ("P1", f"I{k}", day, "sudden_death" if k < 3 else "sexual_offence")
            for k, day in enumerate([0, 20, 45, 70, 89])
        ]
    )
    row = by_person(trauma_exposure(frame, START, END, FIVE))["P1"]
    assert row["max_in_window"] == 5
    assert row["trim_referral"]
    assert row["reason"] == (
        "5 traumatic incidents within 90 days (TRiM referral at 5); 5 in the period: "
        "sudden_death 3, sexual_offence 2"
    )


def test_five_spread_over_200_days_do_not():
    frame = deployments([("P1", f"I{k}", k * 50, "sexual_offence") for k in range(5)])
    row = by_person(trauma_exposure(frame, START, END, FIVE))["P1"]
    assert row["exposures"] == 5
    assert row["max_in_window"] == 2
    assert not row["trim_referral"]
    # exactly 90 days apart are two different windows
    two = deployments([("P1", "A", 0, "sexual_offence"), ("P1", "B", 90, "sexual_offence")])
    assert by_person(trauma_exposure(two, START, END, FIVE))["P1"]["max_in_window"] == 1


def test_window_and_threshold_are_configurable():
    frame = deployments([("P1", f"I{k}", k * 50, "sexual_offence") for k in range(5)])
    rules = TraumaRules(window_days=365, trim_threshold=5)
    row = by_person(trauma_exposure(frame, START, END, rules))["P1"]
    assert row["max_in_window"] == 5
    assert row["trim_referral"]
    narrow = TraumaRules(categories=frozenset({"sudden_death"}))
    assert trauma_exposure(frame, START, END, narrow).is_empty()


def test_an_incident_attended_twice_counts_once():
    frame = deployments(
        [
            ("P1", "I1", 0, "sudden_death"),
            ("P1", "I1", 0.5, "sudden_death"),  # redeployed to the same incident
            ("P1", "I2", 3, "sexual_offence"),
        ]
    )
    row = by_person(trauma_exposure(frame, START, END, FIVE))["P1"]
    assert row["exposures"] == 2
    assert row["max_in_window"] == 2
    assert row["by_category"] == "sexual_offence 1, sudden_death 1"
    seen = traumatic_exposures(frame, START, END)
    assert seen.filter(pl.col("incident_id") == "I1")["exposed_at"].to_list() == [T0]


def test_immediate_categories_flag_a_single_exposure():
    frame = deployments([("P1", "I1", 0, "child_protection"), ("P2", "I2", 0, "sexual_offence")])
    rules = TraumaRules(immediate_categories=frozenset({"child_protection"}))
    rows = by_person(trauma_exposure(frame, START, END, rules))
    assert rows["P1"]["trim_referral"]
    assert rows["P1"]["reason"].startswith("immediate TRiM referral after child_protection; ")
    assert not rows["P2"]["trim_referral"]
    assert not by_person(trauma_exposure(frame, START, END, FIVE))["P1"]["trim_referral"]


def test_referrals_come_first_and_rules_are_checked():
    frame = deployments(
        [("P9", f"I{k}", k, "sexual_offence") for k in range(5)]
        + [("P1", "J", 0, "sexual_offence")]
    )
    assert trauma_exposure(frame, START, END, FIVE)["person_id"].to_list() == ["P9", "P1"]
    with pytest.raises(ValueError, match="sudden_deaths"):
        TraumaRules(categories=frozenset({"sudden_deaths"}))
    with pytest.raises(ValueError, match="missing column"):
        trauma_exposure(frame.drop("category"), START, END)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["P1", "P2", "P3", None]),
            st.integers(0, 30),  # incident number
            st.floats(0, 360),  # days after T0
            st.sampled_from(["sexual_offence", "sudden_death", "theft", "child_protection"]),
        ),
        max_size=60,
    ),
    st.integers(1, 120),
)
def test_max_in_window_is_between_one_and_the_exposures(rows, window_days):
    frame = deployments([(p, f"I{n}", days, c) for p, n, days, c in rows])
    rules = TraumaRules(window_days=window_days)
    out = trauma_exposure(frame, START, END, rules)
    assert (out["max_in_window"] >= 1).all()
    assert (out["max_in_window"] <= out["exposures"]).all()
    # against a brute-force count over each officer's first deployment to each incident
    first: dict[tuple[str, str], dt.datetime] = {}
    for p, i, at, c in frame.iter_rows():
        if p is not None and c in rules.categories:
            first[(p, i)] = min(at, first.get((p, i), at))
    assert set(out["person_id"]) == {p for p, _ in first}
    span = dt.timedelta(days=window_days)
    for row in out.iter_rows(named=True):
        times = [at for (p, _), at in first.items() if p == row["person_id"]]
        assert row["exposures"] == len(times)
        assert row["max_in_window"] == max(sum(t - span < u <= t for u in times) for t in times)
