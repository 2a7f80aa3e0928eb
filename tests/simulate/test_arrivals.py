"""Resampled arrivals: a fresh non-homogeneous Poisson stream per replication with the
recorded hour-of-week rates by grade and category; seeded."""

import datetime as dt

import numpy as np
import polars as pl

from forceplan.services.simulate import config_from_mapping
from forceplan.simulate import SimulationConfig, TimeOnTaskModel, simulate_response
from forceplan.simulate.arrivals import resample_incidents

from .helpers import constant_duty, poisson_incidents

LONDON = "Europe/London"


def _weekly_pattern(weeks: int = 8) -> pl.DataFrame:
    """Grade 1 burglaries only on Mondays 09:00-10:00 (local), grade 3 thefts at any hour."""
    rng = np.random.default_rng(4)
    monday = dt.datetime(2025, 3, 3, 9)  # spans the clock change of 30 March
    rows = []
    for week in range(weeks):
        for _ in range(rng.poisson(20)):
            at = monday + dt.timedelta(weeks=week, minutes=float(rng.uniform(0, 60)))
            rows.append((at, 1, "burglary", 95.0))
    for minute in rng.uniform(0, weeks * 7 * 1440, 3000):
        rows.append((monday + dt.timedelta(minutes=float(minute)), 3, "theft", 30.0))
    frame = pl.DataFrame(rows, schema=["received_at", "grade", "category", "task"], orient="row")
    local = pl.col("received_at").dt.replace_time_zone(LONDON, non_existent="null")
    frame = frame.with_columns(received_at=local).drop_nulls("received_at")
    return frame.with_columns(
        first_arrival_at="received_at",
        cleared_at=pl.col("received_at") + pl.duration(minutes="task"),
        id=pl.format("I{}", pl.int_range(pl.len())),
    ).sort("received_at")


def test_resampled_arrivals_keep_the_hour_of_week_rates_by_class():
    recorded = _weekly_pattern()
    draws = [resample_incidents(recorded, np.random.default_rng(s)) for s in range(20)]
    burglaries = [d.filter(pl.col("category") == "burglary") for d in draws]
    for one in burglaries:
        local = one["received_at"]
        assert local.dtype.time_zone == LONDON
        assert (local.dt.weekday() == 1).all() and (local.dt.hour() == 9).all()
        assert (one["grade"] == 1).all()
    expected = recorded.filter(pl.col("category") == "burglary").height
    mean = np.mean([b.height for b in burglaries])
    assert abs(mean - expected) < 4 * np.sqrt(expected / 20)
    assert len({d.height for d in draws}) > 1  # the counts vary, not only the times
    thefts = np.mean([d.filter(pl.col("category") == "theft").height for d in draws])
    assert abs(thefts - 3000) < 4 * np.sqrt(3000 / 20)
    moved = draws[0]
    assert (
        (moved["cleared_at"] - moved["first_arrival_at"]).dt.total_minutes().is_in([95, 30])
    ).all()
    assert (moved["first_arrival_at"] == moved["received_at"]).all()


def test_replications_differ_in_arrivals_and_the_seed_repeats_them():
    incidents = poisson_incidents(4.0, 24 * 14, np.random.default_rng(8), grades=(1, 2, 2, 0))
    duty = constant_duty(5, 24 * 14)
    task = TimeOnTaskModel(source="lognormal", median_minutes=40.0)
    resample = SimulationConfig(time_on_task=task, replications=3, seed=5, arrivals="resample")
    first = simulate_response(incidents, duty, resample)
    per_replication = first.incidents.group_by("replication").agg(
        pl.len(), pl.col("received_at").min()
    )
    assert per_replication["len"].n_unique() > 1 or per_replication["received_at"].n_unique() > 1
    again = simulate_response(incidents, duty, resample)
    assert first.incidents.equals(again.incidents)
    assert first.summary() == again.summary()
    replay = simulate_response(
        incidents, duty, SimulationConfig(time_on_task=task, replications=3, seed=5)
    )
    counts = replay.incidents.group_by("replication").len()["len"]
    assert (counts == incidents.height).all()


def test_arrivals_setting_is_read_and_checked():
    assert config_from_mapping({"arrivals": "resample"}, "s.toml").arrivals == "resample"
    import pytest

    from forceplan.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="arrivals"):
        config_from_mapping({"arrivals": "bootstrap"}, "s.toml")
