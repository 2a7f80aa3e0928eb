"""Use case: simulate a unit's response from an incidents file and a duty file, or from the
store for a unit and period (its incidents, and who was on duty by its roster)."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import polars as pl

from forceplan.errors import ConfigurationError, DataValidationError, NotFoundError
from forceplan.services.indicators import (
    RESPONDING_ROLES,
    load_incidents,
    resolve_scope,
    utc_period,
)
from forceplan.simulate import SimulationConfig
from forceplan.simulate.config import TimeOnTaskModel, TravelModel
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import read_frame

INCIDENT_TIMES = ("received_at", "first_arrival_at", "cleared_at")


def config_from_mapping(
    data: dict, source: str, where: str = "", **overrides: object
) -> SimulationConfig:
    """Settings from a mapping (keys as in ``SimulationConfig``, with ``travel`` and
    ``time_on_task`` tables); unknown keys are refused by name. ``where`` names the place in
    ``source`` (e.g. "baseline.simulation" inside a scenario file)."""
    at = f" in {where}" if where else ""
    known = {f.name for f in fields(SimulationConfig)}
    if unknown := sorted(set(data) - known):
        raise ConfigurationError(
            f"{source}: unknown setting(s) {', '.join(unknown)}{at}",
            hint=f"known: {', '.join(sorted(known))}",
        )
    data = dict(data)
    try:
        if "travel" in data:
            travel = dict(data["travel"])
            travel["by_grade"] = {int(k): tuple(v) for k, v in travel.get("by_grade", {}).items()}
            data["travel"] = TravelModel(**travel)
        if "time_on_task" in data:
            data["time_on_task"] = TimeOnTaskModel(**data["time_on_task"])
        if "required_skill" in data:
            data["required_skill"] = {
                str(k): str(v) for k, v in dict(data["required_skill"]).items()
            }
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
            raise ConfigurationError(
                f"{path}: cannot read the settings: {exc}",
                hint="TOML or JSON; see docs/simulate.md",
            ) from None
    return config_from_mapping(data, str(path), **overrides)


def read_table(path: Path, required: tuple[str, ...], what: str) -> pl.DataFrame:
    if not path.is_file():
        raise DataValidationError(f"{path}: no such file", problems=[], hint="check the path")
    frame = (
        pl.read_parquet(path)
        if path.suffix.lower() == ".parquet"
        else pl.read_csv(path, try_parse_dates=True, infer_schema_length=10_000)
    )
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"{path}: missing column(s) {', '.join(missing)} for the {what}",
            problems=[{"file": str(path), "field": c, "reason": "missing"} for c in missing],
            hint=f"the {what} file needs {', '.join(required)}",
        )
    for column in (c for c in (*INCIDENT_TIMES, "start", "end") if c in frame.columns):
        if frame.schema[column] == pl.String:
            parsed = frame[column].str.to_datetime(strict=False, time_unit="us")
            bad = frame.with_row_index("line", offset=2).filter(
                parsed.is_null() & frame[column].is_not_null()
            )
            if bad.height:
                raise DataValidationError(
                    f"{path}: line {bad['line'][0]}, {column}: not a date and time",
                    problems=[
                        {
                            "file": str(path),
                            "line": n,
                            "field": column,
                            "reason": "not a date and time",
                        }
                        for n in bad["line"]
                    ],
                    hint="use ISO 8601, e.g. 2025-06-02 22:00 or 2025-06-02T22:00:00+01:00",
                )
            frame = frame.with_columns(parsed.alias(column))
    return frame


def simulate_files(incidents: Path, duty: Path, config: SimulationConfig, output: Path) -> dict:
    """Run the simulation on two files and write the outputs (see ``write_simulation``)."""
    return _simulate_and_write(
        read_table(incidents, ("received_at", "grade"), "incidents"),
        read_table(duty, ("person_id", "start", "end"), "duty"),
        config,
        output,
    )


def _simulate_and_write(
    incidents: pl.DataFrame, duty: pl.DataFrame, config: SimulationConfig, output: Path
) -> dict:
    """Simulate and write the summary (JSON) and, beside it, the per-grade, hourly and
    utilisation tables (CSV). Returns the summary, the per-grade table and its mean over the
    replications."""
    from forceplan.simulate import simulate_response

    result = simulate_response(incidents, duty, config)
    summary = result.summary()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(summary, indent=2, default=str))
    stem = output.with_suffix("")
    result.by_grade.write_csv(f"{stem}.by_grade.csv")
    result.hourly.write_csv(f"{stem}.hourly.csv")
    result.utilisation.write_csv(f"{stem}.utilisation.csv")
    grades = result.by_grade
    mean = (
        grades.group_by("grade")
        .agg(
            [
                pl.col(c).mean().round(3)
                for c, d in grades.schema.items()
                if c not in ("grade", "replication") and d.is_numeric()
            ]
        )
        .sort("grade")
    )
    return {"summary": summary, "by_grade": grades, "by_grade_mean": mean}


@dataclass
class StoreInputs:
    """A unit's incidents and duty for a period, as the file mode reads them."""

    scope: str
    timezone: str
    incidents: pl.DataFrame
    duty: pl.DataFrame


