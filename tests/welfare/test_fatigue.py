"""The Three-Process Model against its equations, and fatigue from rosters."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from forceplan.welfare.fatigue import (
    PARAMETERS as P,
)
from forceplan.welfare.fatigue import (
    c_process,
    kss,
    s_awake,
    s_sleep_step,
    simulate,
    u_process,
    w_process,
)
from forceplan.welfare.shifts import SleepRules, fatigue_by_shift, timeline


def test_equations_match_hand_computed_points():
    # Awake 16 h from S0 = 7.96: 2.4 + 5.56·e^(−0.0353·16)
    assert s_awake(7.96, 16.0) == pytest.approx(2.4 + 5.56 * math.exp(-0.0353 * 16))
    # g = ln(0.3 / 6.34) / 8; sleep recovers g·(bl − ha) = 0.8008 an hour below bl
    assert P.g == pytest.approx(math.log(0.3 / 6.34) / 8)
    assert s_sleep_step(np.array([10.0]), 1.0)[0] == pytest.approx(10.0 + P.g * (12.2 - 14.3))
    # Above bl: S = ha − (ha − bl)·e^(g·t)
    assert s_sleep_step(np.array([12.2]), 2.0)[0] == pytest.approx(14.3 - 2.1 * math.exp(P.g * 2))
    assert c_process(16.8) == pytest.approx(2.5) and c_process(4.8) == pytest.approx(-2.5)
    assert u_process(19.8) == pytest.approx(0.0)  # Um + Ua·cos(0) = 0
    assert w_process(0.0) == pytest.approx(-5.72)
    # KSS at S = 7.96, 16:48, long awake: 10.6 − 0.6·(7.96 + 2.5 + 0.0 + ~0)
    assert kss(7.96, 16.8, 100.0) == pytest.approx(
        10.6 - 0.6 * (7.96 + 2.5 + u_process(16.8)), abs=1e-6
    )


def test_sleep_crosses_bl_into_the_exponential_phase():
    s = s_sleep_step(np.array([11.8]), 1.0)[0]
    to_bl = (12.2 - 11.8) / (P.g * (12.2 - 14.3))
    assert s == pytest.approx(14.3 - 2.1 * math.exp(P.g * (1.0 - to_bl)))


@given(st.floats(2.5, 14.2), st.floats(0.05, 12))
def test_sleep_always_recovers_and_never_passes_ha(s, hours):
    after = s_sleep_step(np.array([s]), hours)[0]
    assert s < after <= P.ha


def test_simulation_steps_agree_with_the_closed_form():
    asleep = np.zeros((1, 64), dtype=bool)  # 16 h awake in 15-minute steps
    scores = simulate(asleep, 7.0, 0.25)
    expected = kss(s_awake(P.s0, 15.75), (7.0 + 15.75) % 24, 15.75)
    assert scores[0, -1] == pytest.approx(expected, abs=1e-5)  # stored as float32


def duties(rows):
    return pl.DataFrame(rows, schema=["person_id", "start", "end"], orient="row")


def tour(person, day, hour, hours):
    start = dt.datetime(2025, 6, day, hour)
    return (person, start, start + dt.timedelta(hours=hours))


def test_nights_score_worse_than_the_same_hours_on_days():
    rows = [tour("days", d, 8, 9) for d in range(2, 6)] + [
        tour("nights", d, 22, 9) for d in range(2, 6)
    ]
    out = (
        fatigue_by_shift(duties(rows))
        .group_by("person_id")
        .agg(pl.col("mean_kss").mean(), pl.col("peak_kss").max(), pl.col("hours_kss_7_plus").sum())
    )
    by = {r["person_id"]: r for r in out.to_dicts()}
    assert by["nights"]["mean_kss"] > by["days"]["mean_kss"] + 1.5
    assert by["nights"]["peak_kss"] >= 7.0 > by["days"]["peak_kss"]
    assert by["nights"]["hours_kss_7_plus"] > 0 == by["days"]["hours_kss_7_plus"]


def test_a_quick_return_scores_worse_than_an_eleven_hour_gap():
    late = [tour("quick", 2, 14, 9), tour("rested", 2, 14, 9)]  # both end at 23:00
    nxt = [tour("quick", 3, 7, 8), tour("rested", 3, 10, 8)]  # 8 h gap against 11 h
    out = fatigue_by_shift(duties(late + nxt)).filter(pl.col("start").dt.day() == 3)
    by = {r["person_id"]: r for r in out.to_dicts()}
    assert by["quick"]["mean_kss"] > by["rested"]["mean_kss"]
    assert by["quick"]["peak_kss"] > by["rested"]["peak_kss"]


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 20), st.sampled_from([6, 7, 14, 22]),
                          st.integers(6, 12)), min_size=1, max_size=25),
       st.integers(1, 4))
def test_closed_form_segments_agree_with_stepping_the_model(raw, chunk):
    """The per-tour figures (closed form from S at waking) equal the step-by-step simulation
    of the same sleep timeline, whatever the officer chunk size."""
    rows = list({(f"P{p}", day): tour(f"P{p}", day, hour, hours)
                 for p, day, hour, hours in raw}.values())
    frame = duties(rows)
    fast = fatigue_by_shift(frame, SleepRules(), officers_per_chunk=chunk)
    line = timeline(frame, SleepRules())
    stepped = simulate(line.asleep, 0.0, line.step_hours)
    for i, row in enumerate(fast.iter_rows(named=True)):
        window = stepped[line.rows[i], line.first[i]:line.last[i]]
        assert row["peak_kss"] == pytest.approx(float(np.nanmax(window)), abs=0.011)
        assert row["mean_kss"] == pytest.approx(float(np.nanmean(window)), abs=0.011)
        assert row["hours_kss_7_plus"] == pytest.approx(
            float((window >= 7.0).sum()) * line.step_hours, abs=0.25)
