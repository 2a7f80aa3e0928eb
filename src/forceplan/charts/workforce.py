"""Workforce charts as PNG and SVG files (matplotlib, Agg backend: no display, no network).

Each chart reads the long series frames of ``forceplan.workforce.report`` (unique_id, measure,
role, year, ds, y, lo-95, lo-80, hi-80, hi-95): the mean as a line, the 80% and 95% intervals
as bands (absent when the projection has no Monte Carlo runs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import polars as pl
from matplotlib.ticker import FuncFormatter, PercentFormatter

from forceplan.charts.figures import save_figure

BLUE = "#1f5f99"
COLOURS = ("#1f5f99", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#7f8c8d", "#16a085")
EXPERIENCE_ROLES = ("frontline", "response", "neighbourhood", "officers")


def _values(rows: pl.DataFrame, column: str) -> np.ndarray:
    return rows[column].cast(pl.Float64).fill_null(float("nan")).to_numpy()


def _band(axis: plt.Axes, rows: pl.DataFrame, colour: str, label: str | None = None,
          bands: Sequence[str] = ("95", "80")) -> None:
    """The mean as a line and each interval as a shaded band."""
    x = rows["year"].to_numpy()
    for width in bands:
        alpha = 0.15 if width == "95" else 0.3
        axis.fill_between(x, _values(rows, f"lo-{width}"), _values(rows, f"hi-{width}"),
                          color=colour, alpha=alpha, linewidth=0,
                          label=f"{width}% interval" if label is None else None)
    axis.plot(x, _values(rows, "y"), color=colour, marker="o", markersize=3,
              label=label or "mean")


def _year_ticks(axis: plt.Axes, rows: pl.DataFrame) -> None:
    years = rows["year"].to_list()
    labels = [d.strftime("%b %Y") if d else f"year {y}" for y, d in zip(
        years, rows["ds"].to_list(), strict=True)]
    axis.set_xticks(years, labels, rotation=45, ha="right", fontsize=7)


def _grid(panels: int, columns: int = 4, size: tuple[float, float] = (3.2, 2.4)
          ) -> tuple[plt.Figure, list[plt.Axes]]:
    columns = max(1, min(columns, panels))
    rows = max(1, -(-panels // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(size[0] * columns, size[1] * rows),
                                squeeze=False)
    flat = list(axes.ravel())
    for axis in flat[panels:]:
        axis.set_visible(False)
    return figure, flat[:panels]


def headcount_fan(table: pl.DataFrame, folder: Path, name: str = "headcount_fan"
                  ) -> list[Path]:
    """Headcount by role over the years: a fan chart per role with 80% and 95% bands."""
    heads = table.filter(pl.col("measure") == "headcount").sort("year")
    roles = [r for r in dict.fromkeys(heads["role"].to_list())
             if (heads.filter(pl.col("role") == r)["y"].fill_null(0) > 0).any()]
    figure, axes = _grid(len(roles))
    for axis, role in zip(axes, roles, strict=True):
        rows = heads.filter(pl.col("role") == role)
        _band(axis, rows, BLUE)
        axis.set_title(role.replace("_", " "), fontsize=9)
        axis.set_ylim(bottom=0)
        _year_ticks(axis, rows)
    if axes:
        axes[0].legend(fontsize=7, loc="lower left")
    figure.suptitle("Headcount by role (mean, 80% and 95% intervals of the Monte Carlo runs)")
    figure.tight_layout()
    return save_figure(figure, folder, name)


def experience_mix_chart(table: pl.DataFrame, folder: Path, name: str = "experience_mix"
                         ) -> list[Path]:
    """Share of each key role with under 2 and under 5 years' service, with 80% bands."""
    figure, axes = _grid(2, columns=2, size=(5.0, 3.4))
    for axis, limit in zip(axes, (2, 5), strict=True):
        rows = table.filter(pl.col("measure") == f"share_under_{limit}_years").sort("year")
        for colour, role in zip(COLOURS, EXPERIENCE_ROLES, strict=False):
            mine = rows.filter(pl.col("role") == role)
            if mine.height:
                _band(axis, mine, colour, role, bands=("80",))
                _year_ticks(axis, mine)
        axis.set_title(f"under {limit} years' service", fontsize=10)
        axis.yaxis.set_major_formatter(PercentFormatter(1.0))
        axis.set_ylim(0, 1)
    axes[0].legend(fontsize=7, loc="upper left")
    figure.suptitle("Experience mix (mean and 80% interval)")
    figure.tight_layout()
    return save_figure(figure, folder, name)


def scenario_chart(table: pl.DataFrame, folder: Path, name: str = "scenario_comparison"
                   ) -> list[Path]:
    """Each compared measure in its own panel, one line (and 80% band) per scenario."""
    panels = list(dict.fromkeys(table.select("measure", "role").iter_rows()))
    scenarios = list(dict.fromkeys(table["scenario"].to_list()))
    figure, axes = _grid(len(panels), columns=3, size=(4.2, 3.0))
    for axis, (measure, role) in zip(axes, panels, strict=True):
        rows = table.filter((pl.col("measure") == measure) & (pl.col("role") == role))
        for colour, scenario in zip(COLOURS * 3, scenarios, strict=False):
            mine = rows.filter(pl.col("scenario") == scenario).sort("year")
            _band(axis, mine, colour, scenario, bands=("80",))
            _year_ticks(axis, mine)
        axis.set_title(f"{measure.replace('_', ' ')}: {role.replace('_', ' ')}", fontsize=9)
        if measure.startswith("share_"):
            axis.yaxis.set_major_formatter(PercentFormatter(1.0))
        elif measure.endswith("_gbp"):
            axis.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"£{v / 1e6:,.1f}m"))
    if axes:
        axes[0].legend(fontsize=7)
    figure.suptitle("Scenarios side by side (mean and 80% interval)")
    figure.tight_layout()
    return save_figure(figure, folder, name)


def workforce_charts(tables: Mapping[str, pl.DataFrame], folder: Path,
                     with_scenarios: bool = True) -> list[Path]:
    """Every workforce chart from the tables of a projection report."""
    paths = headcount_fan(tables["headcount_and_fte"], folder)
    paths += experience_mix_chart(tables["experience_mix"], folder)
    if with_scenarios and "scenario_comparison" in tables:
        paths += scenario_chart(tables["scenario_comparison"], folder)
    return paths
