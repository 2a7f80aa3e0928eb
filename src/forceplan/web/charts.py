"""Charts for the pages: matplotlib figures rendered to inline SVG in memory (Agg, no pyplot
state, so threads may draw at once; nothing fetched from the network)."""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
import numpy as np
import polars as pl
from matplotlib.figure import Figure

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
BLUE, RED, GREY = "#1f5f99", "#c0392b", "#7f8c8d"


def to_svg(figure: Figure, title: str) -> str:
    """The figure as an inline <svg> element that scales to the page width."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(
        r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
        rf'<svg\1 class="chart" role="img" aria-label="{_attr(title)}"',
        svg,
        count=1,
    )
    return svg


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def hour_of_week_heatmap(
    values: pl.DataFrame, column: str, title: str, colour: str = "Reds"
) -> str:
    """A 7 × 24 heatmap of ``column`` by ``hour_of_week`` (Monday 00:00 = 0)."""
    grid = np.full(168, np.nan)
    for hour, value in values.select("hour_of_week", column).iter_rows():
        if value is not None:
            grid[int(hour)] = value
    figure = Figure(figsize=(9, 3.2))
    axis = figure.subplots()
    image = axis.imshow(grid.reshape(7, 24), aspect="auto", cmap=colour)
    axis.set_yticks(range(7), DAYS)
    axis.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)])
    axis.set_xlabel("hour of day (local time)")
    axis.set_title(title)
    figure.colorbar(image, ax=axis, fraction=0.03)
    return to_svg(figure, title)


def weekly_trend(weekly: pl.DataFrame, title: str) -> str:
    """Incidents a week as a line."""
    figure = Figure(figsize=(9, 2.8))
    axis = figure.subplots()
    axis.plot(weekly["week"].to_list(), weekly["incidents"].to_list(), color=BLUE)
    axis.set_ylabel("incidents a week")
    axis.set_ylim(bottom=0)
    axis.set_title(title)
    axis.grid(alpha=0.3)
    figure.autofmt_xdate()
    return to_svg(figure, title)


def agency_bars(by_agency: pl.DataFrame, title: str) -> str:
    """Officer-hours displaced from each partner agency (withheld values left out)."""
    shown = by_agency.drop_nulls("officer_hours").sort("officer_hours")
    figure = Figure(figsize=(9, 0.5 + 0.45 * max(shown.height, 1)))
    axis = figure.subplots()
    names = [a.replace("_", " ") for a in shown["attributed_agency"].to_list()]
    axis.barh(names, shown["officer_hours"].to_list(), color=RED)
    axis.set_xlabel("officer-hours")
    axis.set_title(title)
    return to_svg(figure, title)


def forecast_band(values: pl.DataFrame, title: str) -> str:
    """One series' forecast with its 80% and 95% intervals."""
    figure = Figure(figsize=(9, 3))
    axis = figure.subplots()
    ds = values["ds"].to_list()
    axis.fill_between(
        ds,
        values["lo_95"].to_list(),
        values["hi_95"].to_list(),
        color=BLUE,
        alpha=0.15,
        label="95% interval",
        linewidth=0,
    )
    axis.fill_between(
        ds,
        values["lo_80"].to_list(),
        values["hi_80"].to_list(),
        color=BLUE,
        alpha=0.3,
        label="80% interval",
        linewidth=0,
    )
    axis.plot(ds, values["yhat"].to_list(), color=BLUE, linewidth=1, label="forecast")
    axis.set_ylim(bottom=0)
    axis.legend(loc="upper left", fontsize=8)
    axis.set_title(title)
    figure.autofmt_xdate()
    return to_svg(figure, title)
