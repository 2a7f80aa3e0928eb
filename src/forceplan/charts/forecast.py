"""Forecast charts: forecast against actuals with the 80% and 95% intervals."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from forceplan.charts.figures import plt, save_figure


def forecast_vs_actual(points: pl.DataFrame, folder: Path, name: str = "forecast_vs_actual",
                       series: int = 3) -> list[Path]:
    """One panel per series (the largest ``series``), the last origin's forecast with its
    intervals over what happened."""
    last = points.filter(pl.col("cutoff") == pl.col("cutoff").max())
    chosen = (last.group_by("unique_id").agg(pl.col("actual").sum())
              .sort("actual", descending=True)["unique_id"].head(series).to_list())
    figure, axes = plt.subplots(len(chosen), 1, figsize=(11, 2.8 * len(chosen)), squeeze=False)
    for axis, uid in zip(axes[:, 0], chosen, strict=True):
        one = last.filter(pl.col("unique_id") == uid).sort("ds")
        x = one["ds"].to_list()
        if "lo-95" in one.columns:
            axis.fill_between(x, one["lo-95"], one["hi-95"], color="#9ecae1", alpha=0.5,
                              label="95% interval", step="mid")
        if "lo-80" in one.columns:
            axis.fill_between(x, one["lo-80"], one["hi-80"], color="#4292c6", alpha=0.5,
                              label="80% interval", step="mid")
        axis.plot(x, one["yhat"], color="#08306b", linewidth=1.2, label="forecast")
        axis.plot(x, one["actual"], color="#d94801", linewidth=0.8, label="actual")
        axis.set_title(f"{uid}: forecast from {one['cutoff'][0]:%Y-%m-%d %H:%M}", loc="left",
                       fontsize=10)
        axis.legend(loc="upper right", fontsize=8, ncols=4)
        axis.set_ylim(bottom=0)
    figure.tight_layout()
    return save_figure(figure, folder, name)
