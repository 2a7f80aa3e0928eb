"""Forecasts from the store: demand series of a force or unit (incident counts or officer-hours,
by category, grade or in total, hourly or daily, in the force's local wall-clock time), forecast
runs stored with their values, and their accuracy against the actuals as new data arrives.

The history of a series runs from the local midnight before its scope's first incident to the
end of the history's last day: by default the day of the force's latest incident (a partial
last day counts as complete: import whole days), or ``history_end``. Periods without incidents
count zero. Officer-hours are counted at the period the incident came in (the whole time on
task); when scoring, an incident with no times on task gets the median of its category over the
weeks scored rather than over the whole history.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import polars.selectors as cs
from sqlalchemy import Connection, func, insert, select

from forceplan.demand.frames import with_officer_hours
from forceplan.errors import ConfigurationError, NotFoundError
from forceplan.forecast.adjust import apply_holidays
from forceplan.forecast.engine import (
    ForecastResult,
    ForecastSettings,
    forecast_series,
    horizon_steps,
)
from forceplan.services.indicators import resolve_scope
from forceplan.standard.calendar import public_holidays
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import read_frame

BREAKDOWNS = ("category", "grade", "none")
MEASURES = ("incidents", "officer_hours")
FREQS = {"1h": dt.timedelta(hours=1), "1d": dt.timedelta(days=1)}
LEVELS = (80, 95)
STORED = {"yhat": "yhat", **{f"{s}-{lv}": f"{s}_{lv}" for lv in LEVELS for s in ("lo", "hi")}}
WEEK = dt.timedelta(weeks=1)


@dataclass(frozen=True)
class _Scope:
    force_id: str
    timezone: str
    region: str | None
    unit: str | None
    unit_ids: tuple[str, ...] | None

    @property
    def label(self) -> str:
        return self.unit or self.force_id


@dataclass
class StoredRun:
    run_id: str
    scope: str  # the unit, or the force
    measure: str
    breakdown: str
    freq: str
    result: ForecastResult  # forecasts after the bank-holiday adjustment, as stored
    history_start: dt.datetime  # first and last period of history (local wall-clock)
    history_end: dt.datetime
    holidays: str
    totals: pl.DataFrame  # unique_id, model, cv_mae, forecast_total over the horizon, note

    @property
    def total(self) -> float:
        return float(self.totals["forecast_total"].sum())


@dataclass
class AccuracyReport:
    force_id: str
    data_end: dt.date  # the last day with data: later forecast points are waiting
    runs: pl.DataFrame  # one row per run
    series: pl.DataFrame  # one row per run and series


def holiday_region(force_region: str | None) -> str:
    """Bank holidays of the force's country: Scotland, Northern Ireland, else England and
    Wales."""
    text = (force_region or "").lower()
    if "scotland" in text:
        return "scotland"
    return "northern_ireland" if "northern ireland" in text else "england_wales"


def _check(breakdown: str, measure: str, freq: str) -> None:
    for name, value, allowed in (("breakdown (--by)", breakdown, BREAKDOWNS),
                                 ("measure", measure, MEASURES), ("frequency", freq, tuple(FREQS))):
        if value not in allowed:
            raise ConfigurationError(f"{name} {value!r} is not known",
                                     hint=f"use one of {', '.join(allowed)}")


def _scope(database: Database, force: str | None, unit: str | None) -> _Scope:
    scope = resolve_scope(database, force, unit, None)
    force_id = scope.force_ids[0]
    with database.read() as connection:
        region = connection.execute(select(t.forces.c.region)
                                    .where(t.forces.c.id == force_id)).scalar()
    unit_ids = tuple(scope.unit_ids) if scope.unit_ids else None
    return _Scope(force_id, scope.timezone, region, unit, unit_ids)


def _utc(day: dt.date, timezone: str) -> dt.datetime:
    """The instant of local midnight at the start of ``day``."""
    return dt.datetime.combine(day, dt.time(), ZoneInfo(timezone)).astimezone(dt.UTC)


def _latest_day(connection: Connection, scope: _Scope) -> dt.date | None:
    """The local day of the force's latest incident (the force's, so a quiet unit still
    counts as having data up to then)."""
    i = t.incidents
    latest = connection.execute(select(func.max(i.c.received_at))
                                .where(i.c.force_id == scope.force_id)).scalar()
    if latest is None:
        return None
    if latest.tzinfo is None:  # SQLite drops the zone in aggregates
        latest = latest.replace(tzinfo=dt.UTC)
    return latest.astimezone(ZoneInfo(scope.timezone)).date()


def _series_id(scope: _Scope, breakdown: str) -> pl.Expr:
    if breakdown == "category":
        return pl.lit(f"{scope.label}/") + pl.col("category")
    if breakdown == "grade":
        return pl.lit(f"{scope.label}/grade-") + pl.col("grade").cast(pl.String)
    return pl.lit(scope.label)


def _periods(database: Database, scope: _Scope, breakdown: str, measure: str, freq: str,
             low: dt.datetime | None, high: dt.datetime) -> pl.DataFrame:
    """Demand in each local period with any (unique_id, ds, y): incidents received in
    [low, high) and, for officer-hours, their deployments."""
    i, d = t.incidents, t.deployments
    where = [i.c.force_id == scope.force_id, i.c.received_at < high]
    if low is not None:
        where.append(i.c.received_at >= low)
    if scope.unit_ids:
        where.append(i.c.unit_id.in_(scope.unit_ids))
    columns = ["force_id", "id", "received_at", "category", "grade"]
    with database.read() as connection:
        if measure == "incidents":
            frame = read_frame(connection, i, *where, columns=columns)
            frame = frame.with_columns(value=pl.lit(1.0))
        else:
            frame = read_frame(connection, i, *where, columns=[
                *columns, "officers_deployed", "first_arrival_at", "cleared_at"])
            window = [d.c.force_id == scope.force_id, d.c.dispatched_at < high + 2 * FREQS["1d"]]
            if low is not None:
                window.append(d.c.dispatched_at >= low)
            deployments = read_frame(connection, d, *window, columns=[
                "force_id", "incident_id", "dispatched_at", "arrived_at", "cleared_at"])
            frame = (with_officer_hours(frame.lazy(), deployments.lazy()).collect()
                     .rename({"officer_hours": "value"}))
    local = pl.col("received_at").dt.convert_time_zone(scope.timezone).dt.replace_time_zone(None)
    return (frame.select(unique_id=_series_id(scope, breakdown), ds=local.dt.truncate(freq),
                         value=pl.col("value"))
            .group_by("unique_id", "ds").agg(y=pl.col("value").sum().cast(pl.Float64)))


def _history(database: Database, scope: _Scope, breakdown: str, measure: str, freq: str,
             history_end: dt.date | None) -> pl.DataFrame:
    with database.read() as connection:
        latest = _latest_day(connection, scope)
    if latest is None:
        raise NotFoundError(f"no incidents held for {scope.force_id}",
                            hint="import incidents (forceplan import) or run forceplan demo-data")
    end = history_end or latest
    if end > latest:
        raise ConfigurationError(f"history end {end} is after the latest data ({latest})",
                                 hint=f"give --history-end {latest} or earlier, or leave it out")
    periods = _periods(database, scope, breakdown, measure, freq, None,
                       _utc(end + dt.timedelta(days=1), scope.timezone))
    if periods.height == 0:
        raise NotFoundError(f"no incidents for {scope.label} up to {end}",
                            hint="check --unit and --history-end")
    step = FREQS[freq]
    start = periods["ds"].min().replace(hour=0)
    stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time()) - step
    grid = (pl.DataFrame({"unique_id": periods["unique_id"].unique().sort()})
            .join(pl.DataFrame({"ds": pl.datetime_range(start, stop, step, eager=True)}),
                  how="cross"))
    return (grid.join(periods, on=["unique_id", "ds"], how="left")
            .with_columns(pl.col("y").fill_null(0.0)).sort("unique_id", "ds"))


def _adjusted(forecasts: pl.DataFrame, history: pl.DataFrame, holidays: dict[dt.date, str],
              freq: str) -> pl.DataFrame:
    """Bank holidays adjusted for. ``apply_holidays`` gives NaN on a holiday whose forecast is
    zero all day (0/0 in its hour-of-day shape); those days keep the unadjusted values."""
    adjusted = apply_holidays(forecasts, history, holidays, hourly=freq == "1h")
    return adjusted.with_columns(
        pl.when(pl.col(c).is_finite()).then(pl.col(c)).otherwise(forecasts[c]).alias(c)
        for c in STORED)


def demand_series(database: Database, force: str | None = None, unit: str | None = None,
                  breakdown: str = "category", measure: str = "incidents", freq: str = "1h",
                  history_end: dt.date | None = None) -> pl.DataFrame:
    """The history of demand as forecast: unique_id ('{unit or force}/{category}',
    '{…}/grade-{n}' or '{unit or force}'), ds (local period start), y (zero-filled)."""
    _check(breakdown, measure, freq)
    database.require_current()
    return _history(database, _scope(database, force, unit), breakdown, measure, freq,
                    history_end)


def run_forecast(database: Database, force: str | None = None, unit: str | None = None,
                 breakdown: str = "category", measure: str = "incidents", horizon: str = "8w",
                 freq: str = "1h", history_end: dt.date | None = None, jobs: int = 1,
                 output: Path | None = None) -> StoredRun:
    """Forecast every series of the scope (bank holidays of the force's country adjusted for)
    and store the forecasts as one run, in one transaction; optionally write them as CSV."""
    _check(breakdown, measure, freq)
    try:
        steps = horizon_steps(horizon, freq)
    except ValueError as exc:
        raise ConfigurationError(str(exc), hint="e.g. --horizon 8w") from None
    database.require_current()
    scope = _scope(database, force, unit)
    history = _history(database, scope, breakdown, measure, freq, history_end)
    result = forecast_series(history, ForecastSettings(freq=freq, horizon=steps, n_jobs=jobs))
    region = holiday_region(scope.region)
    holidays = public_holidays(history["ds"].min().date(), result.forecasts["ds"].max().date(),
                               region)
    forecasts = _adjusted(result.forecasts, history, holidays, freq)
    run_id = uuid.uuid4().hex
    first, last = history["ds"].min(), history["ds"].max()
    run = {"id": run_id, "force_id": scope.force_id, "created_at": dt.datetime.now(dt.UTC),
           "measure": measure, "breakdown": breakdown, "unit_id": unit, "freq": freq,
           "horizon_steps": steps, "history_end": last,
           "settings": {"horizon": horizon, "holidays": region, "levels": list(LEVELS),
                        "history_start": first.isoformat(), "timezone": scope.timezone,
                        "series": history["unique_id"].n_unique()}}
    values = forecasts.rename(STORED).with_columns(run_id=pl.lit(run_id))
    with database.transaction() as connection:
        connection.execute(insert(t.forecast_runs).values(**run))
        connection.execute(insert(t.forecast_values), values.to_dicts())
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        forecasts.drop("model").write_csv(output, datetime_format="%Y-%m-%d %H:%M")
    totals = (forecasts.group_by("unique_id", maintain_order=True)
              .agg(forecast_total=pl.col("yhat").sum().round(1))
              .join(result.models.with_columns(pl.col("cv_mae").round(3)), on="unique_id")
              .select("unique_id", "model", "cv_mae", "forecast_total", "note"))
    return StoredRun(run_id, scope.label, measure, breakdown, freq,
                     ForecastResult(forecasts, result.models, result.cv), first, last, region,
                     totals)


def _stored_values(connection: Connection, run_ids: list[str]) -> pl.DataFrame:
    v = t.forecast_values
    rows = connection.execute(select(v).where(v.c.run_id.in_(run_ids))).all()
    schema = {"run_id": pl.String, "unique_id": pl.String, "ds": pl.Datetime("us"),
              **{name: pl.Float64 for name in STORED.values()}, "model": pl.String}
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _scored(database: Database, scope: _Scope, run: dict, values: pl.DataFrame,
            data_end: dt.date) -> pl.DataFrame:
    """The run's points with ``actual`` (null while waiting) and ``naive`` (the actual a week
    earlier; null before the history began)."""
    cutoff = dt.datetime.combine(data_end + dt.timedelta(days=1), dt.time())
    values = values.with_columns(back=pl.col("ds") - WEEK)
    start = dt.datetime.fromisoformat(run["settings"]["history_start"])
    actual = pl.DataFrame(schema={"unique_id": pl.String, "ds": pl.Datetime("us"),
                                  "y": pl.Float64})
    if values.height and values["back"].min() < cutoff:
        low, high = values["back"].min(), min(values["ds"].max(), cutoff)
        actual = _periods(database, scope, run["breakdown"], run["measure"], run["freq"],
                          _utc(low.date() - dt.timedelta(days=1), scope.timezone),
                          _utc(high.date() + dt.timedelta(days=2), scope.timezone))
    arrived = pl.col("ds") < cutoff
    return (values.join(actual.rename({"y": "actual"}), on=["unique_id", "ds"], how="left")
            .join(actual.rename({"ds": "back", "y": "naive"}), on=["unique_id", "back"],
                  how="left")
            .with_columns(actual=pl.when(arrived).then(pl.col("actual").fill_null(0.0)),
                          naive=pl.when(arrived & (pl.col("back") >= start))
                          .then(pl.col("naive").fill_null(0.0))))


def _metrics(points: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    has, error = pl.col("actual").is_not_null(), pl.col("yhat") - pl.col("actual")
    naive_error = (pl.col("naive") - pl.col("actual")).abs()
    paired = error.abs().filter(pl.col("naive").is_not_null()).sum()
    covered = {f"coverage_{lv}": ((pl.col("actual") >= pl.col(f"lo_{lv}"))
                                  & (pl.col("actual") <= pl.col(f"hi_{lv}"))).mean()
               for lv in LEVELS}
    return (points.group_by(keys, maintain_order=True).agg(
        points=has.sum().cast(pl.Int64), waiting=(~has).sum().cast(pl.Int64),
        forecast_total=pl.col("yhat").filter(has).sum(), actual_total=pl.col("actual").sum(),
        mae=error.abs().mean(), naive_mae=naive_error.mean(),
        relative_mae=pl.when(naive_error.sum() > 0).then(paired / naive_error.sum()),
        bias=error.mean(), **covered)
        .with_columns(cs.float().round(3)))


def forecast_accuracy(database: Database, force: str | None = None,
                      run_id: str | None = None) -> AccuracyReport:
    """Each stored run (or one) against the actuals held so far: per run and per series, the
    points with actuals, MAE, the seasonal naive's MAE (same period a week earlier, from the
    actuals) and their ratio, bias (forecast − actual), 80%/95% coverage, and the points still
    waiting for data."""
    database.require_current()
    scope = _scope(database, force, None)
    r = t.forecast_runs
    query = select(r).where(r.c.force_id == scope.force_id).order_by(r.c.created_at)
    with database.read() as connection:
        runs = [dict(row) for row in connection.execute(
            query.where(r.c.id == run_id) if run_id else query).mappings()]
        data_end = _latest_day(connection, scope)
        values = _stored_values(connection, [run["id"] for run in runs])
    if not runs:
        raise NotFoundError(f"no forecast run {run_id!r} for {scope.force_id}" if run_id else
                            f"no forecast runs stored for {scope.force_id}",
                            hint="`forceplan forecast accuracy` lists the runs" if run_id
                            else "make one with `forceplan forecast run`")
    scored, described = [], []
    for run in runs:
        unit = run["unit_id"]
        run_scope = _scope(database, scope.force_id, unit) if unit else scope
        scored.append(_scored(database, run_scope, run, values.filter(
            pl.col("run_id") == run["id"]), data_end or dt.date.min))
        described.append({k: run[k] for k in ("unit_id", "breakdown", "measure", "freq",
                                              "history_end")}
                         | {"run_id": run["id"], "created_at": run["created_at"],
                            "series": run["settings"].get("series")})
    points = pl.concat(scored)
    runs_frame = pl.DataFrame(described).select(
        "run_id", "created_at", "unit_id", "breakdown", "measure", "freq", "history_end",
        "series").join(_metrics(points, ["run_id"]), on="run_id", how="left")
    return AccuracyReport(scope.force_id, data_end, runs_frame,
                          _metrics(points, ["run_id", "unique_id"]))
