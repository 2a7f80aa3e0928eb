"""Use case: simulate a unit's response from an incidents file and a duty file."""

from __future__ import annotations

import json
import tomllib
from dataclasses import fields
from pathlib import Path

import polars as pl

from forceplan.errors import ConfigurationError, DataValidationError
from forceplan.simulate import SimulationConfig
from forceplan.simulate.config import TimeOnTaskModel, TravelModel

INCIDENT_TIMES = ("received_at", "first_arrival_at", "cleared_at")


def config_from_mapping(data: dict, source: str, where: str = "",
                        **overrides: object) -> SimulationConfig:
    """Settings from a mapping (keys as in ``SimulationConfig``, with ``travel`` and
    ``time_on_task`` tables); unknown keys are refused by name. ``where`` names the place in
    ``source`` (e.g. "baseline.simulation" inside a scenario file)."""
    at = f" in {where}" if where else ""
    known = {f.name for f in fields(SimulationConfig)}
    if unknown := sorted(set(data) - known):
        raise ConfigurationError(f"{source}: unknown setting(s) {', '.join(unknown)}{at}",
                                 hint=f"known: {', '.join(sorted(known))}")
    data = dict(data)
    try:
        if "travel" in data:
            travel = dict(data["travel"])
            travel["by_grade"] = {int(k): tuple(v) for k, v in
                                  travel.get("by_grade", {}).items()}
            data["travel"] = TravelModel(**travel)
        if "time_on_task" in data:
            data["time_on_task"] = TimeOnTaskModel(**data["time_on_task"])
        for key in ("double_crewed_categories", "preempt_grades", "abandon_grades"):
            if key in data:
                data[key] = frozenset(data[key])
        data.update({k: v for k, v in overrides.items() if v is not None})
        return SimulationConfig(**data)
    except (TypeError, ValueError, AttributeError) as exc:
        raise ConfigurationError(f"{source}{at}: {exc}", hint="see docs/simulate.md") from None


def load_config(path: Path | None, **overrides: object) -> SimulationConfig:
    """Settings from a TOML or JSON file (see ``config_from_mapping``)."""
    data: dict = {}
    if path is not None:
        try:
            text = path.read_text()
            data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"{path}: cannot read the settings: {exc}",
                                     hint="TOML or JSON; see docs/simulate.md") from None
    return config_from_mapping(data, str(path), **overrides)


def read_table(path: Path, required: tuple[str, ...], what: str) -> pl.DataFrame:
    if not path.is_file():
        raise DataValidationError(f"{path}: no such file", problems=[], hint="check the path")
    frame = (pl.read_parquet(path) if path.suffix.lower() == ".parquet"
             else pl.read_csv(path, try_parse_dates=True, infer_schema_length=10_000))
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"{path}: missing column(s) {', '.join(missing)} for the {what}",
            problems=[{"file": str(path), "field": c, "reason": "missing"} for c in missing],
            hint=f"the {what} file needs {', '.join(required)}")
    for column in (c for c in (*INCIDENT_TIMES, "start", "end") if c in frame.columns):
        if frame.schema[column] == pl.String:
            parsed = frame[column].str.to_datetime(strict=False, time_unit="us")
            bad = frame.with_row_index("line", offset=2).filter(
                parsed.is_null() & frame[column].is_not_null())
            if bad.height:
                raise DataValidationError(
                    f"{path}: line {bad['line'][0]}, {column}: not a date and time",
                    problems=[{"file": str(path), "line": n, "field": column,
                               "reason": "not a date and time"} for n in bad["line"]],
                    hint="use ISO 8601, e.g. 2025-06-02 22:00 or 2025-06-02T22:00:00+01:00")
            frame = frame.with_columns(parsed.alias(column))
    return frame


def simulate_files(incidents: Path, duty: Path, config: SimulationConfig, output: Path
                   ) -> dict:
    """Run the simulation and write the summary (JSON) and, beside it, the per-grade,
    hourly and utilisation tables (CSV). Returns the summary, the per-grade table and its
    mean over the replications."""
    from forceplan.simulate import simulate_response

    result = simulate_response(read_table(incidents, ("received_at", "grade"), "incidents"),
                               read_table(duty, ("person_id", "start", "end"), "duty"), config)
    summary = result.summary()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(summary, indent=2, default=str))
    stem = output.with_suffix("")
    result.by_grade.write_csv(f"{stem}.by_grade.csv")
    result.hourly.write_csv(f"{stem}.hourly.csv")
    result.utilisation.write_csv(f"{stem}.utilisation.csv")
    grades = result.by_grade
    mean = grades.group_by("grade").agg(
        [pl.col(c).mean().round(3) for c, d in grades.schema.items()
         if c not in ("grade", "replication") and d.is_numeric()]).sort("grade")
    return {"summary": summary, "by_grade": grades, "by_grade_mean": mean}
