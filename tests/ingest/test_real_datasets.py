"""Every incident dataset in ../shared/data imports with its shipped profile, with the counts
an independent reading of the file predicts (skipped when the data is absent)."""

from __future__ import annotations

import polars as pl
import pytest

from forceplan.ingest.importer import import_file
from forceplan.ingest.profile import load_profile, shipped_profiles
from tests.conftest import shared_data


def _raw(path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def test_there_is_a_profile_for_every_incident_dataset():
    assert {
        "us_ecc_cad_2025",
        "milwaukee_cfs_2018_05",
        "sanjose_cfs_sample",
        "policeuk_street",
    } <= set(shipped_profiles())


def test_us_ecc_cad(database, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = shared_data("us_ecc_cad_2025", "cad_2025_weeks35_46.csv")
    raw = _raw(path)
    police = raw.filter(pl.col("Agency") == "POLICE", pl.col("Priority_Number") != "8")
    ts = "%Y-%m-%d %H:%M:%S%.f"
    negative = police.filter(
        pl.col("Incident_First_Close_Time").str.to_datetime(ts, strict=False)
        < pl.col("Incident_Arrival_Time").str.to_datetime(ts, strict=False)
    )
    report = import_file(database, "incidents", path, load_profile("us_ecc_cad_2025"))
    assert report.rows_read == raw.height == 18_915
    assert sum(report.excluded.values()) == raw.height - police.height
    assert report.accepted + report.quarantined == police.height
    assert (report.accepted, report.quarantined) == (11_796, 127)
    problems = {(p["field"], p["reason"]): p["rows"] for p in report.quality["problems"]}
    assert problems[("cleared_at", "is before first_arrival_at")] == negative.height
    assert problems[("id", "required but empty")] == police["Master_Incident_Number"].null_count()
    shift = report.quality["timeliness"]["level_shifts"][0]  # the step up in week 41
    assert shift["week_starting"].startswith("2025-10") and shift["change"] > 0.3
    assert report.quality["clock_changes"]["ambiguous"] > 0  # the span crosses 2 Nov 2025


def test_milwaukee(database, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = shared_data("milwaukee_cfs_2018_05", "milwaukee_cfs_2018-05-01_to_21.csv")
    raw = _raw(path)
    profile = load_profile("milwaukee_cfs_2018_05")
    activities = raw.filter(pl.col("nature").is_in(profile.exclude[0].is_in))
    report = import_file(database, "incidents", path, profile)
    assert sum(report.excluded.values()) == activities.height == 12_901
    assert (report.accepted, report.quarantined) == (raw.height - activities.height, 0)


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_san_jose(database, tmp_path, monkeypatch, year):
    monkeypatch.chdir(tmp_path)
    path = shared_data("sanjose_cfs_sample", f"sanjose_cfs_sample_{year}.csv")
    raw = _raw(path)
    report = import_file(database, "incidents", path, load_profile("sanjose_cfs_sample"))
    repeats = raw.height - raw["CALL_NUMBER"].n_unique()
    assert (report.accepted, report.quarantined) == (raw.height - repeats, repeats)
    assert report.quality["duplicates"] == repeats


def test_police_uk_street_level(database, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = shared_data("uk_policeuk_west_yorkshire", "2016-07-west-yorkshire-street.csv")
    raw = _raw(path)
    report = import_file(database, "incidents", path, load_profile("policeuk_street"))
    assert (report.accepted, report.quarantined) == (raw.height, 0)
    again = import_file(database, "incidents", path, load_profile("policeuk_street"), again=True)
    assert (again.inserted, again.unchanged) == (0, raw.height)  # row keys are stable
