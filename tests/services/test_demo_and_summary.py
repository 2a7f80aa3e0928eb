"""Loading the demo force into a store and summarising it, on SQLite and PostgreSQL."""

from __future__ import annotations

import polars as pl
import pytest

from forceplan.errors import NotFoundError
from forceplan.services.demo import create_demo_force, load_demo_force
from forceplan.services.summary import summarise_store
from forceplan.standard import Person
from forceplan.store import Database
from forceplan.store.records import load_records
from forceplan.synth.generate import generate_demo_force


def test_demo_force_loads_and_summary_matches_what_was_generated(empty_database: Database):
    stages = []
    result = create_demo_force(
        empty_database,
        officers=40,
        years=1,
        seed=3,
        progress=lambda stage, fraction: stages.append(fraction),
    )
    assert stages == sorted(stages) and stages[-1] == 1.0
    demo = generate_demo_force(officers=40, years=1, seed=3)
    summary = summarise_store(empty_database)
    assert summary.force_id == "DEMO"
    assert summary.table_rows["incidents"] == demo.frames["incidents"].height
    assert summary.table_rows["roster_assignments"] == result.rows["roster_assignments"]
    assert summary.incidents_by_month["total"].sum() == demo.frames["incidents"].height
    assert summary.people_by_role["total"].sum() == len(demo.people)
    months = summary.incidents_by_month["month"].to_list()
    assert months[0] == "2025-04" and months[-1] == "2026-03"
    grades = [f"grade_{g}" for g in range(1, 5)]
    by_grade = summary.incidents_by_month.select(pl.sum_horizontal(grades).alias("sum"))
    assert (by_grade["sum"] == summary.incidents_by_month["total"]).all()
    with empty_database.read() as connection:
        people = load_records(connection, Person, "DEMO")
    assert sorted(people, key=lambda p: p.id) == sorted(demo.people, key=lambda p: p.id)


def test_reloading_the_demo_replaces_it_rather_than_doubling(empty_database: Database):
    create_demo_force(empty_database, officers=30, years=1, seed=1)
    first = summarise_store(empty_database).table_rows
    create_demo_force(empty_database, officers=30, years=1, seed=1)
    assert summarise_store(empty_database).table_rows == first


def test_a_failed_demo_load_keeps_the_previous_demo(database: Database):
    create_demo_force(database, officers=30, years=1, seed=1)
    before = summarise_store(database).table_rows
    broken = generate_demo_force(officers=30, years=1, seed=2)
    incidents = broken.frames["incidents"]
    broken.frames["incidents"] = pl.concat([incidents, incidents.head(1)])  # duplicate key
    with pytest.raises(Exception, match="nothing was written"):
        load_demo_force(database, broken)
    assert summarise_store(database).table_rows == before


def test_summary_of_an_empty_store_says_what_to_do(database: Database):
    with pytest.raises(NotFoundError) as caught:
        summarise_store(database)
    assert "demo-data" in caught.value.hint
