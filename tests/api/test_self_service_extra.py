"""Officer self-service extras through the API: leave approval with its effect on cover, shift
swaps (teammate, then supervisor; version-checked; refused when they break a hard rule),
overtime opt-in, the secret calendar feed, and who may do each (401, 403); all audited."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from forceplan.services.access import units_under
from forceplan.services.accounts import create_user
from forceplan.services.audit import audit_entries
from forceplan.services.roster import load_plan, publish_plan, update_plan
from forceplan.services.roster_inputs import leave_days, unit_context
from forceplan.services.roster_self import plan_with
from forceplan.services.roster_web import unit_rules
from forceplan.store import tables as t
from tests.api.conftest import BASE_URL, PASSWORD
from tests.api.roster_helpers import START, build_unit_plan, make_swappable, swap_candidates

MATE = "swap-mate"  # an officer account for the demo officer's teammate
OTHER_SUPERVISOR = "other-sup"  # a supervisor of another unit


@pytest.fixture(scope="module")
def built(store):
    return build_unit_plan(store.database, store.supervisor_unit)


@pytest.fixture(scope="module")
def accounts(store):
    db, settings = store.database, store.settings
    p = t.people.c
    with db.read() as c:
        other_unit = c.execute(
            select(p.unit_id).where(p.force_id == "DEMO", p.id == store.outsider)
        ).scalar_one()
    assert store.supervisor_unit not in units_under(db, "DEMO", other_unit)
    create_user(db, settings, MATE, PASSWORD, "officer", "DEMO", person_id=store.teammate)
    create_user(db, settings, OTHER_SUPERVISOR, PASSWORD, "supervisor", "DEMO", other_unit)


@pytest.fixture(scope="module")
def made_here(store):
    """Plans this module publishes; set back to drafts afterwards, so that other modules'
    officers still see their own module's plan on *my roster*."""
    ids: list[str] = []
    yield ids
    with store.database.transaction() as c:
        c.execute(update(t.roster_plans).where(t.roster_plans.c.id.in_(ids)).values(status="draft"))


@pytest.fixture
def published(store, built, made_here):
    """A fresh published copy of the unit's plan."""
    plan = make_swappable(store.database, built.copy(store.database), store.officer,
                          store.teammate)  # fmt: skip
    made_here.append(plan.id)
    return publish_plan(store.database, plan.id, plan.version)


def _actions(store, action: str) -> list[dict]:
    return audit_entries(store.database, "DEMO", action, limit=500)


def test_the_new_endpoints_need_sign_in(client):
    for method, path in [
        ("get", "/api/v1/approvals/leave"), ("post", "/api/v1/approvals/leave/x"),
        ("get", "/api/v1/approvals/swaps"), ("post", "/api/v1/approvals/swaps/x"),
        ("get", "/api/v1/me/swaps"), ("post", "/api/v1/me/swaps/x/accept"),
        ("get", "/api/v1/me/overtime"), ("get", "/api/v1/overtime/volunteers?date=2026-04-06"),
        ("get", "/api/v1/me/calendar-feed"), ("post", "/api/v1/me/calendar-feed"),
        ("get", "/api/v1/me/leave-requests"),
    ]:  # fmt: skip
        assert getattr(client, method)(path).status_code == 401, path
    assert client.get("/api/v1/calendar/not-a-token.ics").status_code == 404


