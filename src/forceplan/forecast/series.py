"""Long-format series (``unique_id, ds, y``, as statsforecast has them): reading, checking and
filling. Bad input is refused with the file, line, field and what to do."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from forceplan.errors import DataValidationError

FREQUENCIES = {"1h": (dt.timedelta(hours=1), 24, 168), "1d": (dt.timedelta(days=1), 7, 7)}
REQUIRED = ("unique_id", "ds", "y")


def frequency(freq: str) -> tuple[dt.timedelta, int, int]:
    """The step, the steps in a day-or-week cycle and the steps in a week for ``freq``."""
    if freq not in FREQUENCIES:
        raise DataValidationError(f"frequency {freq!r} is not supported", problems=[],
                                  hint=f"use one of {', '.join(FREQUENCIES)}")
    return FREQUENCIES[freq]


def _problem(path: str, line: int | None, field: str, reason: str) -> dict:
    return {"file": path, "line": line, "field": field, "reason": reason}


def _refuse(path: str, problems: list[dict], hint: str) -> None:
    first = problems[0]
    where = f"line {first['line']}, " if first.get("line") else ""
    raise DataValidationError(f"{path}: {len(problems)} problem(s); first: {where}"
                              f"{first['field']}: {first['reason']}", problems, hint=hint)


def read_series_csv(path: Path) -> pl.DataFrame:
    """A CSV (or .xlsx / .parquet) with columns unique_id, ds, y."""
    if not path.is_file():
        raise DataValidationError(f"{path}: no such file", problems=[], hint="check the path")
    if path.suffix.lower() == ".parquet":
        frame = pl.read_parquet(path).cast({c: pl.String for c in ("unique_id", "ds", "y")},
                                           strict=False)
    elif path.suffix.lower() == ".xlsx":
        frame = pl.read_excel(path, infer_schema_length=0)
    else:
        frame = pl.read_csv(path, infer_schema=False)
    return check_series(frame.rename({c: c.strip() for c in frame.columns}), str(path))


def check_series(frame: pl.DataFrame, source: str = "input") -> pl.DataFrame:
    """Typed, sorted series; refuses missing columns, unreadable dates or values and duplicate
    timestamps, naming the line (the header is line 1)."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        _refuse(source, [_problem(source, None, c, "missing column") for c in missing],
                "give the columns unique_id, ds and y (one row per series and period)")
    numbered = frame.with_row_index("line", offset=2)
    ds = pl.col("ds")
    if frame.schema["ds"] == pl.String:
        ds = pl.col("ds").str.strip_chars().str.to_datetime(strict=False, time_unit="us")
    y = pl.col("y").cast(pl.Float64, strict=False) if frame.schema["y"] == pl.String else (
        pl.col("y").cast(pl.Float64))
    typed = numbered.with_columns(unique_id=pl.col("unique_id").cast(pl.String), ds=ds, y=y)
    problems = [
        _problem(source, line, field, reason)
        for field, reason in (("ds", "not a date and time (YYYY-MM-DD HH:MM)"),
                              ("y", "not a number"), ("unique_id", "empty"))
        for line in typed.filter(pl.col(field).is_null())["line"].head(100)]
    if problems:
        _refuse(source, problems, "correct the lines named and run again")
    repeated = typed.filter(~pl.struct("unique_id", "ds").is_first_distinct())
    if repeated.height:
        problems = [_problem(source, line, "ds", f"duplicate timestamp {ds_} for series {uid}")
                    for line, uid, ds_ in repeated.select("line", "unique_id", "ds").head(100)
                    .iter_rows()]
        _refuse(source, problems, "keep one row per series and period (sum duplicates first)")
    return typed.drop("line").sort("unique_id", "ds")


def check_regular(frame: pl.DataFrame, freq: str, source: str = "input",
                  fill_missing: bool = False) -> pl.DataFrame:
    """Every series steps by exactly ``freq``. Gaps are refused (or filled with zero when
    ``fill_missing``: right for counts, where a missing hour had no incidents); timestamps off
    the grid are always refused."""
    step, _cycle, _week = frequency(freq)
    gaps = frame.with_columns(step=pl.col("ds").diff().over("unique_id")).filter(
        pl.col("step").is_not_null() & (pl.col("step") != step))
    off_grid = gaps.filter((pl.col("step").dt.total_microseconds()
                            % int(step.total_seconds() * 1e6)) != 0)
    if off_grid.height or (gaps.height and not fill_missing):
        bad = (off_grid if off_grid.height else gaps).row(0, named=True)
        kind = "off the regular grid" if off_grid.height else "after a gap"
        raise DataValidationError(
            f"{source}: series {bad['unique_id']} is not regular at {freq}: {bad['ds']} comes "
            f"{bad['step']} after the previous timestamp ({kind})",
            [_problem(source, None, "ds", f"irregular frequency at {bad['ds']}")],
            hint=f"give one row every {freq} for every series"
            + ("" if off_grid.height else ", or pass --fill-missing to count gaps as zero"))
    if not gaps.height:
        return frame
    spans = frame.group_by("unique_id").agg(first=pl.col("ds").min(), last=pl.col("ds").max())
    grid = spans.select("unique_id", ds=pl.datetime_ranges("first", "last", step)).explode("ds")
    return (grid.join(frame, on=["unique_id", "ds"], how="left")
            .with_columns(pl.col("y").fill_null(0.0)).sort("unique_id", "ds"))
