"""Priorities, pre-emption, conservation, breaks, changeover, history replay, determinism and
common random numbers."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from forceplan.errors import DataValidationError
from forceplan.simulate import SimulationConfig, TimeOnTaskModel, TravelModel, simulate_response

from .helpers import T0, constant_duty, poisson_incidents

LOGNORMAL = TimeOnTaskModel(source="lognormal", median_minutes=50.0, sigma=0.6)


def _busy_run(**overrides):
    incidents = poisson_incidents(10.0, 24 * 14, np.random.default_rng(3), grades=(1, 3, 4, 1))
    config = SimulationConfig(time_on_task=LOGNORMAL, **{"seed": 9, **overrides})
    return simulate_response(incidents, constant_duty(9, 24 * 14), config)


def test_grade_1_waits_no_longer_than_lower_grades_under_load():
    grades = _busy_run(preempt_grades=frozenset()).by_grade.sort("grade")
    waits = grades.filter(pl.col("grade") < 4)["mean_wait_minutes"].to_list()
    assert waits[0] <= waits[1] <= waits[2]
    assert waits[2] > 60  # the unit really is under load


def test_preemption_shortens_grade_1_waits_and_requeues_the_rest():
    without = _busy_run(preempt_grades=frozenset()).incidents
    with_pre = _busy_run(preempt_grades=frozenset({3, 4})).incidents
    g1 = pl.col("grade") == 1
    assert with_pre.filter(g1)["wait_minutes"].mean() < without.filter(g1)["wait_minutes"].mean()
    assert with_pre["times_preempted"].sum() > 0
    assert with_pre.filter(pl.col("times_preempted") > 0)["grade"].is_in([3, 4]).all()


def test_conservation_every_incident_attended_abandoned_or_queued():
    incidents = poisson_incidents(12.0, 48, np.random.default_rng(4), grades=(1, 2, 3, 1))
    duty = constant_duty(6, 40)  # nobody on duty for the last 8 hours: some still queued
    config = SimulationConfig(time_on_task=LOGNORMAL, abandon_after_hours=2.0, seed=1)
    out = simulate_response(incidents, duty, config).incidents
    counts = dict(out.group_by("status").len().iter_rows())
    assert sum(counts.values()) == incidents.height
    assert counts["attended"] > 0 and counts["abandoned"] > 0 and counts["queued_at_end"] > 0
    assert set(out.filter(pl.col("status") == "not_deployed")["grade"].to_list()) == {4}
    assert set(out.filter(pl.col("status") == "abandoned")["grade"].to_list()) <= {3, 4}
    assert out.filter(pl.col("status") == "attended")["officers_sent"].min() >= 1
    assert out.filter(pl.col("status") != "attended")["response_minutes"].null_count() == (
        out.filter(pl.col("status") != "attended").height)


def test_same_seed_same_result_other_seed_differs():
    config = SimulationConfig(time_on_task=LOGNORMAL, replications=2, seed=7,
                              travel=TravelModel(kind="lognormal", median_minutes=8))
    incidents = poisson_incidents(6.0, 72, np.random.default_rng(5), grades=(1, 2, 2, 0))
    first = simulate_response(incidents, constant_duty(6, 80), config)
    again = simulate_response(incidents, constant_duty(6, 80), config)
    other = simulate_response(incidents, constant_duty(6, 80),
                              SimulationConfig(**{**vars(config), "seed": 8}))
    assert first.incidents.equals(again.incidents)
    assert first.summary() == again.summary()
    assert not first.incidents.equals(other.incidents)
    assert first.summary()["seed"] == 7


def test_common_random_numbers_across_scenarios():
    incidents = poisson_incidents(6.0, 72, np.random.default_rng(6), grades=(1, 2, 2, 0))
    slow = SimulationConfig(time_on_task=LOGNORMAL, seed=3,
                            travel=TravelModel(kind="lognormal", median_minutes=12, sigma=0.4))
    fast = SimulationConfig(time_on_task=LOGNORMAL, seed=3, break_minutes=0,
                            travel=TravelModel(kind="lognormal", median_minutes=6, sigma=0.4))
    a = simulate_response(incidents, constant_duty(6, 80), slow).incidents
    b = simulate_response(incidents, constant_duty(5, 80), fast).incidents
    assert a["time_on_task_minutes"].equals(b["time_on_task_minutes"])
    assert np.allclose(a["travel_minutes"].to_numpy() / 2, b["travel_minutes"].to_numpy())


def test_replications_give_confidence_intervals():
    config = SimulationConfig(time_on_task=LOGNORMAL, replications=5, seed=2)
    incidents = poisson_incidents(6.0, 72, np.random.default_rng(7), grades=(1, 2, 2, 0))
    summary = simulate_response(incidents, constant_duty(6, 80), config).summary()
    wait = summary["metrics"]["grade_2_mean_response_minutes"]
    assert summary["replications"] == 5
    assert wait["ci95_low"] < wait["mean"] < wait["ci95_high"]


def test_break_taken_when_free_and_shift_overrun_counted_as_overtime():
    incidents = pl.DataFrame({"received_at": [T0 + dt.timedelta(minutes=470)], "grade": [2],
                              "officers_deployed": [1]})
    config = SimulationConfig(time_on_task=TimeOnTaskModel(source="lognormal", sigma=0.0,
                                                           median_minutes=30.0),
                              break_minutes=45, break_after_minutes=240)
    result = simulate_response(incidents, constant_duty(1, 8), config)
    person = result.utilisation.row(0, named=True)
    assert person["break_minutes"] == 45
    assert person["overtime_minutes"] == pytest.approx(20)  # 470 + 30 = 500 min, tour ends 480
    assert person["busy_minutes"] == pytest.approx(30)


def test_changeover_waits_for_next_tour_and_double_crewing_sends_two():
    incidents = pl.DataFrame({"received_at": [T0 + dt.timedelta(hours=9)], "grade": [2],
                              "category": ["violence"]})
    duty = pl.DataFrame({"person_id": ["A", "B", "C"],
                         "start": [T0, T0 + dt.timedelta(hours=10), T0 + dt.timedelta(hours=10)],
                         "end": [T0 + dt.timedelta(hours=8), T0 + dt.timedelta(hours=18),
                                 T0 + dt.timedelta(hours=18)]})
    config = SimulationConfig(crewing="policy", double_crewed_categories=frozenset({"violence"}),
                              time_on_task=LOGNORMAL, break_minutes=0)
    row = simulate_response(incidents, duty, config).incidents.row(0, named=True)
    assert row["wait_minutes"] == pytest.approx(60)
    assert row["officers_sent"] == 2


def test_history_time_on_task_is_cleared_minus_arrival():
    incidents = pl.DataFrame({
        "received_at": [T0], "grade": [2], "first_arrival_at": [T0 + dt.timedelta(minutes=5)],
        "cleared_at": [T0 + dt.timedelta(minutes=95)], "officers_deployed": [1]})
    row = simulate_response(incidents, constant_duty(1, 4)).incidents.row(0, named=True)
    assert row["time_on_task_minutes"] == pytest.approx(90)


def test_mixed_clocks_are_refused():
    incidents = poisson_incidents(1.0, 5, np.random.default_rng(1))
    duty = constant_duty(1, 5).with_columns(pl.col("start", "end").dt.replace_time_zone(None))
    with pytest.raises(DataValidationError, match="naive"):
        simulate_response(incidents, duty)


def test_hourly_queue_and_units_are_reported():
    incidents = poisson_incidents(8.0, 24, np.random.default_rng(2), grades=(1, 2, 2, 0),
                                  unit_id="N")
    result = simulate_response(incidents, constant_duty(4, 24, unit_id="N"),
                               SimulationConfig(time_on_task=LOGNORMAL))
    hourly = result.hourly
    assert hourly["hour"].dtype == pl.Datetime("us", "UTC")
    assert hourly.height >= 24 and hourly["officers_on_duty"].max() == 4
    assert hourly.select(pl.sum_horizontal(pl.col("^waiting_grade_.*$"))).to_series().max() > 0
