"""A small roster plan of the supervisor's unit in the shared demo store, and fresh copies of
it for tests that change a plan."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from fastapi.testclient import TestClient

from forceplan.roster.problem import RosterProblem
from forceplan.roster.solve import SolveOptions
from forceplan.services.roster import RosterPlan, build_roster, save_plan
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
