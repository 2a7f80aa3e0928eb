"""Plans read once per version (services/plan_cache.py): a grid read after any change — through
the API, or straight through the services as another process would — shows the change; what
one role was served is never served to another."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from forceplan.services.plan_cache import PlanCache
from forceplan.services.roster import load_plan, publish_plan, update_plan
from forceplan.store import tables as t
from tests.api.roster_helpers import START, build_unit_plan


@pytest.fixture(scope="module")
def built(store):
    return build_unit_plan(store.database, store.supervisor_unit)


def _worked_cell(plan):
    """The first (person, day, tour) of the plan with a tour."""
    for person in sorted(plan.roster):
        for day, code in sorted(plan.roster[person].items()):
            if code:
                return person, day, code
    raise AssertionError("an empty plan")


def _rostered(grid: dict) -> list[int]:
    return [hour["rostered"] for hour in grid["cover"]]


def test_a_grid_read_after_an_edit_by_another_writer_shows_it(as_role, store, built):
    plan = built.copy(store.database)
    path = f"/api/v1/roster/plans/{plan.id}"
    planner = as_role("planner")
    before = planner.get(path).json()
    assert planner.get(path).json() == before  # the cached answer is the same answer
    person, day, _ = _worked_cell(plan)
    # a write that never went through the web app (the CLI, another server process)
    update_plan(store.database, plan.id, 1, [(person, plan.date_of(day), None)])
    after = planner.get(path).json()
    assert after["version"] == 2
    line = next(ln for ln in after["lines"] if ln["person_id"] == person)
    assert line["shifts"][day] is None
    dropped = [a - b for a, b in zip(_rostered(before), _rostered(after), strict=True)]
    assert sum(dropped) > 0 and all(d in (0, 1) for d in dropped)
    publish_plan(store.database, plan.id, 2)
    try:
        assert planner.get(path).json()["status"] == "published"
    finally:  # other modules' officers see their own module's published plan
        with store.database.transaction() as c:
            c.execute(update(t.roster_plans).where(t.roster_plans.c.id == plan.id)
                      .values(status="draft"))  # fmt: skip


def test_a_cached_grid_is_not_served_to_another_role(as_role, store, built):
    path = f"/api/v1/roster/plans/{built.plan.id}"
    full = as_role("planner").get(path).json()
    assert len(full["lines"]) == len(built.plan.roster)
    mine = as_role("officer").get(path).json()
    assert [ln["person_id"] for ln in mine["lines"]] == [store.officer]
    assert as_role("analyst").get(path).json()["lines"] == []
    assert as_role("officer-two").get(path).status_code == 403
    assert len(as_role("supervisor").get(path).json()["lines"]) == len(built.plan.roster)


def test_the_grid_pages_cover_chart_follows_an_edit(as_role, store, built):
    plan = built.copy(store.database)
    page = f"/roster/plans/{plan.id}"
    planner = as_role("planner")

    def chart() -> str:
        html = planner.get(page).text
        return re.search(r"<svg[^>]*aria-label=\"Cover.*?</svg>", html, re.S).group(0)

    first = chart()
    assert chart() == first
    person, day, _ = _worked_cell(plan)
    update_plan(store.database, plan.id, 1, [(person, plan.date_of(day), None)])
    assert chart() != first


def test_the_cache_keeps_the_newest_version_and_forgets_the_least_used(store, built):
    cache = PlanCache(max_plans=2)
    plans = [built.copy(store.database) for _ in range(3)]
    first = cache.snapshot(store.database, plans[0].id)
    assert cache.snapshot(store.database, plans[0].id) is first
    assert (cache.stats.hits, cache.stats.loads) == (1, 1)
    person, _, _ = _worked_cell(plans[0])
    update_plan(store.database, plans[0].id, 1, [(person, START, "N")])
    again = cache.snapshot(store.database, plans[0].id)
    assert again is not first and again.plan.version == 2
    assert again.plan.roster == load_plan(store.database, plans[0].id).roster
    cache.snapshot(store.database, plans[1].id)
    cache.snapshot(store.database, plans[2].id)  # plans[0] is the least recently used
    cache.snapshot(store.database, plans[0].id)
    assert cache.stats.loads == 5
