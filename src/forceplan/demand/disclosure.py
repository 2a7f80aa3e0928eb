"""Small-count suppression for outputs that leave a force (regional, national, partners).

Primary: every count below the threshold (default 10, zero included) is withheld. Secondary:
wherever a total over a line of cells can be published (the rows of a breakdown, or each row
and column of a two-way table), a line never has exactly one withheld cell, so no withheld
count can be recovered by subtracting the published cells from the total; when one is
withheld, the smallest other cell in that line is withheld too, repeatedly, until stable.
Measures derived from a withheld count (officer-hours, cost) are withheld with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

DEFAULT_THRESHOLD = 10
FLAG = "suppressed"


def suppress(table: pl.DataFrame, count: str, *, lines: Sequence[Sequence[str]] = ((),),
             dependent: Sequence[str] = (), threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """Withhold small counts in ``table``. ``lines`` lists the column sets that define lines
    with publishable totals: ``()`` is the whole table (a one-way breakdown); for a two-way
    table of agency by month pass ``(("agency",), ("month",))``."""
    frame = table.with_row_index("_row").with_columns((pl.col(count) < threshold).alias(FLAG))
    while True:
        extra: set[int] = set()
        for line in lines:
            groups = frame.group_by(list(line)) if line else [((), frame)]
            for _key, group in groups:
                hidden = group.filter(pl.col(FLAG))
                if hidden.height == 1 and group.height > 1:
                    visible = group.filter(~pl.col(FLAG)).sort(count)
                    extra.add(int(visible["_row"][0]))
        if not extra:
            break
        frame = frame.with_columns(
            (pl.col(FLAG) | pl.col("_row").is_in(sorted(extra))).alias(FLAG))
    withheld = [count, *dependent]
    return frame.with_columns(
        pl.when(~pl.col(FLAG)).then(pl.col(c)).alias(c) for c in withheld).drop("_row")


def suppress_total(total: int, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    """A single published total: withheld when small."""
    return total if total >= threshold else None
