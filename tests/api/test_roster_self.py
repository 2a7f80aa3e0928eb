"""Officer self-service through the API: my roster, the calendar feed, bids and requests
(read by the next build), leave requests with their effect on cover; all audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from forceplan.services.audit import audit_entries
from forceplan.services.roster_inputs import requests as build_requests
from forceplan.services.roster_inputs import unit_context
from forceplan.services.roster_web import unit_rules
from forceplan.store import tables as t
from tests.api.roster_helpers import START, build_unit_plan


@pytest.fixture(scope="module")
def built(store):
    return build_unit_plan(store.database, store.supervisor_unit)


def test_my_roster_is_my_line_and_a_calendar_feed(as_role, store, built):
    officer = as_role("officer")
    mine = officer.get("/api/v1/me/roster").json()
    assert mine["person_id"] == store.officer and mine["plan"]["id"]
    assert len(mine["days"]) == 28
    feed = officer.get(mine["calendar_url"])
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    worked = sum(1 for _, code in mine["days"] if code)
    assert feed.text.count("BEGIN:VEVENT") == worked > 0
    assert "TZID=Europe/London" in feed.text
    assert as_role("planner").get("/api/v1/me/roster").status_code == 403  # no officer
    assert as_role("partner").get("/api/v1/me/roster.ics").status_code == 403


def test_bids_and_requests_are_stored_for_the_next_build(as_role, store, built):
    officer = as_role("officer")
    day = (START + dt.timedelta(days=3)).isoformat()
    bid = officer.post(
        "/api/v1/me/roster-requests",
        json={"date": day, "wants": "work", "shift_code": "E", "weight": 8},
    )
    assert bid.status_code == 201, bid.text
    off = officer.post("/api/v1/me/roster-requests", json={"date": day, "wants": "off"})
    assert off.status_code == 201
    bad = officer.post("/api/v1/me/roster-requests", json={"date": day, "wants": "work"})
    assert bad.status_code == 422
    rules = unit_rules(store.database, "DEMO", store.supervisor_unit)
    ctx = unit_context(store.database, store.supervisor_unit, "DEMO", rules)
    seen = [r for r in build_requests(store.database, ctx, START, 28)
            if r.officer_id == store.officer]  # fmt: skip
    assert any(r.day == 3 and r.on and r.weight == 8 for r in seen)
    mine = {r["id"] for r in officer.get("/api/v1/me/roster-requests").json()}
    assert {bid.json()["id"], off.json()["id"]} <= mine
    assert as_role("officer-two").delete(f"/api/v1/me/roster-requests/{bid.json()['id']}") \
        .status_code == 404  # fmt: skip
    assert officer.delete(f"/api/v1/me/roster-requests/{bid.json()['id']}").status_code == 204
    assert officer.delete(f"/api/v1/me/roster-requests/{off.json()['id']}").status_code == 204
    actions = {e["action"] for e in audit_entries(store.database, limit=50)}
    assert {"roster.request", "roster.request.withdraw"} <= actions


def test_a_leave_request_is_stored_as_requested_and_shows_its_cost(as_role, store, built):
    officer = as_role("officer")
    # a day the officer works on the plan they see (the store is shared: another module's
    # published plan with their line comes before this module's draft), whose loss leaves
    # the cover shorter
    mine = officer.get("/api/v1/me/roster").json()
    worked = [dt.date.fromisoformat(day) for day, code in mine["days"] if code]
    for first in worked:
        body = {"start": first.isoformat(), "end": (first + dt.timedelta(days=1)).isoformat()}
        preview = officer.get("/api/v1/me/leave-effect", params=body).json()
        if preview["officer_hours_short_after"] > preview["officer_hours_short_now"]:
            break
    else:
        pytest.fail("no day on which the officer's leave would leave the cover shorter")
    assert preview["plan_id"] == mine["plan"]["id"]
    answer = officer.post("/api/v1/me/leave-requests", json=body)
    assert answer.status_code == 201, answer.text
    effect = answer.json()["effect"]
    assert effect == preview and effect["tours_lost"]
    assert len(effect["cover"]) == 48
    assert all(h["rostered_without"] <= h["rostered"] for h in effect["cover"])
    assert sum(h["rostered"] - h["rostered_without"] for h in effect["cover"]) > 0
    assert effect["hours_short_after"] >= effect["hours_short_now"]
    lost_hours = sum(h["rostered"] - h["rostered_without"] for h in effect["cover"])
    gained = effect["officer_hours_short_after"] - effect["officer_hours_short_now"]
    assert 0 < gained <= lost_hours
    a = t.absences.c
    with store.database.read() as c:
        row = c.execute(select(a.person_id, a.status, a.kind).where(
            a.id == answer.json()["id"])).one()  # fmt: skip
    assert tuple(row) == (store.officer, "requested", "annual_leave")
    assert any(e["object_id"] == answer.json()["id"]
               for e in audit_entries(store.database, action="absence.request"))  # fmt: skip
    backwards = {"start": body["end"], "end": body["start"]}
    assert officer.post("/api/v1/me/leave-requests", json=backwards).status_code == 422