STORE_INCIDENT_COLUMNS = (
    "id",
    "unit_id",
    "received_at",
    "category",
    "grade",
    "attendance_target_minutes",
    "first_arrival_at",
    "cleared_at",
    "officers_deployed",
)


def _tours(
    connection, scope, low: dt.datetime, high: dt.datetime, roles: tuple[str, ...] | None
) -> pl.DataFrame:
    """Worked tours (start and end, UTC) of the scope's officers, with their home unit."""
    forces = scope.force_ids
    people = read_frame(
        connection,
        t.people,
        t.people.c.force_id.in_(forces),
        columns=["force_id", "id", "kind", "role", "unit_id"],
    )
    people = people.filter(pl.col("kind") == "officer")
    if scope.unit_ids:
        people = people.filter(pl.col("unit_id").is_in(scope.unit_ids))
    if roles is not None:
        people = people.filter(pl.col("role").is_in(list(roles)))
    r = t.roster_assignments
    roster = read_frame(
        connection,
        r,
        r.c.force_id.in_(forces),
        r.c.status == "worked",
        r.c.date >= (low - dt.timedelta(days=1)).date(),
        r.c.date <= high.date(),
        r.c.shift_code.is_not(None),
        columns=["force_id", "person_id", "date", "shift_code"],
    )
    shifts = read_frame(
        connection,
        t.shift_definitions,
        t.shift_definitions.c.force_id.in_(forces),
        columns=["force_id", "code", "start", "length_minutes"],
    )
    local = pl.col("date").cast(pl.Datetime("us")) + pl.duration(
        minutes=pl.col("start").dt.hour().cast(pl.Int64) * 60 + pl.col("start").dt.minute()
    )
    start = local.dt.replace_time_zone(
        scope.timezone, ambiguous="earliest", non_existent="null"
    ).dt.convert_time_zone("UTC")
    return (
        roster.join(
            people.select("force_id", person_id="id", home_unit_id="unit_id"),
            on=["force_id", "person_id"],
        )
        .join(shifts.rename({"code": "shift_code"}), on=["force_id", "shift_code"])
        .with_columns(start=start)
        .drop_nulls("start")
        .with_columns(end=pl.col("start") + pl.duration(minutes="length_minutes"))
        .filter(pl.col("start") >= low, pl.col("start") < high)
    )


def _minus_absences(tours: pl.DataFrame, absences: pl.DataFrame) -> pl.DataFrame:
    """Drop tours on a day of an approved absence (leave, sickness, training, ...)."""
    off = (
        tours.select("force_id", "person_id", "date")
        .unique()
        .join(absences, on=["force_id", "person_id"])
        .filter(pl.col("date") >= pl.col("first"), pl.col("date") <= pl.col("last"))
        .select("force_id", "person_id", "date")
        .unique()
    )
    return tours.join(off, on=["force_id", "person_id", "date"], how="anti")


