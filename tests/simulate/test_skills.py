"""Skills in dispatch: a category that needs a skill is attended only by officers holding it."""

import datetime as dt

import polars as pl
import pytest

from forceplan.errors import DataValidationError
from forceplan.services.simulate import config_from_mapping
from forceplan.simulate import SimulationConfig, TimeOnTaskModel, TravelModel, simulate_response

from .helpers import T0

HOUR = TimeOnTaskModel(source="lognormal", median_minutes=60.0, sigma=0.0)  # exactly 60


def _incidents(categories: list[str], grade: int = 2) -> pl.DataFrame:
    n = len(categories)
    return pl.DataFrame(
        {
            "id": [f"I{i}" for i in range(n)],
            "received_at": [T0 + dt.timedelta(minutes=10 + i) for i in range(n)],
            "grade": [grade] * n,
            "category": categories,
            "officers_deployed": 1,
        }
    )


def _duty(skills: list[object]) -> pl.DataFrame:
    n = len(skills)
    return pl.DataFrame(
        {
            "person_id": [f"P{i}" for i in range(n)],
            "start": [T0] * n,
            "end": [T0 + dt.timedelta(hours=24)] * n,
            "skills": skills,
        }
    )


def _config(**overrides) -> SimulationConfig:
    settings = {"required_skill": {"firearms": "firearms_afo"}, **overrides}
    return SimulationConfig(
        travel=TravelModel(kind="constant"), time_on_task=HOUR, break_minutes=0, **settings
    )


def test_only_officers_holding_the_skill_are_sent():
    incidents = _incidents(["firearms", "firearms", "firearms", "theft", "theft"])
    duty = _duty(["firearms_afo;taser", "", "taser", "", ""])
    result = simulate_response(incidents, duty, _config()).incidents.sort("id")
    # One AFO: the firearms jobs wait for each other although four officers are free.
    assert result.filter(pl.col("category") == "firearms")[
        "wait_minutes"
    ].to_list() == pytest.approx([0.0, 59.0, 118.0])
    assert result.filter(pl.col("category") == "theft")["wait_minutes"].to_list() == [0.0, 0.0]
    # Without the rule any free officer goes.
    free = simulate_response(incidents, duty, _config(required_skill={})).incidents
    assert free["wait_minutes"].max() == 0.0


def test_without_anyone_skilled_the_incidents_are_unattended():
    incidents = _incidents(["firearms", "theft"])
    duty = _duty([["taser"], []])  # a list column works as well as text
    result = simulate_response(incidents, duty, _config()).incidents.sort("id")
    assert result["status"].to_list() == ["queued_at_end", "attended"]
    abandon = _config(abandon_grades=frozenset({2}), abandon_after_hours=2.0)
    given_up = simulate_response(incidents, duty, abandon).incidents.sort("id")
    assert given_up["status"].to_list() == ["abandoned", "attended"]


def test_a_freed_skilled_officer_takes_the_skilled_job_before_a_general_one():
    # Both officers busy; then a general job and a firearms job wait. When the AFO is free it
    # takes the firearms job (same grade, received later, but only it can do it): the other
    # officer takes the theft a minute later.
    incidents = _incidents(["theft", "theft", "theft", "firearms"])
    duty = _duty(["firearms_afo", ""])
    result = simulate_response(incidents, duty, _config()).incidents.sort("id")
    waits = dict(zip(result["id"], result["wait_minutes"], strict=True))
    assert waits["I3"] == pytest.approx(57.0)  # the AFO, free at 70 min, took it first
    assert waits["I2"] == pytest.approx(59.0)  # the other officer, free at 71 min


def test_grade_1_preempts_only_a_skilled_officer_for_a_skilled_job():
    incidents = pl.concat(
        [
            _incidents(["theft", "theft"], grade=3),
            _incidents(["firearms"], grade=1).with_columns(
                pl.col("received_at") + dt.timedelta(minutes=20), id=pl.lit("G1")
            ),
        ]
    )
    duty = _duty(["", "firearms_afo"])
    result = simulate_response(incidents, duty, _config()).incidents
    assert result.filter(pl.col("id") == "G1")["wait_minutes"][0] == 0.0
    assert result["times_preempted"].sum() == 1


def test_required_skill_needs_a_skills_column_and_reads_from_settings():
    incidents = _incidents(["firearms"])
    with pytest.raises(DataValidationError, match="skills column"):
        simulate_response(incidents, _duty([""]).drop("skills"), _config())
    config = config_from_mapping({"required_skill": {"firearms": "firearms_afo"}}, "s.toml")
    assert config.required_skill == {"firearms": "firearms_afo"}
    assert config.as_dict()["required_skill"] == {"firearms": "firearms_afo"}
