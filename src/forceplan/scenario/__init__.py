"""Scenarios: changes from a baseline (headcount, shift pattern, crewing, demand growth,
diversion to partner agencies, sickness) simulated against it with the same seed, compared
replication by replication; sweeps run on a pluggable executor (local processes or Ray)."""

from forceplan.scenario.apply import (
    Applied,
    apply_changes,
    apply_sickness,
    change_headcount,
    divert,
    grow_demand,
)
from forceplan.scenario.compare import Comparison
from forceplan.scenario.executor import Executor, ProcessExecutor, RayExecutor, make_executor
from forceplan.scenario.run import (
    BaselineInputs,
    ScenarioOutcome,
    ScenarioTask,
    run_scenarios,
    simulate_scenario,
)
from forceplan.scenario.spec import Diversion, ScenarioChanges, ScenarioSpec, parse_spec

__all__ = [
    "Applied",
    "BaselineInputs",
    "Comparison",
    "Diversion",
    "Executor",
    "ProcessExecutor",
    "RayExecutor",
    "ScenarioChanges",
    "ScenarioOutcome",
    "ScenarioSpec",
    "ScenarioTask",
    "apply_changes",
    "apply_sickness",
    "change_headcount",
    "divert",
    "grow_demand",
    "make_executor",
    "parse_spec",
    "run_scenarios",
    "simulate_scenario",
]
