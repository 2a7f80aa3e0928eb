"""Validation against Erlang C: Poisson arrivals, exponential time on task, one officer per
incident, zero travel, a constant number of officers on duty and no breaks."""

import numpy as np
import polars as pl
import pytest

from forceplan.simulate import (
    SimulationConfig,
    TimeOnTaskModel,
    erlang_c_mean_wait,
    erlang_c_wait_probability,
    simulate_response,
)

from .helpers import constant_duty, poisson_incidents


def test_erlang_c_formula_known_value():
    # M/M/2 with one Erlang offered: P(wait) = 1/3, mean wait = (1/3) * 1 / (2 - 1) service times
    assert erlang_c_wait_probability(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c_mean_wait(2, 1 / 30, 30.0) == pytest.approx(10.0)


@pytest.mark.parametrize(("servers", "per_hour", "service_minutes", "hours"),
                         [(10, 8.0, 60.0, 80_000), (4, 2.4, 60.0, 30_000)])
def test_wait_probability_and_mean_wait_match_erlang_c(servers, per_hour, service_minutes, hours):
    # long runs: at 80% load the mean wait converges slowly (autocorrelated waits)
    incidents = poisson_incidents(per_hour, hours, np.random.default_rng(11))
    config = SimulationConfig(
        time_on_task=TimeOnTaskModel(source="exponential", median_minutes=service_minutes),
        break_minutes=0, preempt_grades=frozenset(), seed=5)
    result = simulate_response(incidents, constant_duty(servers, hours + 24), config)
    waits = result.incidents.filter(pl.col("status") == "attended")["wait_minutes"]
    assert result.incidents["status"].eq("attended").all()
    load = per_hour * service_minutes / 60
    expected_p = erlang_c_wait_probability(servers, load)
    expected_w = erlang_c_mean_wait(servers, per_hour / 60, service_minutes)
    assert abs((waits > 1e-9).mean() - expected_p) < 0.02
    assert waits.mean() == pytest.approx(expected_w, rel=0.05)
