"""The server warms the force-level dashboards at start-up: afterwards a planner's first read
is a cache hit, and the warm-up views no welfare data (nothing is audited)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from forceplan.app import create_app
from forceplan.services.audit import audit_entries
from forceplan.services.cache import cache_for
from forceplan.services.overview import demand_overview, staffing_view
from forceplan.services.warmup import _warmer, warm_caches
from forceplan.store import Database
from tests.api.conftest import BASE_URL, sign_in


def test_warming_fills_the_cache_a_first_read_then_uses(store):
    database = Database(store.url, store.settings)  # a cache of its own
    welfare_views = len(audit_entries(store.database, "DEMO", "welfare.view", limit=10_000))
    done = warm_caches(database)
    assert {"DEMO demand", "DEMO staffing", "DEMO welfare"} <= set(done)
    cache = cache_for(database)
    misses = cache.stats.misses
    planner = _warmer("DEMO")  # any planner of the force asks the same questions
    demand_overview(database, planner)
    staffing_view(database, planner)
    assert cache.stats.misses == misses  # both answered from what the warm-up computed
    assert len(audit_entries(store.database, "DEMO", "welfare.view", limit=10_000)) == welfare_views
    database.dispose()


def test_the_server_warms_its_cache_when_asked(store):
    app = create_app(store.settings.model_copy(update={"warm_cache_on_start": True}))
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        cache = cache_for(app.state.database)
        assert app.state.warming.done.wait(180), "the warm-up did not finish"
        assert len(cache) >= 3, "the warm-up did not fill the cache"
        misses = cache.stats.misses
        sign_in(client, "demo-planner")
        assert client.get("/api/v1/indicators").status_code == 200
        assert cache.stats.misses == misses
    unwarmed = create_app(store.settings)
    with TestClient(unwarmed, base_url=BASE_URL):
        assert unwarmed.state.warming is None
        time.sleep(0.5)
        assert len(cache_for(unwarmed.state.database)) == 0
