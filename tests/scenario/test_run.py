"""Sweeps: paired with the baseline, the same on every executor, and from the command line."""

from __future__ import annotations

import json

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from forceplan.cli_scenario import scenario_app
from forceplan.errors import ConfigurationError
from forceplan.scenario import BaselineInputs, ProcessExecutor, parse_spec, run_scenarios
from forceplan.simulate import SimulationConfig, TimeOnTaskModel, TravelModel
from tests.simulate.helpers import constant_duty, poisson_incidents

CONFIG = SimulationConfig(travel=TravelModel(kind="lognormal", median_minutes=8),
                          time_on_task=TimeOnTaskModel(source="lognormal", median_minutes=60),
                          replications=3, seed=11)
SPEC = parse_spec({"seed": 2, "baseline": {"incidents": "i.csv", "duty": "d.csv"},
                   "scenarios": [
                       {"name": "identical"},
                       {"name": "triage", "divert": [{"categories": ["mental_health"],
                                                      "share": 0.5, "agency": "triage"}]},
                       {"name": "cuts", "headcount_change_percent": -30}]}, "s.json")


def inputs() -> BaselineInputs:
    frame = poisson_incidents(3, 48, np.random.default_rng(1), grades=(1, 2, 2, 0))
    cats = np.random.default_rng(2).choice(["mental_health", "theft"], frame.height)
    return BaselineInputs(frame.with_columns(category=pl.Series(cats)), constant_duty(7, 48),
                          CONFIG)


def test_an_identical_scenario_matches_the_baseline_exactly():
    comparison = run_scenarios(SPEC, inputs(), ProcessExecutor(1))
    grades = comparison.by_grade()
    base = grades.filter(pl.col("scenario") == "baseline").drop("scenario")
    same = grades.filter(pl.col("scenario") == "identical").drop("scenario")
    assert base.equals(same)
    assert (same["share_within_target_vs_baseline"].fill_null(0) == 0).all()
    cuts = comparison.by_scenario().filter(pl.col("scenario") == "cuts")
    assert cuts["officers"][0] == 5 and cuts["utilisation_vs_baseline"][0] > 0
    triage = comparison.by_scenario().filter(pl.col("scenario") == "triage")
    assert triage["diverted"][0] > 0


def test_one_and_two_workers_give_the_same_comparison():
    one = run_scenarios(SPEC, inputs(), ProcessExecutor(1))
    two = run_scenarios(SPEC, inputs(), ProcessExecutor(2))
    assert one.table().equals(two.table())
    assert one.profiles().equals(two.profiles())


def test_ray_executor_gives_the_same_comparison():
    ray = pytest.importorskip("ray")
    from forceplan.scenario import RayExecutor

    ray.init(local_mode=True, num_cpus=1, include_dashboard=False, ignore_reinit_error=True)
    try:
        got = run_scenarios(SPEC, inputs(), RayExecutor(local_mode=True, num_cpus=1))
    finally:
        ray.shutdown()
    assert got.table().equals(run_scenarios(SPEC, inputs(), ProcessExecutor(1)).table())


def test_ray_executor_says_how_to_install_ray_when_missing():
    try:
        import ray  # noqa: F401
    except ImportError:
        from forceplan.scenario import RayExecutor

        with pytest.raises(ConfigurationError) as caught:
            RayExecutor()
        assert "pip install" in caught.value.hint
    else:
        pytest.skip("Ray is installed")


def test_scenario_run_from_the_command_line(tmp_path):
    base = inputs()
    base.incidents.write_csv(tmp_path / "incidents.csv")
    base.duty.write_csv(tmp_path / "duty.csv")
    spec = {"baseline": {"incidents": "incidents.csv", "duty": "duty.csv",
                         "simulation": {"replications": 2, "seed": 4,
                                        "travel": {"kind": "constant", "constant_minutes": 5}}},
            "scenarios": [{"name": "growth", "demand_growth_percent": 20},
                          {"name": "double crewing", "crewing": "policy",
                           "double_crewed_categories": ["theft"]}]}
    (tmp_path / "plan.json").write_text(json.dumps(spec))
    out = tmp_path / "out"
    result = CliRunner().invoke(scenario_app, ["run", str(tmp_path / "plan.json"), "--workers",
                                               "1", "--output", str(out)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    table = pl.read_csv(out / "comparison.csv")
    assert set(table["scenario"]) == {"baseline", "growth", "double crewing"}
    summary = json.loads((out / "summary.json").read_text())
    growth = next(s for s in summary["scenarios"] if s["name"] == "growth")
    assert growth["counts"]["incidents"] == round(base.incidents.height * 1.2)
    assert growth["config"]["seed"] == 4
    for chart in ("share_within_target", "utilisation", "cover_vs_demand"):
        assert (out / "charts" / f"{chart}.png").stat().st_size > 0
    assert "growth" in result.output


def test_unknown_executor_is_refused():
    result = CliRunner().invoke(scenario_app, ["run", "x.json", "--executor", "dask"])
    assert isinstance(result.exception, ConfigurationError)
