"""Charts of the planning pages (staffing, workforce projections, scenarios) as inline SVG:
matplotlib ``Figure`` objects without pyplot state (threads may draw at once), rendered by
``web.charts.to_svg`` with an aria-label. The terminal's file charts (``forceplan.charts``)
draw the same things through pyplot into files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure

from forceplan.web.charts import BLUE, DAYS, GREY, RED, to_svg

TOTALS = ("officers", "workforce", "frontline")  # sums of the roles: in the tables, not drawn
COLOURS = ("#1f5f99", "#c0392b", "#27ae60", "#8e44ad", "#d35400", "#7f8c8d", "#16a085", "#2c3e50")


def need_vs_on_duty(by_hour: pl.DataFrame, title: str) -> str:
    """Officers needed (targets and allowances) and on duty now, hour by hour of the week,
    with the officers busy on incidents shaded."""
    frame = by_hour.sort("hour_of_week")
    hours = frame["hour_of_week"].to_list()
    figure = Figure(figsize=(9, 3.2))
    axis = figure.subplots()
    axis.fill_between(
        hours,
        frame["busy_officers"].fill_null(0).to_list(),
        step="mid",
        color="#fdd0a2",
        label="busy on incidents",
    )
    axis.step(hours, frame["officers_needed"].to_list(), where="mid", color=RED, label="needed")
    if frame["on_duty_now"].null_count() < frame.height:
        on_duty = frame["on_duty_now"].cast(pl.Float64).fill_null(float("nan")).to_list()
        axis.step(hours, on_duty, where="mid", color=BLUE, label="on duty now")
    axis.set_xticks(range(0, 168, 24), DAYS)
    axis.set_xlim(0, 167)
    axis.set_ylim(bottom=0)
    axis.set_ylabel("officers")
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend(loc="upper left", fontsize=8)
    return to_svg(figure, title)


def gap_heatmap(by_hour: pl.DataFrame, title: str) -> str:
    """A 7 x 24 heatmap of officers on duty less officers needed, white at 0 (red: short)."""
    grid = np.full(168, np.nan)
    for hour, value in by_hour.select("hour_of_week", "gap").iter_rows():
        if value is not None:
            grid[int(hour)] = value
    known = grid[~np.isnan(grid)]  # every hour may be unknown (nothing rostered yet)
    spread = max(float(np.abs(known).max()), 1.0) if known.size else 1.0
    figure = Figure(figsize=(9, 3.2))
    axis = figure.subplots()
    image = axis.imshow(grid.reshape(7, 24), aspect="auto", cmap="RdBu",
                        norm=TwoSlopeNorm(0.0, -spread, spread))  # fmt: skip
    axis.set_yticks(range(7), DAYS)
    axis.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)])
    axis.set_xlabel("hour of day (local time)")
    axis.set_title(title)
    figure.colorbar(image, ax=axis, fraction=0.03, label="officers")
    return to_svg(figure, title)


def _years(rows: list[dict[str, Any]]) -> list[int]:
    return sorted({int(r["year"]) for r in rows})


def headcount_by_role(rows: list[dict[str, Any]], title: str) -> str:
    """Mean headcount of each role, year by year (rows: a projection's long table); the
    totals (``TOTALS``) are left out so the roles keep their scale."""
    heads = [r for r in rows if r.get("measure") == "headcount" and r["role"] not in TOTALS]
    years = _years(heads)
    roles = list(dict.fromkeys(r["role"] for r in heads))
    figure = Figure(figsize=(9, 3.4))
    axis = figure.subplots()
    for number, role in enumerate(roles):
        values = {int(r["year"]): r.get("y") for r in heads if r["role"] == role}
        series = [values.get(y) if values.get(y) is not None else np.nan for y in years]
        axis.plot(
            years,
            series,
            marker="o",
            markersize=3,
            color=COLOURS[number % len(COLOURS)],
            linestyle="-" if number < len(COLOURS) else "--",
            label=str(role).replace("_", " "),
        )
    axis.set_xticks(years, [f"year {y}" if y else "now" for y in years])
    axis.set_ylim(bottom=0)
    axis.set_ylabel("headcount (mean of the runs)")
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7)
    return to_svg(figure, title)


def fan(rows: list[dict[str, Any]], title: str, ylabel: str) -> str:
    """One series over the years: the mean as a line, the 80% and 95% intervals as bands."""
    rows = sorted(rows, key=lambda r: int(r["year"]))
    years = [int(r["year"]) for r in rows]

    def values(key: str) -> list[float]:
        return [np.nan if r.get(key) is None else float(r[key]) for r in rows]

    figure = Figure(figsize=(9, 3))
    axis = figure.subplots()
    if any(r.get("lo-95") is not None for r in rows):
        axis.fill_between(years, values("lo-95"), values("hi-95"), color=BLUE, alpha=0.15,
                          linewidth=0, label="95% interval")  # fmt: skip
        axis.fill_between(years, values("lo-80"), values("hi-80"), color=BLUE, alpha=0.3,
                          linewidth=0, label="80% interval")  # fmt: skip
    axis.plot(years, values("y"), color=BLUE, marker="o", markersize=3, label="mean")
    axis.set_xticks(years, [f"year {y}" if y else "now" for y in years])
    axis.set_ylim(bottom=0)
    axis.set_ylabel(ylabel)
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend(loc="lower left", fontsize=8)
    return to_svg(figure, title)


def share_within_target(rows: list[dict[str, Any]], title: str) -> str:
    """Grouped bars: share attended within target by scenario (groups) and grade 1-3 (bars),
    with the 95% interval over the replications."""
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    grades = sorted({int(r["grade"]) for r in rows if int(r["grade"]) in (1, 2, 3)})
    figure = Figure(figsize=(9, 3.4))
    axis = figure.subplots()
    width = 0.8 / max(len(grades), 1)
    for number, grade in enumerate(grades):
        found = {r["scenario"]: r for r in rows if int(r["grade"]) == grade}
        mean = np.array([_or_nan(found.get(s, {}).get("share_within_target")) for s in scenarios])
        low = np.array(
            [_or_nan(found.get(s, {}).get("share_within_target_ci95_low")) for s in scenarios]
        )
        error = np.nan_to_num(np.clip(mean - low, 0, None))
        axis.bar(
            np.arange(len(scenarios)) + number * width,
            np.nan_to_num(mean),
            width,
            yerr=error,
            capsize=2,
            color=COLOURS[number % len(COLOURS)],
            label=f"grade {grade}",
        )
    axis.set_xticks(
        np.arange(len(scenarios)) + width * (len(grades) - 1) / 2, scenarios, rotation=20,
        ha="right",
    )  # fmt: skip
    axis.set_ylim(0, 1)
    axis.set_ylabel("share within target")
    axis.set_title(title)
    axis.grid(alpha=0.3, axis="y")
    axis.legend(fontsize=8, loc="lower left")
    return to_svg(figure, title)


def cover_by_hour(rows: list[dict[str, Any]], title: str) -> str:
    """Officers on duty by hour of day (a line per scenario) and incidents received per hour
    (the baseline's, dashed grey, on a second axis)."""
    figure = Figure(figsize=(9, 3.2))
    axis = figure.subplots()
    demand = axis.twinx()
    names: Sequence[str] = list(dict.fromkeys(r["scenario"] for r in rows))
    for number, name in enumerate(names):
        mine = sorted((r for r in rows if r["scenario"] == name), key=lambda r: r["hour_of_day"])
        hours = [int(r["hour_of_day"]) for r in mine]
        axis.plot(hours, [_or_nan(r.get("officers_on_duty")) for r in mine],
                  color=COLOURS[number % len(COLOURS)], label=name)  # fmt: skip
        if number == 0:
            demand.plot(hours, [_or_nan(r.get("incidents_received_per_hour")) for r in mine],
                        "--", color=GREY, label="incidents received an hour")  # fmt: skip
    axis.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)])
    axis.set_xlabel("hour of day")
    axis.set_ylabel("officers on duty")
    demand.set_ylabel("incidents an hour (dashed)")
    axis.set_ylim(bottom=0)
    demand.set_ylim(bottom=0)
    axis.set_title(title)
    axis.legend(fontsize=7, loc="upper left")
    return to_svg(figure, title)


def _or_nan(value: Any) -> float:
    return np.nan if value is None else float(value)
