"""The staffing requirement over the store (SQLite and PostgreSQL) and its targets file."""

from __future__ import annotations

import pytest

from forceplan.errors import ConfigurationError
from forceplan.services.demo import create_demo_force
from forceplan.services.staffing import load_policy, staffing_requirement


@pytest.fixture
def demo(database):
    create_demo_force(database, officers=60, years=1, seed=11)
    return database


def test_requirement_from_recorded_demand_sits_beside_the_roster(demo, tmp_path):
    report = staffing_requirement(demo)
    hours = report.by_hour
    assert hours.height == 168 and (hours["officers_needed"] >= 1).all()
    assert (hours["grade_1_share_within"] >= 0.89).all()
    assert hours["on_duty_now"].null_count() == 0
    summary = report.summary
    assert summary["establishment_fte_needed"] > summary["officer_hours_needed_a_week"] / 40
    assert 0 < summary["abstraction_rate"] < 0.5
    targets = tmp_path / "targets.toml"
    targets.write_text('[[targets]]\ngrade = 1\nminutes = 10\nshare = 0.95\n'
                       '[travel]\nmedian_minutes = 5\n'
                       '[crewing]\ndouble = ["violence", "domestic_abuse"]\n'
                       '[skills]\ntaser = ["violence", "weapons"]\n')
    strict = staffing_requirement(demo, policy=load_policy(targets))
    assert strict.summary["officer_hours_needed_a_week"] > 0
    assert set(strict.by_skill["skill"]) == {"taser"}
    assert (strict.by_skill["skilled_officers_needed"] >= 0).all()


def test_a_bad_targets_file_is_refused(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[targets]]\nminutes = 15\n")
    with pytest.raises(ConfigurationError, match=r"bad\.toml"):
        load_policy(bad)
