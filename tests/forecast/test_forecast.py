"""Forecasts: non-negative, nested intervals, fallbacks, bank holidays, adjustments, input."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.errors import DataValidationError
from forceplan.forecast import adjust
from forceplan.forecast.backtest import backtest, origins, summary
from forceplan.forecast.engine import ForecastSettings, forecast_series, horizon_steps
from forceplan.forecast.series import check_regular, check_series
from forceplan.standard.calendar import public_holidays

START = dt.datetime(2025, 1, 6)  # a Monday
SHAPE = 1 + 0.8 * np.sin(np.arange(168) / 168 * 14 * np.pi) ** 2  # a daily rhythm


def hourly(uid: str, weeks: int, level: float, seed: int = 1, start: dt.datetime = START,
           holiday_factor: float | None = None) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    ds = pl.datetime_range(start, start + dt.timedelta(hours=weeks * 168 - 1), "1h",
                           eager=True)
    mean = np.resize(SHAPE, len(ds)) * level
    if holiday_factor is not None:
        days = set(public_holidays(start.date(), ds[-1].date()))
        on = np.array([d.date() in days for d in ds])
        mean = np.where(on, mean * holiday_factor, mean)
    return pl.DataFrame({"unique_id": uid, "ds": ds, "y": rng.poisson(mean).astype(float)})


@settings(max_examples=6, deadline=None)
@given(st.floats(0.3, 12.0), st.integers(0, 10_000))
def test_forecasts_are_non_negative_and_intervals_nest(level, seed):
    series = hourly("s", 8, level, seed)
    out = forecast_series(series, ForecastSettings(horizon=72)).forecasts
    assert out.height == 72
    assert (out["yhat"] >= 0).all() and (out["lo-95"] >= 0).all()
    assert (out["lo-95"] <= out["lo-80"]).all() and (out["lo-80"] <= out["yhat"]).all()
    assert (out["yhat"] <= out["hi-80"]).all() and (out["hi-80"] <= out["hi-95"]).all()


def test_the_fallback_engages_on_series_that_defeat_the_models():
    zero = hourly("zero", 6, 0.0)
    spike = zero.with_columns(unique_id=pl.lit("spike"), y=pl.when(
        pl.int_range(pl.len()) == 500).then(40.0).otherwise(0.0))
    short = hourly("short", 1, 5.0).head(100)
    normal = hourly("normal", 8, 6.0)
    result = forecast_series(pl.concat([zero, spike, short, normal]),
                             ForecastSettings(horizon=48))
    models = {r["unique_id"]: r for r in result.models.to_dicts()}
    for uid in ("zero", "spike", "short"):
        assert models[uid]["model"] == "SeasonalNaive" and "fallback" in models[uid]["note"]
    assert "cross-validation" in models["normal"]["note"]
    out = result.forecasts
    assert out["yhat"].is_finite().all() and (out["yhat"] >= 0).all()
    assert out.filter(pl.col("unique_id") == "zero")["hi-95"].max() == 0
    assert out.group_by("unique_id").len()["len"].to_list() == [48] * 4


def test_sparse_series_are_forecast_daily_and_spread_by_hour():
    sparse = hourly("sparse", 10, 0.4)
    result = forecast_series(sparse, ForecastSettings(horizon=336))
    assert "sparse" in result.models["note"][0]
    out = result.forecasts
    assert out.height == 336 and (out["yhat"] >= 0).all()
    # the daily rhythm survives the spreading: the busiest hours are forecast higher
    by_hour = out.group_by(pl.col("ds").dt.hour()).agg(pl.col("yhat").mean()).sort("ds")
    assert by_hour["yhat"].max() > 1.5 * by_hour["yhat"].min()


@pytest.mark.parametrize(("factor", "higher"), [(1.6, True), (0.5, False)])
def test_bank_holidays_move_the_forecast_the_way_history_did(factor, higher):
    history = hourly("h", 30, 5.0, holiday_factor=factor)  # Jan-Aug 2025, 5 bank holidays
    last = history["ds"].max()
    result = forecast_series(history, ForecastSettings(horizon=24 * 23))
    holidays = public_holidays(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    adjusted = adjust.apply_holidays(result.forecasts, history, holidays, hourly=True)
    day_total = adjusted.group_by(day=pl.col("ds").dt.date()).agg(pl.col("yhat").sum())
    totals = dict(day_total.iter_rows())
    holiday = dt.date(2025, 8, 25)  # Late Summer Bank Holiday, a Monday
    assert last.date() < holiday
    normal_monday = holiday - dt.timedelta(days=7)
    assert (totals[holiday] > totals[normal_monday]) is higher
    untouched = adjusted.filter(pl.col("ds").dt.date() == normal_monday)["yhat"]
    assert untouched.to_list() == result.forecasts.filter(
        pl.col("ds").dt.date() == normal_monday)["yhat"].to_list()


def test_events_growth_and_housing():
    base = forecast_series(hourly("a", 6, 4.0), ForecastSettings(horizon=168)).forecasts
    first = base["ds"].min()
    event = adjust.Event("festival", first + dt.timedelta(hours=10),
                         first + dt.timedelta(hours=14), 40.0)
    out = adjust.apply_adjustments(base, adjust.Adjustments(events=(event,)))
    ratio = (out["yhat"] / base["yhat"]).to_list()
    assert ratio[10:14] == pytest.approx([1.4] * 4) and ratio[9] == pytest.approx(1.0)
    grown = adjust.apply_adjustments(base, adjust.Adjustments(growth_percent_per_year=10))
    assert grown["yhat"][0] == pytest.approx(base["yhat"][0])
    assert (grown["yhat"][-1] / base["yhat"][-1]) == pytest.approx(1.1 ** (167 / 8766), 1e-6)
    homes = adjust.Housing("estate", 3000, 0.5)
    housed = adjust.apply_adjustments(base, adjust.Adjustments(housing=(homes,)))
    added = (housed["yhat"] - base["yhat"]).sum()
    assert added == pytest.approx(3000 * 0.5 * 168 / 8766, rel=1e-3)  # a week's share


def test_backtest_scores_against_seasonal_naive():
    series = hourly("b", 10, 6.0, seed=3)
    cuts = origins(series, "1h", 168, 3)
    assert len(cuts) == 3
    result = backtest(series, ForecastSettings(horizon=168), cuts)
    figures = summary(result)
    assert figures["relative_mae"] < 1  # pooling weeks beats last week again on noise
    assert 0.6 < figures["coverage_80"] < 0.95 and figures["coverage_95"] > 0.85
    assert figures["points"] == 3 * 168


def test_malformed_input_is_refused_with_the_line_and_field():
    good = {"unique_id": ["a"] * 3, "ds": ["2025-01-01 00:00", "2025-01-01 01:00",
                                          "2025-01-01 02:00"], "y": ["1", "2", "3"]}
    with pytest.raises(DataValidationError, match="y: missing column"):
        check_series(pl.DataFrame({k: v for k, v in good.items() if k != "y"}), "f.csv")
    dup = {**good, "ds": ["2025-01-01 00:00", "2025-01-01 01:00", "2025-01-01 01:00"]}
    with pytest.raises(DataValidationError, match="line 4, ds: duplicate timestamp"):
        check_series(pl.DataFrame(dup), "f.csv")
    bad = {**good, "y": ["1", "two", "3"]}
    with pytest.raises(DataValidationError, match="line 3, y: not a number"):
        check_series(pl.DataFrame(bad), "f.csv")
    gap = check_series(pl.DataFrame({**good, "ds": ["2025-01-01 00:00", "2025-01-01 01:00",
                                                    "2025-01-01 04:00"]}), "f.csv")
    with pytest.raises(DataValidationError, match="not regular at 1h"):
        check_regular(gap, "1h", "f.csv")
    filled = check_regular(gap, "1h", "f.csv", fill_missing=True)
    assert filled["y"].to_list() == [1.0, 2.0, 0.0, 0.0, 3.0]
    odd = check_series(pl.DataFrame({**good, "ds": ["2025-01-01 00:00", "2025-01-01 01:30",
                                                    "2025-01-01 02:30"]}), "f.csv")
    with pytest.raises(DataValidationError, match="off the regular grid"):
        check_regular(odd, "1h", "f.csv", fill_missing=True)


def test_horizons():
    assert horizon_steps("8w", "1h") == 8 * 168 and horizon_steps("10d", "1d") == 10
    assert horizon_steps("36", "1h") == 36
    with pytest.raises(ValueError):
        horizon_steps("3h", "1d")


def test_a_bank_holiday_with_nothing_forecast_stays_zero():
    history = hourly("quiet", 30, 5.0, holiday_factor=1.5)
    result = forecast_series(history, ForecastSettings(horizon=24 * 23))
    silent = result.forecasts.with_columns(
        [pl.lit(0.0).alias(c) for c in ("yhat", "lo-80", "hi-80", "lo-95", "hi-95")])
    holidays = public_holidays(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    adjusted = adjust.apply_holidays(silent, history, holidays, hourly=True)
    assert adjusted["yhat"].is_finite().all() and adjusted["yhat"].sum() == 0
