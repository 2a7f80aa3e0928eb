"""The planning pages: staffing, workforce projections and scenarios (web/planning_pages.py).

Each page is checked against its service's own answer, for the roles that may open it and
those that may not; the forms need the session's CSRF token and start jobs whose results the
pages then show; a bad scenario file is refused (422) with the key named."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import time

import pytest
from fastapi.testclient import TestClient

from forceplan.scenario import BaselineInputs, parse_spec, run_scenarios
from forceplan.scenario.executor import ProcessExecutor
from forceplan.services.simulate import config_from_mapping, store_inputs
from forceplan.services.staffing import staffing_requirement
from forceplan.services.workforce import WorkforceRequest, cell, project_workforce

FORCE = "DEMO"


def _page_client(as_role, role: str) -> tuple[TestClient, str]:
    """A client signed in as ``role`` that sends no CSRF header (as a browser): forms must
    carry the token themselves. Returns it and the session's token."""
    client = as_role(role)
    token = client.headers.pop("X-CSRF-Token")
    return client, token


def _form_token(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def _wait(client: TestClient, job_id: str, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s")


def _cell_text(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', page)
    assert found, f"no element {element_id}"
    return html.unescape(found.group(1)).strip()


def _table(page: str, element_id: str) -> list[list[str]]:
    """The body rows of a table as lists of cell text."""
    body = re.search(rf'<table id="{element_id}">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(
            r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]  # fmt: skip


def _last_incident_day(store) -> dt.date:
    from sqlalchemy import func, select

    from forceplan.store import tables as t

    with store.database.read() as c:
        last = c.execute(
            select(func.max(t.incidents.c.received_at)).where(t.incidents.c.force_id == FORCE)
        ).scalar()
    return last.date() - dt.timedelta(days=1)


# --- sign-in and roles -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/staffing", "/workforce", "/scenarios"])
def test_the_planning_pages_need_sign_in(client, path):
    answer = client.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/signin?next={path.replace('/', '%2F')}"


@pytest.mark.parametrize(
    ("path", "allowed", "refused"),
    [
        ("/staffing", ["supervisor", "planner", "analyst", "admin"], ["officer", "welfare",
                                                                       "partner"]),
        ("/workforce", ["planner", "analyst", "admin"], ["supervisor", "officer", "partner"]),
        ("/scenarios", ["planner", "analyst", "admin"], ["supervisor", "officer", "welfare"]),
    ],
)  # fmt: skip
def test_each_planning_page_is_for_its_roles_and_in_their_menu(as_role, path, allowed, refused):
    for role in allowed:
        answer = as_role(role).get(path)
        assert answer.status_code == 200, (role, answer.text[:300])
        assert f'href="{path}"' in answer.text  # in the menu
    for role in refused:
        answer = as_role(role).get(path)
        assert answer.status_code == 403, role
        assert f'href="{path}"' not in as_role(role).get("/").text


# --- staffing --------------------------------------------------------------------------------


def test_the_staffing_page_shows_the_services_requirement_with_its_charts(as_role, store):
    report = staffing_requirement(store.database, FORCE)
    page = as_role("analyst").get("/staffing").text
    s = report.summary
    assert _cell_text(page, "fte-needed") == f"{s['establishment_fte_needed']:,.1f}"
    assert _cell_text(page, "fte-now") == f"{s['officers_fte_now']:,.1f}"
    assert _cell_text(page, "hours-short") == f"{s['hours_short']} of 168"
    assert _cell_text(page, "needed-range") == (
        f"{s['least_officers_needed']}–{s['peak_officers_needed']}"
    )
    assert 'aria-label="' + report.scope + ': officers needed and on duty, by hour"' in page
    assert 'aria-label="On duty less needed, by hour of the week (red: short)"' in page
    rows = _table(page, "short")
    worst = report.furthest_short(10).row(0, named=True)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    hour = worst["hour_of_week"]
    assert rows[0][0] == f"{days[hour // 24]} {hour % 24:02d}:00"
    assert rows[0][3] == str(worst["officers_needed"])
    assert rows[0][5] == f"{worst['gap']:,.1f}"
    assert len(rows) == 10
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)


def test_the_staffing_page_filters_by_unit_and_period(as_role, store):
    last = _last_incident_day(store)
    first = last - dt.timedelta(days=55)
    report = staffing_requirement(store.database, FORCE, "C", first, last)
    supervisor = as_role("supervisor")
    page = supervisor.get(f"/staffing?unit=C&start={first}&end={last}").text
    assert f"<h1>Staffing: {report.scope}</h1>" in html.unescape(page)
    assert report.period[0] in page and report.period[1] in page
    assert _cell_text(page, "hours-needed") == f"{report.summary['officer_hours_needed_a_week']:,}"
    whole = staffing_requirement(store.database, FORCE)
    assert report.summary != whole.summary  # the filter changed the answer shown
    refused = supervisor.get("/staffing?start=31-12-2025")
    assert refused.status_code == 422 and "start" in refused.text
    assert supervisor.get("/staffing?unit=NOWHERE").status_code == 404


# --- workforce projections -------------------------------------------------------------------


def test_a_projection_started_from_the_page_is_shown_on_it(as_role, store):
    planner, token = _page_client(as_role, "planner")
    form = planner.get("/workforce")
    assert form.status_code == 200 and _form_token(form.text) == token
    refused = planner.post("/workforce/projections", data={"years": 4, "runs": 40})
    assert refused.status_code == 403  # no CSRF token
    started = planner.post(
        "/workforce/projections", data={"years": 4, "runs": 40, "csrf_token": token}
    )
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
    job_id = started.headers["location"].rsplit("/", 1)[1]
    assert _wait(planner, job_id)["status"] == "succeeded"

    expected = project_workforce(store.database, WorkforceRequest(force=FORCE, years=4, runs=40))
    page = planner.get("/workforce").text
    assert f"job {job_id[:8]}" in page  # the latest finished projection is this one
    assert _cell_text(page, "officers-in-post") == f"{expected.officers_in_post:,}"
    assert 'aria-label="Officers (FTE): mean, 80% and 95% intervals"' in page
    assert 'aria-label="Headcount by role, year by year"' in page
    heads = expected.tables["four_year_projection"].filter(measure="headcount", role="response")
    rows = {r[0]: r[1:] for r in _table(page, "headcount-by-role")}
    year_4 = heads.filter(year=4).row(0, named=True)
    assert rows["response"][4] == cell("headcount", year_4)
    assert len(rows["response"]) == 5  # now and four years
    assert "officers" not in rows or rows["officers"][0]  # totals are in the table
    fte = expected.tables["scenario_comparison"].filter(
        scenario="baseline", measure="fte", role="officers", year=4
    )
    force = {r[0]: r[1:] for r in _table(page, "force")}
    assert force["officers: FTE"][4] == cell("fte", fte.row(0, named=True))
    pay = expected.tables["scenario_comparison"].filter(
        scenario="baseline", measure="pay_cost_gbp", year=1
    )
    assert force["workforce: pay cost"][1] == cell("pay_cost_gbp", pay.row(0, named=True))

    analyst = as_role("analyst")  # another role sees the force's latest projection too
    assert f"{expected.officers_in_post:,}" in analyst.get("/workforce").text
    assert (
        as_role("supervisor")
        .post("/workforce/projections", data={"years": 4, "runs": 0})
        .status_code
        == 403
    )


# --- scenarios -------------------------------------------------------------------------------


def _spec(store, unit: str = "C") -> dict:
    last = _last_incident_day(store)
    return {
        "name": "Page test",
        "seed": 3,
        "baseline": {
            "store": {"unit": unit, "from": str(last - dt.timedelta(days=13)), "to": str(last)},
            "simulation": {"seed": 2},
        },
        "scenarios": [
            {"name": "fewer officers", "headcount_change_percent": -20},
            {"name": "more demand", "demand_growth_percent": 10},
        ],
    }


def test_a_scenario_file_runs_as_a_job_and_its_comparison_is_shown(as_role, store):
    analyst, token = _page_client(as_role, "analyst")
    form = analyst.get("/scenarios")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    data = _spec(store)
    text = json.dumps(data)
    refused = analyst.post("/scenarios", data={"text": text, "replications": "1"})
    assert refused.status_code == 403  # no CSRF token
    started = analyst.post(
        "/scenarios", data={"text": text, "replications": "2", "csrf_token": token}
    )
    assert started.status_code == 303, started.text[:500]
    job_id = started.headers["location"].rsplit("/", 1)[1]
    assert started.headers["location"] == f"/scenarios/{job_id}"
    job = _wait(analyst, job_id)
    assert job["status"] == "succeeded", job["error"]

    spec = parse_spec(data, "scenario file")
    b = spec.store
    found = store_inputs(store.database, b.unit, b.first_day, b.last_day, FORCE)
    config = config_from_mapping(spec.simulation, spec.source, replications=2)
    comparison = run_scenarios(
        spec, BaselineInputs(found.incidents, found.duty, config), ProcessExecutor(1)
    )
    page = analyst.get(f"/scenarios/{job_id}").text
    assert job["result"]["settings"]["replications"] == 2  # the form's, not the file's
    assert _cell_text(page, "simulated").startswith("Simulated 2 replication(s) with seed 2,")
    assert 'aria-label="Share attended within target, by scenario and grade (95% CI)"' in page
    assert 'aria-label="Officers on duty and incidents received, by hour of day"' in page
    shown = {(r[0], r[1]): r for r in _table(page, "comparison")}
    for row in comparison.by_grade().filter(grade=1).iter_rows(named=True):
        assert shown[(row["scenario"], "1")][5] == f"{row['share_within_target']:.0%}"
    assert set(s for s, _ in shown) == {"baseline", "fewer officers", "more demand"}
    by_scenario = {r[0]: r for r in _table(page, "by-scenario")}
    for row in comparison.by_scenario().iter_rows(named=True):
        assert by_scenario[row["scenario"]][1] == f"{row['incidents']:,}"
        assert by_scenario[row["scenario"]][3] == f"{row['officers']:,}"
    assert by_scenario["fewer officers"][3] != by_scenario["baseline"][3]
    assert job_id[:8] in analyst.get("/scenarios").text  # listed among the runs
    assert as_role("officer").get(f"/scenarios/{job_id}").status_code == 403
    assert as_role("planner").get(f"/scenarios/{job_id}").status_code == 200  # the force's


def test_an_uploaded_yaml_scenario_file_runs(as_role, store):
    planner, token = _page_client(as_role, "planner")
    data = _spec(store, unit="S")
    data["scenarios"] = [{"name": "sickness", "sickness_rate_percent": 10}]
    import yaml

    started = planner.post(
        "/scenarios",
        data={"replications": "1", "csrf_token": token, "text": "ignored when a file is sent"},
        files={"file": ("plan.yaml", yaml.safe_dump(data).encode(), "application/x-yaml")},
    )
    assert started.status_code == 303, started.text[:500]
    job_id = started.headers["location"].rsplit("/", 1)[1]
    assert _wait(planner, job_id)["status"] == "succeeded"
    assert "sickness" in {r[0] for r in _table(planner.get(f"/scenarios/{job_id}").text,
                                               "by-scenario")}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["scenarios"][0].update(headcount_change_percent="lots"),
         "scenarios[0].headcount_change_percent"),
        (lambda d: d["baseline"].update(store=None, incidents="/etc/passwd", duty="duty.csv")
         or d["baseline"].pop("store"), "baseline.store"),
        (lambda d: d["baseline"].update(simulation="settings.toml"), "baseline.simulation"),
        (lambda d: d["scenarios"][1].update(shift_pattern="rota.csv"),
         "scenarios[1].shift_pattern"),
        (lambda d: d["baseline"]["store"].update(unit="NOWHERE"), "baseline.store.unit"),
        (lambda d: d["baseline"]["store"].update(force="OTHER"), "baseline.store.force"),
        (lambda d: d["baseline"]["store"].update(**{"from": "2020-01-01"}), "baseline.store.to"),
        (lambda d: d["baseline"]["simulation"].update(colour="red"), "colour"),
        (lambda d: d.update(surprise=1), "surprise"),
    ],
)  # fmt: skip
def test_a_bad_scenario_file_is_refused_with_the_key_named(as_role, store, change, named):
    analyst, token = _page_client(as_role, "analyst")
    data = _spec(store)
    change(data)
    before = len(analyst.get("/api/v1/jobs").json())
    answer = analyst.post(
        "/scenarios", data={"text": json.dumps(data), "replications": "1", "csrf_token": token}
    )
    assert answer.status_code == 422, answer.text[:300]
    problem = html.unescape(re.search(r'id="problem">(.*?)</div>', answer.text, re.S).group(1))
    assert named in problem and "What to do" in problem
    assert len(analyst.get("/api/v1/jobs").json()) == before  # nothing started


@pytest.mark.parametrize(
    ("text", "replications", "named"),
    [
        ("{not json", "1", "not valid JSON"),
        ("", "1", "empty"),
        ("name: [unclosed", "1", "not valid JSON or YAML"),
        (None, "50", "replications"),
        (None, "many", "replications"),
        ("{}" + " " * 150_000, "1", "over 100 kB"),
    ],
)
def test_a_scenario_form_that_cannot_run_says_why(as_role, store, text, replications, named):
    analyst, token = _page_client(as_role, "analyst")
    text = json.dumps(_spec(store)) if text is None else text
    answer = analyst.post(
        "/scenarios", data={"text": text, "replications": replications, "csrf_token": token}
    )
    assert answer.status_code == 422
    assert named in html.unescape(answer.text)


def test_an_uploaded_file_that_is_not_text_or_too_big_is_refused(as_role):
    analyst, token = _page_client(as_role, "analyst")
    for content, said in ((b"\xff\xfe\x00binary", "not UTF-8"), (b"{" + b" " * 200_000, "100 kB")):
        answer = analyst.post(
            "/scenarios",
            data={"replications": "1", "csrf_token": token},
            files={"file": ("plan.json", content, "application/json")},
        )
        assert answer.status_code == 422 and said in answer.text
