"""Welfare use cases (fatigue first; the rest of the welfare issue follows)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from forceplan.errors import DataValidationError
from forceplan.welfare.shifts import SleepRules, fatigue_by_shift

REQUIRED = ("person_id", "start", "end")


def read_duties(path: Path) -> pl.DataFrame:
    """A roster file: one tour a line with ``person_id``, local ``start`` and ``end``
    (ISO 8601, e.g. 2025-06-02 22:00). Refuses bad lines naming them."""
    if not path.is_file():
        raise DataValidationError(f"{path}: no such file", problems=[], hint="check the path")
    frame = pl.read_csv(path, infer_schema=False)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"{path}: missing column(s) {', '.join(missing)}",
            problems=[{"file": str(path), "field": c, "reason": "missing"} for c in missing],
            hint="give person_id, start and end (local times, e.g. 2025-06-02 22:00)")
    parsed = frame.with_row_index("line", offset=2).with_columns(
        [pl.col(c).str.strip_chars().str.to_datetime(strict=False, time_unit="us").alias(c)
         for c in ("start", "end")])
    problems = []
    for column in ("start", "end"):
        for line, value in parsed.filter(pl.col(column).is_null()).select(
                "line", pl.lit(column)).iter_rows():
            problems.append({"file": str(path), "line": line, "field": value,
                             "reason": "not a date and time (YYYY-MM-DD HH:MM)"})
    bad_order = parsed.filter(pl.col("end") <= pl.col("start"))
    problems += [{"file": str(path), "line": line, "field": "end",
                  "reason": "the tour ends before it starts"} for line in bad_order["line"]]
    if problems:
        first = problems[0]
        raise DataValidationError(
            f"{path}: {len(problems)} bad line(s); first: line {first.get('line')}, "
            f"{first['field']}: {first['reason']}", problems,
            hint="correct the lines named and run again")
    return parsed.select(*REQUIRED)


def fatigue_for_roster(path: Path, commute_minutes: int = 45) -> pl.DataFrame:
    """Per-tour fatigue (peak and mean KSS, hours at KSS ≥ 7 and ≥ 8) for a roster file."""
    return fatigue_by_shift(read_duties(path), SleepRules(commute_minutes=commute_minutes))
