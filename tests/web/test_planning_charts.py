"""Chart helpers on edge cases: no hour known at all must draw, not warn."""

from __future__ import annotations

import warnings

import polars as pl

from forceplan.web.planning_charts import gap_heatmap


def test_a_heatmap_with_no_known_hour_draws_without_warnings():
    empty = pl.DataFrame({"hour_of_week": list(range(168)), "gap": [None] * 168},
                         schema={"hour_of_week": pl.Int64, "gap": pl.Float64})  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = gap_heatmap(empty, "cover gap")
    assert svg.lstrip().startswith("<") and "cover gap" in svg

