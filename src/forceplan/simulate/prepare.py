"""From frames to the engine's arrays: the clock, pools (units), crewing, and the random draws.

Random numbers come from one seeded Generator per replication, split into two named streams
(travel, time on task) that are drawn in full whatever the scenario, so that two scenarios run
with the same seed share their draws incident by incident (common random numbers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from forceplan.errors import DataValidationError
from forceplan.simulate.config import SimulationConfig
from forceplan.simulate.engine import Demand, Duty

INCIDENT_COLUMNS = ("received_at", "grade")
DUTY_COLUMNS = ("person_id", "start", "end")
US_PER_MINUTE = 60_000_000


@dataclass
class Prepared:
    """Incidents (sorted by received_at) and tours as arrays, with what is needed to go back."""

    incidents: pl.DataFrame
    duty: pl.DataFrame
    t0_us: int
    time_zone: str | None
    received: np.ndarray
    grade: np.ndarray
    pool: np.ndarray
    need: np.ndarray
    category: np.ndarray
    unit: np.ndarray
    history_minutes: np.ndarray
    duty_arrays: Duty
    skill: np.ndarray | None = None  # index into ``skill_names`` + 1 (0 = none needed)
    skill_names: tuple[str, ...] = ()


def _missing(frame: pl.DataFrame, columns: tuple[str, ...], what: str) -> None:
    problems = [
        {"record": what, "field": c, "value": None, "reason": "column missing"}
        for c in columns
        if c not in frame.columns
    ]
    if problems:
        raise DataValidationError(
            f"{what} lack the columns {', '.join(p['field'] for p in problems)}",
            problems,
            "Give incidents received_at and grade, and duty person_id, start and end.",
        )


def _zone(frame: pl.DataFrame, column: str) -> str | None:
    dtype = frame.schema[column]
    if not isinstance(dtype, pl.Datetime):
        raise DataValidationError(
            f"{column} is not a datetime column",
            [{"record": column, "field": column, "value": str(dtype), "reason": "not datetime"}],
        )
    return dtype.time_zone


def _micros(frame: pl.DataFrame, column: str) -> np.ndarray:
    return frame[column].dt.cast_time_unit("us").to_physical().to_numpy().astype(np.int64)


def _check_clocks(incidents: pl.DataFrame, duty: pl.DataFrame) -> str | None:
    zones = {_zone(incidents, "received_at"), _zone(duty, "start"), _zone(duty, "end")}
    if len({z is None for z in zones}) > 1:
        raise DataValidationError(
            "incidents and duty mix timezone-aware and naive times",
            [{"record": "duty", "field": "start", "value": str(zones), "reason": "mixed clocks"}],
            "Make both timezone-aware (Europe/London) or both naive.",
        )
    return _zone(incidents, "received_at")


def _pools(incidents: pl.DataFrame, duty: pl.DataFrame, by_unit: bool):
    if not by_unit or "unit_id" not in duty.columns or "unit_id" not in incidents.columns:
        return np.zeros(incidents.height, np.int64), np.zeros(duty.height, np.int64)
    units = sorted(set(duty["unit_id"].drop_nulls().to_list()))
    index = {u: i for i, u in enumerate(units)}
    unknown = sorted(set(incidents["unit_id"].drop_nulls().to_list()) - set(units))
    if unknown or incidents["unit_id"].null_count() or duty["unit_id"].null_count():
        raise DataValidationError(
            "some incidents or tours have no unit with officers on duty",
            [
                {"record": "incident", "field": "unit_id", "value": u, "reason": "no duty rows"}
                for u in unknown[:20]
            ],
            "Give every incident and tour a unit_id found in the duty, or set pool_by_unit=False.",
        )
    to_index = pl.col("unit_id").replace_strict(index, return_dtype=pl.Int64)
    return (
        incidents.select(to_index).to_series().to_numpy(),
        duty.select(to_index).to_series().to_numpy(),
    )


def _skill_lists(duty: pl.DataFrame) -> pl.Series:
    """The duty's ``skills`` column as lists: a list column, or text split on ; , or spaces."""
    column = duty["skills"]
    if isinstance(column.dtype, pl.List):
        return column.cast(pl.List(pl.String)).fill_null([])
    if column.dtype != pl.String:
        raise DataValidationError(
            "duty skills is not text or a list",
            [
                {
                    "record": "duty",
                    "field": "skills",
                    "value": str(column.dtype),
                    "reason": "not text",
                }
            ],
            'List skills as text, e.g. "taser;firearms_afo".',
        )
    return column.fill_null("").str.extract_all(r"[^;,\s]+")


def _skills(incidents: pl.DataFrame, duty: pl.DataFrame, config: SimulationConfig):
    """Per incident the skill its category needs (0 = none) and per tour a bit mask of the
    required skills held; None when no category needs a skill."""
    if not config.required_skill:
        return None, None, ()
    if "skills" not in duty.columns:
        raise DataValidationError(
            "the settings name required_skill but the duty has no skills column",
            [{"record": "duty", "field": "skills", "value": None, "reason": "column missing"}],
            'Add a skills column to the duty (e.g. "taser;firearms_afo") or drop required_skill.',
        )
    names = tuple(sorted(set(config.required_skill.values())))
    index = {c: names.index(s) + 1 for c, s in config.required_skill.items()}
    if "category" in incidents.columns:
        skill = (
            incidents["category"]
            .cast(pl.String)
            .replace_strict(index, default=0, return_dtype=pl.Int64)
            .to_numpy()
        )
    else:
        skill = np.zeros(incidents.height, np.int64)
    bits = {s: 1 << (k + 1) for k, s in enumerate(names)}
    masks = (
        _skill_lists(duty)
        .list.eval(pl.element().replace_strict(bits, default=0, return_dtype=pl.Int64))
        .list.eval(pl.element().unique())
        .list.sum()
        .fill_null(0)
    )
    return skill, masks.to_numpy().astype(np.int64), names


