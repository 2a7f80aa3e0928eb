"""A demo store with one account per role, the app over it, and signed-in clients.

The store is built once per backend (SQLite always; PostgreSQL when
FORCEPLAN_TEST_POSTGRES_URL is set) and shared by the tests of tests/api and tests/web;
tests that change things use their own accounts or their own app.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from forceplan.app import create_app
from forceplan.config import Settings
from forceplan.ingest.importer import import_file
from forceplan.ingest.profile import Profile
from forceplan.services.access import create_demo_accounts
from forceplan.services.accounts import create_user
from forceplan.services.demo import create_demo_force
from forceplan.services.forecast_store import run_forecast
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.scratch import scratch_schema
from tests.conftest import IN_CI, POSTGRES_URL
from tests.ingest.helpers import row, simple_profile, write_csv

PASSWORD = "correct horse battery staple"
BASE_URL = "https://testserver"  # cookies are Secure by default: the test client uses HTTPS


@dataclass
class Store:
    url: str
    settings: Settings
    database: Database
    supervisor_unit: str
    officer: str  # person id of demo-officer (in the supervisor's unit)
    teammate: str  # another officer in that unit
    outsider: str  # an officer outside the supervisor's unit
    run_id: str


def test_settings(url: str, **overrides) -> Settings:
    """Settings for tests: cheap argon2 parameters, everything else as in production."""
    return Settings(
        database_url=url, password_hash_time_cost=1, password_hash_memory_kib=8192, **overrides
    )


def _import_small_file(database: Database, folder: Path) -> None:
    data = simple_profile().model_dump(mode="json", exclude_none=True)
    data.update(name="web_test_cad", force_id="DEMO")
    data["fields"]["force_id"] = {"value": "DEMO"}
    profile = Profile.model_validate(json.loads(json.dumps(data)))
    path = write_csv(folder / "cad.csv", [row("W1"), row("W2", prio="P9"), row("W3")])
    import_file(database, "incidents", path, profile, progress=lambda _s, _f: None)


def _people(database: Database, unit: str, officer: str) -> tuple[str, str]:
    p = t.people
    with database.read() as c:
        rows = c.execute(
            select(p.c.id, p.c.unit_id)
            .where(p.c.force_id == "DEMO", p.c.kind == "officer", p.c.rank == "constable")
            .order_by(p.c.id)
        ).all()
    teammate = next(r.id for r in rows if r.unit_id == unit and r.id != officer)
    outsider = next(r.id for r in rows if r.unit_id != unit)
    return teammate, outsider


def _build(url: str, folder: Path) -> Store:
    settings = test_settings(url)
    database = Database(url, settings)
    create_demo_force(database, officers=60, years=1, seed=11)
    _import_small_file(database, folder)
    run = run_forecast(database, "DEMO", breakdown="none", freq="1d", horizon="2w")
    accounts, _ = create_demo_accounts(database, settings, "DEMO", PASSWORD)
    by_role = {a.role: a for a in accounts}
    unit, officer = by_role["supervisor"].unit_id, by_role["officer"].person_id
    teammate, outsider = _people(database, unit, officer)
    create_user(database, settings, "officer-two", PASSWORD, "officer", "DEMO", person_id=outsider)
    return Store(url, settings, database, unit, officer, teammate, outsider, run.run_id)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp(f"web-{request.param}")
    if request.param == "sqlite":
        built = _build(f"sqlite:///{folder / 'forceplan.db'}", folder)
        yield built
        built.database.dispose()
        return
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("CI=true but FORCEPLAN_TEST_POSTGRES_URL is not set")
        pytest.skip("PostgreSQL not configured (set FORCEPLAN_TEST_POSTGRES_URL)")
    with scratch_schema(POSTGRES_URL) as url:
        built = _build(url, folder)
        yield built
        built.database.dispose()


@pytest.fixture(scope="session")
def app(store: Store):
    return create_app(store.settings)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def fresh_app(store: Store):
    """An app of its own (its own sign-in limiter) over the shared store."""
    return create_app(store.settings)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the API; sets the session cookie and the CSRF header. Returns it."""
    answer = client.post("/api/v1/auth/signin", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    token = answer.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return token


@pytest.fixture
def as_role(app) -> Iterator[Callable[[str], TestClient]]:
    """as_role('planner') -> a client signed in as demo-planner (or any username)."""
    opened: list[TestClient] = []

    def make(role_or_username: str) -> TestClient:
        # Not entered as a context: the app's start-up (which marks jobs left running by a
        # stopped server as interrupted) runs once, in the ``client`` fixture, as in a server.
        client = TestClient(app, base_url=BASE_URL, follow_redirects=False)
        opened.append(client)
        name = role_or_username if "-" in role_or_username else f"demo-{role_or_username}"
        sign_in(client, name)
        return client

    yield make
    for client in opened:
        client.close()
