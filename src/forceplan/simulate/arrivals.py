"""Fresh arrivals for a replication: a non-homogeneous Poisson stream with the recorded
incidents' rates by hour of the week, grade and category.

Over the same span of whole hours as the recorded incidents, each hour draws, for each class
(grade, category), a Poisson number of incidents with mean = that class's recorded count in
that hour of the week / the times that hour of the week occurs in the span (so the expected
total is the recorded total). Each new incident lands uniformly within its hour and copies
the other columns (unit, officers deployed, target, ...) from a recorded incident of the same
class and hour of the week, its first arrival and clearance moved with it so that time on task
from history is kept. Hours of the week are on the local clock when the times carry a zone.
"""

from __future__ import annotations

import numpy as np
import polars as pl

US_PER_HOUR = 3_600_000_000
WEEK_HOURS = 168
MOVED_WITH_ARRIVAL = ("first_arrival_at", "cleared_at")


def _datetimes(micros: np.ndarray, zone: str | None) -> pl.Series:
    series = pl.Series(micros.astype(np.int64)).cast(pl.Datetime("us"))
    return series.dt.replace_time_zone("UTC").dt.convert_time_zone(zone) if zone else series


def _hour_of_week(times: pl.Series) -> np.ndarray:
    return (
        (times.dt.weekday().cast(pl.Int64) - 1) * 24 + times.dt.hour().cast(pl.Int64)
    ).to_numpy()


def _classes(incidents: pl.DataFrame) -> tuple[np.ndarray, int]:
    keys = [c for c in ("grade", "category") if c in incidents.columns]
    codes = incidents.select(pl.struct(keys).rank("dense").cast(pl.Int64) - 1).to_series()
    return codes.to_numpy(), int(codes.max()) + 1


def resample_incidents(incidents: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """A fresh stream of incidents like ``incidents`` (received_at, grade; optional category
    and any other columns), sorted by received_at; ids get a ``~n`` suffix."""
    if incidents.height == 0:
        return incidents
    received = incidents["received_at"].dt.cast_time_unit("us")
    zone = received.dtype.time_zone
    micros = received.to_physical().to_numpy().astype(np.int64)
    first = micros.min() - micros.min() % US_PER_HOUR
    hours = int((micros.max() - first) // US_PER_HOUR) + 1
    hour_starts = first + np.arange(hours, dtype=np.int64) * US_PER_HOUR
    span_how = _hour_of_week(_datetimes(hour_starts, zone))
    occurs = np.bincount(span_how, minlength=WEEK_HOURS)
    kind, classes = _classes(incidents)
    cell = _hour_of_week(received) * classes + kind
    counts = np.bincount(cell, minlength=WEEK_HOURS * classes).reshape(WEEK_HOURS, classes)
    rates = counts / np.maximum(occurs, 1)[:, None]
    drawn = rng.poisson(rates[span_how])  # hours × classes
    hour_index, class_index = np.nonzero(drawn)
    repeat = drawn[hour_index, class_index]
    hour_of_new = np.repeat(hour_index, repeat)
    cell_of_new = span_how[hour_of_new] * classes + np.repeat(class_index, repeat)
    order = np.argsort(cell, kind="stable")
    starts = np.searchsorted(cell[order], np.arange(WEEK_HOURS * classes))
    sizes = np.bincount(cell, minlength=WEEK_HOURS * classes)
    total = len(hour_of_new)
    pick = order[starts[cell_of_new] + (rng.random(total) * sizes[cell_of_new]).astype(np.int64)]
    new_micros = hour_starts[hour_of_new] + (rng.random(total) * US_PER_HOUR).astype(np.int64)
    shift = pl.Series(new_micros - micros[pick]).cast(pl.Duration("us"))
    out = incidents[pick].with_columns(
        received_at=_datetimes(new_micros, zone).dt.cast_time_unit(
            incidents["received_at"].dtype.time_unit
        )
    )
    out = out.with_columns(pl.col(c) + shift for c in MOVED_WITH_ARRIVAL if c in out.columns)
    if "id" in out.columns:
        out = out.with_columns(
            pl.format("{}~{}", pl.col("id").cast(pl.String), pl.int_range(pl.len())).alias("id")
        )
    return out.sort("received_at", maintain_order=True)
