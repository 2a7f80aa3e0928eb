"""Forecasts from the store: series, stored runs, and their accuracy as the actuals arrive."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from sqlalchemy import func, select

from forceplan.errors import ConfigurationError, NotFoundError
from forceplan.services.demo import create_demo_force
from forceplan.services.forecast_store import demand_series, forecast_accuracy, run_forecast
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import read_frame
from forceplan.store.records import delete_force

LONDON = ZoneInfo("Europe/London")
GRADES = {f"DEMO/grade-{g}" for g in (1, 2, 3, 4)}


@pytest.fixture
def demo(database: Database) -> Database:
    create_demo_force(database, officers=60, years=1, seed=11)  # history ends 2026-03-31
    return database


def _incidents_by_grade(database: Database, first: dt.date, last: dt.date) -> dict[str, int]:
    """Counted straight from the incidents table: local days ``first`` to ``last``."""
    low = dt.datetime.combine(first, dt.time(), LONDON)
    high = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), LONDON)
    i = t.incidents
    with database.read() as connection:
        frame = read_frame(connection, i, i.c.received_at >= low, i.c.received_at < high,
                           columns=["grade"])
    return {f"DEMO/grade-{g}": n for g, n in frame.group_by("grade").len().iter_rows()}


def _stored(database: Database, run_id: str) -> pl.DataFrame:
    v = t.forecast_values
    with database.read() as connection:
        rows = connection.execute(select(v).where(v.c.run_id == run_id)).mappings().all()
    return pl.DataFrame([dict(r) for r in rows])


def test_series_are_zero_filled_local_periods_that_count_every_incident(demo: Database):
    series = demand_series(demo, breakdown="grade", freq="1h",
                           history_end=dt.date(2026, 2, 28))
    assert set(series["unique_id"]) == GRADES
    days = (dt.date(2026, 2, 28) - dt.date(2025, 4, 1)).days + 1
    lengths = series.group_by("unique_id").len()["len"]
    assert lengths.to_list() == [24 * days] * 4  # every hour of every local day, quiet or not
    assert series["ds"].min() == dt.datetime(2025, 4, 1)
    assert series["ds"].max() == dt.datetime(2026, 2, 28, 23)
    totals = dict(series.group_by("unique_id").agg(pl.col("y").sum()).iter_rows())
    expected = _incidents_by_grade(demo, dt.date(2025, 4, 1), dt.date(2026, 2, 28))
    assert totals == {k: float(n) for k, n in expected.items()}
    hours = demand_series(demo, unit="N", breakdown="none", measure="officer_hours", freq="1d")
    assert hours["unique_id"].unique().to_list() == ["N"]
    assert hours["y"].min() >= 0 and hours["y"].sum() > hours.height  # about hours a day, not 0
    assert hours["ds"].max() == dt.datetime(2026, 3, 31)


def test_a_run_from_an_earlier_day_is_stored_and_scored_against_the_actuals(demo: Database):
    run = run_forecast(demo, breakdown="grade", horizon="2w", history_end=dt.date(2026, 2, 28))
    assert run.history_end == dt.datetime(2026, 2, 28, 23)
    stored = _stored(demo, run.run_id)
    assert stored.height == len(GRADES) * 14 * 24
    assert set(stored["unique_id"]) == GRADES
    assert stored["ds"].min() == dt.datetime(2026, 3, 1)
    assert stored["ds"].max() == dt.datetime(2026, 3, 14, 23)
    assert stored["lo_95"].min() >= 0
    eps = 1e-9
    nested = stored.filter((pl.col("lo_95") <= pl.col("lo_80") + eps)
                           & (pl.col("lo_80") <= pl.col("yhat") + eps)
                           & (pl.col("yhat") <= pl.col("hi_80") + eps)
                           & (pl.col("hi_80") <= pl.col("hi_95") + eps))
    assert nested.height == stored.height

    report = forecast_accuracy(demo, run_id=run.run_id)
    assert report.data_end == dt.date(2026, 3, 31)
    row = report.runs.row(0, named=True)
    assert row["points"] == stored.height and row["waiting"] == 0
    assert 0 < row["coverage_80"] <= row["coverage_95"] <= 1
    assert math.isfinite(row["relative_mae"]) and row["relative_mae"] > 0
    assert row["mae"] > 0 and row["naive_mae"] > 0
    by_series = report.series.filter(pl.col("run_id") == run.run_id)
    actual = dict(by_series.select("unique_id", "actual_total").iter_rows())
    expected = _incidents_by_grade(demo, dt.date(2026, 3, 1), dt.date(2026, 3, 14))
    assert actual == {k: float(n) for k, n in expected.items()}


def test_a_run_from_the_end_waits_for_every_point(demo: Database):
    run = run_forecast(demo, unit="N", breakdown="none", measure="officer_hours",
                       horizon="1w", freq="1d")
    assert run.history_end == dt.datetime(2026, 3, 31)
    assert run.result.forecasts["ds"].min() == dt.datetime(2026, 4, 1)
    row = forecast_accuracy(demo).runs.row(0, named=True)
    assert row["run_id"] == run.run_id and row["unit_id"] == "N"
    assert row["points"] == 0 and row["waiting"] == 7
    assert row["mae"] is None and row["coverage_80"] is None


def test_mistakes_are_refused_with_a_hint(demo: Database):
    with pytest.raises(NotFoundError) as caught:
        run_forecast(demo, unit="NO-SUCH-UNIT", horizon="1w")
    assert "N-RESP-A" in caught.value.hint
    with pytest.raises(ConfigurationError):
        run_forecast(demo, breakdown="ward", horizon="1w")
    with pytest.raises(ConfigurationError):
        run_forecast(demo, horizon="1w", history_end=dt.date(2026, 4, 1))
    with pytest.raises(NotFoundError):
        forecast_accuracy(demo)  # no run stored yet
    with pytest.raises(NotFoundError):
        forecast_accuracy(demo, run_id="0" * 32)
    with demo.read() as connection:
        assert connection.execute(select(func.count()).select_from(t.forecast_runs)).scalar() == 0


def test_deleting_the_force_removes_its_runs(demo: Database):
    run_forecast(demo, breakdown="none", horizon="1w", freq="1d")
    with demo.transaction() as connection:
        delete_force(connection, "DEMO")
    with demo.read() as connection:
        for table in (t.forecast_runs, t.forecast_values):
            assert connection.execute(select(func.count()).select_from(table)).scalar() == 0
