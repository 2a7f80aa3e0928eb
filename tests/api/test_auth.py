"""Signing in and out: sessions, cookie flags, CSRF, rate limiting, no account enumeration."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from forceplan.services.signin import SignInLimiter
from tests.api.conftest import BASE_URL, PASSWORD, sign_in

PROTECTED = [
    ("GET", "/api/v1/auth/me"),
    ("POST", "/api/v1/auth/signout"),
    ("GET", "/api/v1/indicators"),
    ("GET", "/api/v1/displaced-demand"),
    ("GET", "/api/v1/data-quality"),
    ("GET", "/api/v1/welfare"),
    ("GET", "/api/v1/welfare/officers/P00001"),
    ("GET", "/api/v1/forecasts"),
    ("GET", "/api/v1/forecasts/x/values"),
    ("GET", "/api/v1/staffing"),
    ("POST", "/api/v1/workforce/projections"),
    ("GET", "/api/v1/jobs"),
    ("GET", "/api/v1/jobs/x"),
    ("POST", "/api/v1/jobs/x/cancel"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("POST", "/api/v1/users/x/disable"),
    ("GET", "/api/v1/audit"),
]


def test_health_answers_without_sign_in(client):
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_everything_else_needs_a_session(client, method, path):
    answer = client.request(method, path, json={})
    assert answer.status_code == 401
    assert answer.json()["error"] and "sign in" in answer.json()["hint"]


def test_the_openapi_document_lists_every_endpoint(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = {
        p.replace("{run_id}", "x")
        .replace("{job_id}", "x")
        .replace("{username}", "x")
        .replace("{person_id}", "P00001")
        for p in spec["paths"]
    }
    assert {path for _m, path in PROTECTED} <= paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "/api/v1/welfare" in docs.text
    assert "cdn" not in docs.text.lower() and "<script" not in docs.text.lower()


def test_sign_in_sets_a_hardened_session_cookie_and_returns_the_csrf_token(client):
    answer = client.post(
        "/api/v1/auth/signin", json={"username": "demo-planner", "password": PASSWORD}
    )
    assert answer.status_code == 200
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
    body = answer.json()
    assert body["account"]["role"] == "planner" and len(body["csrf_token"]) > 30
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["account"]["username"] == "demo-planner"


def test_usernames_are_case_insensitive(client):
    sign_in(client, "Demo-Analyst")
    assert client.get("/api/v1/auth/me").json()["account"]["role"] == "analyst"


def test_sign_out_needs_the_csrf_token_and_ends_the_session(client, store):
    token = sign_in(client, "demo-analyst")
    del client.headers["X-CSRF-Token"]
    assert client.post("/api/v1/auth/signout").status_code == 403
    wrong = client.post("/api/v1/auth/signout", headers={"X-CSRF-Token": "x" + token})
    assert wrong.status_code == 403
    assert client.get("/api/v1/auth/me").status_code == 200  # still signed in
    cookie = client.cookies.get(store.settings.session_cookie_name)
    assert client.post("/api/v1/auth/signout", headers={"X-CSRF-Token": token}).status_code == 204
    client.cookies.set(store.settings.session_cookie_name, cookie)  # replaying it fails
    assert client.get("/api/v1/auth/me").status_code == 401


def test_an_unsafe_api_call_without_the_csrf_header_is_refused(as_role):
    analyst = as_role("analyst")
    del analyst.headers["X-CSRF-Token"]
    answer = analyst.post("/api/v1/workforce/projections", json={"years": 1, "runs": 0})
    assert answer.status_code == 403 and "CSRF" in answer.json()["error"]


def test_sign_in_takes_only_json(client):
    answer = client.post(
        "/api/v1/auth/signin", data={"username": "demo-planner", "password": PASSWORD}
    )
    assert answer.status_code == 422
    assert client.get("/api/v1/auth/me").status_code == 401


def test_no_account_enumeration(fresh_app, store):
    from forceplan.services.accounts import create_user, disable_user

    create_user(store.database, store.settings, "leaver-enum", PASSWORD, "analyst", "DEMO")
    disable_user(store.database, "leaver-enum")
    with TestClient(fresh_app, base_url=BASE_URL) as client:
        answers = [
            client.post("/api/v1/auth/signin", json={"username": u, "password": p})
            for u, p in (
                ("nobody-here", PASSWORD),
                ("demo-planner", "wrong password!"),
                ("leaver-enum", PASSWORD),
            )
        ]
    assert {a.status_code for a in answers} == {401}
    assert len({a.text for a in answers}) == 1
    assert all("set-cookie" not in a.headers for a in answers)


def test_failed_sign_ins_are_rate_limited_per_username(fresh_app, store):
    limit = store.settings.signin_max_failures
    with TestClient(fresh_app, base_url=BASE_URL) as client:
        for _ in range(limit):
            bad = client.post(
                "/api/v1/auth/signin",
                json={"username": "demo-welfare", "password": "not it at all"},
            )
            assert bad.status_code == 401
        blocked = client.post(
            "/api/v1/auth/signin", json={"username": "demo-welfare", "password": PASSWORD}
        )
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        other = client.post(
            "/api/v1/auth/signin", json={"username": "demo-admin", "password": PASSWORD}
        )
        assert other.status_code == 200  # another username from the same client still works


def test_unknown_usernames_are_limited_like_real_ones():
    clock = [0.0]
    limiter = SignInLimiter(per_username=2, per_client=3, window_seconds=60, clock=lambda: clock[0])
    for name in ("ghost", "ghost"):
        assert limiter.retry_after(name, "10.0.0.1") is None
        limiter.failed(name, "10.0.0.1")
    assert limiter.retry_after("ghost", "10.0.0.9") == 61
    limiter.failed("someone", "10.0.0.1")  # the client's third failure
    assert limiter.retry_after("anyone", "10.0.0.1") is not None
    clock[0] = 61.0
    assert limiter.retry_after("ghost", "10.0.0.1") is None  # the window has passed


def test_a_disabled_account_loses_its_sessions(as_role, store):
    from forceplan.services.accounts import create_user, disable_user

    create_user(store.database, store.settings, "analyst-leaving", PASSWORD, "analyst", "DEMO")
    leaving = as_role("analyst-leaving")
    assert leaving.get("/api/v1/auth/me").status_code == 200
    disable_user(store.database, "analyst-leaving")
    assert leaving.get("/api/v1/auth/me").status_code == 401
