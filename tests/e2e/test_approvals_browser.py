"""In a real browser at phone width: an officer asks for leave, their supervisor approves it
on the approvals page seeing its effect on cover, and the officer sees the outcome."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from forceplan.services.roster import load_plan
from tests.e2e.conftest import click_and_wait
from tests.e2e.test_browser import _set_date

pytestmark = pytest.mark.e2e


def test_a_supervisor_approves_an_officers_leave(signed_in, site):
    plan = load_plan(site.database, site.plan_id)
    day = [plan.date_of(d) for d, c in sorted(plan.roster[site.officer].items()) if c][-1]
    browser = signed_in("officer")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "My roster"))
    form = browser.find_element(By.CSS_SELECTOR, 'form[action="/me/leave"]')
    _set_date(browser, "start", day)
    _set_date(browser, "end", day)
    browser.find_element(By.NAME, "reason").send_keys("family wedding")
    click_and_wait(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    browser = signed_in("supervisor")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Approvals"))
    card = next(c for c in browser.find_elements(By.CSS_SELECTOR, "#leave ~ div.card")
                if "family wedding" in c.text)  # fmt: skip
    assert "Takes 1 tour(s) off plan" in card.text and "Hours short" in card.text
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= browser.execute_script("return window.innerWidth") + 1
    card.find_element(By.NAME, "reason").send_keys("cover holds")
    click_and_wait(browser, card.find_element(By.CSS_SELECTOR, 'button[value="approve"]'))
    assert "leave approve" in browser.find_element(By.ID, "done").text
    assert "family wedding" not in browser.find_element(By.TAG_NAME, "main").text

    browser = signed_in("officer")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "My roster"))
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#leave ~ div table tr")]
    assert any(day.isoformat() in r and "approved: cover holds" in r for r in rows), rows
