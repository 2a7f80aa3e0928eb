"""The roster pages: the grid with its cover graph, edits by form with the version check and
the merge aid on conflict, publication, repair, and officer self-service."""

from __future__ import annotations

import re

import pytest

from tests.api.roster_helpers import START, build_unit_plan
from tests.web.test_pages import _form_token, page_sign_in


@pytest.fixture(scope="module")
def built(store):
    return build_unit_plan(store.database, store.supervisor_unit)


def _signed(fresh_app, username):
    from fastapi.testclient import TestClient

    from tests.api.conftest import BASE_URL

    client = TestClient(fresh_app, base_url=BASE_URL, follow_redirects=False)
    page_sign_in(client, username)
    return client


def test_the_grid_shows_every_line_and_the_cover_graph(fresh_app, built):
    client = _signed(fresh_app, "demo-planner")
    html = client.get(f"/roster/plans/{built.plan.id}").text
    for person in built.plan.roster:
        assert f'name="c|{person}|{START.isoformat()}"' in html
    assert re.search(r'<svg[^>]*class="chart"[^>]*aria-label="Cover', html)
    assert "<script" not in html
    assert 'href="/roster"' in client.get("/").text


def test_an_officer_and_an_analyst_see_what_their_work_needs(fresh_app, store, built):
    officer = _signed(fresh_app, "demo-officer")
    html = officer.get(f"/roster/plans/{built.plan.id}").text
    assert store.officer in html and store.teammate not in html and "<select" not in html
    assert officer.get("/roster").headers["location"] == "/me/roster"
    analyst = _signed(fresh_app, "demo-analyst").get(f"/roster/plans/{built.plan.id}").text
    assert "Officers by day" not in analyst and 'aria-label="Cover' in analyst
    assert _signed(fresh_app, "demo-welfare").get("/roster").status_code == 403
    assert 'href="/roster"' not in _signed(fresh_app, "demo-welfare").get("/").text


def _edit_form(html: str, person: str, code: str) -> dict:
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    fields["csrf_token"] = _form_token(html)
    fields[f"c|{person}|{START.isoformat()}"] = code
    return fields


def test_a_stale_edit_shows_both_values_and_can_be_applied_on_top(fresh_app, store, built):
    plan = built.copy(store.database)
    person = sorted(plan.roster)[0]
    old = plan.roster[person][0]
    mine, theirs = ("N", "E") if old not in ("N", "E") else ("D", "X")
    first, second = _signed(fresh_app, "demo-planner"), _signed(fresh_app, "demo-admin")
    form_one = first.get(f"/roster/plans/{plan.id}").text
    form_two = second.get(f"/roster/plans/{plan.id}").text
    saved = first.post(f"/roster/plans/{plan.id}/edit", data=_edit_form(form_one, person, theirs))
    assert saved.status_code == 303
    assert 'version <b id="plan-version">2</b>' in first.get(saved.headers["location"]).text
    clash = second.post(f"/roster/plans/{plan.id}/edit", data=_edit_form(form_two, person, mine))
    assert clash.status_code == 409
    assert "you had version 1, it is now at version 2" in clash.text
    row = re.search(r"<tr><td>" + person + r"</td>.*?</tr>", clash.text).group(0)
    assert [mine, old or "rest", theirs] == re.findall(r"<td>([^<]*)</td>", row)[2:]
    again = second.post(f"/roster/plans/{plan.id}/edit",
                        data={**dict(re.findall(r'name="([^"]+)" value="([^"]*)"',
                              clash.text.split('id="conflict"')[1].split("</form>")[0])),
                              "csrf_token": _form_token(clash.text)})  # fmt: skip
    assert again.status_code == 303
    html = second.get(f"/roster/plans/{plan.id}").text
    assert 'id="plan-version">3<' in html
    assert re.search(rf'name="c\|{person}\|{START}"[^>]*>.*?<option selected>{mine}</option>',
                     html)  # fmt: skip


def test_publish_by_form(fresh_app, store, built):
    plan = built.copy(store.database)
    client = _signed(fresh_app, "demo-planner")
    html = client.get(f"/roster/plans/{plan.id}").text
    token = _form_token(html)
    stale = client.post(f"/roster/plans/{plan.id}/publish",
                        data={"csrf_token": token, "expected_version": "5"})  # fmt: skip
    assert stale.status_code == 409 and "was not published" in stale.text
    done = client.post(f"/roster/plans/{plan.id}/publish",
                       data={"csrf_token": token, "expected_version": "1"})  # fmt: skip
    assert done.status_code == 303
    assert 'id="plan-status">published<' in client.get(done.headers["location"]).text


def test_my_roster_and_a_leave_request_on_the_cover_graph(fresh_app, store, built):
    officer = _signed(fresh_app, "demo-officer")
    html = officer.get("/me/roster").text
    assert "/api/v1/me/roster.ics" in html and 'aria-label="Your unit' in html
    day = next(built.plan.date_of(d) for d, c in sorted(built.plan.roster[store.officer].items())
               if c)  # fmt: skip
    answer = officer.post("/me/leave", data={"csrf_token": _form_token(html), "start": str(day),
                                             "end": str(day), "kind": "annual_leave"})  # fmt: skip
    assert answer.status_code == 303
    shown = officer.get(answer.headers["location"]).text
    assert 'aria-label="Your leave&#39;s effect on cover"' in shown or "effect on cover" in shown
    assert "takes 1 tour(s) off the roster" in shown
    assert re.search(r"<td>requested</td>", shown)
    bid = officer.post("/me/roster/requests", data={"csrf_token": _form_token(html),
                       "date": str(day), "wants": "off", "weight": "3"})  # fmt: skip
    assert bid.status_code == 303 and "Withdraw" in officer.get("/me/roster").text
