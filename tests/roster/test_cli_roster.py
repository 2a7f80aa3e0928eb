"""`forceplan roster` from the terminal: build, explain, check, export, benchmark."""

from __future__ import annotations

import re

import polars as pl
import pytest

from forceplan.services.demo import create_demo_force
from forceplan.store import Database
from tests.conftest import shared_data
from tests.test_cli import run


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("roster_cli")
    url = f"sqlite:///{folder / 'forceplan.db'}"
    database = Database(url)
    database.upgrade()
    create_demo_force(database, officers=60, years=1, seed=11)
    database.dispose()
    return folder, url


def test_build_explain_check_and_export_a_roster(demo_store):
    folder, url = demo_store
    built = run("roster", "build", "--unit", "C", "--from", "2026-04-06", "--weeks", "4",
                "--time-limit", "15", "-o", "plan.csv", "-d", url, cwd=folder)  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert "What the roster costs, by rule" in built.stdout and "cover" in built.stdout
    plan_id = re.search(r"Roster plan (\w+)", built.stdout).group(1)
    lines = pl.read_csv(folder / "plan.csv")
    assert lines.columns == ["person_id", "date", "shift_code"] and lines.height % 28 == 0

    explained = run("roster", "explain", plan_id, "-o", "explain.json", "-d", url, cwd=folder)
    assert explained.returncode == 0 and "Hours most short of need" in explained.stdout
    checked = run("roster", "check", "--plan", plan_id, "-d", url, cwd=folder)
    assert checked.returncode == 0 and "No breaches" in checked.stdout

    exported = run("roster", "export", plan_id, "--ics", "-o", "ics", "-d", url, cwd=folder)
    assert exported.returncode == 0
    assert (folder / "ics").is_dir() and any((folder / "ics").glob("*.ics"))


def test_a_roster_from_another_system_is_checked_with_named_breaches(demo_store):
    folder, url = demo_store
    lines = pl.read_csv(folder / "plan.csv", infer_schema=False) if (
        folder / "plan.csv").exists() else None  # fmt: skip
    if lines is None:
        pytest.skip("needs the roster built by the previous test")
    person = lines["person_id"][0]
    # the same officer on a late then an early: 6 hours' rest
    bad = (
        lines.filter(pl.col("person_id") == person)
        .head(2)
        .with_columns(shift_code=pl.Series(["L", "E"]))
    )
    bad.write_csv(folder / "bad.csv")
    checked = run("roster", "check", "bad.csv", "--unit", "C", "-d", url, cwd=folder)
    assert checked.returncode == 2
    assert "daily_rest" in checked.stdout and person in checked.stdout


def test_a_bad_roster_file_names_the_line_and_field(demo_store, tmp_path):
    folder, url = demo_store
    (tmp_path / "broken.csv").write_text("person_id,date,shift_code\nP1,2026-13-01,E\n")
    checked = run("roster", "check", str(tmp_path / "broken.csv"), "--unit", "C", "-d", url,
                  cwd=folder)  # fmt: skip
    assert checked.returncode != 0
    assert "line 2" in checked.stderr and "date" in checked.stderr


def test_the_benchmark_command_solves_checks_and_writes_assignments(tmp_path):
    instance = shared_data("curtois_shift_scheduling", "Instance1.txt")
    done = run("roster", "benchmark", str(instance), "--time-limit", "20", "-o", "out.csv",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "objective 607 (checker: 607)" in done.stdout and "0 breaches" in done.stdout
    out = pl.read_csv(tmp_path / "out.csv")
    assert out.columns == ["employee", "day", "shift"] and out.height > 0


def test_the_benchmark_command_takes_the_neighbourhood_search_and_still_reaches_the_optimum(
    tmp_path,
):
    instance = shared_data("curtois_shift_scheduling", "Instance2.txt")
    done = run("roster", "benchmark", str(instance), "--time-limit", "20", "--lns", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "objective 828 (checker: 828)" in done.stdout and "0 breaches" in done.stdout
