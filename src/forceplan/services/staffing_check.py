"""Does a roster built to the staffing requirement meet the targets in simulation? (the
staffing issue, item 4).

Demand is drawn from the same arrival model the requirement used (Poisson arrivals by hour of
the week and grade, exponential time on task, the crew size as 1 or 2 officers at random with
the right mean, the same travel distribution); officers are put on duty hour by hour exactly as
the requirement says (officer k is on duty in every hour that needs more than k officers, so
each officer's hours form tours); the simulator then replays the weeks and the share of each
grade attended within target is set beside the target. The same demand can instead be
replayed against the unit's real roster from the store, to see whether it meets the targets.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from forceplan.errors import ConfigurationError
from forceplan.services.indicators import resolve_scope
from forceplan.services.simulate import store_inputs
from forceplan.services.staffing import StaffingPolicy, demand_arrivals
from forceplan.simulate import SimulationConfig, TimeOnTaskModel, TravelModel, simulate_response
from forceplan.staffing.requirement import StaffingRules, requirement_by_hour
from forceplan.store import Database

MONDAY = dt.datetime(2025, 1, 6)


def duty_from_requirement(
    officers: list[int], weeks: int, start: dt.datetime = MONDAY
) -> pl.DataFrame:
    """Tours that put exactly ``officers[h]`` officers on duty in hour ``h`` of every week."""
    hours = np.tile(np.asarray(officers), weeks)
    rows = []
    for k in range(int(hours.max()) if len(hours) else 0):
        on = hours > k
        edges = np.flatnonzero(np.diff(np.concatenate([[0], on.astype(int), [0]])))
        for first, last in zip(edges[::2], edges[1::2], strict=True):
            rows.append(
                (
                    f"R{k:03d}",
                    start + dt.timedelta(hours=int(first)),
                    start + dt.timedelta(hours=int(last)),
                )
            )
    return pl.DataFrame(rows, schema=["person_id", "start", "end"], orient="row")


def synthetic_demand(
    arrivals: pl.DataFrame,
    weeks: int,
    targets: dict[int, float],
    rng: np.random.Generator,
    start: dt.datetime = MONDAY,
) -> pl.DataFrame:
    """Poisson arrivals hour by hour from ``arrivals`` (hour_of_week, grade, per_hour,
    officers), uniform within the hour; officers 1 or 2 with the category's mean."""
    rows = []
    # a fixed order, so a seed gives the same demand whatever order the rows came in (a
    # group_by's order changes from one process to the next)
    keys = ["hour_of_week", "grade", "per_hour", "officers"]
    for hour_of_week, grade, per_hour, officers in arrivals.select(keys).sort(keys).iter_rows():
        counts = rng.poisson(per_hour, weeks)
        for week, n in enumerate(counts):
            base = start + dt.timedelta(weeks=week, hours=hour_of_week)
            for offset in rng.uniform(0, 3600, n):
                double = rng.random() < min(max(officers - 1, 0), 1)
                rows.append(
                    (
                        base + dt.timedelta(seconds=float(offset)),
                        grade,
                        2 if double else 1,
                        targets.get(grade, 2880.0),
                    )
                )
    frame = pl.DataFrame(
        rows,
        schema=["received_at", "grade", "officers_deployed", "attendance_target_minutes"],
        orient="row",
    )
    return (
        frame.sort("received_at")
        .with_row_index("n")
        .with_columns(id=pl.format("S{}", pl.col("n")), category=pl.lit("simulated"))
        .drop("n")
    )


def _check_config(
    arrivals: pl.DataFrame, rules: StaffingRules, replications: int, seed: int
) -> SimulationConfig:
    """The simulator set up as the queueing model sees the unit: the same travel, exponential
    time on task with the model's mean, crews as recorded, no breaks, one pool."""
    sent = arrivals.filter(pl.col("per_hour") > 0)
    task = float(
        (sent["per_hour"] * sent["officers"] * sent["task_hours"]).sum()
        / (sent["per_hour"] * sent["officers"]).sum()
    )
    return SimulationConfig(
        travel=TravelModel(
            kind="lognormal",
            median_minutes=float(np.median(rules.travel_minutes)),
            sigma=float(np.std(np.log(rules.travel_minutes))),
        ),
        time_on_task=TimeOnTaskModel(source="exponential", median_minutes=task * 60),
        crewing="incident",
        break_minutes=0,
        replications=replications,
        seed=seed,
        pool_by_unit=False,
    )


