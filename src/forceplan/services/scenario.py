"""Use case: run a scenario file against its baseline and write the comparison folder."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from forceplan.errors import ConfigurationError
from forceplan.scenario import (
    BaselineInputs,
    Comparison,
    Executor,
    ScenarioSpec,
    parse_spec,
    run_scenarios,
)
from forceplan.services.simulate import _read, load_config
from forceplan.simulate import SimulationConfig
from forceplan.simulate.config import TimeOnTaskModel, TravelModel

INCIDENT_COLUMNS = ("received_at", "grade")
DUTY_COLUMNS = ("person_id", "start", "end")


def read_spec(path: Path) -> ScenarioSpec:
    """A scenario file: JSON, or YAML (.yaml/.yml) when PyYAML is installed."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read the scenario file: {exc.strerror}",
                                 "Check the path.") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise ConfigurationError(f"{path}: YAML scenario files need PyYAML",
                                     "pip install pyyaml, or write the file as JSON.") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigurationError(f"{path}: not valid YAML: {exc}",
                                     "See docs/scenarios.md.") from None
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ConfigurationError(f"{path}: not valid JSON: {exc}",
                                     "See docs/scenarios.md for an example.") from None
    return parse_spec(data, str(path), path.parent)


def config_from_mapping(data: dict, source: str) -> SimulationConfig:
    """Simulation settings given inline in a scenario file (same keys as a settings file)."""
    known = {f.name for f in fields(SimulationConfig)}
    if unknown := sorted(set(data) - known):
        raise ConfigurationError(
            f"{source}: unknown setting(s) {', '.join(unknown)} in baseline.simulation",
            f"known: {', '.join(sorted(known))}")
    data = dict(data)
    try:
        if "travel" in data:
            travel = dict(data["travel"])
            travel["by_grade"] = {int(k): tuple(v) for k, v in travel.get("by_grade", {}).items()}
            data["travel"] = TravelModel(**travel)
        if "time_on_task" in data:
            data["time_on_task"] = TimeOnTaskModel(**data["time_on_task"])
        for key in ("double_crewed_categories", "preempt_grades", "abandon_grades"):
            if key in data:
                data[key] = frozenset(data[key])
        return SimulationConfig(**data)
    except (TypeError, ValueError, AttributeError) as exc:
        raise ConfigurationError(f"{source}: baseline.simulation: {exc}",
                                 "See docs/simulate.md for the settings.") from None


def load_inputs(spec: ScenarioSpec, replications: int | None = None,
                seed: int | None = None) -> BaselineInputs:
    """Read the files the spec names (incidents, duty, settings, shift patterns)."""
    if spec.simulation_file is not None:
        config = load_config(spec.simulation_file, replications=replications, seed=seed)
    else:
        overrides = {k: v for k, v in (("replications", replications), ("seed", seed))
                     if v is not None}
        config = config_from_mapping({**spec.simulation, **overrides}, spec.source)
    patterns = {s.shift_pattern: _read(s.shift_pattern, DUTY_COLUMNS, "duty")
                for s in spec.scenarios if s.shift_pattern is not None}
    return BaselineInputs(_read(spec.incidents, INCIDENT_COLUMNS, "incidents"),
                          _read(spec.duty, DUTY_COLUMNS, "duty"), config, patterns)


def write_outputs(comparison: Comparison, spec: ScenarioSpec, output: Path) -> list[Path]:
    """comparison.csv, scenarios.csv, cover_by_hour.csv, summary.json and the charts."""
    from forceplan.charts import scenario as charts

    output.mkdir(parents=True, exist_ok=True)
    by_grade, by_scenario = comparison.by_grade(), comparison.by_scenario()
    written = [output / "comparison.csv", output / "scenarios.csv",
               output / "cover_by_hour.csv", output / "summary.json"]
    comparison.table().write_csv(written[0])
    by_scenario.write_csv(written[1])
    comparison.profiles().write_csv(written[2])
    summary = {"name": spec.name, "source": spec.source, "seed": spec.seed,
               **comparison.summary()}
    written[3].write_text(json.dumps(summary, indent=2, default=str))
    charts_folder = output / "charts"
    written += charts.share_within_target(by_grade, charts_folder)
    written += charts.utilisation(by_scenario, charts_folder)
    written += charts.cover_vs_demand(comparison.profiles(), charts_folder)
    return written


def run_scenario_file(path: Path, output: Path, executor: Executor | None = None,
                      replications: int | None = None, seed: int | None = None) -> dict:
    """Run every scenario of ``path`` against its baseline and write the output folder."""
    spec = read_spec(path)
    comparison = run_scenarios(spec, load_inputs(spec, replications, seed), executor)
    files = write_outputs(comparison, spec, output)
    return {"spec": spec, "comparison": comparison, "files": files}
