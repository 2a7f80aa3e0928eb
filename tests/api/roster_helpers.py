"""A small roster plan of the supervisor's unit in the shared demo store, and fresh copies of
it for tests that change a plan."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from fastapi.testclient import TestClient

from forceplan.roster.problem import RosterProblem
from forceplan.roster.solve import SolveOptions
from forceplan.services.roster import RosterPlan, build_roster, save_plan, update_plan
from forceplan.services.roster_web import unit_rules
from forceplan.store import Database

START = dt.date(2026, 4, 6)
FAST = SolveOptions(time_limit_seconds=5, workers=2)


@dataclass
class Built:
    plan: RosterPlan
    problem: RosterProblem

    def copy(self, database: Database) -> RosterPlan:
        """A new draft plan with the same lines (version 1)."""
        p = self.plan
        return save_plan(database, p.force_id, p.unit_id, self.problem, p.roster, p.summary)


def build_unit_plan(database: Database, unit: str) -> Built:
    rules = unit_rules(database, "DEMO", unit)
    plan, problem, _ = build_roster(database, unit, START, 4, force="DEMO", rules=rules,
                                    options=FAST, created_by="tests")  # fmt: skip
    return Built(plan, problem)


def wait_for_job(client: TestClient, job_id: str, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish in {seconds} s")


def swap_candidates(plan: RosterPlan, me: str, mate: str) -> list[tuple[int, int]]:
    """(my day, their day) swaps likeliest to keep both officers within the rules first: the
    same day when both work different tours, then two days where each works while the other
    rests (each keeps their hours), then any day on which their duties differ."""
    mine, theirs = plan.roster[me], plan.roster[mate]
    days = range(plan.days)
    both = [(d, d) for d in days if mine.get(d) and theirs.get(d) and mine[d] != theirs[d]]
    crossed = [
        (a, b)
        for a in days if mine.get(a) and not theirs.get(a)
        for b in days if theirs.get(b) and not mine.get(b) and abs(a - b) <= 3
    ]  # fmt: skip
    other = [(d, d) for d in days if mine.get(d) != theirs.get(d)]
    return both + crossed + other


def make_swappable(database: Database, plan: RosterPlan, me: str, mate: str, day: int = 10):
    """The plan with one swap the rules surely allow: on ``day`` I work E and my teammate L
    (both 10 h), each with rest days either side, so exchanging them changes no one's hours
    or rest (breaches the plan already has do not block a swap)."""
    on = plan.date_of
    lines = {me: (None, "E", None), mate: (None, "L", None)}
    changes = [
        (person, on(day + offset), code)
        for person, codes in lines.items()
        for offset, code in zip((-1, 0, 1), codes, strict=True)
    ]
    return update_plan(database, plan.id, plan.version, changes)
