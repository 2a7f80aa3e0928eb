"""Queueing formulas against known values; the requirement against its own targets."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.staffing.queueing import (
    class_wait_parameters,
    erlang_c,
    mean_wait_hours,
    share_within,
)
from forceplan.staffing.requirement import (
    StaffingRules,
    establishment_fte,
    requirement_by_hour,
)


def test_erlang_c_matches_textbook_values():
    assert erlang_c(10, 8.0) == pytest.approx(0.4092, abs=1e-4)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)  # M/M/2, ρ = 0.5
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = ρ
    assert erlang_c(3, 3.0) == 1.0
    # M/M/1 mean wait ρ/(μ − λ): λ = 0.5, μ = 1 → 1 hour
    assert mean_wait_hours(1, 0.5, 1.0) == pytest.approx(1.0)


def test_grade_one_is_unaffected_by_lower_grades_under_pre_emption():
    alone = class_wait_parameters(5, [1.0], 1.0)[0]
    crowded = class_wait_parameters(5, [1.0, 3.0], 1.0)
    assert crowded[0] == pytest.approx(alone)
    assert crowded[1][0] * crowded[1][1] > crowded[0][0] * crowded[0][1]  # lower waits longer


def test_travel_longer_than_the_target_means_nobody_is_in_time():
    assert share_within(0.0, 0.0, 0.25, np.array([0.3, 0.4])) == 0.0
    assert share_within(0.0, 0.0, 0.25, np.array([0.1, 0.4])) == 0.5


def arrivals(scale: float, task: float = 1.5) -> pl.DataFrame:
    rows = []
    for hour in range(168):
        base = scale * (3 + 2 * math.sin(hour / 24 * 2 * math.pi))
        for grade, share in ((1, 0.15), (2, 0.45), (3, 0.4)):
            rows.append(
                {
                    "hour_of_week": hour,
                    "grade": grade,
                    "category": "x",
                    "per_hour": base * share,
                    "task_hours": task,
                    "officers": 1.4,
                }
            )
    return pl.DataFrame(rows)


def test_every_hour_meets_its_targets_and_one_crew_fewer_would_not():
    rules = StaffingRules(lagged=False)
    need = requirement_by_hour(arrivals(1.0), rules)
    assert need.height == 168
    assert (need["grade_1_share_within"] >= 0.9).all()
    assert (need["grade_2_share_within"] >= 0.9).all()
    # allowances: proactive time, admin and breaks always add to the queueing need
    assert (need["officers_needed"] >= need["officers_for_targets"]).all()
    busiest = need.sort("arrivals_per_hour").row(-1, named=True)
    fewer = StaffingRules(lagged=False, max_crews=busiest["crews_needed"] - 1)
    one_hour = arrivals(1.0).filter(pl.col("hour_of_week") == busiest["hour_of_week"])
    short = requirement_by_hour(one_hour, fewer).filter(
        pl.col("hour_of_week") == busiest["hour_of_week"]
    )
    assert short["grade_1_share_within"][0] < 0.9 or short["grade_2_share_within"][0] < 0.9


@settings(max_examples=10, deadline=None)
@given(st.floats(0.2, 3.0), st.floats(1.1, 2.0))
def test_more_demand_never_needs_fewer_officers(scale, more):
    low = requirement_by_hour(arrivals(scale))["officers_needed"]
    high = requirement_by_hour(arrivals(scale * more))["officers_needed"]
    assert (high >= low).all()


def test_establishment_grows_with_abstractions():
    need = requirement_by_hour(arrivals(1.0))
    hours = need["officers_needed"].sum()
    assert establishment_fte(need, 0.0) == pytest.approx(hours / 40)
    assert establishment_fte(need, 0.25) == pytest.approx(hours / 30)
    with pytest.raises(ValueError):
        establishment_fte(need, 1.0)


def test_staffing_check_from_the_command_line(tmp_path):
    from tests.test_cli import run

    made = run("demo-data", "--officers", "60", "--seed", "11", "--no-summary", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    built = run(
        "staffing", "check", "--unit", "C", "--replications", "2", "--weeks", "2", cwd=tmp_path
    )
    assert built.returncode == 0, built.stderr
    assert "built to the requirement" in built.stdout and "Every target is met" in built.stdout
    real = run(
        "staffing",
        "check",
        "--unit",
        "C",
        "--roster",
        "store",
        "--from",
        "2025-06-02",
        "--to",
        "2025-06-15",
        "--replications",
        "2",
        cwd=tmp_path,
    )
    assert real.returncode == 0, real.stderr
    assert "roster in the store" in real.stdout and "not met" in real.stdout
    missing = run("staffing", "check", "--roster", "store", cwd=tmp_path)
    assert missing.returncode != 0 and "--from" in missing.stderr
    plain = run("staffing", "--unit", "C", cwd=tmp_path)
    assert plain.returncode == 0 and "Staffing requirement" in plain.stdout


def test_the_staffing_checks_demand_depends_on_the_seed_not_on_the_row_order():
    """A group_by's row order changes from one process to the next; the simulated demand (and
    so the check's verdict) must not."""
    from forceplan.services.staffing_check import synthetic_demand

    rows = arrivals(1.0)
    shuffled = rows.sample(fraction=1.0, shuffle=True, seed=3)
    assert shuffled["hour_of_week"].to_list() != rows["hour_of_week"].to_list()
    targets = {1: 15.0, 2: 60.0}
    first = synthetic_demand(rows, 2, targets, np.random.default_rng(5))
    second = synthetic_demand(shuffled, 2, targets, np.random.default_rng(5))
    assert first.height > 0
    assert first.equals(second)