def _agreement(
    need: pl.DataFrame,
    rules: StaffingRules,
    demand: pl.DataFrame,
    duty: pl.DataFrame,
    config: SimulationConfig,
    roster: str,
    officer_hours_a_week: float,
) -> pl.DataFrame:
    """Per targeted grade: target, analytic share (worst hour) and simulated share."""
    result = simulate_response(demand, duty, config)
    simulated = result.by_grade.group_by("grade").agg(
        simulated_share_within=pl.col("share_within_target").mean()
    )
    rows = [
        {
            "grade": t.grade,
            "target_minutes": t.minutes,
            "target_share": t.share,
            "analytic_share_worst_hour": float(need[f"grade_{t.grade}_share_within"].min()),
        }
        for t in rules.targets
    ]
    return (
        pl.DataFrame(rows)
        .join(simulated, on="grade", how="left")
        .with_columns(
            meets_target=pl.col("simulated_share_within").fill_null(0.0) >= pl.col("target_share"),
            officer_hours_a_week=pl.lit(officer_hours_a_week),
            roster=pl.lit(roster),
        )
    )


def confirm_requirement(
    arrivals: pl.DataFrame,
    rules: StaffingRules = StaffingRules(),
    weeks: int = 4,
    replications: int = 3,
    seed: int = 1,
    column: str = "officers_needed",
    scale: float = 1.0,
) -> pl.DataFrame:
    """Per targeted grade: the target share, the share the requirement promised (analytic, the
    worst hour) and the share simulated against a roster of exactly ``column`` officers
    (times ``scale``, to see what a smaller roster would deliver)."""
    need = requirement_by_hour(arrivals, rules)
    officers = [math.ceil(v * scale) for v in need.sort("hour_of_week")[column]]
    targets = {t.grade: t.minutes for t in rules.targets}
    demand = synthetic_demand(arrivals, weeks, targets, np.random.default_rng(seed))
    config = _check_config(arrivals, rules, replications, seed)
    return _agreement(
        need,
        rules,
        demand,
        duty_from_requirement(officers, weeks),
        config,
        column,
        float(sum(officers)),
    )


def confirm_roster(
    arrivals: pl.DataFrame,
    duty: pl.DataFrame,
    first: dt.date,
    last: dt.date,
    rules: StaffingRules = StaffingRules(),
    replications: int = 3,
    seed: int = 1,
) -> pl.DataFrame:
    """As ``confirm_requirement``, but the officers on duty are a real roster (``duty``:
    person_id, start, end, on the local wall clock, naive) from ``first`` to ``last``: demand
    is drawn from the same arrival model over those days, and the table says whether the
    roster as it stands meets the targets."""
    need = requirement_by_hour(arrivals, rules)
    monday = dt.datetime.combine(first - dt.timedelta(days=first.weekday()), dt.time())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    weeks = math.ceil((end - monday).days / 7)
    targets = {t.grade: t.minutes for t in rules.targets}
    demand = synthetic_demand(arrivals, weeks, targets, np.random.default_rng(seed), monday)
    low = dt.datetime.combine(first, dt.time())
    demand = demand.filter(pl.col("received_at") >= low, pl.col("received_at") < end)
    hours = float((duty["end"] - duty["start"]).dt.total_minutes().sum() / 60)
    days = (last - first).days + 1
    config = _check_config(arrivals, rules, replications, seed)
    return _agreement(
        need,
        rules,
        demand,
        duty.select("person_id", "start", "end"),
        config,
        "store",
        round(hours * 7 / days, 1),
    )


@dataclass
class StaffingCheck:
    scope: str
    period: tuple[str, str]
    roster: str  # "requirement" or "store"
    table: pl.DataFrame


def staffing_check(
    database: Database,
    force: str | None = None,
    unit: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    policy: StaffingPolicy = StaffingPolicy(),
    replications: int = 3,
    weeks: int = 4,
    roster: str = "requirement",
    seed: int = 1,
) -> StaffingCheck:
    """The agreement table for a unit: the arrival model of its recorded demand (``start`` to
    ``end``), replayed in the simulator against a roster built hour by hour to the requirement
    (``roster="requirement"``, ``weeks`` of it) or against the unit's own roster of those
    days from the store (``roster="store"``, which needs ``start`` and ``end``)."""
    if roster not in ("requirement", "store"):
        raise ConfigurationError(f"roster {roster!r} is not known", hint="use requirement or store")
    arrivals, _weeks, span = demand_arrivals(database, force, unit, start, end, policy)
    if roster == "requirement":
        table = confirm_requirement(arrivals, policy.rules, weeks, replications, seed)
        period = (span[0].date().isoformat(), span[1].date().isoformat())
        scope = resolve_scope(database, force, unit, None).label
        return StaffingCheck(scope, period, roster, table)
    if start is None or end is None:
        raise ConfigurationError(
            "checking the store's roster needs a period",
            hint="give --from and --to with --roster store",
        )
    inputs = store_inputs(database, unit, start, end, force)
    duty = inputs.duty.with_columns(pl.col("start", "end").dt.replace_time_zone(None))
    table = confirm_roster(arrivals, duty, start, end, policy.rules, replications, seed)
    return StaffingCheck(inputs.scope, (start.isoformat(), end.isoformat()), roster, table)
