"""Run a scenario file's sweep: the baseline and every scenario, each one task, all with the
simulation's seed so that the comparison is paired (common random numbers)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from forceplan.scenario.apply import apply_changes
from forceplan.scenario.compare import Comparison
from forceplan.scenario.executor import Executor, ProcessExecutor
from forceplan.scenario.spec import ScenarioChanges, ScenarioSpec
from forceplan.simulate import SimulationConfig, simulate_response


@dataclass(frozen=True)
class BaselineInputs:
    """The frames a spec names, already read: incidents, duty, settings, and the duty table
    of each ``shift_pattern`` path used by a scenario."""

    incidents: pl.DataFrame
    duty: pl.DataFrame
    config: SimulationConfig
    shift_patterns: Mapping[Path, pl.DataFrame] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioTask:
    """Everything one worker needs (picklable)."""

    changes: ScenarioChanges
    incidents: pl.DataFrame
    duty: pl.DataFrame
    config: SimulationConfig
    seed: int
    shift_pattern: pl.DataFrame | None = None


@dataclass
class ScenarioOutcome:
    """What comes back from a worker: small frames, not every incident."""

    name: str
    changes: dict
    counts: dict[str, int]
    config: dict
    by_grade: pl.DataFrame
    replications: pl.DataFrame
    profile: pl.DataFrame


def hour_of_day_profile(hourly: pl.DataFrame, incidents: pl.DataFrame) -> pl.DataFrame:
    """Cover against demand by hour of day: mean officers on duty and busy, incidents waiting,
    and incidents received per hour (averaged over the simulated hours at that hour of day)."""
    waiting = pl.sum_horizontal(pl.col(f"waiting_grade_{g}") for g in (1, 2, 3, 4))
    cover = hourly.group_by(pl.col("hour").dt.hour().alias("hour_of_day")).agg(
        officers_on_duty=pl.col("officers_on_duty").mean(),
        officers_busy=(pl.col("officers_on_duty") - pl.col("officers_free")).mean(),
        incidents_waiting=waiting.mean(),
        hours=pl.col("hour").filter(pl.col("replication") == pl.col("replication").min())
        .len())
    zone = hourly.schema["hour"].time_zone
    received = incidents["received_at"]
    if zone and received.dtype.time_zone:
        received = received.dt.convert_time_zone(zone)
    arrivals = pl.DataFrame({"hour_of_day": received.dt.hour()}).group_by("hour_of_day").len(
        "incidents_received")
    return cover.join(arrivals, on="hour_of_day", how="left").with_columns(
        incidents_received_per_hour=pl.col("incidents_received").fill_null(0)
        / pl.col("hours")).drop("incidents_received", "hours").sort("hour_of_day")


def simulate_scenario(task: ScenarioTask) -> ScenarioOutcome:
    """One task: apply the changes, simulate, keep the small frames."""
    applied = apply_changes(task.incidents, task.duty, task.config, task.changes, task.seed,
                            task.shift_pattern)
    result = simulate_response(applied.incidents, applied.duty, applied.config)
    return ScenarioOutcome(
        name=task.changes.name, changes=task.changes.as_dict(), counts=applied.counts,
        config=result.config, by_grade=result.by_grade, replications=result.replications,
        profile=hour_of_day_profile(result.hourly, applied.incidents))


def scenario_tasks(spec: ScenarioSpec, inputs: BaselineInputs) -> list[ScenarioTask]:
    """The baseline first, then each scenario of the file."""
    every = (ScenarioChanges("baseline", "as recorded"), *spec.scenarios)
    return [ScenarioTask(changes, inputs.incidents, inputs.duty, inputs.config, spec.seed,
                         None if changes.shift_pattern is None
                         else inputs.shift_patterns[changes.shift_pattern])
            for changes in every]


def run_scenarios(spec: ScenarioSpec, inputs: BaselineInputs,
                  executor: Executor | None = None) -> Comparison:
    """Simulate the baseline and every scenario on ``executor`` (local processes by
    default) and compare each with the baseline, replication by replication."""
    executor = executor or ProcessExecutor()
    outcomes = executor.map(simulate_scenario, scenario_tasks(spec, inputs))
    return Comparison(outcomes)
