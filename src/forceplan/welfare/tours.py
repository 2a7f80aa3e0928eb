"""Tours as instants: a roster line (duty date + shift code) joined to its shift definition.

A tour starts at the shift's local start time on the duty date, in the force's time zone. On
the night the clocks go forward a start inside the missing hour moves to the next valid
instant; on the night they go back an ambiguous start is the earlier one. A tour lasts the
shift's length plus any overtime recorded on the line.
"""

from __future__ import annotations

import polars as pl


def tour_times(roster: pl.DataFrame, shifts: pl.DataFrame, timezone: str) -> pl.DataFrame:
    """Roster lines with a tour, with ``start`` and ``end`` (time-zone-aware), ``local_start``
    and ``local_end`` (wall clock, naive) and ``tour_hours`` (the shift's length).

    ``shifts`` has ``code``, ``start`` (a time) and ``length_minutes`` (and ``force_id`` when
    the roster has it too).
    """
    keys = ["force_id"] if "force_id" in roster.columns and "force_id" in shifts.columns else []
    definitions = shifts.select(*keys, shift_code="code", _shift_start="start",
                                tour_hours=pl.col("length_minutes") / 60)
    wall = pl.col("date").cast(pl.Datetime("us")) + pl.duration(
        minutes=pl.col("_shift_start").dt.hour().cast(pl.Int64) * 60
        + pl.col("_shift_start").dt.minute())
    length = pl.duration(minutes=(pl.col("tour_hours") * 60).cast(pl.Int64)
                         + pl.col("overtime_minutes").fill_null(0)) if (
        "overtime_minutes" in roster.columns) else pl.duration(
        minutes=(pl.col("tour_hours") * 60).cast(pl.Int64))
    start = wall.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    shifted = (wall + pl.duration(hours=1)).dt.replace_time_zone(
        timezone, ambiguous="earliest", non_existent="null")
    return (roster.filter(pl.col("shift_code").is_not_null())
            .join(definitions, on=[*keys, "shift_code"], how="inner")
            .with_columns(start=pl.coalesce(start, shifted))
            .with_columns(end=pl.col("start") + length)
            .with_columns(local_start=pl.col("start").dt.replace_time_zone(None),
                          local_end=pl.col("end").dt.convert_time_zone(timezone)
                          .dt.replace_time_zone(None))
            .drop("_shift_start"))
