"""A scenario file whose baseline is a unit and period of the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest

from forceplan.errors import ConfigurationError
from forceplan.scenario import ProcessExecutor, parse_spec
from forceplan.services.demo import create_demo_force
from forceplan.services.scenario import run_scenario_file
from forceplan.services.simulate import store_inputs

SPEC = {
    "name": "central",
    "seed": 3,
    "baseline": {
        "store": {"unit": "C", "from": "2025-06-02", "to": "2025-06-15"},
        "simulation": {"replications": 2, "seed": 4},
    },
    "scenarios": [{"name": "same"}, {"name": "more", "headcount_change_percent": 50}],
}


def test_store_baseline_is_parsed_and_refused_with_files():
    spec = parse_spec(SPEC, "s.json")
    assert spec.store.unit == "C" and spec.store.first_day == dt.date(2025, 6, 2)
    assert spec.incidents is None and spec.duty is None
    both = {**SPEC, "baseline": {**SPEC["baseline"], "incidents": "i.csv"}}
    with pytest.raises(ConfigurationError, match=r"s\.json: baseline\.store: .*not both"):
        parse_spec(both, "s.json")
    bad = {**SPEC, "baseline": {"store": {"unit": "C", "from": "2 June", "to": "2025-06-15"}}}
    with pytest.raises(ConfigurationError, match=r"baseline\.store\.from: '2 June'"):
        parse_spec(bad, "s.json")
    with pytest.raises(ConfigurationError, match="incidents and duty files, or store"):
        parse_spec({**SPEC, "baseline": {}}, "s.json")


def test_a_scenario_file_runs_against_the_stores_baseline(database, tmp_path):
    create_demo_force(database, officers=60, years=1, seed=11)
    path = tmp_path / "central.json"
    path.write_text(json.dumps(SPEC))
    report = run_scenario_file(path, tmp_path / "out", ProcessExecutor(1), database=database)
    scenarios = report["comparison"].by_scenario()
    expected = store_inputs(database, "C", dt.date(2025, 6, 2), dt.date(2025, 6, 15))
    base = scenarios.filter(pl.col("scenario") == "baseline").row(0, named=True)
    assert base["officers"] == expected.duty["person_id"].n_unique()
    more = scenarios.filter(pl.col("scenario") == "more").row(0, named=True)
    assert more["officers"] > base["officers"] and more["utilisation_vs_baseline"] < 0
    grades = report["comparison"].by_grade()
    assert (
        grades.filter(pl.col("scenario") == "same")
        .drop("scenario")
        .equals(grades.filter(pl.col("scenario") == "baseline").drop("scenario"))
    )
    assert (tmp_path / "out" / "comparison.csv").exists()
    with pytest.raises(ConfigurationError, match="no store"):
        run_scenario_file(path, tmp_path / "out2", ProcessExecutor(1))
