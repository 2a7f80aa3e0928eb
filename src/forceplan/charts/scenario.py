"""Scenario comparison charts as PNG and SVG files (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import polars as pl

from forceplan.charts.figures import save_figure


def share_within_target(by_grade: pl.DataFrame, folder: Path) -> list[Path]:
    """Grouped bars: share within target by scenario (groups) and grade (bars), 95% CIs."""
    scenarios = by_grade["scenario"].unique(maintain_order=True).to_list()
    grades = sorted(g for g in by_grade["grade"].unique().to_list() if g in (1, 2, 3))
    figure, ax = plt.subplots(figsize=(max(6.0, 1.2 * len(scenarios)), 4))
    width = 0.8 / max(len(grades), 1)
    for i, grade in enumerate(grades):
        rows = by_grade.filter(pl.col("grade") == grade)
        values = dict(zip(rows["scenario"], rows["share_within_target"], strict=True))
        low = dict(zip(rows["scenario"], rows["share_within_target_ci95_low"], strict=True))
        mean = np.array([values.get(s) or np.nan for s in scenarios], float)
        err = np.array([mean[k] - (low.get(s) if low.get(s) is not None else mean[k])
                        for k, s in enumerate(scenarios)], float)
        ax.bar(np.arange(len(scenarios)) + i * width, mean, width, yerr=err, capsize=2,
               label=f"Grade {grade}")
    ax.set_xticks(np.arange(len(scenarios)) + width * (len(grades) - 1) / 2, scenarios,
                  rotation=30, ha="right")
    ax.set_ylim(0, 1)
    ax.set_ylabel("share within attendance target")
    ax.set_title("Response within target by scenario (95% CI)")
    ax.legend()
    return save_figure(figure, folder, "share_within_target")


def utilisation(by_scenario: pl.DataFrame, folder: Path) -> list[Path]:
    """Bars of mean utilisation by scenario with 95% CIs."""
    names = by_scenario["scenario"].to_list()
    mean = by_scenario["utilisation"].fill_null(np.nan).to_numpy()
    low = by_scenario["utilisation_ci95_low"].fill_null(np.nan).to_numpy()
    err = np.nan_to_num(mean - low)
    figure, ax = plt.subplots(figsize=(max(6.0, 0.8 * len(names)), 4))
    ax.bar(names, mean, yerr=err, capsize=3, color="#4477aa")
    ax.set_ylabel("busy share of time on duty")
    ax.set_title("Utilisation by scenario (95% CI)")
    ax.tick_params(axis="x", rotation=30)
    return save_figure(figure, folder, "utilisation")


def cover_vs_demand(profiles: pl.DataFrame, folder: Path) -> list[Path]:
    """By hour of day: officers on duty (lines) against incidents received per hour (dashed,
    second axis), one colour per scenario."""
    figure, ax = plt.subplots(figsize=(8, 4))
    demand_ax = ax.twinx()
    for name, rows in profiles.group_by("scenario", maintain_order=True):
        rows = rows.sort("hour_of_day")
        line, = ax.plot(rows["hour_of_day"], rows["officers_on_duty"], label=str(name[0]))
        demand_ax.plot(rows["hour_of_day"], rows["incidents_received_per_hour"], "--",
                       color=line.get_color(), alpha=0.6)
    ax.set_xlabel("hour of day")
    ax.set_ylabel("officers on duty (solid)")
    demand_ax.set_ylabel("incidents received per hour (dashed)")
    ax.set_xticks(range(0, 24, 3))
    ax.set_title("Cover against demand by hour")
    ax.legend(fontsize="small", loc="upper left")
    return save_figure(figure, folder, "cover_vs_demand")
