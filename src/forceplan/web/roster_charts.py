"""The cover graph: officers required against rostered by hour, drawn on the server as SVG."""

from __future__ import annotations

import polars as pl
from matplotlib.figure import Figure

from forceplan.web.charts import BLUE, GREY, RED, to_svg


def cover_graph(cover: pl.DataFrame, title: str, without_label: str | None = None) -> str:
    """Required (dashed) and rostered (solid) officers by hour; with ``without_label`` also
    the cover without some tours (``rostered_without``), the hours it leaves short in red."""
    figure = Figure(figsize=(9, 2.9))
    axis = figure.subplots()
    when = cover["starts_at"].to_list()
    required = cover["required"].to_list()
    axis.step(when, cover["rostered"].to_list(), where="post", color=BLUE, linewidth=1.2,
              label="rostered")  # fmt: skip
    axis.step(when, required, where="post", color=GREY, linestyle="--", linewidth=1.2,
              label="required")  # fmt: skip
    if without_label is not None:
        without = cover["rostered_without"].to_list()
        axis.step(when, without, where="post", color=RED, linewidth=1.2, label=without_label)
        short = [w < r for w, r in zip(without, required, strict=True)]
        axis.fill_between(when, without, required, where=short, step="post", color=RED,
                          alpha=0.25, linewidth=0, label="hours short")  # fmt: skip
    axis.set_ylabel("officers")
    axis.set_ylim(bottom=0)
    axis.grid(alpha=0.3)
    axis.legend(loc="upper left", fontsize=8, ncol=4)
    axis.set_title(title)
    figure.autofmt_xdate()
    return to_svg(figure, title)
