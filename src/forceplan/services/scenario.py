"""Use case: run a scenario file against its baseline and write the comparison folder."""

from __future__ import annotations

import json
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
from forceplan.services.simulate import (
    config_from_mapping,
    load_config,
    read_table,
    store_inputs,
)
from forceplan.store import Database

INCIDENT_COLUMNS = ("received_at", "grade")
DUTY_COLUMNS = ("person_id", "start", "end")


def read_spec(path: Path) -> ScenarioSpec:
    """A scenario file: JSON, or YAML (.yaml/.yml) when PyYAML is installed."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigurationError(
            f"{path}: cannot read the scenario file: {exc.strerror}", "Check the path."
        ) from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise ConfigurationError(
                f"{path}: YAML scenario files need PyYAML",
                "pip install pyyaml, or write the file as JSON.",
            ) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigurationError(
                f"{path}: not valid YAML: {exc}", "See docs/scenarios.md."
            ) from None
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ConfigurationError(
                f"{path}: not valid JSON: {exc}", "See docs/scenarios.md for an example."
            ) from None
    return parse_spec(data, str(path), path.parent)


def load_inputs(
    spec: ScenarioSpec,
    replications: int | None = None,
    seed: int | None = None,
    database: Database | None = None,
) -> BaselineInputs:
    """Read the files the spec names (incidents, duty, settings, shift patterns), or the
    baseline's unit and period from ``database`` (as ``forceplan simulate --unit`` does)."""
    if spec.simulation_file is not None:
        config = load_config(spec.simulation_file, replications=replications, seed=seed)
    else:
        config = config_from_mapping(
            spec.simulation,
            spec.source,
            "baseline.simulation",
            replications=replications,
            seed=seed,
        )
    patterns = {
        s.shift_pattern: read_table(s.shift_pattern, DUTY_COLUMNS, "duty")
        for s in spec.scenarios
        if s.shift_pattern is not None
    }
    if spec.store is None:
        return BaselineInputs(
            read_table(spec.incidents, INCIDENT_COLUMNS, "incidents"),
            read_table(spec.duty, DUTY_COLUMNS, "duty"),
            config,
            patterns,
        )
    if database is None:
        raise ConfigurationError(
            f"{spec.source}: the baseline is in the store but no store was given",
            "Pass --database (or set FORCEPLAN_DATABASE_URL).",
        )
    b = spec.store
    inputs = store_inputs(database, b.unit, b.first_day, b.last_day, b.force)
    return BaselineInputs(inputs.incidents, inputs.duty, config, patterns)


def write_outputs(comparison: Comparison, spec: ScenarioSpec, output: Path) -> list[Path]:
    """comparison.csv, scenarios.csv, cover_by_hour.csv, summary.json and the charts."""
    from forceplan.charts import scenario as charts

    output.mkdir(parents=True, exist_ok=True)
    by_grade, by_scenario = comparison.by_grade(), comparison.by_scenario()
    written = [
        output / "comparison.csv",
        output / "scenarios.csv",
        output / "cover_by_hour.csv",
        output / "summary.json",
    ]
    comparison.table().write_csv(written[0])
    by_scenario.write_csv(written[1])
    comparison.profiles().write_csv(written[2])
    summary = {"name": spec.name, "source": spec.source, "seed": spec.seed, **comparison.summary()}
    written[3].write_text(json.dumps(summary, indent=2, default=str))
    charts_folder = output / "charts"
    written += charts.share_within_target(by_grade, charts_folder)
    written += charts.utilisation(by_scenario, charts_folder)
    written += charts.cover_vs_demand(comparison.profiles(), charts_folder)
    return written


def run_scenario_file(
    path: Path,
    output: Path,
    executor: Executor | None = None,
    replications: int | None = None,
    seed: int | None = None,
    database: Database | None = None,
) -> dict:
    """Run every scenario of ``path`` against its baseline and write the output folder;
    ``database`` is read when the baseline names a unit and period of the store."""
    spec = read_spec(path)
    inputs = load_inputs(spec, replications, seed, database)
    comparison = run_scenarios(spec, inputs, executor)
    files = write_outputs(comparison, spec, output)
    return {"spec": spec, "comparison": comparison, "files": files}
