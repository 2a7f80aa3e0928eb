"""On the real US CAD export, police incidents by hour of the week match an independent count."""

from __future__ import annotations

import polars as pl

from forceplan.ingest.importer import import_file
from forceplan.ingest.profile import load_profile
from forceplan.services.indicators import compute_indicators
from tests.conftest import shared_data


def test_us_ecc_hour_of_week_matches_an_independent_count(database, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = shared_data("us_ecc_cad_2025", "cad_2025_weeks35_46.csv")
    import_file(database, "incidents", path, load_profile("us_ecc_cad_2025"))
    report = compute_indicators(database, force="USECC")
    ours = dict(
        report.tables["demand_by_hour_of_week"].select("hour_of_week", "incidents").iter_rows()
    )
    # Independent: the export's own local times, police rows kept by the same rules as the
    # import (not off-duty, a known priority, a number, times in order) counted with Polars.
    raw = pl.read_csv(path, infer_schema=False)
    ts = "%Y-%m-%d %H:%M:%S%.f"
    kept = (
        raw.filter(
            pl.col("Agency") == "POLICE",
            pl.col("Priority_Number").is_in(["1", "2", "3", "4"]),
            pl.col("Master_Incident_Number").is_not_null(),
        )
        .with_columns(
            [
                pl.col(c).str.to_datetime(ts, strict=False).alias(c)
                for c in ("Response_Date", "Incident_Arrival_Time", "Incident_First_Close_Time")
            ]
        )
        .filter(
            ~(pl.col("Incident_Arrival_Time") < pl.col("Response_Date")).fill_null(False),
            ~(pl.col("Incident_First_Close_Time") < pl.col("Response_Date")).fill_null(False),
            ~(pl.col("Incident_First_Close_Time") < pl.col("Incident_Arrival_Time")).fill_null(
                False
            ),
        )
    )
    how = (kept["Response_Date"].dt.weekday().cast(pl.Int32) - 1) * 24 + kept[
        "Response_Date"
    ].dt.hour().cast(pl.Int32)
    independent = dict(how.value_counts().iter_rows())
    assert sum(ours.values()) == kept.height
    assert ours == independent
