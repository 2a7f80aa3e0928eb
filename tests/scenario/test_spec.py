"""Scenario files: parsed into values, and refused with the file and key named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forceplan.errors import ConfigurationError
from forceplan.scenario import parse_spec
from forceplan.services.scenario import read_spec

GOOD = {"name": "Response 2026", "seed": 3,
        "baseline": {"incidents": "incidents.csv", "duty": "duty.csv",
                     "simulation": {"replications": 2}},
        "scenarios": [{"name": "triage", "divert": [
            {"categories": ["mental_health"], "share": 0.3, "agency": "street triage"}]},
            {"name": "new rota", "shift_pattern": "rota.csv", "headcount_change_percent": -5}]}


def test_a_good_file_is_parsed_with_paths_next_to_it(tmp_path):
    (tmp_path / "s.json").write_text(json.dumps(GOOD))
    spec = read_spec(tmp_path / "s.json")
    assert spec.incidents == tmp_path / "incidents.csv" and spec.seed == 3
    assert spec.simulation == {"replications": 2}
    assert spec.scenarios[0].divert[0].share == 0.3
    assert spec.scenarios[1].shift_pattern == tmp_path / "rota.csv"


@pytest.mark.parametrize(("change", "words"), [
    ({"scenarios": [{"name": "a", "headcount": 5}]}, "unknown key(s) headcount in scenarios[0]"),
    ({"colour": 1}, "unknown key(s) colour"),
    ({"scenarios": [{"name": "a", "sickness_rate_percent": 120}]},
     "scenarios[0].sickness_rate_percent"),
    ({"scenarios": [{"name": "a", "demand_growth_percent": "lots"}]}, "is not a number"),
    ({"scenarios": [{"name": "a", "divert": [{"categories": ["x"], "share": 2}]}]},
     "scenarios[0].divert[0].share"),
    ({"scenarios": [{"name": "a", "crewing": "triple"}]}, "scenarios[0].crewing"),
    ({"scenarios": [{"name": "a"}, {"name": "a"}]}, "used twice"),
    ({"scenarios": []}, "scenarios"),
])
def test_bad_files_name_the_file_and_key(change, words):
    with pytest.raises(ConfigurationError) as caught:
        parse_spec({**GOOD, **change}, "plans/s.json")
    assert "plans/s.json" in caught.value.message and words in caught.value.message
    assert caught.value.hint


def test_unreadable_json_is_a_configuration_error(tmp_path):
    (tmp_path / "s.json").write_text("{not json")
    with pytest.raises(ConfigurationError, match="not valid JSON"):
        read_spec(tmp_path / "s.json")
    with pytest.raises(ConfigurationError, match="cannot read"):
        read_spec(Path(tmp_path / "missing.json"))
