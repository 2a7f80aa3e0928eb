"""The pages: sign-in with CSRF, what each role sees, charts inline, welfare rules, jobs."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from forceplan.services.audit import audit_entries
from tests.api.conftest import BASE_URL, PASSWORD


def _form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def page_sign_in(client: TestClient, username: str, password: str = PASSWORD, next_path: str = "/"):
    form = client.get(f"/signin?next={next_path}")
    return client.post(
        "/signin",
        data={
            "username": username,
            "password": password,
            "csrf_token": _form_token(form.text),
            "next": next_path,
        },
    )


def test_pages_need_sign_in_and_come_back_after_it(client):
    answer = client.get("/welfare")
    assert answer.status_code == 303 and answer.headers["location"] == "/signin?next=%2Fwelfare"
    signed = page_sign_in(client, "demo-welfare", next_path="/welfare")
    assert signed.status_code == 303 and signed.headers["location"] == "/welfare"
    assert client.get("/welfare").status_code == 200


def test_the_sign_in_form_needs_its_csrf_token_and_refuses_open_redirects(client):
    client.get("/signin")
    forged = client.post(
        "/signin", data={"username": "demo-planner", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert forged.status_code == 403
    assert "forceplan_session" not in forged.headers.get("set-cookie", "")
    away = page_sign_in(client, "demo-planner", next_path="//evil.example/")
    assert away.status_code == 303 and away.headers["location"] == "/"


def test_a_refused_sign_in_says_the_same_whatever_the_reason(fresh_app):
    with TestClient(fresh_app, base_url=BASE_URL, follow_redirects=False) as client:
        unknown = page_sign_in(client, "nobody-at-all", PASSWORD)
        wrong = page_sign_in(client, "demo-planner", "not the password")
    assert unknown.status_code == wrong.status_code == 401
    message = re.compile(r'<p class="alert" role="alert">(.*?)</p>')
    assert message.search(unknown.text).group(1) == message.search(wrong.text).group(1)


def test_home_shows_each_role_its_own_menu(client):
    page_sign_in(client, "demo-officer")
    home = client.get("/").text
    assert "My welfare" in home and 'href="/quality"' not in home and "<script" not in home
    assert 'name="viewport"' in home  # laid out for phones


def test_the_demand_page_draws_its_charts_inline(client):
    page_sign_in(client, "demo-analyst")
    html = client.get("/demand").text
    assert html.count("<svg") >= 4 and 'class="chart"' in html
    assert "mental health" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched elsewhere


def test_partners_see_demand_but_not_welfare_or_quality(client):
    page_sign_in(client, "demo-partner")
    assert client.get("/demand").status_code == 200
    assert client.get("/welfare").status_code == 403
    assert client.get("/quality").status_code == 403


def test_an_officer_sees_only_their_own_welfare_page(client, store):
    page_sign_in(client, "demo-officer")
    assert client.get("/welfare").headers["location"] == f"/welfare/officers/{store.officer}"
    mine = client.get(f"/welfare/officers/{store.officer}")
    assert mine.status_code == 200 and store.officer in mine.text
    other = client.get(f"/welfare/officers/{store.teammate}")
    assert other.status_code == 403 and store.teammate not in other.text.split("<main>")[1]
    last = audit_entries(store.database, "DEMO", limit=2)
    assert [e["action"] for e in last] == ["welfare.denied", "welfare.view"]


def test_a_supervisor_sees_their_team(client, store):
    page_sign_in(client, "demo-supervisor")
    html = client.get("/welfare").text
    assert store.teammate in html and store.outsider not in html


def test_quality_forecasts_and_a_projection_job_from_the_pages(client, store):
    page_sign_in(client, "demo-planner")
    assert "cad.csv" in client.get("/quality").text
    assert store.run_id[:8] in client.get("/forecasts").text
    run = client.get(f"/forecasts/{store.run_id}")
    assert run.status_code == 200 and "<svg" in run.text
    jobs = client.get("/jobs")
    refused = client.post("/workforce/projections", data={"years": 1, "runs": 0})
    assert refused.status_code == 403  # no CSRF token
    started = client.post(
        "/workforce/projections", data={"years": 1, "runs": 0, "csrf_token": _form_token(jobs.text)}
    )
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
    assert client.get(started.headers["location"]).status_code == 200


def test_signing_out_from_the_page(client):
    page_sign_in(client, "demo-admin")
    home = client.get("/")
    out = client.post("/signout", data={"csrf_token": _form_token(home.text)})
    assert out.status_code == 303 and client.get("/").status_code == 303
