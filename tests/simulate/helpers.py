"""Small synthetic inputs for the simulation tests."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

T0 = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def poisson_incidents(per_hour: float, hours: float, rng: np.random.Generator,
                      grades: tuple[float, ...] = (0, 0, 1, 0), **extra) -> pl.DataFrame:
    """Stationary Poisson arrivals over ``hours`` with grades drawn from the given shares."""
    n = rng.poisson(per_hour * hours)
    minutes = np.sort(rng.uniform(0, hours * 60, n))
    share = np.array(grades, float) / sum(grades)
    frame = pl.DataFrame({
        "id": [f"I{i}" for i in range(n)],
        "received_at": pl.Series([T0] * n) + pl.Series((minutes * 60e6).astype(np.int64)).cast(
            pl.Duration("us")),
        "grade": rng.choice([1, 2, 3, 4], n, p=share),
        "category": "other", "officers_deployed": 1})
    return frame.with_columns(**{k: pl.lit(v) for k, v in extra.items()})


def constant_duty(officers: int, hours: float, unit_id: str | None = None) -> pl.DataFrame:
    """``officers`` people on duty for the whole period, one tour each."""
    frame = pl.DataFrame({"person_id": [f"P{i}" for i in range(officers)],
                          "start": [T0] * officers,
                          "end": [T0 + dt.timedelta(hours=hours)] * officers})
    return frame.with_columns(unit_id=pl.lit(unit_id)) if unit_id else frame
