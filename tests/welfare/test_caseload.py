"""Investigators' weighted caseloads and allocation suggestions for a new case."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.welfare.caseload import CaseloadRules, caseloads, suggest_allocation

AS_OF = dt.date(2025, 6, 30)
CASE_SCHEMA = {
    "id": pl.String,
    "category": pl.String,
    "complexity_weight": pl.Float64,
    "investigator_id": pl.String,
    "opened_on": pl.Date,
    "closed_on": pl.Date,
}
INVESTIGATOR_SCHEMA = {
    "person_id": pl.String,
    "unit_id": pl.String,
    "skills": pl.List(pl.String),
    "contracted_hours_per_week": pl.Float64,
    "available": pl.Boolean,
}


def make_cases(rows: list[tuple]) -> pl.DataFrame:
    """Rows of (investigator_id, weight, opened_on, closed_on)."""
    return pl.DataFrame(
        [
            (f"C{i:04d}", "burglary", weight, who, opened, closed)
            for i, (who, weight, opened, closed) in enumerate(rows)
        ],
        schema=CASE_SCHEMA,
        orient="row",
    )


def make_investigators(rows: list[tuple]) -> pl.DataFrame:
    """Rows of (person_id, unit_id, skills, hours, available)."""
    return pl.DataFrame(rows, schema=INVESTIGATOR_SCHEMA, orient="row")


def d(month: int, day: int) -> dt.date:
    return dt.date(2025, month, day)


TEAM = make_investigators(
    [
        ("P1", "CID", ["tier2_interview"], 40.0, True),
        ("P2", "CID", ["tier2_interview", "achieving_best_evidence"], 40.0, True),
        ("P3", "CID", [], 20.0, True),
        ("P4", "PPU", ["tier2_interview", "achieving_best_evidence"], 40.0, False),
    ]
)


def by_person(frame: pl.DataFrame) -> dict[str, dict]:
    return {row["person_id"]: row for row in frame.iter_rows(named=True)}


def test_open_cases_are_counted_on_the_day_and_weighted():
    cases = make_cases(
        [
            ("P1", 1.0, d(1, 10), None),  # open
            ("P1", 2.5, d(6, 30), None),  # opened on the day: open
            ("P1", 1.5, d(3, 1), d(7, 1)),  # closes after the day: open
            ("P1", 4.0, d(2, 1), d(6, 30)),  # closed on the day: not open
            ("P1", 3.0, d(1, 1), d(5, 1)),  # closed before: not open
            ("P1", 2.0, d(7, 1), None),  # opens after the day: not yet
            (None, 9.0, d(1, 1), None),  # unallocated
            ("P2", 2.0, d(1, 1), None),
        ]
    )
    loads = by_person(caseloads(cases, TEAM, AS_OF))
    assert loads["P1"]["open_cases"] == 3
    assert loads["P1"]["weighted_caseload"] == pytest.approx(5.0)
    assert loads["P1"]["reason"] == "3 open cases weighing 5.0 against a safe caseload of 12.0"
    assert loads["P2"]["open_cases"] == 1
    assert loads["P2"]["reason"] == "1 open case weighing 2.0 against a safe caseload of 12.0"
    # Investigators with no case still have a row
    assert loads["P3"]["open_cases"] == 0
    assert loads["P3"]["weighted_caseload"] == 0.0
    assert loads["P3"]["status"] == "within"
    assert set(loads) == {"P1", "P2", "P3", "P4"}


def test_status_against_the_safe_caseload():
    cases = make_cases(
        [("P1", 1.0, d(1, 1), None)] * 14
        + [("P1", 1.5, d(1, 1), None)]  # 14 + 1.5 = 15.5 > 12
        + [("P2", 11.0, d(1, 1), None)]  # 11 / 12 ≥ 0.9
        + [("P4", 10.0, d(1, 1), None)]  # 10 / 12 < 0.9
    )
    loads = caseloads(cases, TEAM, AS_OF)
    rows = by_person(loads)
    assert rows["P1"]["status"] == "over safe caseload"
    assert rows["P1"]["reason"] == "15 open cases weighing 15.5 against a safe caseload of 12.0"
    assert rows["P1"]["load_ratio"] == pytest.approx(15.5 / 12)
    assert rows["P2"]["status"] == "near safe caseload"
    assert rows["P4"]["status"] == "within"
    assert loads["person_id"][0] == "P1"  # most loaded first


def test_exactly_at_the_safe_caseload_is_not_over():
    cases = make_cases([("P1", 6.0, d(1, 1), None), ("P1", 6.0, d(1, 1), None)])
    assert by_person(caseloads(cases, TEAM, AS_OF))["P1"]["status"] == "near safe caseload"


def test_part_timers_have_a_pro_rata_safe_caseload():
    cases = make_cases([("P3", 7.0, d(1, 1), None)])
    rules = CaseloadRules(safe_weighted_caseload=10.0)
    row = by_person(caseloads(cases, TEAM, AS_OF, rules))["P3"]
    assert row["safe_limit"] == pytest.approx(5.0)  # 10 × 20 / 40
    assert row["status"] == "over safe caseload"
    assert row["reason"] == "1 open case weighing 7.0 against a safe caseload of 5.0"


def test_suggestions_rank_by_headroom_and_skip_unavailable_and_unskilled():
    cases = make_cases([("P1", 4.0, d(1, 1), None), ("P2", 2.0, d(1, 1), None)])
    loads = caseloads(cases, TEAM, AS_OF)
    plain = suggest_allocation(1.0, [], loads, TEAM)
    # P4 is unavailable; P3 (part-time, limit 6) has less headroom than P2 (limit 12)
    assert plain["person_id"].to_list() == ["P2", "P1", "P3"]
    assert plain["load_after"].to_list() == pytest.approx([3.0, 5.0, 1.0])
    assert plain["within_limit"].all()
    assert plain["reason"][0] == (
        "caseload 2.0 + 1.0 = 3.0 of a safe caseload of 12.0 (9.0 headroom left)"
    )
    skilled = suggest_allocation(1.0, ["achieving_best_evidence"], loads, TEAM)
    assert skilled["person_id"].to_list() == ["P2"]  # P4 holds it but is away
    assert len(suggest_allocation(1.0, [], loads, TEAM, top=2)) == 2


def test_ties_are_broken_by_person_id():
    team = make_investigators([(p, "CID", ["a"], 40.0, True) for p in ("P9", "P5", "P7")])
    loads = caseloads(make_cases([]), team, AS_OF)
    assert suggest_allocation(1.0, ["a"], loads, team)["person_id"].to_list() == [
        "P5",
        "P7",
        "P9",
    ]


def test_a_case_that_leaves_someone_near_their_limit_says_so():
    cases = make_cases([("P1", 9.0, d(1, 1), None)])
    loads = caseloads(cases, TEAM, AS_OF)
    top = suggest_allocation(2.0, ["tier2_interview"], loads, TEAM)
    row = by_person(top)["P1"]
    assert row["within_limit"]
    assert row["reason"].endswith("near safe caseload after allocation")


def test_when_nobody_fits_the_least_loaded_are_offered_for_escalation():
    cases = make_cases([("P1", 11.0, d(1, 1), None), ("P2", 10.0, d(1, 1), None)])
    loads = caseloads(cases, TEAM, AS_OF)
    out = suggest_allocation(3.0, ["tier2_interview"], loads, TEAM)
    assert out["person_id"].to_list() == ["P2", "P1"]
    assert not out["within_limit"].any()
    assert out["reason"][0] == (
        "caseload 10.0 + 3.0 = 13.0 would exceed the safe caseload of 12.0 by 1.0: "
        "escalate to a supervisor before allocating"
    )


def test_missing_skills_are_named():
    loads = caseloads(make_cases([]), TEAM, AS_OF)
    with pytest.raises(ValueError, match="firearms, surveillance"):
        suggest_allocation(1.0, ["surveillance", "tier2_interview", "firearms"], loads, TEAM)
    away = TEAM.with_columns(available=pl.col("person_id") == "P1")
    with pytest.raises(ValueError, match=r"achieving_best_evidence.*P2, P4"):
        suggest_allocation(1.0, ["achieving_best_evidence"], loads, away)


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="warning_share"):
        CaseloadRules(warning_share=1.5)
    with pytest.raises(ValueError, match="missing column"):
        caseloads(make_cases([]).drop("closed_on"), TEAM, AS_OF)
    loads = caseloads(make_cases([]), TEAM, AS_OF)
    with pytest.raises(ValueError, match="case_weight"):
        suggest_allocation(0.0, [], loads, TEAM)
    with pytest.raises(ValueError, match="no caseload for P2"):
        suggest_allocation(1.0, [], loads.filter(pl.col("person_id") != "P2"), TEAM)


SKILLS = ["a", "b", "c"]
people = st.lists(
    st.tuples(
        st.lists(st.sampled_from(SKILLS), unique=True),
        st.sampled_from([16.0, 20.0, 30.0, 37.5, 40.0]),
        st.booleans(),
        st.lists(st.floats(0.25, 6.0), max_size=8),  # weights of their open cases
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(
    people,
    st.floats(0.25, 8.0),
    st.lists(st.sampled_from(SKILLS), unique=True, max_size=2),
)
def test_top_suggestion_stays_within_the_limit_whenever_someone_could(team, weight, skills):
    investigators = make_investigators(
        [(f"P{i}", "CID", held, hours, up) for i, (held, hours, up, _) in enumerate(team)]
    )
    cases = make_cases(
        [(f"P{i}", w, d(1, 1), None) for i, (*_, weights) in enumerate(team) for w in weights]
    )
    rules = CaseloadRules()
    loads = caseloads(cases, investigators, AS_OF, rules)
    limits = dict(zip(loads["person_id"], loads["safe_limit"], strict=True))
    qualified = {
        f"P{i}": sum(weights)
        for i, (held, _, up, weights) in enumerate(team)
        if up and set(skills) <= set(held)
    }
    if not qualified:
        with pytest.raises(ValueError):
            suggest_allocation(weight, skills, loads, investigators, rules)
        return
    out = suggest_allocation(weight, skills, loads, investigators, rules)
    assert set(out["person_id"]) <= set(qualified)
    top = out.row(0, named=True)
    if any(load + weight <= limits[p] + 1e-9 for p, load in qualified.items()):
        assert top["within_limit"]
        assert top["load_after"] <= top["safe_limit"] + 1e-9
    else:
        assert not out["within_limit"].any()