def _officers_needed(incidents: pl.DataFrame, config: SimulationConfig) -> np.ndarray:
    n = incidents.height
    if config.crewing == "policy":
        cats = incidents["category"] if "category" in incidents.columns else pl.Series([""] * n)
        need = np.where(cats.is_in(list(config.double_crewed_categories)).to_numpy(), 2, 1)
    elif "officers_deployed" in incidents.columns:
        need = np.maximum(incidents["officers_deployed"].fill_null(1).to_numpy(), 1)
    else:
        need = np.ones(n, np.int64)
    grade = incidents["grade"].to_numpy()
    return np.where((grade >= 4) & ~config.deploy_grade_4, 0, need).astype(np.int64)


def _history_minutes(incidents: pl.DataFrame) -> np.ndarray:
    if {"first_arrival_at", "cleared_at"} - set(incidents.columns):
        return np.full(incidents.height, np.nan)
    minutes = (pl.col("cleared_at") - pl.col("first_arrival_at")).dt.total_microseconds()
    out = incidents.select((minutes / US_PER_MINUTE).cast(pl.Float64)).to_series()
    values = out.fill_null(np.nan).to_numpy()
    return np.where(values > 0, values, np.nan)


def prepare(incidents: pl.DataFrame, duty: pl.DataFrame, config: SimulationConfig) -> Prepared:
    """Check the frames and turn them into arrays on one clock (minutes from the first hour)."""
    _missing(incidents, INCIDENT_COLUMNS, "incidents")
    _missing(duty, DUTY_COLUMNS, "duty")
    zone = _check_clocks(incidents, duty)
    incidents = incidents.sort("received_at", maintain_order=True)
    duty = duty.sort("start", maintain_order=True)
    received_us, start_us, end_us = (
        _micros(incidents, "received_at"),
        _micros(duty, "start"),
        _micros(duty, "end"),
    )
    first = min(received_us.min(initial=2**62), start_us.min(initial=2**62))
    t0 = first - first % (60 * US_PER_MINUTE)
    incident_pool, duty_pool = _pools(incidents, duty, config.pool_by_unit)
    n = incidents.height
    category = (
        incidents["category"].cast(pl.String).fill_null("").to_numpy()
        if "category" in incidents.columns
        else np.full(n, "", object)
    )
    unit = (
        incidents["unit_id"].cast(pl.String).fill_null("").to_numpy()
        if "unit_id" in incidents.columns
        else np.full(n, "", object)
    )
    skill, masks, skill_names = _skills(incidents, duty, config)
    return Prepared(
        incidents=incidents,
        duty=duty,
        t0_us=int(t0),
        time_zone=zone,
        received=(received_us - t0) / US_PER_MINUTE,
        grade=incidents["grade"].cast(pl.Int64).to_numpy(),
        pool=incident_pool,
        need=_officers_needed(incidents, config),
        category=category,
        unit=unit,
        history_minutes=_history_minutes(incidents),
        duty_arrays=Duty(
            (start_us - t0) / US_PER_MINUTE, (end_us - t0) / US_PER_MINUTE, duty_pool, masks
        ),
        skill=skill,
        skill_names=skill_names,
    )


def _travel(p: Prepared, config: SimulationConfig, z: np.ndarray) -> np.ndarray:
    model = config.travel
    if model.kind == "constant":
        return np.full(len(z), float(model.constant_minutes))
    if model.kind == "by_area":
        median = np.array([model.by_area.get(u, model.median_minutes) for u in p.unit], float)
    else:
        table = {g: model.by_grade.get(g, (model.median_minutes, model.sigma)) for g in range(5)}
        median = np.array([table[g][0] for g in range(5)])[p.grade]
        sigma = np.array([table[g][1] for g in range(5)])[p.grade]
        return median * np.exp(sigma * z)
    return median * np.exp(model.sigma * z)


def _time_on_task(p: Prepared, config: SimulationConfig, z: np.ndarray, e: np.ndarray):
    model = config.time_on_task
    names = np.unique(p.category)
    lookup = {c: model.median_minutes_by_category.get(c, model.median_minutes) for c in names}
    centre = pl.Series(p.category).replace_strict(lookup, return_dtype=pl.Float64).to_numpy()
    drawn = centre * e if model.source == "exponential" else centre * np.exp(model.sigma * z)
    if model.source == "history":
        return np.where(np.isnan(p.history_minutes), drawn, p.history_minutes)
    return drawn


def draw_demand(p: Prepared, config: SimulationConfig, rng: np.random.Generator) -> Demand:
    """One replication's incidents with their travel and time-on-task draws."""
    travel_rng, task_rng = rng.spawn(2)
    n = len(p.received)
    travel_z = travel_rng.standard_normal(n)
    task_z, task_e = task_rng.standard_normal(n), task_rng.standard_exponential(n)
    limit = math.inf if config.abandon_after_hours is None else config.abandon_after_hours * 60
    abandonable = np.isin(p.grade, list(config.abandon_grades))
    return Demand(
        received_minutes=p.received,
        grade=p.grade,
        pool=p.pool,
        officers_needed=p.need,
        travel_minutes=_travel(p, config, travel_z),
        time_on_task_minutes=_time_on_task(p, config, task_z, task_e),
        abandon_after_minutes=np.where(abandonable, limit, math.inf),
        skill=p.skill,
    )
