"""Helpers shared by the workforce tests: people frames and small models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import polars as pl

from forceplan.workforce.calibration import Calibration, calibrate
from forceplan.workforce.defaults import ROUTES
from forceplan.workforce.model import (
    SERVICE_YEARS,
    EntryRoute,
    Move,
    WorkforceModel,
    model_groups,
)

AS_OF = dt.date(2025, 3, 31)
PEOPLE_SCHEMA = {
    "id": pl.String,
    "kind": pl.String,
    "role": pl.String,
    "rank": pl.String,
    "service_start": pl.Date,
    "leaving_date": pl.Date,
    "contracted_hours_per_week": pl.Float64,
    "student_officer": pl.Boolean,
    "tutor": pl.Boolean,
    "unit_id": pl.String,
    "birth_year": pl.Int64,
}
SKILL_SCHEMA = {"person_id": pl.String, "code": pl.String, "expires_on": pl.Date}


def person(pid: str, *, kind: str = "officer", role: str = "response",
           rank: str | None = "constable", start: dt.date = dt.date(2015, 1, 1),
           left: dt.date | None = None, hours: float = 40.0, student: bool = False,
           tutor: bool = False) -> dict:
    if kind in ("staff", "pcso"):
        rank = None
    return {"id": pid, "kind": kind, "role": role, "rank": rank, "service_start": start,
            "leaving_date": left, "contracted_hours_per_week": hours, "student_officer": student,
            "tutor": tutor, "unit_id": None, "birth_year": None}


def people_frame(rows: Sequence[dict]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=PEOPLE_SCHEMA)


def skills_frame(rows: Sequence[tuple]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SKILL_SCHEMA, orient="row")


def default_calibration() -> Calibration:
    """National defaults only: calibrated on a force with nobody in it."""
    return calibrate(people_frame([]), None, AS_OF)


def default_routes() -> tuple[EntryRoute, ...]:
    return tuple(EntryRoute(r.name, r.programme_years, r.pass_rate, r.destinations,
                            r.entry_service_years, r.tutored) for r in ROUTES)


def toy_model(leaving: float | np.ndarray = 0.0, moves: Sequence[Move] = (),
              routes: tuple[EntryRoute, ...] | None = None, tutor_share: float = 0.25,
              students_per_tutor: float = 1.0) -> WorkforceModel:
    """A model on the standard groups with uniform leaving (or a [group, year] array)."""
    routes = default_routes() if routes is None else routes
    groups = model_groups(routes)
    shape = (len(groups), SERVICE_YEARS)
    rates = np.broadcast_to(np.asarray(leaving, dtype=np.float64), shape).copy()
    return WorkforceModel(groups, rates, tuple(moves), routes, np.ones(len(groups)),
                          np.full(shape, 50_000.0), tutor_share=tutor_share,
                          students_per_tutor=students_per_tutor)


def state(model: WorkforceModel, cells: dict[tuple[str, int], float]) -> np.ndarray:
    """A starting state from {(group, service_year): people}."""
    counts = np.zeros((len(model.groups), SERVICE_YEARS))
    for (group, year), n in cells.items():
        counts[model.index(group), year] = n
    return counts

