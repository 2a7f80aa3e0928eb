"""Replay incidents against who is on duty: the entry point of the response simulation."""

from __future__ import annotations

import numpy as np
import polars as pl

from forceplan.simulate import results as r
from forceplan.simulate.arrivals import resample_incidents
from forceplan.simulate.config import SimulationConfig
from forceplan.simulate.engine import ResponseEngine, Rules
from forceplan.simulate.prepare import draw_demand, prepare


def replication_generators(config: SimulationConfig) -> list[np.random.Generator]:
    """One Generator per replication, all spawned from ``config.seed``."""
    return np.random.default_rng(config.seed).spawn(config.replications)


def simulate_response(
    incidents: pl.DataFrame, duty: pl.DataFrame, config: SimulationConfig | None = None
) -> r.SimulationResult:
    """Simulate the response to ``incidents`` by the officers in ``duty``.

    incidents: received_at, grade (1-4); optional id, category, unit_id, officers_deployed,
    attendance_target_minutes, first_arrival_at and cleared_at (time on task from history).
    duty: person_id, start, end (one row per tour); optional unit_id (pools by unit) and
    skills (for ``required_skill``). With ``arrivals="resample"`` each replication simulates
    a fresh stream drawn from the incidents' hour-of-week rates (``arrivals.py``).
    """
    config = config or SimulationConfig()
    resample = config.arrivals == "resample"
    prepared = None if resample else prepare(incidents, duty, config)
    rules = Rules(
        frozenset(config.preempt_grades), config.break_minutes, config.break_after_minutes
    )
    frames: dict[str, list[pl.DataFrame]] = {"i": [], "g": [], "h": [], "u": []}
    metrics = []
    for number, rng in enumerate(replication_generators(config)):
        if resample:  # the replication's first child stream draws its arrivals
            prepared = prepare(resample_incidents(incidents, rng.spawn(1)[0]), duty, config)
        demand = draw_demand(prepared, config, rng)
        outcome = ResponseEngine(demand, prepared.duty_arrays, rules).run()
        one = r.incident_frame(prepared, demand, outcome, number)
        grades = r.by_grade(one)
        people = r.utilisation_frame(prepared, outcome, number)
        frames["i"].append(one)
        frames["g"].append(grades)
        frames["h"].append(r.hourly_frame(prepared, outcome, number))
        frames["u"].append(people)
        metrics.append({"replication": number, **r.replication_metrics(grades, people)})
    return r.SimulationResult(
        incidents=pl.concat(frames["i"]),
        by_grade=pl.concat(frames["g"]),
        hourly=pl.concat(frames["h"]),
        utilisation=pl.concat(frames["u"]),
        replications=pl.DataFrame(metrics, infer_schema_length=None),
        config=config.as_dict(),
        seeds=[config.seed],
    )
