"""The roster API: who sees which lines, the cover, edits with a version check (409 on a
stale version), publication, builds and repairs as jobs, rule checks; every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forceplan.services.audit import audit_entries
from forceplan.services.roster_tools import cover_by_hour
from forceplan.store import tables as t
from tests.api.roster_helpers import START, build_unit_plan, wait_for_job

ALL = ("officer", "supervisor", "planner", "analyst", "welfare", "admin", "partner")


@pytest.fixture(scope="module")
def built(store):
    return build_unit_plan(store.database, store.supervisor_unit)


def test_each_role_sees_what_its_work_needs(as_role, store, built, client):
    path = f"/api/v1/roster/plans/{built.plan.id}"
    assert client.get(path).status_code == 401
    seen = {role: as_role(role).get(path) for role in ALL}
    assert {r for r, a in seen.items() if a.status_code == 403} == {"welfare", "partner"}
    everyone = {p for p in built.plan.roster}
    assert {ln["person_id"] for ln in seen["planner"].json()["lines"]} == everyone
    assert {ln["person_id"] for ln in seen["supervisor"].json()["lines"]} == everyone
    assert [ln["person_id"] for ln in seen["officer"].json()["lines"]] == [store.officer]
    analyst = seen["analyst"].json()
    assert analyst["view"] == "cover" and analyst["lines"] == []
    assert len(analyst["cover"]) == built.plan.days * 24
    assert as_role("officer-two").get(path).status_code == 403  # not on this roster


def test_the_cover_series_is_the_engines_required_and_rostered(as_role, built):
    grid = as_role("planner").get(f"/api/v1/roster/plans/{built.plan.id}").json()
    by_hour = {h: c for h, c in enumerate(grid["cover"])}
    for hour, required, rostered in cover_by_hour(built.plan).iter_rows():
        assert (by_hour[hour]["required"], by_hour[hour]["rostered"]) == (required, rostered)
    assert grid["dates"][0] == START.isoformat() and len(grid["dates"]) == 28
    assert {tour["code"] for tour in grid["tours"]} >= {"E", "L", "N"}


def test_plan_lists_follow_scope(as_role, store, built):
    def ids(role, query=""):
        return {p["id"] for p in as_role(role).get(f"/api/v1/roster/plans{query}").json()}

    assert built.plan.id in ids("planner") and built.plan.id in ids("officer")
    assert built.plan.id in ids("supervisor", f"?unit={store.supervisor_unit}")
    assert built.plan.id not in ids("officer-two")
    assert as_role("supervisor").get("/api/v1/roster/plans?unit=C-RESP-A").status_code == 403
    assert as_role("planner").get("/api/v1/roster/plans?unit=NOWHERE").status_code == 404
    assert as_role("partner").get("/api/v1/roster/plans").status_code == 403


def _first_cell(plan):
    person = sorted(plan.roster)[0]
    return person, plan.roster[person][0]


def test_an_edit_quotes_the_version_and_a_stale_one_is_refused(as_role, store, built):
    plan = built.copy(store.database)
    person, old = _first_cell(plan)
    new = "N" if old != "N" else None
    planner, admin = as_role("planner"), as_role("admin")
    change = {"person_id": person, "date": START.isoformat(), "shift_code": new, "seen": old}
    path = f"/api/v1/roster/plans/{plan.id}"
    first = planner.patch(path, json={"expected_version": 1, "changes": [change]})
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 2
    assert first.json()["lines"][0]["shifts"][0] == new
    other = {**change, "shift_code": "E" if new != "E" else "L"}
    stale = admin.patch(path, json={"expected_version": 1, "changes": [other]})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current_version"] == 2 and "version 1" in body["error"]
    assert body["conflicts"] == [
        {
            "person_id": person,
            "date": START.isoformat(),
            "yours": other["shift_code"],
            "seen": old,
            "current": new,
        }
    ]
    assert planner.get(path).json()["version"] == 2  # nothing written
    edits = [e for e in audit_entries(store.database, action="roster.edit")
             if e["object_id"] == plan.id]  # fmt: skip
    assert len(edits) == 1 and edits[0]["username"] == "demo-planner"
    assert edits[0]["detail"]["changes"][0]["shift_code"] == new


def test_only_planners_and_admins_edit_and_publish(as_role, store, built):
    plan = built.copy(store.database)
    person, _ = _first_cell(plan)
    body = {
        "expected_version": 1,
        "changes": [{"person_id": person, "date": START.isoformat(), "shift_code": None}],
    }
    for role in ("supervisor", "officer", "analyst", "welfare", "partner"):
        client = as_role(role)
        assert client.patch(f"/api/v1/roster/plans/{plan.id}", json=body).status_code == 403
        publish = client.post(f"/api/v1/roster/plans/{plan.id}/publish",
                              json={"expected_version": 1})  # fmt: skip
        assert publish.status_code == 403
    bad = {**body, "changes": [{**body["changes"][0], "shift_code": "ZZ"}]}
    assert as_role("planner").patch(f"/api/v1/roster/plans/{plan.id}", json=bad).status_code == 422


def test_publishing_is_version_checked_and_writes_the_duty_roster(as_role, store, built):
    plan = built.copy(store.database)
    planner = as_role("planner")
    path = f"/api/v1/roster/plans/{plan.id}/publish"
    assert planner.post(path, json={"expected_version": 7}).status_code == 409
    done = planner.post(path, json={"expected_version": 1})
    assert done.status_code == 200 and done.json()["status"] == "published"
    r = t.roster_assignments.c
    person, code = _first_cell(plan)
    with store.database.read() as c:
        row = c.execute(select(r.shift_code, r.status).where(
            r.person_id == person, r.date == START)).one()  # fmt: skip
    assert tuple(row) == (code, "published")
    assert any(e["object_id"] == plan.id
               for e in audit_entries(store.database, action="roster.publish"))  # fmt: skip


def test_the_rule_check_lists_breaches_for_planners_and_supervisors(as_role, built):
    path = f"/api/v1/roster/plans/{built.plan.id}/check"
    answer = as_role("supervisor").get(path)
    assert answer.status_code == 200 and isinstance(answer.json()["breaches"], list)
    assert as_role("planner").get(path).status_code == 200
    assert as_role("officer").get(path).status_code == 403
    assert as_role("analyst").get(path).status_code == 403


def test_a_build_runs_as_a_job_with_progress(as_role, store):
    planner = as_role("planner")
    body = {"unit": store.supervisor_unit, "start": START.isoformat(), "weeks": 4,
            "time_limit_seconds": 1}  # fmt: skip
    assert as_role("supervisor").post("/api/v1/roster/builds", json=body).status_code == 403
    assert as_role("analyst").post("/api/v1/roster/builds", json=body).status_code == 403
    answer = planner.post("/api/v1/roster/builds", json=body)
    assert answer.status_code == 202 and answer.json()["kind"] == "roster_build"
    job = wait_for_job(planner, answer.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    plan = planner.get(f"/api/v1/roster/plans/{job['result']['plan_id']}").json()
    assert plan["status"] == "draft" and plan["version"] == 1
    assert job["result"]["objective"] >= job["result"]["bound"] - 1e-6
    built = [e for e in audit_entries(store.database, action="roster.build")
             if e["object_id"] == plan["id"]]  # fmt: skip
    assert built and built[0]["username"] == "demo-planner"


def test_a_build_can_be_cancelled(as_role, store):
    planner = as_role("planner")
    body = {"unit": store.supervisor_unit, "start": START.isoformat(), "weeks": 4,
            "time_limit_seconds": 60}  # fmt: skip
    job_id = planner.post("/api/v1/roster/builds", json=body).json()["id"]
    assert planner.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 200
    assert wait_for_job(planner, job_id, 180)["status"] == "cancelled"


def test_a_supervisor_may_repair_after_sickness(as_role, store, built):
    plan = built.copy(store.database)
    sick = {"person_id": store.officer, "first": START.isoformat(), "last": "2026-04-08"}
    body = {"today": START.isoformat(), "sick": [sick], "time_limit_seconds": 5}
    path = f"/api/v1/roster/plans/{plan.id}/repair"
    assert as_role("analyst").post(path, json=body).status_code == 403
    assert as_role("officer").post(path, json=body).status_code == 403
    supervisor = as_role("supervisor")
    assert supervisor.post(path, json={**body, "sick": []}).status_code == 422
    answer = supervisor.post(path, json=body)
    assert answer.status_code == 202, answer.text
    job = wait_for_job(supervisor, answer.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    repaired = as_role("planner").get(f"/api/v1/roster/plans/{job['result']['plan_id']}").json()
    line = next(ln for ln in repaired["lines"] if ln["person_id"] == store.officer)
    assert line["shifts"][:3] == [None, None, None]
    assert repaired["summary"]["repair_of"] == plan.id
    assert any(e["object_id"] == repaired["id"]
               for e in audit_entries(store.database, action="roster.repair"))  # fmt: skip
