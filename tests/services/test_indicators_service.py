"""Indicators over the store: a force, a unit, a region with disclosure control, Parquet."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from forceplan.errors import NotFoundError
from forceplan.ingest.importer import import_file
from forceplan.services.demo import create_demo_force
from forceplan.services.evidence import evidence_pack, write_charts
from forceplan.services.history import export_incidents
from forceplan.services.indicators import compute_indicators
from tests.ingest.helpers import row, simple_profile, write_csv


@pytest.fixture
def demo(database):
    create_demo_force(database, officers=60, years=1, seed=11)
    return database


def test_force_and_unit_indicators_hang_together(demo):
    force = compute_indicators(demo)
    north = compute_indicators(demo, unit="N")
    assert force.summary["incidents"] == force.tables["demand_by_grade"]["incidents"].sum()
    assert 0 < north.summary["incidents"] < force.summary["incidents"]
    balance = force.tables["balance_by_hour_of_week"]
    assert balance.height == 168 and (balance["officers_on_duty"] > 0).all()
    assert set(force.tables["abstraction_rates"]["kind"]) >= {"annual_leave", "sickness"}
    assert not force.shared and force.tables["demand_by_grade"]["incidents"].null_count() == 0


def test_parquet_history_gives_the_same_demand(demo, tmp_path):
    export_incidents(demo, tmp_path / "history")
    store = compute_indicators(demo)
    parquet = compute_indicators(demo, parquet=tmp_path / "history")
    for name in (
        "demand_by_hour_of_week",
        "demand_by_category",
        "attendance_by_grade",
        "displaced_demand",
    ):
        # Same rows and counts; sums may differ in the last rounded digit (summation order).
        assert_frame_equal(parquet.tables[name], store.tables[name], check_exact=False,
                           abs_tol=0.11)


def test_a_region_is_shared_with_small_counts_withheld(database, tmp_path):
    for force, size in (("AAA", 40), ("BBB", 25)):
        rows = [row(f"{force}{i}", kind="MH" if i % 7 == 0 else "ASB") for i in range(size)]
        fields = {**simple_profile().fields, "force_id": {"value": force}}
        import_file(
            database,
            "incidents",
            write_csv(tmp_path / f"{force}.csv", rows),
            simple_profile(name=f"p{force}", force_id=force, fields=fields),
        )
    report = compute_indicators(
        database, group="North", regions={"North": ["AAA", "BBB"]}, threshold=10
    )
    assert report.shared and report.summary["incidents"] == 65
    by_category = report.tables["demand_by_category"]
    published = by_category.drop_nulls("incidents")
    assert (published["incidents"] >= 10).all()
    assert by_category.filter(pl.col("suppressed")).height != 1
    with pytest.raises(NotFoundError):
        compute_indicators(database, group="South", regions={"North": ["AAA"]})


def test_evidence_pack_and_charts(demo, tmp_path):
    report = compute_indicators(demo)
    pack = evidence_pack(report, tmp_path / "pack")
    assert {p.name for p in pack} >= {"displaced_demand_by_agency_and_month.csv", "summary.md"}
    summary = (tmp_path / "pack" / "summary.md").read_text()
    assert "mental health" in summary and "officer-hours" in summary
    charts = write_charts(report, tmp_path / "charts")
    names = {p.name for p in charts}
    assert {"demand_heatmap.png", "demand_vs_capacity.svg", "ratio_heatmap.png"} <= names
    assert all(p.stat().st_size > 1000 for p in charts)
