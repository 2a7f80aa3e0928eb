"""Indicator charts as PNG and SVG files (matplotlib, Agg backend: no display, no network)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import polars as pl

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def save_figure(figure: plt.Figure, folder: Path, name: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix in ("png", "svg"):
        path = folder / f"{name}.{suffix}"
        figure.savefig(path, dpi=120, bbox_inches="tight", metadata={"Date": None}
                       if suffix == "svg" else None)
        paths.append(path)
    plt.close(figure)
    return paths


def hour_of_week_heatmap(values: pl.DataFrame, column: str, title: str, folder: Path,
                         name: str, colour: str = "viridis") -> list[Path]:
    """A 7 × 24 heatmap of ``column`` by ``hour_of_week``."""
    grid = np.full(168, np.nan)
    for hour, value in values.select("hour_of_week", column).iter_rows():
        if value is not None:
            grid[int(hour)] = value
    figure, axis = plt.subplots(figsize=(10, 3.4))
    image = axis.imshow(grid.reshape(7, 24), aspect="auto", cmap=colour)
    axis.set_yticks(range(7), DAYS)
    axis.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    axis.set_xlabel("hour of day (local time)")
    axis.set_title(title)
    figure.colorbar(image, ax=axis, fraction=0.025)
    return save_figure(figure, folder, name)


def demand_vs_capacity(balance: pl.DataFrame, folder: Path, tipping_point: float) -> list[Path]:
    hours = balance["hour_of_week"].to_numpy()
    figure, axis = plt.subplots(figsize=(11, 3.6))
    axis.plot(hours, balance["officers_on_duty"], label="officers on duty", color="#1f5f99")
    axis.plot(hours, balance["officers_busy"], label="officers busy on incidents",
              color="#c0392b")
    axis.plot(hours, balance["officers_on_duty"] * tipping_point, linestyle="--",
              color="#7f8c8d", label=f"tipping point ({tipping_point:.0%} of on duty)")
    past = balance.filter(pl.col("past_tipping_point"))
    axis.scatter(past["hour_of_week"], past["officers_busy"], color="#c0392b", zorder=3, s=14)
    axis.set_xticks(range(0, 168, 24), DAYS)
    axis.set_xlim(0, 167)
    axis.set_ylabel("officers (average)")
    axis.set_title("Demand against capacity by hour of the week")
    axis.legend(loc="upper left", fontsize=8)
    return save_figure(figure, folder, "demand_vs_capacity")


def displaced_by_agency(displaced: pl.DataFrame, folder: Path) -> list[Path]:
    figure, axis = plt.subplots(figsize=(10, 3.6))
    for agency in sorted(displaced["attributed_agency"].unique().to_list()):
        rows = displaced.filter(pl.col("attributed_agency") == agency).sort("month")
        axis.plot(rows["month"].to_list(), rows["officer_hours"].to_list(), marker="o",
                  label=agency.replace("_", " "))
    axis.set_ylabel("officer-hours a month")
    axis.set_title("Police time spent on demand attributed to partner agencies")
    axis.tick_params(axis="x", rotation=45)
    axis.legend(fontsize=8)
    return save_figure(figure, folder, "displaced_demand_by_agency")
