"""Rolling-origin backtest: forecast from several origins, compare with what happened.

Metrics per series and overall, each against the weekly seasonal naive (last week again):
- MASE: mean absolute error scaled by the in-sample mean absolute error of the weekly seasonal
  naive on the training data (Hyndman & Koehler 2006);
- relative MAE: the forecast's mean absolute error over the seasonal naive forecast's, on the
  same test weeks (below 1 beats the baseline);
- RMSE, and interval coverage (the share of actuals inside each interval; 80% intervals
  should hold about 80%).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

from forceplan.forecast.engine import ForecastSettings, forecast_series
from forceplan.forecast.series import frequency


def origins(frame: pl.DataFrame, freq: str, horizon: int, count: int,
            min_train_weeks: int = 4) -> list[dt.datetime]:
    """The last ``count`` origins, one horizon apart, each leaving a full horizon to test and
    at least ``min_train_weeks`` of history before it."""
    step, _cycle, week = frequency(freq)
    last = frame["ds"].max()
    first = frame["ds"].min()
    cuts = [last - step * horizon * k for k in range(count, 0, -1)]
    return [c for c in cuts if (c - first) / step + 1 >= min_train_weeks * week]


def backtest(frame: pl.DataFrame, settings: ForecastSettings, cutoffs: list[dt.datetime],
             progress: Callable[[int, int], None] | None = None) -> dict[str, pl.DataFrame]:
    """Forecast from each cutoff (inclusive end of training) and score against actuals."""
    _step, _cycle, week = frequency(settings.freq)
    scored = []
    for number, cutoff in enumerate(cutoffs):
        train = frame.filter(pl.col("ds") <= cutoff)
        result = forecast_series(train, settings)
        naive = train.sort("unique_id", "ds").group_by("unique_id", maintain_order=True).tail(
            week)  # last week again: the seasonal naive forecast
        scale = train.sort("unique_id", "ds").with_columns(
            d=(pl.col("y") - pl.col("y").shift(week).over("unique_id")).abs()
        ).group_by("unique_id").agg(scale=pl.col("d").mean())
        joined = (result.forecasts.join(frame.select("unique_id", "ds", actual="y"),
                                        on=["unique_id", "ds"])
                  .with_columns(cutoff=pl.lit(cutoff),
                                slot=pl.int_range(pl.len()).over("unique_id") % week)
                  .join(naive.with_columns(slot=pl.int_range(pl.len()).over("unique_id"))
                        .select("unique_id", "slot", naive="y"), on=["unique_id", "slot"])
                  .join(scale, on="unique_id").drop("slot"))
        scored.append(joined)
        if progress:
            progress(number + 1, len(cutoffs))
    points = pl.concat(scored)
    levels = [int(c.split("-")[1]) for c in points.columns if c.startswith("lo-")]
    return {"points": points, "by_series": _metrics(points, ["unique_id"], levels),
            "by_origin": _metrics(points, ["cutoff"], levels),
            "overall": _metrics(points, ["all"], levels)}


def _metrics(points: pl.DataFrame, keys: list[str], levels: list[int]) -> pl.DataFrame:
    error = (pl.col("yhat") - pl.col("actual")).abs()
    per_origin = points.group_by("unique_id", "cutoff").agg(
        mae=error.mean(), naive_mae=(pl.col("naive") - pl.col("actual")).abs().mean(),
        scale=pl.col("scale").first(), sq=((pl.col("yhat") - pl.col("actual")) ** 2).mean(),
        **{f"covered_{lv}": ((pl.col("actual") >= pl.col(f"lo-{lv}"))
                             & (pl.col("actual") <= pl.col(f"hi-{lv}"))).mean()
           for lv in levels}, n=pl.len())
    per_origin = per_origin.with_columns(all=pl.lit("all"))
    return (per_origin.group_by(keys).agg(
        mase=(pl.col("mae") / pl.col("scale")).mean(),
        relative_mae=pl.col("mae").sum() / pl.col("naive_mae").sum(),
        rmse=pl.col("sq").mean().sqrt(), mae=pl.col("mae").mean(),
        **{f"coverage_{lv}": (pl.col(f"covered_{lv}") * pl.col("n")).sum() / pl.col("n").sum()
           for lv in levels}, points=pl.col("n").sum())
        .sort(keys))


def summary(result: dict[str, pl.DataFrame]) -> dict:
    """The overall figures as plain numbers (for JSON and the terminal)."""
    row = result["overall"].drop("all").row(0, named=True)
    return {k: (round(v, 4) if isinstance(v, float) and np.isfinite(v) else v)
            for k, v in row.items()}