def _with_skills(tours: pl.DataFrame, skills: pl.DataFrame) -> pl.DataFrame:
    """Each tour's skills: those its officer holds and that have not expired by its date."""
    held = (
        tours.select("force_id", "person_id", "date")
        .unique()
        .join(skills, on=["force_id", "person_id"])
        .filter(pl.col("expires_on").is_null() | (pl.col("expires_on") >= pl.col("date")))
        .group_by("force_id", "person_id", "date")
        .agg(pl.col("code").sort().alias("skills"))
    )
    return tours.join(held, on=["force_id", "person_id", "date"], how="left").with_columns(
        pl.col("skills").fill_null(pl.lit([], pl.List(pl.String)))
    )


def store_inputs(
    database: Database,
    unit: str | None,
    start: dt.date,
    end: dt.date,
    force: str | None = None,
    roles: tuple[str, ...] | None = RESPONDING_ROLES,
) -> StoreInputs:
    """Incidents of ``unit`` and the units under it (as the indicators scope them) received
    from ``start`` to ``end`` (local dates, inclusive), and the worked tours starting in that
    period of its officers of ``roles`` (None: every role), less days of approved absence, each
    with the skills held on the day. Times are in the force's time zone."""
    scope = resolve_scope(database, force, unit, None)
    low, high = utc_period(start, end, scope.timezone)
    incidents = load_incidents(database, scope, low, high).collect()
    with database.read() as connection:
        tours = _tours(connection, scope, low, high, roles)
        a, s = t.absences, t.person_skills
        absences = read_frame(
            connection,
            a,
            a.c.force_id.in_(scope.force_ids),
            a.c.status == "approved",
            columns=["force_id", "person_id", "start", "end"],
        )
        skills = read_frame(
            connection,
            s,
            s.c.force_id.in_(scope.force_ids),
            columns=["force_id", "person_id", "code", "expires_on"],
        )
    if incidents.height == 0:
        raise NotFoundError(
            f"no incidents for {scope.label} from {start} to {end}",
            hint="check --unit, --from and --to, or the data imported",
        )
    tours = _minus_absences(tours, absences.rename({"start": "first", "end": "last"}))
    if tours.height == 0:
        raise NotFoundError(
            f"no worked tours for {scope.label} from {start} to {end}",
            hint="check the roster for the period (forceplan summary)",
        )
    tours = _with_skills(tours, skills)
    zone = scope.timezone
    duty = tours.sort("start", "person_id").select(
        "person_id",
        pl.col("start").dt.convert_time_zone(zone),
        pl.col("end").dt.convert_time_zone(zone),
        "home_unit_id",
        "shift_code",
        "skills",
    )
    incidents = incidents.select(
        [c for c in STORE_INCIDENT_COLUMNS if c in incidents.columns]
    ).with_columns(
        pl.col(c).dt.convert_time_zone(zone) for c in INCIDENT_TIMES if c in incidents.columns
    )
    return StoreInputs(scope.label, zone, incidents.sort("received_at"), duty)


def simulate_store(
    database: Database,
    unit: str | None,
    start: dt.date,
    end: dt.date,
    config: SimulationConfig,
    output: Path,
    force: str | None = None,
) -> dict:
    """The file mode's simulation over the store: a unit's incidents and roster for a period.
    Officers of the unit and below attend every incident of it (one pool)."""
    inputs = store_inputs(database, unit, start, end, force)
    report = _simulate_and_write(inputs.incidents, inputs.duty, config, output)
    officers = inputs.duty["person_id"].n_unique()
    return {
        **report,
        "scope": inputs.scope,
        "incidents": inputs.incidents.height,
        "tours": inputs.duty.height,
        "officers": officers,
    }
