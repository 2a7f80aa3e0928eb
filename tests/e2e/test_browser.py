"""In a real browser at phone width: each role's home, a planner editing and publishing a
roster, an officer's leave request on the cover graph, and welfare pages kept to their owner."""

from __future__ import annotations

import datetime as dt

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from forceplan.services.roster import load_plan
from tests.e2e.conftest import click_and_wait

pytestmark = pytest.mark.e2e

HOMES = {
    "officer": ({"My roster", "Demand", "Welfare", "Jobs"}, {"Rosters", "Data quality"}),
    "supervisor": ({"My roster", "Rosters", "Welfare", "Forecasts"}, {"Data quality"}),
    "planner": ({"Rosters", "Data quality", "Forecasts"}, {"My roster"}),
    "analyst": ({"Rosters", "Data quality"}, {"My roster"}),
    "welfare": ({"Welfare", "Jobs"}, {"Rosters", "My roster", "Data quality"}),
    "admin": ({"Rosters", "Data quality"}, {"My roster"}),
    "partner": ({"Demand"}, {"Rosters", "My roster", "Welfare", "Jobs"}),
}


@pytest.mark.parametrize("role", sorted(HOMES))
def test_each_role_signs_in_to_its_own_home(signed_in, site, role):
    browser = signed_in(role)
    assert browser.current_url == f"{site.url}/"
    assert browser.find_element(By.TAG_NAME, "h1").text == f"Hello, demo-{role}"
    menu = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "nav a")}
    shown, hidden = HOMES[role]
    assert shown <= menu and not hidden & menu, menu
    # the page fits a phone's width: nothing wider than the window but scrolling tables
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= browser.execute_script("return window.innerWidth") + 1


def test_a_planner_edits_and_publishes_a_roster(signed_in, site):
    browser = signed_in("planner")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Rosters"))
    link = browser.find_element(By.CSS_SELECTOR, f'a[href="/roster/plans/{site.plan_id}"]')
    click_and_wait(browser, link)
    assert browser.find_element(By.ID, "plan-version").text == "1"
    plan = load_plan(site.database, site.plan_id)
    person = sorted(plan.roster)[0]
    old = plan.roster[person][1]
    new = "N" if old != "N" else "E"
    cell = Select(browser.find_element(By.NAME, f"c|{person}|{plan.date_of(1).isoformat()}"))
    cell.select_by_visible_text(new)
    click_and_wait(browser, browser.find_element(By.ID, "save"))
    assert "Saved 1 change(s)" in browser.find_element(By.CSS_SELECTOR, "p.ok").text
    assert browser.find_element(By.ID, "plan-version").text == "2"
    assert browser.find_element(By.CSS_SELECTOR, 'svg.chart[aria-label^="Cover"]')
    click_and_wait(browser, browser.find_element(By.ID, "publish"))
    assert browser.find_element(By.ID, "plan-status").text == "published"
    published = load_plan(site.database, site.plan_id)
    assert published.status == "published" and published.roster[person][1] == new


def _set_date(browser, name: str, value: dt.date) -> None:
    field = browser.find_element(By.NAME, name)
    browser.execute_script("arguments[0].value = arguments[1]", field, value.isoformat())


def test_an_officer_requests_leave_and_sees_it_on_the_cover_graph(signed_in, site):
    browser = signed_in("officer")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "My roster"))
    assert browser.find_element(By.CSS_SELECTOR, 'svg.chart[aria-label^="Your unit"]')
    plan = load_plan(site.database, site.plan_id)
    worked = [plan.date_of(d) for d, c in sorted(plan.roster[site.officer].items()) if c]
    form = browser.find_element(By.CSS_SELECTOR, 'form[action="/me/leave"]')
    _set_date(browser, "start", worked[0])
    _set_date(browser, "end", worked[0])
    click_and_wait(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    effect = browser.find_element(By.ID, "leave-effect")
    assert "takes 1 tour(s) off the roster" in effect.text
    graph = effect.find_element(By.CSS_SELECTOR, "svg.chart")
    assert graph.get_attribute("aria-label") == "Your leave's effect on cover"
    after = int(browser.find_element(By.ID, "short-after").text)
    assert after >= int(browser.find_element(By.ID, "short-now").text)
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#leave ~ div table tr")]
    assert any(worked[0].isoformat() in r and "requested" in r for r in rows), rows


def test_an_officer_cannot_reach_another_officers_welfare_page(signed_in, site):
    browser = signed_in("officer")
    browser.get(f"{site.url}/welfare/officers/{site.officer}")
    assert browser.find_element(By.TAG_NAME, "h1").text != "Not allowed"
    browser.get(f"{site.url}/welfare/officers/{site.teammate}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Not allowed"
    assert not browser.find_elements(By.CSS_SELECTOR, "main table")  # nothing of theirs shown
