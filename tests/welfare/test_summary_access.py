"""The welfare summary gives reasons with every alert; the access rules decide who sees it."""

from __future__ import annotations

import polars as pl
import pytest

from forceplan.errors import AccessDeniedError
from forceplan.welfare.access import Viewer, personal_rows, team_rows
from forceplan.welfare.summary import (
    TEAM_COUNTS,
    WelfareThresholds,
    officer_summary,
    reasons_and_alerts,
    team_summary,
)


def test_alerts_only_past_thresholds_and_always_with_a_reason():
    limits = WelfareThresholds()
    quiet = {"rest_days_owed": 2, "fatigue_risk_tours": 1, "hours_kss_8_plus": 0.5,
             "worst_peak_kss": 8.1}
    reasons, alerts = reasons_and_alerts(quiet, limits)
    assert alerts == []
    assert "2 rest day(s) owed" in reasons and any("KSS ≥ 8" in r for r in reasons)
    loud = {**quiet, "rest_days_owed": 6, "fatigue_risk_tours": 3, "working_time_breaches": 1,
            "working_time_detail": ["7.0 h rest between tours (at least 11.0 h)"],
            "trim_referral": True, "trauma_reason": "26 traumatic incidents within 90 days",
            "caseload_status": "over safe caseload", "caseload_reason": "15 open cases"}
    reasons, alerts = reasons_and_alerts(loud, limits)
    assert set(alerts) == {"rest days owed", "fatigue", "working time", "TRiM referral",
                           "caseload"}
    assert "6 rest day(s) owed" in reasons
    assert any("7.0 h rest between tours" in r for r in reasons)
    assert len(reasons) >= len(alerts)


def officers_frame():
    people = pl.DataFrame({"force_id": ["F", "F", "F", "G"],
                           "person_id": ["A", "B", "C", "D"],
                           "unit_id": ["U1", "U1", "U2", "U1"]})
    owed = pl.DataFrame({"person_id": ["A", "C"], "rest_days_owed": [7, 1]})
    return officer_summary(people, [owed])


def test_summary_orders_by_alerts_and_totals_teams():
    summary = officers_frame()
    assert summary["person_id"][0] == "A" and summary["alert_count"][0] == 1
    assert summary.filter(pl.col("person_id") == "B")["reasons"][0].to_list() == []
    teams = team_summary(summary)
    u1 = teams.filter((pl.col("force_id") == "F") & (pl.col("unit_id") == "U1")).row(
        0, named=True)
    assert u1["officers"] == 2 and u1["rest_day_alerts"] == 1 and u1["rest_days_owed"] == 7


def test_an_officer_sees_only_themselves():
    rows = personal_rows(Viewer("officer", "F", person_id="B"), officers_frame())
    assert rows["person_id"].to_list() == ["B"]
    with pytest.raises(AccessDeniedError):
        team_rows(Viewer("officer", "F", person_id="B"), team_summary(officers_frame()),
                  TEAM_COUNTS)


def test_a_supervisor_sees_their_units_and_welfare_their_whole_force():
    supervisor = Viewer("supervisor", "F", person_id="S", unit_ids=frozenset({"U2"}))
    assert personal_rows(supervisor, officers_frame())["person_id"].to_list() == ["C"]
    everyone = personal_rows(Viewer("welfare", "F"), officers_frame())
    assert sorted(everyone["person_id"]) == ["A", "B", "C"]  # not force G's officer


@pytest.mark.parametrize("role", ["planner", "analyst", "admin", "partner"])
def test_no_personal_welfare_data_for_other_roles(role):
    with pytest.raises(AccessDeniedError):
        personal_rows(Viewer(role, "F"), officers_frame())


def test_team_totals_hide_small_counts_from_planners_and_refuse_partners():
    teams = team_summary(officers_frame())
    shown = team_rows(Viewer("planner", "F"), teams, TEAM_COUNTS)
    u1 = shown.filter(pl.col("unit_id") == "U1").row(0, named=True)
    assert u1["officers"] is None and u1["rest_days_owed"] is None  # 2 officers: all hidden
    full = team_rows(Viewer("welfare", "F"), teams, TEAM_COUNTS)
    assert full.filter(pl.col("unit_id") == "U1")["officers"][0] == 2
    with pytest.raises(AccessDeniedError):
        team_rows(Viewer("partner", "F"), teams, TEAM_COUNTS)


def test_views_need_who_is_asking():
    with pytest.raises(AccessDeniedError):
        Viewer("officer", "F")
    with pytest.raises(AccessDeniedError):
        Viewer("supervisor", "F", person_id="S")
    with pytest.raises(AccessDeniedError):
        Viewer("superuser", "F")
