"""The cache of dashboard aggregates (services/cache.py): the same answers as a fresh
computation, new data seen at once, each role's view kept apart, access checked first."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from forceplan.errors import AccessDeniedError, NotFoundError
from forceplan.ingest.importer import import_file
from forceplan.ingest.profile import Profile
from forceplan.services.accounts import Account
from forceplan.services.cache import ResultCache, cache_for
from forceplan.services.demo import create_demo_force
from forceplan.services.indicators import compute_indicators, protect
from forceplan.services.overview import demand_overview, staffing_view
from forceplan.services.staffing import staffing_requirement
from forceplan.store import Database
from tests.api.conftest import Store
from tests.api.conftest import test_settings as settings_for
from tests.ingest.helpers import row, simple_profile, write_csv


def account(role: str, force: str = "DEMO") -> Account:
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return Account(f"id-{role}", f"test-{role}", role, force, None, None, False, when)


def close(cached, fresh) -> None:
    """Equal, floats to within one step of their rounding: polars adds in parallel, so two
    fresh computations may round a sum either side of a boundary (32.65 → 32.6 or 32.7)."""
    if isinstance(fresh, dict):
        assert cached.keys() == fresh.keys()
        for key in fresh:
            close(cached[key], fresh[key])
    elif isinstance(fresh, float) and not isinstance(cached, bool):
        assert cached == pytest.approx(fresh, abs=0.11, rel=1e-6)
    else:
        assert cached == fresh


def same_frame(cached: pl.DataFrame, fresh: pl.DataFrame) -> None:
    assert_frame_equal(cached, fresh, check_exact=False, rel_tol=1e-6, abs_tol=0.11)


def same_report(cached, fresh) -> None:
    assert cached.scope == fresh.scope and cached.period == fresh.period
    assert cached.shared == fresh.shared
    close(cached.summary, fresh.summary)
    assert cached.tables.keys() == fresh.tables.keys()
    for name, table in fresh.tables.items():
        same_frame(cached.tables[name], table)


def test_a_cached_overview_is_the_fresh_computation(store: Store):
    cache = cache_for(store.database)
    first = demand_overview(store.database, account("planner"), unit="N")
    hits = cache.stats.hits
    again = demand_overview(store.database, account("analyst"), unit="N")
    assert cache.stats.hits > hits  # the second read came from the cache
    fresh = compute_indicators(store.database, force="DEMO", unit="N")
    same_report(first.report, fresh)
    same_report(again.report, fresh)
    same_frame(again.weekly, first.weekly)


def test_partners_get_their_own_withheld_view_whoever_asked_first(store: Store):
    start, end = dt.date(2025, 6, 1), dt.date(2025, 6, 30)
    planner = demand_overview(store.database, account("planner"), None, "N", start, end)
    partner = demand_overview(store.database, account("partner"), None, "N", start, end)
    fresh = compute_indicators(store.database, force="DEMO", unit="N", start=start, end=end)
    same_report(planner.report, fresh)
    withheld = protect(
        compute_indicators(store.database, force="DEMO", unit="N", start=start, end=end)
    )
    withheld.shared = True
    same_report(partner.report, withheld)
    assert partner.report.tables["demand_by_category"]["incidents"].null_count() > 0
    assert planner.report.tables["demand_by_category"]["incidents"].null_count() == 0
    # and the force's view is still whole after the partner's was made from it
    same_report(
        demand_overview(store.database, account("admin"), None, "N", start, end).report, fresh
    )


def test_a_caller_cannot_change_the_cached_answer(store: Store):
    one = demand_overview(store.database, account("planner"))
    one.report.summary["incidents"] = -1
    one.report.summary["repeat_callers"].clear()
    one.report.tables.clear()
    two = demand_overview(store.database, account("planner"))
    assert two.report.summary["incidents"] > 0 and two.report.summary["repeat_callers"]
    assert "demand_by_day" in two.report.tables


def test_access_is_checked_before_the_cache(store: Store):
    staffing_view(store.database, account("planner"))  # warm
    with pytest.raises(AccessDeniedError):
        staffing_view(store.database, account("officer"))
    with pytest.raises(AccessDeniedError):
        demand_overview(store.database, account("planner", force="OTHER"), force="DEMO")
    with pytest.raises(AccessDeniedError):
        demand_overview(store.database, account("planner"), force="OTHER")


def test_cached_staffing_is_the_fresh_computation(store: Store):
    staffing_view(store.database, account("supervisor"))
    cached = staffing_view(store.database, account("planner")).report
    fresh = staffing_requirement(store.database, "DEMO")
    close(cached.summary, fresh.summary)
    same_frame(cached.by_hour, fresh.by_hour)


def test_the_api_answers_the_same_from_the_cache(as_role):
    planner = as_role("planner")
    first = planner.get("/api/v1/indicators?unit=S").json()
    assert planner.get("/api/v1/indicators?unit=S").json() == first
    assert as_role("partner").get("/api/v1/indicators?unit=S").json()["shared"] is True
    page = planner.get("/demand?unit=S")
    assert page.status_code == 200 and page.text.count("<svg") >= 4
    assert planner.get("/demand?unit=S").text == page.text


@pytest.fixture
def small_store(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'small.db'}"
    database = Database(url, settings_for(url))
    create_demo_force(database, officers=20, years=1, seed=5)
    cache_for(database).recheck_seconds = 0  # every read looks at the data version
    yield database
    database.dispose()


def _import(database: Database, folder: Path, refs: list[str], when: str) -> None:
    data = simple_profile().model_dump(mode="json", exclude_none=True)
    data.update(name="cache_test_cad", force_id="DEMO")
    data["fields"]["force_id"] = {"value": "DEMO"}
    profile = Profile.model_validate(data)
    arrived = when[:-5] + "10:00"
    rows = [row(ref, when=when, arrived=arrived, cleared=arrived) for ref in refs]
    path = write_csv(folder / f"{refs[0]}.csv", rows)
    import_file(database, "incidents", path, profile, progress=lambda _s, _f: None)


def test_an_import_is_seen_by_the_next_read(small_store: Database, tmp_path: Path):
    planner = account("planner")
    before = demand_overview(small_store, planner).report.summary["incidents"]
    _import(small_store, tmp_path, ["NEW1", "NEW2", "NEW3"], "2025-07-01 09:00:00")
    after = demand_overview(small_store, planner).report
    assert after.summary["incidents"] == before + 3
    same_report(after, compute_indicators(small_store, force="DEMO"))


def test_an_answer_of_no_incidents_is_remembered_until_data_arrive(
    small_store: Database, tmp_path: Path
):
    planner, day = account("planner"), dt.date(2030, 1, 1)
    for _ in range(2):
        with pytest.raises(NotFoundError, match="no incidents"):
            demand_overview(small_store, planner, start=day, end=day)
    assert cache_for(small_store).stats.hits >= 1
    _import(small_store, tmp_path, ["LATE1"], "2030-01-01 09:00:00")
    assert (
        demand_overview(small_store, planner, start=day, end=day).report.summary["incidents"] == 1
    )


def test_a_change_another_process_makes_is_seen(small_store: Database, tmp_path: Path):
    """Another Database object (the CLI importing while the server runs) writes."""
    demand_overview(small_store, account("planner"))
    other = Database(small_store.url, settings_for(small_store.url))
    _import(other, tmp_path, ["ELSE1"], "2025-08-01 09:00:00")
    other.dispose()
    after = demand_overview(small_store, account("planner")).report
    same_report(after, compute_indicators(small_store, force="DEMO"))


# --- The cache itself -------------------------------------------------------------------


class FakeStore:
    """Stands in for a Database: data_version is patched to read ``version``."""

    def __init__(self) -> None:
        self.version = 1


@pytest.fixture
def fake(monkeypatch) -> FakeStore:
    store = FakeStore()
    monkeypatch.setattr("forceplan.services.cache.data_version", lambda db, force: (db.version,))
    return store


def test_one_computation_for_many_waiting_readers(fake):
    cache, calls, release = ResultCache(recheck_seconds=60), [], threading.Event()

    def slow() -> str:
        calls.append(1)
        release.wait(5)
        return "answer"

    answers: list[str] = []
    readers = [
        threading.Thread(target=lambda: answers.append(cache.get(fake, "F", "k", slow)))
        for _ in range(8)
    ]
    for reader in readers:
        reader.start()
    time.sleep(0.2)
    release.set()
    for reader in readers:
        reader.join(5)
    assert answers == ["answer"] * 8 and len(calls) == 1


def test_new_version_bounded_size_and_age(fake):
    now = [0.0]
    cache = ResultCache(max_entries=2, recheck_seconds=0, max_age_seconds=10, clock=lambda: now[0])
    count = iter(range(100))
    make = lambda: next(count)  # noqa: E731
    assert cache.get(fake, "F", "a", make) == 0
    assert cache.get(fake, "F", "a", make) == 0
    fake.version = 2
    assert cache.get(fake, "F", "a", make) == 1  # new data: recomputed
    cache.get(fake, "F", "b", make)
    cache.get(fake, "F", "c", make)
    assert len(cache) == 2 and cache.stats.evictions == 1
    now[0] = 11
    assert cache.get(fake, "F", "c", make) == 4  # too old: recomputed
    cache.invalidate("F")
    assert len(cache) == 0


def test_errors_are_passed_on_and_kept_only_when_asked(fake):
    cache, calls = ResultCache(recheck_seconds=60), []

    def fails() -> None:
        calls.append(1)
        raise NotFoundError("no incidents", hint="import some")

    for remember in ((), (), (NotFoundError,), (NotFoundError,)):
        with pytest.raises(NotFoundError) as raised:
            cache.get(fake, "F", ("k", remember), fails, remember=remember)
        assert raised.value.hint == "import some"
    assert len(calls) == 3  # twice without remembering, once remembered


def test_an_answer_begun_before_an_invalidation_is_not_kept(fake):
    cache = ResultCache(recheck_seconds=60)

    def computed_while_data_changed() -> str:
        cache.invalidate("F")
        return "old"

    assert cache.get(fake, "F", "k", computed_while_data_changed) == "old"
    assert cache.get(fake, "F", "k", lambda: "new") == "new"


def test_forces_are_kept_apart(fake):
    cache = ResultCache()
    cache.get(fake, "A", "k", lambda: "a")
    assert cache.get(fake, "B", "k", lambda: "b") == "b"
    assert cache.get(fake, "A", "k", lambda: "x") == "a"
