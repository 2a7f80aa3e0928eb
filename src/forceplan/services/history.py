"""Bulk history as Parquet, partitioned by force and year (read lazily by the indicators)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import iter_frames


def write_partitioned(frame: pl.DataFrame, folder: Path, part: int) -> None:
    """``folder/force_id=X/year=Y/part-NNNNN.parquet`` for each force and year in ``frame``."""
    with_year = frame.with_columns(year=pl.col("received_at").dt.year())
    for (force_id, year), group in with_year.group_by("force_id", "year"):
        target = folder / f"force_id={force_id}" / f"year={year}"
        target.mkdir(parents=True, exist_ok=True)
        group.drop("force_id", "year").write_parquet(target / f"part-{part:05d}.parquet")


def export_incidents(database: Database, folder: Path) -> int:
    """Write every incident in the store as Parquet history under ``folder``."""
    database.require_current()
    rows = 0
    with database.read() as connection:
        for number, frame in enumerate(iter_frames(connection, t.incidents)):
            write_partitioned(frame, folder, number)
            rows += frame.height
    return rows
