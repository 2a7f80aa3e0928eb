"""The welfare summary over the store (SQLite and PostgreSQL), and its access rules."""

from __future__ import annotations

import polars as pl
import pytest

from forceplan.errors import AccessDeniedError
from forceplan.services.demo import create_demo_force
from forceplan.services.welfare_summary import viewer_for, welfare_summary


@pytest.fixture
def demo(database):
    create_demo_force(database, officers=60, years=1, seed=11)
    return database


def test_occupational_health_sees_every_officer_with_reasons(demo):
    report = welfare_summary(demo, viewer_for(demo, "DEMO", "welfare", None), "DEMO")
    officers = report.officers
    assert officers.height == 60 and officers["person_id"].n_unique() == 60
    flagged = officers.filter(pl.col("alert_count") > 0)
    assert flagged.height > 0
    for row in flagged.iter_rows(named=True):  # never a bare alert
        assert len(row["reasons"]) >= len(row["alerts"]) > 0
    worked = officers.filter(pl.col("tours") > 0)
    assert worked.height > 30 and (worked["worst_peak_kss"].drop_nulls() > 1).all()
    assert officers["rest_days_cancelled"].sum() > 0
    assert report.teams["officers"].sum() == 60


def test_a_supervisor_sees_their_team_and_an_officer_only_themselves(demo):
    full = welfare_summary(demo, viewer_for(demo, "DEMO", "welfare", None), "DEMO").officers
    sergeant = full.filter(pl.col("rank") == "sergeant", pl.col("unit_id").is_not_null()).row(
        0, named=True)
    team = welfare_summary(demo, viewer_for(demo, "DEMO", "supervisor", sergeant["person_id"]),
                           "DEMO")
    assert set(team.officers["unit_id"]) == {sergeant["unit_id"]}
    assert team.officers.height == full.filter(pl.col("unit_id") == sergeant["unit_id"]).height
    me = welfare_summary(demo, viewer_for(demo, "DEMO", "officer", "P00001"), "DEMO")
    assert me.officers["person_id"].to_list() == ["P00001"] and me.teams.height == 0
    planner = welfare_summary(demo, viewer_for(demo, "DEMO", "planner", None), "DEMO")
    assert planner.officers.height == 0 and planner.teams.height > 0
    with pytest.raises(AccessDeniedError):
        welfare_summary(demo, viewer_for(demo, "DEMO", "partner", None), "DEMO")


def test_allocation_suggests_investigators_within_their_safe_caseload(demo):
    import datetime as dt

    from forceplan.errors import NotFoundError
    from forceplan.services.welfare_summary import suggest_investigators

    found = suggest_investigators(demo, "DEMO", 1.5, [], as_of=dt.date(2026, 3, 31), top=3)
    assert 0 < found.height <= 3
    within = found["within_limit"].to_list()
    assert within == sorted(within, reverse=True)  # anyone within the limit comes first
    assert (found.filter("within_limit")["load_after"]
            <= found.filter("within_limit")["safe_limit"]).all()
    with pytest.raises(NotFoundError, match="nosuch"):
        suggest_investigators(demo, "DEMO", 1.0, ["nosuch"], as_of=dt.date(2026, 3, 31))
