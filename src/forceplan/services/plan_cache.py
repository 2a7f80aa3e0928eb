"""Roster plans read once per version, for the grid page and the grid API under load.

A plan's lines change only through ``services/roster.py``, and every change moves the plan's
``version`` (edits, publication) or makes a new plan (a build, a repair). So a read asks the
store for one row's ``(version, status)`` by primary key — a fraction of a millisecond — and
reuses the plan loaded for that version, with whatever was derived from it (the cover by
hour, the cover chart, the serialised grid: ``Derived``). Fifty planners opening one grid
load and draw it once.

Access rules run on every read, before anything cached is used (``roster_web.plan_for``):
the cache never decides who sees what. A cached plan is shared between requests: readers must
not change it (writers load their own copy with ``roster.load_plan``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import select

from forceplan.errors import NotFoundError
from forceplan.services.cache import Derived, PerStore
from forceplan.services.roster import RosterPlan, load_plan
from forceplan.store import Database
from forceplan.store import tables as t

#: Plans kept per store: a force's open drafts and published rosters, a few units' worth.
MAX_PLANS = 32


@dataclass
class PlanSnapshot:
    """One version of a plan and what has been derived from it."""

    plan: RosterPlan
    derived: Derived = field(default_factory=Derived)

    @property
    def stamp(self) -> tuple[int, str]:
        return self.plan.version, self.plan.status


@dataclass
class PlanCacheStats:
    hits: int = 0
    loads: int = 0


class PlanCache:
    """The newest version of each recently read plan, least recently used out first."""

    def __init__(self, max_plans: int = MAX_PLANS) -> None:
        self.max_plans = max_plans
        self.stats = PlanCacheStats()
        self._lock = threading.Lock()
        self._plans: OrderedDict[str, PlanSnapshot] = OrderedDict()

    def snapshot(self, database: Database, plan_id: str) -> PlanSnapshot:
        """The plan as it is now in the store (NotFoundError if there is none)."""
        p = t.roster_plans.c
        with database.read() as connection:
            row = connection.execute(select(p.version, p.status).where(p.id == plan_id)).first()
        if row is None:
            raise NotFoundError(f"no roster plan {plan_id}", hint="forceplan roster list")
        with self._lock:
            held = self._plans.get(plan_id)
            if held is not None and held.stamp == (row.version, row.status):
                self._plans.move_to_end(plan_id)
                self.stats.hits += 1
                return held
        fresh = PlanSnapshot(load_plan(database, plan_id))
        with self._lock:
            self.stats.loads += 1
            held = self._plans.get(plan_id)
            if held is None or held.plan.version <= fresh.plan.version:
                self._plans[plan_id] = fresh
                self._plans.move_to_end(plan_id)
            while len(self._plans) > self.max_plans:
                self._plans.popitem(last=False)
        return fresh


#: The plan cache of one store object (made on first use; goes with the object).
plan_cache_for: PerStore[PlanCache] = PerStore(PlanCache)


def plan_snapshot(database: Database, plan_id: str) -> PlanSnapshot:
    return plan_cache_for(database).snapshot(database, plan_id)
