"""Small counts never get out, not even by subtraction from a published total."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.demand.disclosure import suppress

counts = st.lists(st.integers(0, 60), min_size=1, max_size=12)


@given(counts, st.integers(2, 20))
@settings(max_examples=400)
def test_one_way_table(values, threshold):
    table = pl.DataFrame({"cell": range(len(values)), "n": values, "hours": [1.5] * len(values)})
    out = suppress(table, "n", dependent=["hours"], threshold=threshold)
    published = out.drop_nulls("n")
    assert (published["n"] >= threshold).all()  # no small count is published
    hidden = out.filter(pl.col("suppressed"))
    assert hidden["hours"].null_count() == hidden.height  # derived measures go with them
    if len(values) > 1:  # with the total known, one hidden cell would be recoverable
        assert hidden.height != 1
    assert hidden.height >= sum(v < threshold for v in values)


@given(st.integers(1, 5), st.integers(1, 5), st.data(), st.integers(2, 15))
@settings(max_examples=300)
def test_two_way_table_rows_and_columns(rows, columns, data, threshold):
    values = data.draw(
        st.lists(st.integers(0, 40), min_size=rows * columns, max_size=rows * columns)
    )
    table = pl.DataFrame(
        {
            "agency": [r for r in range(rows) for _ in range(columns)],
            "month": [c for _ in range(rows) for c in range(columns)],
            "n": values,
        }
    )
    out = suppress(table, "n", lines=(("agency",), ("month",)), threshold=threshold)
    assert (out.drop_nulls("n")["n"] >= threshold).all()
    for line in ("agency", "month"):
        per_line = out.group_by(line).agg(
            pl.col("suppressed").sum().alias("hidden"), pl.len().alias("cells")
        )
        for hidden, cells in per_line.select("hidden", "cells").iter_rows():
            assert not (hidden == 1 and cells > 1)


def test_worked_example():
    table = pl.DataFrame({"category": ["a", "b", "c", "d"], "n": [100, 5, 40, 30]})
    out = suppress(table, "n")
    assert out["n"].to_list() == [100, None, 40, None]  # b (5) and the next smallest, d
