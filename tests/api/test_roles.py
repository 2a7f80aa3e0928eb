"""What each role can and cannot see through the API (403 outside its role or scope)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

from forceplan.services.audit import audit_entries

ALL = ("officer", "supervisor", "planner", "analyst", "welfare", "admin", "partner")


def _allowed(clients, path: str) -> set[str]:
    return {role for role in ALL if clients(role).get(path).status_code == 200}


def test_demand_is_for_everyone_in_the_force_and_partners_see_it_withheld(as_role):
    planner = as_role("planner").get("/api/v1/indicators").json()
    partner = as_role("partner").get("/api/v1/indicators").json()
    assert not planner["shared"] and partner["shared"]
    assert planner["summary"]["incidents"] > 1000
    assert as_role("officer").get("/api/v1/indicators?unit=N").status_code == 200
    displaced = as_role("analyst").get("/api/v1/displaced-demand").json()
    assert {r["attributed_agency"] for r in displaced["by_agency"]} >= {"mental_health"}
    assert as_role("analyst").get("/api/v1/indicators?unit=NOWHERE").status_code == 404


@pytest.mark.parametrize(
    ("path", "roles"),
    [
        ("/api/v1/data-quality", {"planner", "analyst", "admin"}),
        ("/api/v1/forecasts", {"planner", "analyst", "admin", "supervisor"}),
        ("/api/v1/users", {"admin"}),
        ("/api/v1/audit", {"admin"}),
        ("/api/v1/jobs", set(ALL) - {"partner"}),
    ],
)
def test_each_role_sees_only_what_its_work_needs(as_role, path, roles):
    assert _allowed(as_role, path) == roles


def test_data_quality_reports_the_imported_file(as_role):
    datasets = as_role("planner").get("/api/v1/data-quality").json()
    assert [d["file_name"] for d in datasets] == ["cad.csv"]


def test_forecast_runs_and_values(as_role, store):
    runs = as_role("analyst").get("/api/v1/forecasts").json()
    assert [r["run_id"] for r in runs] == [store.run_id]
    values = as_role("analyst").get(f"/api/v1/forecasts/{store.run_id}/values").json()
    assert len(values["values"]) == 14 and values["values"][0]["yhat"] >= 0
    assert as_role("analyst").get("/api/v1/forecasts/nope/values").status_code == 404
    assert as_role("officer").get(f"/api/v1/forecasts/{store.run_id}/values").status_code == 403


def test_staffing_requirement_for_supervisors_and_planners(as_role):
    answer = as_role("supervisor").get("/api/v1/staffing?unit=N")
    assert answer.status_code == 200 and len(answer.json()["by_hour"]) == 168
    assert as_role("officer").get("/api/v1/staffing").status_code == 403
    assert as_role("partner").get("/api/v1/staffing").status_code == 403


def test_welfare_follows_the_access_rules(as_role, store):
    mine = as_role("officer").get("/api/v1/welfare").json()
    assert [o["person_id"] for o in mine["officers"]] == [store.officer] and not mine["teams"]
    team = as_role("supervisor").get("/api/v1/welfare").json()
    assert {o["unit_id"] for o in team["officers"]} == {store.supervisor_unit}
    assert {store.officer, store.teammate} <= {o["person_id"] for o in team["officers"]}
    everyone = as_role("welfare").get("/api/v1/welfare").json()
    assert len(everyone["officers"]) == 60
    planner = as_role("planner").get("/api/v1/welfare").json()
    assert planner["officers"] == [] and planner["teams"]
    small = {t["unit_id"] for t in everyone["teams"] if t["officers"] < 5}
    hidden = [t for t in planner["teams"] if t["unit_id"] in small]
    assert hidden and all(
        t["officers"] is None and t["rest_days_owed"] is None for t in hidden
    )  # nobody can be picked out
    assert as_role("partner").get("/api/v1/welfare").status_code == 403


def test_an_officer_cannot_reach_another_officers_welfare(as_role, store):
    officer = as_role("officer")
    assert officer.get(f"/api/v1/welfare/officers/{store.officer}").status_code == 200
    assert officer.get(f"/api/v1/welfare/officers/{store.teammate}").status_code == 403
    assert officer.get("/api/v1/welfare/officers/NO-SUCH").status_code == 403  # no probing
    supervisor = as_role("supervisor")
    assert supervisor.get(f"/api/v1/welfare/officers/{store.teammate}").status_code == 200
    assert supervisor.get(f"/api/v1/welfare/officers/{store.outsider}").status_code == 403
    assert supervisor.get("/api/v1/welfare?unit=N").status_code == 403  # above their unit
    assert as_role("welfare").get(f"/api/v1/welfare/officers/{store.outsider}").status_code == 200
    assert as_role("planner").get(f"/api/v1/welfare/officers/{store.officer}").status_code == 403


def test_every_welfare_view_and_refusal_is_audited(as_role, store):
    before = len(audit_entries(store.database, "DEMO", "welfare.view", 1000))
    as_role("officer-two").get(f"/api/v1/welfare/officers/{store.outsider}")
    as_role("officer-two").get(f"/api/v1/welfare/officers/{store.officer}")
    views = audit_entries(store.database, "DEMO", "welfare.view", 1000)
    assert len(views) == before + 1
    assert views[0]["username"] == "officer-two" and views[0]["object_id"] == store.outsider
    assert views[0]["detail"]["officers_shown"] == [store.outsider]
    denied = audit_entries(store.database, "DEMO", "welfare.denied", 1)[0]
    assert denied["username"] == "officer-two" and denied["object_id"] == store.officer


def test_admin_creates_and_disables_accounts_with_an_audit_trail(as_role, store):
    admin = as_role("admin")
    made = admin.post(
        "/api/v1/users",
        json={"username": "new-analyst", "role": "analyst", "password": "a long enough passphrase"},
    )
    assert made.status_code == 201 and made.json()["force_id"] == "DEMO"
    short = admin.post(
        "/api/v1/users", json={"username": "short-pw", "role": "analyst", "password": "short"}
    )
    assert short.status_code == 422
    assert admin.post("/api/v1/users/new-analyst/disable").json()["disabled"] is True
    actions = [(e["action"], e["object_id"]) for e in admin.get("/api/v1/audit").json()[:2]]
    assert actions == [("user.disable", "new-analyst"), ("user.create", "new-analyst")]
    planner = as_role("planner")
    assert (
        planner.post(
            "/api/v1/users",
            json={"username": "sneaky", "role": "admin", "password": "a long enough passphrase"},
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"]
)
def test_the_audit_log_refuses_update_and_delete(store, statement):
    before = len(audit_entries(store.database, limit=100_000))
    with pytest.raises(Exception, match="append-only"), store.database.engine.begin() as c:
        c.execute(text(statement))
    assert len(audit_entries(store.database, limit=100_000)) == before


def _wait(client, job_id: str, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_workforce_projection_runs_as_a_job(as_role):
    analyst = as_role("analyst")
    started = analyst.post("/api/v1/workforce/projections", json={"years": 2, "runs": 50})
    assert started.status_code == 202 and started.json()["status"] in (
        "queued",
        "running",
        "succeeded",
    )
    job = _wait(analyst, started.json()["id"])
    assert job["status"] == "succeeded" and job["progress"] == 1.0
    assert job["result"]["tables"]["four_year_projection"]
    assert started.json()["id"] in {j["id"] for j in analyst.get("/api/v1/jobs").json()}
    officer = as_role("officer")
    assert officer.get(f"/api/v1/jobs/{job['id']}").status_code == 403  # not theirs
    assert officer.post("/api/v1/workforce/projections", json={}).status_code == 403
    assert analyst.post("/api/v1/workforce/projections", json={"years": 40}).status_code == 422
