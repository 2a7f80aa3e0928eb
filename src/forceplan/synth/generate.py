"""Generate the whole synthetic demo force: seeded, deterministic, realistic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from forceplan.errors import ConfigurationError
from forceplan.standard import Force, Person, ShiftDefinition, Unit
from forceplan.synth.incidents import (
    duty_pools,
    generate_cases,
    generate_deployments,
    generate_incidents,
    local_midnight_utc,
)
from forceplan.synth.organisation import generate_organisation
from forceplan.synth.rosters import generate_absences, generate_roster

#: The demo period ends on the last day of a financial year, so runs do not depend on today.
DEFAULT_END = dt.date(2026, 3, 31)
#: Duty rosters are published at least 1 month ahead and show at least 3 months (Annex E).
PUBLISHED_AHEAD_DAYS = 91
Progress = Callable[[str, float], None]


@dataclass
class DemoForce:
    """Everything generated, ready to load: small records and large frames."""

    force: Force
    units: list[Unit]
    shifts: list[ShiftDefinition]
    people: list[Person]
    start: dt.date
    end: dt.date
    seed: int
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)

    def row_counts(self) -> dict[str, int]:
        counts = {
            "units": len(self.units),
            "shift_definitions": len(self.shifts),
            "people": len(self.people),
        }
        counts.update({name: frame.height for name, frame in self.frames.items()})
        return counts


def _no_progress(_stage: str, _fraction: float) -> None:
    return None


def generate_demo_force(
    officers: int = 600,
    years: int = 1,
    seed: int = 42,
    end: dt.date = DEFAULT_END,
    timezone: str = "Europe/London",
    progress: Progress = _no_progress,
) -> DemoForce:
    """A demo force of ``officers`` officers with ``years`` of history ending on ``end``.

    The same arguments always give the same force (one ``numpy`` generator, seeded once, with
    every stage drawing from its own child stream so that stages do not disturb each other).
    """
    if not 20 <= officers <= 20_000:
        raise ConfigurationError(
            f"--officers {officers} is out of range", hint="choose between 20 and 20000 officers"
        )
    if not 1 <= years <= 10:
        raise ConfigurationError(f"--years {years} is out of range", hint="choose 1 to 10 years")
    streams = np.random.SeedSequence(seed).spawn(6)
    rng = [np.random.default_rng(s) for s in streams]
    start = dt.date(end.year - years, end.month, end.day) + dt.timedelta(days=1)
    horizon = end + dt.timedelta(days=PUBLISHED_AHEAD_DAYS)
    days = [start + dt.timedelta(days=i) for i in range((horizon - start).days + 1)]

    progress("people", 0.0)
    org = generate_organisation(officers, end, rng[0])
    progress("absences", 0.1)
    absences = generate_absences(org.people, start, end, horizon, rng[1])
    progress("roster", 0.2)
    roster = generate_roster(org.people, days, end, absences, rng[2])
    progress("incidents", 0.35)
    incidents = generate_incidents(officers, start, end, timezone, rng[3])
    progress("deployments", 0.6)
    t0 = local_midnight_utc(start, timezone)
    hours = len(days) * 24 + 24
    pools = duty_pools(org.people, roster, org.shifts, t0, hours, timezone)
    deployments = generate_deployments(incidents, pools, rng[4])
    progress("cases", 0.8)
    cases = generate_cases(incidents, org.people, end, timezone, rng[5])
    progress("done", 1.0)
    return DemoForce(
        force=org.force,
        units=org.units,
        shifts=org.shifts,
        people=org.people,
        start=start,
        end=end,
        seed=seed,
        frames={
            "absences": absences,
            "roster_assignments": roster,
            "incidents": incidents,
            "deployments": deployments,
            "cases": cases,
        },
    )
