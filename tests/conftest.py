"""Shared fixtures: a store on SQLite (always) and PostgreSQL (when a server is given).

Set FORCEPLAN_TEST_POSTGRES_URL (``.ci/run`` does, after starting a server) to run every
store test on PostgreSQL as well. Under CI (CI=true) a missing PostgreSQL is an error, not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from forceplan.config import Settings
from forceplan.store import Database
from forceplan.store.scratch import scratch_schema

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FORCEPLAN_SHARED_DATA", REPO.parent / "shared" / "data"))
POSTGRES_URL = os.environ.get("FORCEPLAN_TEST_POSTGRES_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"


def shared_data(*parts: str) -> Path:
    """A path in ../shared/data, skipping the test with a reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (see ../shared/data/README.md)")
    return path


def _postgres_schema_url() -> Iterator[str]:
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("CI=true but FORCEPLAN_TEST_POSTGRES_URL is not set: .ci/run must "
                        "start PostgreSQL")
        pytest.skip("PostgreSQL not configured (set FORCEPLAN_TEST_POSTGRES_URL)")
    with scratch_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'forceplan.db'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture
def empty_database(database_url: str) -> Iterator[Database]:
    database = Database(database_url, Settings(database_url=database_url))
    yield database
    database.dispose()


@pytest.fixture
def database(empty_database: Database) -> Database:
    """A store with the current schema and no data."""
    empty_database.upgrade()
    return empty_database