# --- leave ----------------------------------------------------------------------------------
def _request_leave(client: TestClient, start: dt.date, days: int = 2) -> str:
    body = {"start": start.isoformat(), "end": (start + dt.timedelta(days=days - 1)).isoformat()}
    answer = client.post("/api/v1/me/leave-requests", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def test_a_supervisor_approves_leave_seeing_its_effect_and_it_counts_as_absence(
    as_role, store, built, accounts
):
    officer = as_role("officer")
    shown = plan_with(store.database, "DEMO", store.officer)  # the plan my roster shows
    worked = [shown.date_of(d) for d, c in sorted(shown.roster[store.officer].items())
              if c and d >= 20]  # fmt: skip
    leave_id = _request_leave(officer, worked[0])
    decide = f"/api/v1/approvals/leave/{leave_id}"
    assert officer.get("/api/v1/approvals/leave").status_code == 403
    assert officer.post(decide, json={"decision": "approve"}).status_code == 403
    other = as_role(OTHER_SUPERVISOR)
    assert leave_id not in {p["id"] for p in other.get("/api/v1/approvals/leave").json()}
    assert other.post(decide, json={"decision": "approve"}).status_code == 403
    assert as_role("analyst").post(decide, json={"decision": "approve"}).status_code == 403

    supervisor = as_role("supervisor")
    pending = {p["id"]: p for p in supervisor.get("/api/v1/approvals/leave").json()}
    effect = pending[leave_id]["effect"]
    assert pending[leave_id]["person_id"] == store.officer
    assert effect["plan_id"] == shown.id
    assert effect["tours_lost"] and effect["tours_lost"][0][0] == worked[0].isoformat()
    assert sum(h["rostered"] - h["rostered_without"] for h in effect["cover"]) > 0
    done = supervisor.post(decide, json={"decision": "approve", "reason": "cover is fine"})
    assert done.status_code == 200, done.text
    assert done.json()["outcome"] == "approved"
    assert supervisor.post(decide, json={"decision": "refuse"}).status_code == 409
    mine = {r["id"]: r for r in officer.get("/api/v1/me/leave-requests").json()}
    assert mine[leave_id]["status"] == "approved"
    assert mine[leave_id]["decision_reason"] == "cover is fine"
    # approved leave is an absence for the next build (and every reader of approved absences)
    rules = unit_rules(store.database, "DEMO", store.supervisor_unit)
    ctx = unit_context(store.database, store.supervisor_unit, "DEMO", rules)
    away = leave_days(store.database, ctx, START, START + dt.timedelta(days=27))
    assert worked[0] in away[store.officer]
    entry = next(e for e in _actions(store, "leave.approve") if e["object_id"] == leave_id)
    assert entry["username"] == "demo-supervisor" and entry["detail"]["tours_lost"] >= 1


def test_a_planner_refuses_leave_and_nobody_decides_their_own(as_role, store, built):
    officer = as_role("officer")
    rules = unit_rules(store.database, "DEMO", store.supervisor_unit)
    ctx = unit_context(store.database, store.supervisor_unit, "DEMO", rules)
    last = START + dt.timedelta(days=27)
    # a day with no leave yet: the approval test above approves two days from day 20 onwards,
    # which of them depends on the roster shown, so a fixed day could already be on leave
    before = leave_days(store.database, ctx, START, last).get(store.officer, set())
    day = next(START + dt.timedelta(days=d) for d in range(24, 0, -1)
               if START + dt.timedelta(days=d) not in before)  # fmt: skip
    leave_id = _request_leave(officer, day, 1)
    refused = as_role("planner").post(
        f"/api/v1/approvals/leave/{leave_id}", json={"decision": "refuse", "reason": "training"}
    )
    assert refused.status_code == 200 and refused.json()["outcome"] == "refused"
    mine = {r["id"]: r for r in officer.get("/api/v1/me/leave-requests").json()}
    assert mine[leave_id]["status"] == "refused"
    away = leave_days(store.database, ctx, START, last)
    assert day not in away.get(store.officer, set())
    assert any(e["object_id"] == leave_id for e in _actions(store, "leave.refuse"))
    supervisor = as_role("supervisor")
    own = _request_leave(supervisor, START + dt.timedelta(days=26), 1)
    assert own not in {p["id"] for p in supervisor.get("/api/v1/approvals/leave").json()}
    assert supervisor.post(f"/api/v1/approvals/leave/{own}",
                           json={"decision": "approve"}).status_code == 403  # fmt: skip
    assert as_role("planner").post("/api/v1/approvals/leave/LR-nothing",
                                   json={"decision": "approve"}).status_code == 404  # fmt: skip


# --- swaps ----------------------------------------------------------------------------------
def _propose_some_swap(officer: TestClient, plan, store) -> dict:
    """Propose the first swap the checker allows."""
    for mine, theirs in swap_candidates(plan, store.officer, store.teammate):
        answer = officer.post("/api/v1/me/swaps", json={
            "plan_id": plan.id, "my_date": plan.date_of(mine).isoformat(),
            "teammate_id": store.teammate, "their_date": plan.date_of(theirs).isoformat(),
            "note": "childcare"})  # fmt: skip
        if answer.status_code == 201:
            return answer.json()
        assert answer.status_code == 422, answer.text
    raise AssertionError("no swap the rules allow")


def test_a_swap_is_accepted_then_approved_and_changes_the_published_roster(
    as_role, store, published, accounts
):
    officer, mate = as_role("officer"), as_role(MATE)
    swap = _propose_some_swap(officer, published, store)
    assert swap["status"] == "proposed" and len(swap["cells"]) in (2, 4)  # one day or two
    accept = f"/api/v1/me/swaps/{swap['id']}/accept"
    assert as_role("officer-two").post(accept).status_code == 403  # not addressed to them
    assert officer.post(accept).status_code == 403  # the proposer cannot accept it
    assert swap["id"] in {s["id"] for s in mate.get("/api/v1/me/swaps").json()}
    assert mate.post(accept).json()["status"] == "accepted"
    assert mate.post(accept).status_code == 409

    decide = f"/api/v1/approvals/swaps/{swap['id']}"
    body = {"decision": "approve", "expected_version": published.version}
    assert officer.post(decide, json=body).status_code == 403
    assert mate.post(decide, json=body).status_code == 403
    assert as_role(OTHER_SUPERVISOR).post(decide, json=body).status_code == 403
    supervisor = as_role("supervisor")
    waiting = {s["id"]: s for s in supervisor.get("/api/v1/approvals/swaps").json()}
    assert waiting[swap["id"]]["plan_version"] == published.version
    done = supervisor.post(decide, json=body)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "approved"
    after = load_plan(store.database, published.id)
    assert after.version == published.version + 1
    r = t.roster_assignments.c
    for cell in swap["cells"]:
        date = dt.date.fromisoformat(cell["date"])
        assert after.roster[cell["person_id"]][(date - after.start_date).days] == cell["after"]
        with store.database.read() as c:
            code = c.execute(select(r.shift_code).where(
                r.force_id == "DEMO", r.person_id == cell["person_id"], r.date == date,
                r.status == "published")).scalar_one()  # fmt: skip
        assert code == cell["after"]
    for action in ("swap.propose", "swap.accept", "swap.approve"):
        assert any(e["object_id"] == swap["id"] for e in _actions(store, action)), action


def test_approving_a_swap_on_a_stale_version_is_a_conflict(as_role, store, published, accounts):
    swap = _propose_some_swap(as_role("officer"), published, store)
    assert as_role(MATE).post(f"/api/v1/me/swaps/{swap['id']}/accept").status_code == 200
    other = next(p for p in sorted(published.roster) if p not in (store.officer, store.teammate))
    update_plan(store.database, published.id, published.version,
                [(other, published.start_date, None)])  # a planner's edit  # fmt: skip
    answer = as_role("planner").post(
        f"/api/v1/approvals/swaps/{swap['id']}",
        json={"decision": "approve", "expected_version": published.version},
    )
    assert answer.status_code == 409
    assert f"version {published.version + 1}" in answer.json()["error"]
    assert "swap was not made" in answer.json()["error"]
    assert load_plan(store.database, published.id).version == published.version + 1
    mine = {s["id"]: s for s in as_role("officer").get("/api/v1/me/swaps").json()}
    assert mine[swap["id"]]["status"] == "accepted"  # still waiting: nothing changed
    refused = as_role("planner").post(f"/api/v1/approvals/swaps/{swap['id']}",
                                      json={"decision": "refuse", "reason": "late"})  # fmt: skip
    assert refused.json()["status"] == "refused" and refused.json()["decision_reason"] == "late"


def test_a_swap_that_leaves_less_than_11_hours_rest_is_refused(
    as_role, store, built, accounts, made_here
):
    plan = built.copy(store.database)
    made_here.append(plan.id)
    day = 6
    late_then_rest = [(store.officer, plan.date_of(day - 1), "L"),
                      (store.officer, plan.date_of(day), None),
                      (store.teammate, plan.date_of(day), "E")]  # fmt: skip
    plan = update_plan(store.database, plan.id, plan.version, late_then_rest)
    plan = publish_plan(store.database, plan.id, plan.version)
    date = plan.date_of(day).isoformat()
    answer = as_role("officer").post("/api/v1/me/swaps", json={
        "plan_id": plan.id, "my_date": date, "teammate_id": store.teammate,
        "their_date": date})  # fmt: skip
    assert answer.status_code == 422, answer.text
    assert "daily_rest" in answer.json()["error"] and store.officer in answer.json()["error"]
    assert not [s for s in as_role(MATE).get("/api/v1/me/swaps").json()
                if s["plan_id"] == plan.id]  # nothing stored  # fmt: skip


def test_swaps_only_within_a_published_plan_and_the_unit(as_role, store, built, published):
    officer = as_role("officer")
    date = START.isoformat()
    draft = officer.post("/api/v1/me/swaps", json={
        "plan_id": built.plan.id, "my_date": date, "teammate_id": store.teammate,
        "their_date": date})  # fmt: skip
    assert draft.status_code == 422 and "published" in draft.json()["error"]
    outsider = officer.post("/api/v1/me/swaps", json={
        "plan_id": published.id, "my_date": date, "teammate_id": store.outsider,
        "their_date": date})  # fmt: skip
    assert outsider.status_code == 422
    assert as_role("officer-two").post("/api/v1/me/swaps", json={
        "plan_id": published.id, "my_date": date, "teammate_id": store.teammate,
        "their_date": date}).status_code == 404  # not on that roster  # fmt: skip


def test_the_proposer_withdraws_a_swap(as_role, store, published, accounts):
    officer = as_role("officer")
    swap = _propose_some_swap(officer, published, store)
    assert as_role(MATE).post(f"/api/v1/me/swaps/{swap['id']}/withdraw").status_code == 403
    assert officer.post(f"/api/v1/me/swaps/{swap['id']}/withdraw").json()["status"] == "withdrawn"
    assert as_role(MATE).post(f"/api/v1/me/swaps/{swap['id']}/accept").status_code == 409
    assert any(e["object_id"] == swap["id"] for e in _actions(store, "swap.withdraw"))


# --- overtime -------------------------------------------------------------------------------
def test_overtime_offers_are_seen_by_supervisors_in_scope(as_role, store, accounts):
    officer = as_role("officer")
    day = (START + dt.timedelta(days=40)).isoformat()
    offer = officer.post("/api/v1/me/overtime", json={"date": day, "hours": 4, "note": "lates"})
    assert offer.status_code == 201, offer.text
    again = officer.post("/api/v1/me/overtime", json={"date": day, "hours": 2})
    assert again.status_code == 422
    assert officer.post("/api/v1/me/overtime", json={"date": day, "hours": 20}).status_code == 422
    seen = as_role("supervisor").get("/api/v1/overtime/volunteers", params={"date": day}).json()
    assert [(v["person_id"], v["hours"], v["note"]) for v in seen] == [(store.officer, 4, "lates")]
    assert as_role("planner").get("/api/v1/overtime/volunteers", params={"date": day}).json()
    assert as_role(OTHER_SUPERVISOR).get("/api/v1/overtime/volunteers",
                                         params={"date": day}).json() == []  # fmt: skip
    assert officer.get("/api/v1/overtime/volunteers", params={"date": day}).status_code == 403
    offer_id = offer.json()["id"]
    assert as_role("officer-two").delete(f"/api/v1/me/overtime/{offer_id}").status_code == 404
    assert officer.delete(f"/api/v1/me/overtime/{offer_id}").status_code == 204
    assert as_role("planner").get("/api/v1/overtime/volunteers", params={"date": day}).json() == []
    assert any(e["object_id"] == offer_id for e in _actions(store, "overtime.offer"))
    assert any(e["object_id"] == offer_id for e in _actions(store, "overtime.withdraw"))


# --- the calendar feed ----------------------------------------------------------------------
def _uids(ics: str) -> list[str]:
    return [line for line in ics.splitlines() if line.startswith("UID:")]


def test_the_feed_url_works_without_a_session_until_revoked(as_role, store, built, app):
    officer = as_role("officer")
    assert officer.get("/api/v1/me/calendar-feed").json()["active"] is False
    made = officer.post("/api/v1/me/calendar-feed")
    assert made.status_code == 201 and made.json()["active"]
    url = made.json()["url"]
    path = url.removeprefix(BASE_URL)
    assert path.startswith("/api/v1/calendar/") and path.endswith(".ics")
    with TestClient(app, base_url=BASE_URL) as anonymous:  # no cookie, no CSRF token
        feed = anonymous.get(path)
        assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
        signed = officer.get("/api/v1/me/roster.ics").text
        assert feed.text.count("BEGIN:VEVENT") == signed.count("BEGIN:VEVENT") > 0
        assert _uids(feed.text) == _uids(signed)  # the same tours as my roster
        assert officer.get("/api/v1/me/calendar-feed").json()["url"] is None  # shown once
        renewed = officer.post("/api/v1/me/calendar-feed").json()["url"].removeprefix(BASE_URL)
        assert anonymous.get(path).status_code == 404  # the old URL stops
        assert anonymous.get(renewed).status_code == 200
        assert officer.delete("/api/v1/me/calendar-feed").status_code == 204
        assert anonymous.get(renewed).status_code == 404
        assert officer.delete("/api/v1/me/calendar-feed").status_code == 404
    assert as_role("planner").post("/api/v1/me/calendar-feed").status_code == 403  # no officer
    creations = [e for e in _actions(store, "calendar_feed.create")
                 if e["username"] == "demo-officer"]  # fmt: skip
    assert len(creations) >= 2 and _actions(store, "calendar_feed.revoke")


def test_a_disabled_account_s_feed_stops(as_role, store, built, app, accounts):
    mate = as_role(MATE)
    path = mate.post("/api/v1/me/calendar-feed").json()["url"].removeprefix(BASE_URL)
    with TestClient(app, base_url=BASE_URL) as anonymous:
        assert anonymous.get(path).status_code == 200
        assert as_role("admin").post(f"/api/v1/users/{MATE}/disable").status_code == 200
        assert anonymous.get(path).status_code == 404
