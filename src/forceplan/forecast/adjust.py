"""Adjustments on top of a statistical forecast: bank holidays, known events, growth and new
housing. Each multiplies or adds to ŷ and its interval bounds, and says what it did.

- Bank holidays: the forecast for a bank holiday takes the series' Sunday hour-of-day shape
  (late starts, quiet mornings) and its day total is multiplied by the holiday effect learned
  from the history: demand on past bank holidays over demand on the same weekday in the three
  weeks either side. With fewer than two past holidays in a series, the effect pooled over all
  series is used; with none at all, 1 (shape only).
- Events: a list of dated events with an expected uplift (e.g. a festival +40% on its hours).
- Growth: a percentage a year, compounded from the forecast's start.
- New housing: households × incidents per household a year (taken from comparable areas),
  added in proportion to the forecast's own shape.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from forceplan.errors import ConfigurationError

VALUE_COLUMNS = ("yhat", "lo-80", "hi-80", "lo-95", "hi-95")


@dataclass(frozen=True)
class Event:
    name: str
    start: dt.datetime
    end: dt.datetime
    uplift_percent: float
    series: str | None = None  # unique_id, or None for every series


@dataclass(frozen=True)
class Housing:
    name: str
    households: int
    incidents_per_household_year: float
    series: str | None = None


@dataclass(frozen=True)
class Adjustments:
    events: tuple[Event, ...] = ()
    growth_percent_per_year: float = 0.0
    housing: tuple[Housing, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def _values(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c in VALUE_COLUMNS or c.startswith(("lo-", "hi-"))]


def holiday_effects(history: pl.DataFrame, holidays: dict[dt.date, str]) -> pl.DataFrame:
    """Per series: ratio of demand on past bank holidays to the same weekday ±3 weeks."""
    daily = history.group_by("unique_id", day=pl.col("ds").dt.date()).agg(total=pl.col("y")
                                                                         .sum())
    days = list(holidays)
    on = daily.filter(pl.col("day").is_in(days))
    near = pl.concat([on.select("unique_id", "day", near=pl.col("day") + dt.timedelta(weeks=k))
                      for k in (-3, -2, -1, 1, 2, 3)])
    around = (near.filter(~pl.col("near").is_in(days))
              .join(daily.rename({"day": "near", "total": "usual"}), on=["unique_id", "near"])
              .group_by("unique_id", "day").agg(pl.col("usual").mean()))
    pairs = on.join(around, on=["unique_id", "day"]).filter(pl.col("usual") > 0)
    pooled = pairs["total"].sum() / pairs["usual"].sum() if pairs.height else 1.0
    per = pairs.group_by("unique_id").agg(holidays=pl.len(), own=pl.col("total").sum()
                                          / pl.col("usual").sum())
    ids = history.select("unique_id").unique()
    return ids.join(per, on="unique_id", how="left").with_columns(
        effect=pl.when(pl.col("holidays") >= 2).then("own").otherwise(pl.lit(pooled)),
        holidays=pl.col("holidays").fill_null(0)).select("unique_id", "effect", "holidays")


def apply_holidays(forecasts: pl.DataFrame, history: pl.DataFrame,
                   holidays: dict[dt.date, str], hourly: bool) -> pl.DataFrame:
    """Bank-holiday days take the Sunday shape (hourly series) times the learned effect."""
    future = [d for d in holidays if forecasts["ds"].min().date() <= d
              <= forecasts["ds"].max().date()]
    if not future:
        return forecasts
    effects = holiday_effects(history, holidays)
    values = _values(forecasts)
    out = forecasts.with_columns(day=pl.col("ds").dt.date()).join(effects, on="unique_id",
                                                                  how="left")
    if hourly:
        shape = (history.filter(pl.col("ds").dt.weekday() == 7)
                 .group_by("unique_id", hour=pl.col("ds").dt.hour()).agg(s=pl.col("y").sum())
                 .with_columns(sunday=pl.col("s") / pl.col("s").sum().over("unique_id")))
        out = (out.with_columns(hour=pl.col("ds").dt.hour())
               .join(shape.select("unique_id", "hour", "sunday"), on=["unique_id", "hour"],
                     how="left")
               .with_columns(day_total=pl.col("yhat").sum().over("unique_id", "day"),
                             usual=pl.col("yhat") / pl.col("yhat").sum().over("unique_id",
                                                                               "day")))
        factor = (pl.when(pl.col("usual").is_finite() & (pl.col("usual") > 0))
                  .then(pl.col("sunday").fill_null(pl.col("usual")) / pl.col("usual"))
                  .otherwise(1.0) * pl.col("effect"))
    else:
        factor = pl.col("effect")
    is_holiday = pl.col("day").is_in(future)
    return out.with_columns([pl.when(is_holiday).then(pl.col(c) * factor).otherwise(pl.col(c))
                             .alias(c) for c in values]).select(forecasts.columns)


def apply_adjustments(forecasts: pl.DataFrame, adjustments: Adjustments) -> pl.DataFrame:
    """Events, growth and housing, in that order."""
    values = _values(forecasts)
    out = forecasts
    for event in adjustments.events:
        hit = pl.col("ds").is_between(event.start, event.end, closed="left")
        if event.series:
            hit = hit & (pl.col("unique_id") == event.series)
        out = out.with_columns([pl.when(hit).then(pl.col(c) * (1 + event.uplift_percent / 100))
                                .otherwise(pl.col(c)).alias(c) for c in values])
    if adjustments.growth_percent_per_year:
        start = out["ds"].min()
        years = (pl.col("ds") - start).dt.total_seconds() / (365.25 * 86400)
        factor = (1 + adjustments.growth_percent_per_year / 100) ** years
        out = out.with_columns([pl.col(c) * factor for c in values])
    for site in adjustments.housing:
        chosen = pl.lit(True) if site.series is None else pl.col("unique_id") == site.series
        steps_per_year = 365.25 * 86400 / _step_seconds(out)
        extra = (site.households * site.incidents_per_household_year / steps_per_year
                 * pl.col("yhat") / pl.col("yhat").mean().over("unique_id"))
        out = out.with_columns([pl.when(chosen).then(pl.col(c) + extra.fill_nan(0.0))
                                .otherwise(pl.col(c)).alias(c) for c in values])
    return out


def _step_seconds(frame: pl.DataFrame) -> float:
    steps = frame.sort("unique_id", "ds").select(pl.col("ds").diff().over("unique_id")
                                                 .drop_nulls().min())
    value = steps.item()
    return value.total_seconds() if value else 3600.0


def load_adjustments(path: Path) -> Adjustments:
    """A TOML file: [growth] percent_per_year; [[events]] name, start, end, uplift_percent,
    series; [[housing]] name, households, incidents_per_household_year, series."""
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"{path}: cannot read adjustments: {exc}",
                                 hint="check the file is TOML (see docs/forecast.md)") from None
    known = {"growth", "events", "housing"}
    if unknown := sorted(set(data) - known):
        raise ConfigurationError(f"{path}: unknown section(s) {', '.join(unknown)}",
                                 hint=f"use {', '.join(sorted(known))}")
    try:
        events = tuple(Event(e["name"], _when(e["start"]), _when(e["end"]),
                             float(e["uplift_percent"]), e.get("series"))
                       for e in data.get("events", []))
        housing = tuple(Housing(h["name"], int(h["households"]),
                                float(h["incidents_per_household_year"]), h.get("series"))
                        for h in data.get("housing", []))
        growth = float(data.get("growth", {}).get("percent_per_year", 0.0))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"{path}: missing or bad value {exc}",
                                 hint="see docs/forecast.md for every key") from None
    return Adjustments(events, growth, housing)


def _when(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return dt.datetime.fromisoformat(str(value))
