"""Force Management Statement tables from projections."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from forceplan.workforce.model import fixed_intake, no_intake
from forceplan.workforce.projection import project_expected, project_monte_carlo
from forceplan.workforce.report import (
    INTERVAL_COLUMNS,
    experience_mix,
    flows,
    fms_tables,
    four_year_projection,
    pay_cost,
    skills_coverage,
    tutor_ratio,
)
from tests.workforce import AS_OF, default_calibration, state, toy_model

MODEL = default_calibration().model
FORCE = {("response", s): 30 for s in range(25)} | {("student_dhep", 0): 60,
                                                   ("neighbourhood", 1): 20,
                                                   ("sergeant", 12): 40}


def test_four_year_projection_has_ordered_80_and_95_percent_intervals() -> None:
    plan = fixed_intake(MODEL, 10, {"dhep": 40.0, "pcda": 20.0})
    p = project_monte_carlo(MODEL, state(MODEL, FORCE), plan, 300, np.random.default_rng(3),
                            AS_OF)
    table = four_year_projection(p)
    assert sorted(table["year"].unique()) == [0, 1, 2, 3, 4]
    assert set(table["measure"]) == {"headcount", "fte"}
    assert {"student_officer", "response", "officers", "workforce", "frontline"} <= set(
        table["role"])
    assert table.filter(pl.col("year") == 4)["ds"][0] == dt.date(2029, 3, 31)
    later = table.filter((pl.col("year") > 0) & (pl.col("role") == "officers"))
    for row in later.iter_rows(named=True):
        assert row["lo-95"] <= row["lo-80"] <= row["y"] <= row["hi-80"] <= row["hi-95"]
        assert row["hi-95"] > row["lo-95"]
    today = table.filter((pl.col("year") == 0) & (pl.col("unique_id") == "headcount:officers"))
    assert today["y"][0] == 30 * 25 + 60 + 20 + 40 == today["hi-95"][0]


def test_a_deterministic_projection_has_no_intervals() -> None:
    p = project_expected(MODEL, state(MODEL, FORCE), no_intake(MODEL, 2), AS_OF)
    table = four_year_projection(p)
    assert table.height == 2 * 3 * (len({*MODEL.groups} - {"student_pcda", "student_dhep",
                                                             "student_pcep",
                                                             "student_detective"}) + 4)
    assert all(table[c].null_count() == table.height for c in INTERVAL_COLUMNS)


def test_experience_mix_counts_service_under_2_and_5_years() -> None:
    model = toy_model(leaving=0.0, routes=())
    initial = state(model, {("response", 0): 10, ("response", 3): 30, ("response", 9): 60,
                            ("neighbourhood", 4): 10})
    p = project_expected(model, initial, no_intake(model, 2))
    mix = experience_mix(p)

    def share(measure: str, role: str, year: int) -> float:
        row = mix.filter((pl.col("measure") == measure) & (pl.col("role") == role)
                         & (pl.col("year") == year))
        return row["y"][0]
    assert share("share_under_2_years", "response", 0) == pytest.approx(0.1)
    assert share("share_under_5_years", "response", 0) == pytest.approx(0.4)
    assert share("share_under_2_years", "response", 1) == pytest.approx(0.1)  # 0 → 1 year
    assert share("share_under_5_years", "response", 1) == pytest.approx(0.4)  # 3 → 4
    assert share("share_under_2_years", "response", 2) == pytest.approx(0.0)  # 1 → 2
    assert share("share_under_5_years", "response", 2) == pytest.approx(0.1)  # 4 → 5
    assert share("share_under_5_years", "frontline", 0) == pytest.approx(50 / 110)
    assert share("share_under_2_years", "firearms", 0) is None  # nobody there


def test_pay_cost_is_people_times_fte_times_the_annual_cost() -> None:
    model = toy_model(leaving=0.0, routes=())
    model = model.replace(fte_per_head=np.full(len(model.groups), 0.5))
    p = project_expected(model, state(model, {("response", 2): 10, ("sergeant", 8): 2}),
                         no_intake(model, 1))
    cost = pay_cost(p).filter(pl.col("year") == 0)
    values = dict(zip(cost["role"], cost["y"], strict=True))
    assert values["response"] == pytest.approx(10 * 0.5 * 50_000)
    assert values["workforce"] == pytest.approx(12 * 0.5 * 50_000)


def test_tutor_ratio_and_flows_balance() -> None:
    model = toy_model(leaving=0.05, tutor_share=0.5)
    initial = state(model, {("response", 5): 100, ("student_dhep", 0): 25})
    p = project_expected(model, initial, fixed_intake(model, 3, {"dhep": 10.0}), AS_OF)
    ratio = tutor_ratio(p)
    first = ratio.filter(pl.col("year") == 0)
    values = dict(zip(first["measure"], first["y"], strict=True))
    assert values == {"tutors": 50.0, "first_year_students": 25.0, "students_per_tutor": 0.5}
    table = flows(p)
    gap = table["start"] + table["joiners"] - table["leavers"] + table["transfers_in"] - table[
        "transfers_out"] - table["end"]
    assert gap.abs().max() < 1e-9
    assert set(table["year"]) == {1, 2, 3}


def test_skills_coverage_counts_holders_expiries_and_requirement() -> None:
    model = toy_model(leaving=0.0, routes=())
    p = project_expected(model, state(model, {("firearms", 5): 100, ("response", 5): 200}),
                         no_intake(model, 3))
    held = pl.DataFrame({"group": ["firearms", "response", "firearms"],
                         "code": ["firearms_afo", "taser", "advanced_driver"],
                         "holder_share": [0.9, 0.3, 0.5], "annual_expiry_share": [1.0, 1.0, 0.0]})
    full = skills_coverage(p, held, {"firearms_afo": 120})
    afo = full.filter(pl.col("role") == "firearms_afo").sort("year")
    assert afo["y"].to_list() == pytest.approx([90.0] * 4)
    assert afo["coverage"][0] == pytest.approx(0.75)
    assert afo["renewals_due"][0] == pytest.approx(90.0)
    lapsing = skills_coverage(p, held, renewal_share=0.5).filter(
        pl.col("role") == "taser").sort("year")
    assert lapsing["y"].to_list() == pytest.approx([60.0, 30.0, 15.0, 7.5])
    driver = skills_coverage(p, held, renewal_share=0.0).filter(pl.col("role") == "advanced_driver")
    assert driver["y"].to_list() == pytest.approx([50.0] * 4)  # does not expire


def test_fms_tables_cover_the_workforce_section() -> None:
    p = project_monte_carlo(MODEL, state(MODEL, FORCE), fixed_intake(MODEL, 6, {"dhep": 30.0}),
                            50, np.random.default_rng(0), AS_OF)
    held = pl.DataFrame({"group": ["response"], "code": ["taser"], "holder_share": [0.4],
                         "annual_expiry_share": [1.0]})
    tables = fms_tables(p, held, {"taser": 100})
    assert set(tables) == {"headcount_and_fte", "experience_mix", "tutors", "recruitment",
                           "pay_cost", "flows", "skills_coverage"}
    assert all(t["year"].max() == 4 for t in tables.values())
    recruits = tables["recruitment"].filter(pl.col("year") == 1)
    values = dict(zip(recruits["unique_id"], recruits["y"], strict=True))
    assert values["joiners:officers"] == pytest.approx(30.0)
    assert values["candidates_needed:officers"] == pytest.approx(30.0 * 3.1646, rel=1e-3)
