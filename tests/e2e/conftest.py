"""End-to-end tests in headless Chromium (Selenium 4, Debian's chromium + chromedriver)
against a real ``uvicorn`` server on a free loopback port, over a temporary SQLite store
with a small demo force (60 officers), the demo accounts and one roster plan.

Skipped, with the reason, only when chromium or chromedriver is not installed (``.ci/run``
installs both)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from forceplan.services.access import create_demo_accounts
from forceplan.services.accounts import create_user
from forceplan.services.demo import create_demo_force
from forceplan.store import Database
from tests.api.conftest import PASSWORD, _people, test_settings
from tests.api.roster_helpers import build_unit_plan

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
PHONE = (412, 915)  # a phone's CSS pixels
MISSING = (
    "headless browser tests need Debian's chromium and chromium-driver "
    "(apt-get install -y chromium chromium-driver; .ci/run installs them)"
)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            if not (CHROMIUM and CHROMEDRIVER):
                item.add_marker(pytest.mark.skip(reason=MISSING))


@dataclass
class Site:
    url: str
    database: Database
    supervisor_unit: str
    officer: str
    teammate: str
    outsider: str
    plan_id: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(folder: Path) -> tuple[str, Site]:
    url = f"sqlite:///{folder / 'forceplan.db'}"
    settings = test_settings(url)
    database = Database(url, settings)
    create_demo_force(database, officers=60, years=1, seed=11)
    accounts, _ = create_demo_accounts(database, settings, "DEMO", PASSWORD)
    by_role = {a.role: a for a in accounts}
    unit, officer = by_role["supervisor"].unit_id, by_role["officer"].person_id
    teammate, outsider = _people(database, unit, officer)
    create_user(database, settings, "officer-two", PASSWORD, "officer", "DEMO", person_id=outsider)
    plan = build_unit_plan(database, unit).plan
    return url, Site("", database, unit, officer, teammate, outsider, plan.id)


def _wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url} within {seconds} s")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Iterator[Site]:
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(MISSING)
    folder = tmp_path_factory.mktemp("e2e")
    database_url, site = _prepare(folder)
    port = _free_port()
    env = {**os.environ, "FORCEPLAN_DATABASE_URL": database_url,
           "FORCEPLAN_COOKIE_SECURE": "false", "FORCEPLAN_PASSWORD_HASH_TIME_COST": "1",
           "FORCEPLAN_PASSWORD_HASH_MEMORY_KIB": "8192", "FORCEPLAN_JOB_WORKERS": "1"}  # fmt: skip
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "forceplan.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    site.url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(site.url, process)
        yield site
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        site.database.dispose()


@pytest.fixture(scope="session")
def browser(site):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={PHONE[0]},{PHONE[1]}", "--lang=en-GB"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def click_and_wait(browser, element, seconds: float = 60) -> None:
    """Click (a link or a submit button) and wait until the next page has replaced this one.

    The old page is marked with a window property; the wait ends when a document without the
    mark has finished loading. (Selenium's staleness_of can raise an inspector error instead of
    reporting staleness when the node disappears mid-check.)
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_script("window.__forceplanOldPage = true")
    element.click()

    def replaced(driver) -> bool:
        return bool(
            driver.execute_script(
                "return window.__forceplanOldPage === undefined"
                " && document.readyState === 'complete'"
            )
        )

    WebDriverWait(browser, seconds, ignored_exceptions=(WebDriverException,)).until(replaced)


@pytest.fixture
def signed_in(site, browser):
    """signed_in('planner') -> the browser, signed in afresh as demo-planner (or a username)."""
    from selenium.webdriver.common.by import By

    def sign_in(role_or_username: str):
        name = role_or_username if "-" in role_or_username else f"demo-{role_or_username}"
        browser.delete_all_cookies()
        browser.get(f"{site.url}/signin")
        browser.find_element(By.NAME, "username").send_keys(name)
        browser.find_element(By.NAME, "password").send_keys(PASSWORD)
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
        return browser

    return sign_in
