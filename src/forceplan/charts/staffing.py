"""Staffing charts: officers needed against officers on duty, hour by hour through the week."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from forceplan.charts.figures import DAYS, plt, save_figure


def need_vs_on_duty(by_hour: pl.DataFrame, folder: Path, title: str) -> list[Path]:
    frame = by_hour.sort("hour_of_week")
    hours = frame["hour_of_week"].to_list()
    figure, axis = plt.subplots(figsize=(12, 4))
    axis.fill_between(hours, frame["busy_officers"], step="mid", color="#fdd0a2",
                      label="officers busy on incidents")
    axis.step(hours, frame["officers_needed"], where="mid", color="#d94801", linewidth=1.6,
              label="officers needed (targets + allowances)")
    if "on_duty_now" in frame.columns and frame["on_duty_now"].null_count() < frame.height:
        axis.step(hours, frame["on_duty_now"], where="mid", color="#08519c", linewidth=1.2,
                  label="officers on duty now")
    axis.set_xticks(range(0, 168, 24), DAYS)
    axis.set_xlim(0, 167)
    axis.set_ylim(bottom=0)
    axis.set_ylabel("officers")
    axis.set_title(title, loc="left", fontsize=10)
    axis.legend(loc="upper left", fontsize=8)
    figure.tight_layout()
    return save_figure(figure, folder, "need_vs_on_duty")
