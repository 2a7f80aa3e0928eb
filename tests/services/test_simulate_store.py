"""`simulate` over the store: a unit's incidents and roster for a period (SQLite and
PostgreSQL), the same core as the file mode."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from sqlalchemy import select, update

from forceplan.errors import NotFoundError
from forceplan.services.demo import create_demo_force
from forceplan.services.simulate import simulate_store, store_inputs
from forceplan.simulate import SimulationConfig
from forceplan.store import tables as t

FIRST, LAST = dt.date(2025, 6, 2), dt.date(2025, 6, 15)


@pytest.fixture
def demo(database):
    create_demo_force(database, officers=60, years=1, seed=11)
    return database


def _worked(database, person: str, on: dt.date) -> bool:
    r = t.roster_assignments
    with database.read() as c:
        row = c.execute(select(r.c.status).where(r.c.person_id == person, r.c.date == on)).first()
    return row is not None and row[0] == "worked"


def test_store_inputs_take_the_units_incidents_and_worked_tours(demo):
    inputs = store_inputs(demo, "C", FIRST, LAST)
    incidents, duty = inputs.incidents, inputs.duty
    with demo.read() as c:
        units = {r.id: r.parent_id for r in c.execute(select(t.units))}
        people = {r.id: r for r in c.execute(select(t.people))}
    assert set(incidents["unit_id"]) == {"C"}
    local = incidents["received_at"].dt.date()
    assert local.min() >= FIRST and local.max() <= LAST
    assert incidents["received_at"].dtype.time_zone == "Europe/London"
    assert duty.height > 20
    for person in set(duty["person_id"]):
        who = people[person]
        assert who.kind == "officer" and who.role in ("response", "neighbourhood")
        assert who.unit_id == "C" or units[who.unit_id] == "C"
    assert duty["start"].dt.date().min() >= FIRST and duty["start"].dt.date().max() <= LAST
    assert ((duty["end"] - duty["start"]).dt.total_hours() >= 8).all()
    for person, start in duty.select("person_id", "start").rows()[:10]:
        assert _worked(demo, person, start.date())


def test_absences_and_expired_skills_take_officers_and_skills_off(demo):
    before = store_inputs(demo, "C", FIRST, LAST).duty
    person, start, skills = (
        before.filter(pl.col("skills").list.len() > 0).select("person_id", "start", "skills").row(0)
    )
    day, skill = start.date(), skills[0]
    with demo.transaction() as c:
        c.execute(
            t.absences.insert().values(
                force_id="DEMO",
                id="TEST-SICK",
                person_id=person,
                kind="sickness",
                start=day,
                end=day,
                status="approved",
                hours_per_day=None,
                reason="",
            )
        )
        s = t.person_skills
        c.execute(
            update(s)
            .where(s.c.person_id == person, s.c.code == skill)
            .values(expires_on=FIRST - dt.timedelta(days=1))
        )
    after = store_inputs(demo, "C", FIRST, LAST).duty
    assert after.height == before.height - 1
    assert (
        after.filter((pl.col("person_id") == person) & (pl.col("start").dt.date() == day)).height
        == 0
    )
    theirs = after.filter(pl.col("person_id") == person)
    assert theirs.height and not theirs["skills"].list.contains(skill).any()


def test_simulate_store_writes_the_same_outputs_as_the_file_mode(demo, tmp_path):
    config = SimulationConfig(replications=2, seed=3)
    report = simulate_store(demo, "C", FIRST, LAST, config, tmp_path / "r.json")
    summary = json.loads((tmp_path / "r.json").read_text())
    assert summary["replications"] == 2 and summary["seed"] == 3
    assert report["incidents"] == store_inputs(demo, "C", FIRST, LAST).incidents.height
    assert (
        int(report["by_grade"].filter(pl.col("replication") == 0)["incidents"].sum())
        == report["incidents"]
    )
    assert (tmp_path / "r.by_grade.csv").exists() and (tmp_path / "r.hourly.csv").exists()
    again = simulate_store(demo, "C", FIRST, LAST, config, tmp_path / "again.json")
    assert again["summary"] == report["summary"]


def test_a_period_without_incidents_is_refused(demo, tmp_path):
    with pytest.raises(NotFoundError, match="no incidents"):
        store_inputs(demo, "C", dt.date(2030, 1, 1), dt.date(2030, 1, 7))
