"""The self-service extras and approvals pages: swaps, overtime and the calendar feed for
officers; leave and swaps to decide and overtime volunteers for supervisors; the audit log
for admins. Plain forms with the CSRF token; each page only for the roles that use it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from forceplan.services.accounts import create_user
from forceplan.services.audit import Actor, record_event
from forceplan.services.roster import load_plan, publish_plan
from forceplan.store import tables as t
from tests.api.conftest import BASE_URL, PASSWORD
from tests.api.roster_helpers import START, build_unit_plan, make_swappable, swap_candidates
from tests.web.test_pages import _form_token, page_sign_in

MATE = "web-mate"


@pytest.fixture(scope="module")
def built(store):
    return build_unit_plan(store.database, store.supervisor_unit)


@pytest.fixture(scope="module")
def published(store, built):
    create_user(store.database, store.settings, MATE, PASSWORD, "officer", "DEMO",
                person_id=store.teammate)  # fmt: skip
    plan = make_swappable(store.database, built.copy(store.database), store.officer,
                          store.teammate)  # fmt: skip
    yield publish_plan(store.database, plan.id, plan.version)
    with store.database.transaction() as c:  # other modules' officers see their own plans
        c.execute(update(t.roster_plans).where(t.roster_plans.c.id == plan.id)
                  .values(status="draft"))  # fmt: skip


def _signed(fresh_app, username: str) -> TestClient:
    client = TestClient(fresh_app, base_url=BASE_URL, follow_redirects=False)
    assert page_sign_in(client, username).status_code == 303
    return client


def _post(client: TestClient, page: str, action: str, **fields) -> object:
    token = _form_token(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **fields})


def test_each_role_sees_the_pages_it_uses(fresh_app):
    officer = _signed(fresh_app, "demo-officer")
    home = officer.get("/").text
    assert 'href="/me/swaps"' in home and 'href="/me/overtime"' in home
    assert 'href="/approvals"' not in home and 'href="/audit"' not in home
    assert officer.get("/approvals").status_code == 403
    assert officer.get("/audit").status_code == 403
    supervisor = _signed(fresh_app, "demo-supervisor").get("/").text
    assert 'href="/approvals"' in supervisor and 'href="/audit"' not in supervisor
    admin = _signed(fresh_app, "demo-admin")
    assert 'href="/audit"' in admin.get("/").text and 'href="/me/swaps"' not in admin.get("/").text
    assert _signed(fresh_app, "demo-analyst").get("/approvals").status_code == 403
    assert TestClient(fresh_app, base_url=BASE_URL, follow_redirects=False).get(
        "/approvals").headers["location"].startswith("/signin")  # fmt: skip


def test_a_swap_by_forms_proposed_accepted_and_approved(fresh_app, store, published):
    officer, mate = _signed(fresh_app, "demo-officer"), _signed(fresh_app, MATE)
    html = officer.get("/me/swaps").text
    assert f'value="{published.id}"' in html and f'value="{store.teammate}"' in html
    assert "<script" not in html
    assert officer.post("/me/swaps", data={"plan_id": published.id}).status_code == 403  # CSRF
    # the first swap the rules allow
    for day, their_day in swap_candidates(published, store.officer, store.teammate):
        made = _post(officer, "/me/swaps", "/me/swaps", plan_id=published.id,
                     my_date=published.date_of(day).isoformat(), teammate_id=store.teammate,
                     their_date=published.date_of(their_day).isoformat())  # fmt: skip
        if made.status_code == 303:
            break
        assert made.status_code == 422 and "would break the rule" in made.text
    assert made.status_code == 303, made.text
    assert 'id="swap-made"' in officer.get(made.headers["location"]).text
    swap_id = re.search(r'action="/me/swaps/([0-9a-f]+)/accept"', mate.get("/me/swaps").text)
    assert swap_id, "the teammate is asked to accept"
    swap_id = swap_id.group(1)
    assert f"/me/swaps/{swap_id}/accept" not in officer.get("/me/swaps").text
    accepted = _post(mate, "/me/swaps", f"/me/swaps/{swap_id}/accept")
    assert accepted.status_code == 303
    supervisor = _signed(fresh_app, "demo-supervisor")
    page = supervisor.get("/approvals").text
    assert f'id="swap-{swap_id}"' in page
    assert f'name="expected_version" value="{published.version}"' in page
    done = _post(supervisor, "/approvals", f"/approvals/swaps/{swap_id}", decision="approve",
                 expected_version=str(published.version))  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/approvals?done=swap-approve"
    after = load_plan(store.database, published.id)
    assert after.roster[store.officer][day] == published.roster[store.teammate][day]
    assert "approved" in officer.get("/me/swaps").text


def test_leave_approved_from_the_approvals_page_shows_on_my_roster(fresh_app, store, built):
    officer = _signed(fresh_app, "demo-officer")
    day = START + dt.timedelta(days=22)
    asked = _post(officer, "/me/roster", "/me/leave", start=str(day), end=str(day),
                  kind="annual_leave", reason="wedding")  # fmt: skip
    assert asked.status_code == 303
    supervisor = _signed(fresh_app, "demo-supervisor")
    page = supervisor.get("/approvals").text
    card = next(c for c in page.split('<div class="card" id="leave-')[1:] if "wedding" in c)
    leave_id = card.split('"')[0]
    assert "Hours short of the requirement" in card
    done = _post(supervisor, "/approvals", f"/approvals/leave/{leave_id}", decision="approve",
                 reason="enjoy it")  # fmt: skip
    assert done.status_code == 303
    assert f'id="leave-{leave_id}"' not in supervisor.get("/approvals").text
    assert re.search(r"<td>approved: enjoy it</td>", officer.get("/me/roster").text)


def test_overtime_offered_by_form_and_seen_by_the_supervisor(fresh_app, store):
    officer = _signed(fresh_app, "demo-officer")
    day = (START + dt.timedelta(days=50)).isoformat()
    offered = _post(officer, "/me/overtime", "/me/overtime", date=day, hours="6", note="nights")
    assert offered.status_code == 303
    html = officer.get("/me/overtime").text
    assert day in html and "nights" in html
    seen = _signed(fresh_app, "demo-supervisor").get("/approvals", params={"date": day}).text
    assert store.officer in seen[seen.index('id="volunteers"') :]
    offer_id = re.search(r'action="/me/overtime/([0-9a-f]+)/withdraw"', html).group(1)
    assert _post(officer, "/me/overtime", f"/me/overtime/{offer_id}/withdraw").status_code == 303
    assert day not in officer.get("/me/overtime").text


def test_the_calendar_feed_page_shows_the_address_once_and_revokes_it(fresh_app, store, built):
    officer = _signed(fresh_app, "demo-officer")
    assert 'href="/me/calendar"' in officer.get("/me/roster").text
    made = _post(officer, "/me/calendar", "/me/calendar")
    assert made.status_code == 200
    url = re.search(r"<code>(https://testserver/api/v1/calendar/[^<]+\.ics)</code>", made.text)
    path = url.group(1).removeprefix(BASE_URL)
    anonymous = TestClient(fresh_app, base_url=BASE_URL)
    assert anonymous.get(path).status_code == 200
    assert path not in officer.get("/me/calendar").text  # shown once
    revoked = _post(officer, "/me/calendar", "/me/calendar/revoke")
    assert revoked.status_code == 303
    assert anonymous.get(path).status_code == 404
    assert "You have no feed address" in officer.get("/me/calendar").text


def test_the_audit_log_page_filters_and_pages(fresh_app, store):
    for n in range(60):
        record_event(store.database, Actor(None, "pager", "DEMO"), "test.page", "test", str(n))
    admin = _signed(fresh_app, "demo-admin")
    html = admin.get("/audit").text
    assert 'id="audit"' in html and "<script" not in html and 'value="test.page"' not in html
    assert "<option>test.page</option>" in html  # the filter offers the actions recorded
    signins = admin.get("/audit", params={"action": "signin"}).text
    actions = re.findall(r"<td>(?:[^<]*)</td><td>([a-z_.]+)</td>", signins)
    assert actions and set(actions) == {"signin"}, set(actions)
    mine = admin.get("/audit", params={"actor": "demo-admin"}).text
    assert set(re.findall(r"<td>([a-z0-9-]+)</td><td>[a-z_.]+</td>", mine)) == {"demo-admin"}
    first = admin.get("/audit", params={"action": "test.page", "actor": "pager"}).text
    second = admin.get("/audit", params={"action": "test.page", "actor": "pager", "page": 2})
    assert len(_rows(first)) == 50 and 'id="older"' in first
    assert 'rel="prev"' in second.text and 'id="older"' not in second.text
    assert len(_rows(second.text)) >= 10 and not set(_rows(second.text)) & set(_rows(first))


def _rows(html: str) -> list[str]:
    return re.findall(r"<td>test (\d+)</td>", html)
