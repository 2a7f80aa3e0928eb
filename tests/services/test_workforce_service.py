"""The workforce projection over the store (SQLite and PostgreSQL): tables that hang together,
scenarios side by side, the rates and their evidence, and the FMS output folder."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from forceplan.errors import ConfigurationError, NotFoundError
from forceplan.services.demo import create_demo_force
from forceplan.services.workforce import (
    WorkforceRequest,
    default_as_of,
    interval_grid,
    project_workforce,
    workforce_rates,
    write_workforce_report,
)
from forceplan.store import tables as t
from forceplan.store.bulk import read_frame
from forceplan.workforce import load_scenario
from forceplan.workforce.scenarios import ScenarioError

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
YEARS = 4


@pytest.fixture
def demo(database):
    create_demo_force(database, officers=60, years=1, seed=11)
    return database


def _freeze(folder: Path) -> Path:
    path = folder / "freeze.toml"
    path.write_text('name = "Freeze"\n[recruitment]\nfreeze_years = [1, 2, 3, 4]\n')
    return path


def _officers(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter((pl.col("measure") == "headcount") & (pl.col("role") == "officers"))


def test_the_projection_starts_from_the_store_and_its_tables_hang_together(demo):
    report = project_workforce(demo, WorkforceRequest(years=YEARS, runs=300, seed=7))
    assert report.force_id == "DEMO" and report.officers_in_post == 60
    fms = report.tables["four_year_projection"]
    start = fms.filter(pl.col("year") == 0)
    officers = _officers(start).row(0, named=True)
    assert officers["y"] == 60 and officers["lo-95"] == officers["hi-95"] == 60
    heads = start.filter(pl.col("measure") == "headcount")
    by_role = dict(zip(heads["role"], heads["y"], strict=True))
    assert by_role["workforce"] == by_role["officers"] + by_role["police_staff"] + by_role["pcso"]
    assert sorted(fms["year"].unique()) == list(range(YEARS + 1))
    later = fms.filter(pl.col("year") > 0)
    assert (later["lo-95"] <= later["lo-80"]).all() and (later["lo-80"] <= later["hi-80"]).all()
    assert (later["hi-80"] <= later["hi-95"]).all()
    assert ((later["lo-95"] - 1e-9 <= later["y"]) & (later["y"] <= later["hi-95"] + 1e-9)).all()
    frontline = later.filter((pl.col("measure") == "headcount") & (pl.col("role") == "frontline"))
    assert (frontline["hi-95"] > frontline["lo-95"]).any()  # real spread, not one run
    # the expected flows start at the same place; the Monte Carlo mean stays near them
    expected = _officers(report.tables["expected_headcount_and_fte"])
    assert expected.filter(pl.col("year") == 0)["y"][0] == 60
    assert abs(expected["y"][-1] - _officers(fms)["y"][-1]) < 3
    flows = report.tables["flows"]
    balance = flows["start"] + flows["joiners"] - flows["leavers"] + flows["transfers_in"] - (
        flows["transfers_out"])
    assert ((balance - flows["end"]).abs() < 1e-6).all()
    assert report.tables["pay_cost"].filter(pl.col("role") == "workforce")["y"].min() > 0
    with demo.read() as connection:  # the demo force sets no leaving dates
        latest_start = read_frame(connection, t.people)["service_start"].max()
    assert report.as_of == latest_start and report.settings()["seed"] == 7


def test_a_recruitment_freeze_ends_below_the_baseline_and_the_folder_is_written(
        demo, tmp_path):
    request = WorkforceRequest(years=YEARS, runs=200, seed=3,
                               scenario_files=(_freeze(tmp_path),))
    report = project_workforce(demo, request)
    comparison = report.tables["scenario_comparison"]
    final = _officers(comparison).filter(pl.col("year") == YEARS)
    values = dict(zip(final["scenario"], final["y"], strict=True))
    exact = dict(zip(final["scenario"], final["expected"], strict=True))
    assert values["Freeze"] < values["baseline"] == 60
    assert exact["Freeze"] < exact["baseline"]
    written = write_workforce_report(report, tmp_path / "fms")
    folder = tmp_path / "fms"
    assert all(path.exists() for path in written)
    for name in ("four_year_projection.csv", "experience_mix.csv", "tutors.csv", "pay_cost.csv",
                 "scenario_comparison.csv", "rates.csv", "summary.md", "report.json",
                 "charts/headcount_fan.png", "charts/experience_mix.svg",
                 "charts/scenario_comparison.png"):
        assert (folder / name).stat().st_size > 0, name
    summary = (folder / "summary.md").read_text()
    for words in ("Four-year projection: headcount by role", "80% interval", "Experience mix",
                  "Tutors", "Pay cost", "Freeze", "Rates and the evidence", "person-years"):
        assert words in summary, words
    document = json.loads((folder / "report.json").read_text())
    assert document["settings"]["seed"] == 3 and document["settings"]["runs"] == 200
    assert document["settings"]["scenarios"][0]["name"] == "Freeze"
    saved = pl.read_csv(folder / "four_year_projection.csv")
    assert saved.height == report.tables["four_year_projection"].height


def test_rates_say_where_each_comes_from_and_the_data_behind_it(demo):
    rates = workforce_rates(demo, "DEMO").calibration.rates
    leaving = rates.filter(pl.col("parameter") == "leaving")
    # the demo force sets no leaving dates: every leaving rate is a national default, with the
    # person-years the records did hold and the reason
    assert set(leaving["source"]) == {"national default"}
    assert leaving["person_years"].sum() > 60 and leaving["note"].is_not_null().all()
    intake = rates.filter(pl.col("parameter") == "intake", pl.col("group") == "officers")
    assert intake["source"][0] == "force records" and intake["events"][0] > 0
    later = workforce_rates(demo, "DEMO", as_of=dt.date(2030, 1, 1)).calibration
    assert later.as_of == dt.date(2030, 1, 1)
    with pytest.raises(NotFoundError, match="no officers in post"):
        workforce_rates(demo, "DEMO", as_of=dt.date(1950, 1, 1))
    with pytest.raises(NotFoundError, match="no force"):
        workforce_rates(demo, "NOPE")


def test_bad_requests_and_scenario_files_are_explained(demo, tmp_path):
    with pytest.raises(ConfigurationError, match="years"):
        project_workforce(demo, WorkforceRequest(years=11))
    bad = tmp_path / "bad.toml"
    bad.write_text("[recruitment]\nintake_multiplyer = 2\n")
    with pytest.raises(ScenarioError, match=r"\[recruitment\] intake_multiplyer"):
        project_workforce(demo, WorkforceRequest(scenario_files=(bad,)))
    clash = tmp_path / "clash.toml"
    clash.write_text('name = "baseline"\n')
    with pytest.raises(ScenarioError, match="names must differ"):
        project_workforce(demo, WorkforceRequest(runs=0, scenario_files=(clash,)))


def test_the_example_scenarios_parse():
    surge = load_scenario(EXAMPLES / "neighbourhood-surge.toml")
    assert surge.surge is not None and surge.surge.role == "neighbourhood"
    assert surge.leaving_multiplier == 0.85 and surge.students_per_tutor == 2
    assert load_scenario(EXAMPLES / "recruitment-freeze.toml").freeze_years == (1, 2)


def test_the_default_date_is_the_records_own_not_the_clock():
    people = pl.DataFrame({
        "service_start": [dt.date(2020, 1, 1), dt.date(2025, 9, 1), dt.date(2031, 1, 1)],
        "leaving_date": [dt.date(2025, 11, 30), None, None]})
    assert default_as_of(people, dt.date(2026, 6, 1))[0] == dt.date(2025, 11, 30)
    assert default_as_of(people.head(0), dt.date(2026, 6, 1))[0] == dt.date(2026, 6, 1)


def test_interval_cells_show_the_mean_then_the_80_and_95_intervals():
    frame = pl.DataFrame({
        "measure": ["headcount", "headcount", "share_under_2_years"],
        "role": ["officers", "officers", "frontline"], "year": [0, 1, 1],
        "ds": [dt.date(2026, 3, 31), dt.date(2027, 3, 31), dt.date(2027, 3, 31)],
        "y": [60.0, 58.4, 0.214], "lo-95": [60.0, 54.0, 0.1], "lo-80": [60.0, 56.0, 0.15],
        "hi-80": [60.0, 61.0, 0.3], "hi-95": [60.0, 63.0, 0.35]})
    grid = interval_grid(frame)
    assert grid.columns == ["role", "2026-03-31", "2027-03-31"]
    assert grid.row(0) == ("officers", "60", "58 (56–61; 54–63)")
    assert grid.row(1) == ("frontline", "", "21% (15–30; 10–35)")
