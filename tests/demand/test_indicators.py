"""Hand-computed small cases for the indicators."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from forceplan.demand import indicators as ind
from forceplan.demand.frames import with_local_time, with_officer_hours

UTC = dt.UTC


def incidents(rows: list[dict]) -> pl.LazyFrame:
    base = {
        "force_id": "F",
        "unit_id": "N",
        "channel": "emergency_999",
        "category": "violence",
        "grade": 2,
        "attendance_target_minutes": 60,
        "first_arrival_at": None,
        "cleared_at": None,
        "officers_deployed": 0,
        "attributed_agency": None,
        "caller_key": None,
        "location_key": None,
    }
    frame = pl.DataFrame(
        [{**base, **r} for r in rows],
        schema_overrides={
            "received_at": pl.Datetime("us", "UTC"),
            "first_arrival_at": pl.Datetime("us", "UTC"),
            "cleared_at": pl.Datetime("us", "UTC"),
        },
    )
    return with_officer_hours(with_local_time(frame.lazy(), "Europe/London"), cost_per_hour=50.0)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2025, 6, day, hour, minute, tzinfo=UTC)  # June: London is UTC+1


def test_officer_hours_rule_and_breakdowns():
    frame = incidents(
        [
            {
                "id": "1",
                "received_at": at(2, 9),
                "first_arrival_at": at(2, 9, 10),
                "cleared_at": at(2, 10, 10),
                "officers_deployed": 2,
            },  # 2 officers × 1 h
            {
                "id": "2",
                "received_at": at(2, 9, 30),
                "first_arrival_at": at(2, 9, 40),
                "cleared_at": None,
                "officers_deployed": 1,
            },  # imputed: median 1 h
            {"id": "3", "received_at": at(3, 23, 30), "grade": 4, "category": "fraud"},
        ]
    )
    hours = frame.collect().sort("id")
    assert hours["officer_hours"].to_list() == [2.0, 1.0, 0.0]
    assert hours["officer_hours_rule"].to_list() == ["incident", "imputed", "none"]
    by_how = ind.demand_by(frame, "hour_of_week")
    # 2 June 2025 is a Monday: 09:00 UTC is 10:00 BST -> hour 10; 3 June 23:30 UTC is
    # Wednesday 00:30 BST -> 48.
    assert dict(by_how.select("hour_of_week", "incidents").iter_rows()) == {10: 2, 48: 1}
    by_category = dict(ind.demand_by(frame, "category").select("category", "incidents").iter_rows())
    assert by_category == {"violence": 2, "fraud": 1}


def test_deployments_take_precedence():
    frame = incidents(
        [
            {
                "id": "1",
                "received_at": at(2, 9),
                "first_arrival_at": at(2, 9, 10),
                "cleared_at": at(2, 10, 10),
                "officers_deployed": 2,
            }
        ]
    ).collect()
    deployments = pl.DataFrame(
        {
            "force_id": ["F", "F"],
            "incident_id": ["1", "1"],
            "dispatched_at": [at(2, 9, 5), at(2, 9, 5)],
            "arrived_at": [at(2, 9, 10), None],
            "cleared_at": [at(2, 9, 40), at(2, 10, 5)],
        }
    )
    raw = frame.drop("officer_hours", "officer_hours_rule").lazy()
    out = with_officer_hours(raw, deployments.lazy()).collect()
    assert out["officer_hours"][0] == pytest.approx(0.5 + 1.0)
    assert out["officer_hours_rule"][0] == "deployments"


def test_attendance_by_grade():
    frame = incidents(
        [
            {
                "id": "1",
                "grade": 1,
                "attendance_target_minutes": 15,
                "received_at": at(2, 9),
                "first_arrival_at": at(2, 9, 10),
                "officers_deployed": 1,
            },
            {
                "id": "2",
                "grade": 1,
                "attendance_target_minutes": 15,
                "received_at": at(2, 9),
                "first_arrival_at": at(2, 9, 20),
                "officers_deployed": 1,
            },
            {"id": "3", "grade": 1, "attendance_target_minutes": 15, "received_at": at(2, 9)},
        ]
    )
    row = ind.attendance(frame).row(0, named=True)
    assert (row["incidents"], row["attended"], row["unattended"]) == (3, 2, 1)
    assert row["within_target_share"] == pytest.approx(1 / 3, abs=1e-4)
    assert row["median_response_minutes"] == 15.0
    assert row["p90_response_minutes"] == 19.0  # linear between 10 and 20


def test_busy_spreads_officer_hours_over_the_clock_hours():
    frame = incidents(
        [
            {
                "id": "1",
                "received_at": at(2, 9),
                "first_arrival_at": at(2, 9, 30),
                "cleared_at": at(2, 11, 30),
                "officers_deployed": 3,
            }
        ]
    )  # 6 h over 3
    busy = ind.busy_by_hour_of_week(frame, "Europe/London", weeks=1.0)
    shares = dict(busy.filter(pl.col("officers_busy") > 0).iter_rows())
    assert shares == {10: 2.0, 11: 2.0, 12: 2.0}


def test_balance_and_tipping_point():
    busy = pl.DataFrame({"hour_of_week": [0, 1], "officers_busy": [8.0, 5.0]})
    on_duty = pl.DataFrame({"hour_of_week": [0, 1], "officers_on_duty": [10.0, 10.0]})
    out = ind.balance(busy, on_duty, tipping_point=0.75)
    assert out["ratio"].to_list() == [0.8, 0.5]
    assert out["past_tipping_point"].to_list() == [True, False]


def test_on_duty_counts_each_clock_hour_of_each_tour():
    tours = pl.DataFrame({"start": [at(2, 6), at(2, 6)], "hours": [10.0, 2.0]}).with_columns(
        pl.col("start").cast(pl.Datetime("us", "UTC"))
    )
    out = dict(ind.on_duty_by_hour_of_week(tours.lazy(), "Europe/London", 1.0).iter_rows())
    assert out[7] == 2.0 and out[8] == 2.0 and out[9] == 1.0 and out[16] == 1.0
    assert out[17] == 0.0


def test_displaced_demand_and_repeats():
    frame = incidents(
        [
            {
                "id": str(i),
                "received_at": at(2 + i, 9),
                "first_arrival_at": at(2 + i, 9, 10),
                "cleared_at": at(2 + i, 11, 10),
                "officers_deployed": 1,
                "attributed_agency": "mental_health" if i < 3 else None,
                "caller_key": "K1" if i < 4 else f"K{i}",
            }
            for i in range(6)
        ]
    )
    displaced = ind.displaced_demand(frame, cost_per_officer_hour=50.0).row(0, named=True)
    assert displaced == {
        "attributed_agency": "mental_health",
        "month": "2025-06",
        "incidents": 3,
        "officer_hours": 6.0,
        "cost": 300.0,
    }
    repeats = ind.repeat_demand(frame, "caller_key", threshold=3)
    assert repeats["keys"] == 1 and repeats["incidents"] == 4
    assert repeats["officer_hours"] == 8.0


def test_rates_per_population_and_fte():
    frame = incidents([{"id": str(i), "received_at": at(1 + i, 12)} for i in range(10)])
    rates = ind.demand_rates(frame, population=5000, officers_fte=2.5)
    assert rates["per_1000_population"] == 2.0 and rates["per_officer_fte"] == 4.0
    assert rates["days"] == 10


def test_cost_follows_each_deployed_officers_rank():
    frame = incidents(
        [
            {
                "id": "1",
                "received_at": at(2, 9),
                "first_arrival_at": at(2, 9),
                "cleared_at": at(2, 11),
                "officers_deployed": 2,
                "attributed_agency": "ambulance",
            }
        ]
    ).collect()
    deployments = pl.DataFrame(
        {
            "force_id": ["F", "F"],
            "incident_id": ["1", "1"],
            "dispatched_at": [at(2, 9), at(2, 9)],
            "arrived_at": [at(2, 9), at(2, 9)],
            "cleared_at": [at(2, 11), at(2, 10)],
            "cost_per_hour": [50.0, 70.0],
        }
    )
    raw = frame.drop("officer_hours", "officer_hours_rule", "officer_cost").lazy()
    out = with_officer_hours(raw, deployments.lazy(), cost_per_hour=40.0)
    row = ind.displaced_demand(out, cost_per_officer_hour=40.0).row(0, named=True)
    assert row["officer_hours"] == 3.0 and row["cost"] == 2 * 50.0 + 1 * 70.0
