"""Does a roster built to the staffing requirement meet the targets in simulation? (the
staffing issue, item 4).

Demand is drawn from the same arrival model the requirement used (Poisson arrivals by hour of
the week and grade, exponential time on task, the crew size as 1 or 2 officers at random with
the right mean, the same travel distribution); officers are put on duty hour by hour exactly as
the requirement says (officer k is on duty in every hour that needs more than k officers, so
each officer's hours form tours); the simulator then replays the weeks and the share of each
grade attended within target is set beside the target.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from forceplan.simulate import SimulationConfig, TimeOnTaskModel, TravelModel, simulate_response
from forceplan.staffing.requirement import StaffingRules, requirement_by_hour

MONDAY = dt.datetime(2025, 1, 6)


def duty_from_requirement(officers: list[int], weeks: int, start: dt.datetime = MONDAY
                          ) -> pl.DataFrame:
    """Tours that put exactly ``officers[h]`` officers on duty in hour ``h`` of every week."""
    hours = np.tile(np.asarray(officers), weeks)
    rows = []
    for k in range(int(hours.max()) if len(hours) else 0):
        on = hours > k
        edges = np.flatnonzero(np.diff(np.concatenate([[0], on.astype(int), [0]])))
        for first, last in zip(edges[::2], edges[1::2], strict=True):
            rows.append((f"R{k:03d}", start + dt.timedelta(hours=int(first)),
                         start + dt.timedelta(hours=int(last))))
    return pl.DataFrame(rows, schema=["person_id", "start", "end"], orient="row")


def synthetic_demand(arrivals: pl.DataFrame, weeks: int, targets: dict[int, float],
                     rng: np.random.Generator, start: dt.datetime = MONDAY) -> pl.DataFrame:
    """Poisson arrivals hour by hour from ``arrivals`` (hour_of_week, grade, per_hour,
    officers), uniform within the hour; officers 1 or 2 with the category's mean."""
    rows = []
    for hour_of_week, grade, per_hour, officers in arrivals.select(
            "hour_of_week", "grade", "per_hour", "officers").iter_rows():
        counts = rng.poisson(per_hour, weeks)
        for week, n in enumerate(counts):
            base = start + dt.timedelta(weeks=week, hours=hour_of_week)
            for offset in rng.uniform(0, 3600, n):
                double = rng.random() < min(max(officers - 1, 0), 1)
                rows.append((base + dt.timedelta(seconds=float(offset)), grade, 2 if double
                             else 1, targets.get(grade, 2880.0)))
    frame = pl.DataFrame(rows, schema=["received_at", "grade", "officers_deployed",
                                       "attendance_target_minutes"], orient="row")
    return frame.sort("received_at").with_row_index("n").with_columns(
        id=pl.format("S{}", pl.col("n")), category=pl.lit("simulated")).drop("n")


def confirm_requirement(arrivals: pl.DataFrame, rules: StaffingRules = StaffingRules(),
                        weeks: int = 4, replications: int = 3, seed: int = 1,
                        column: str = "officers_needed", scale: float = 1.0) -> pl.DataFrame:
    """Per targeted grade: the target share, the share the requirement promised (analytic, the
    worst hour) and the share simulated against a roster of exactly ``column`` officers
    (times ``scale``, to see what a smaller roster would deliver)."""
    need = requirement_by_hour(arrivals, rules)
    officers = [math.ceil(v * scale) for v in need.sort("hour_of_week")[column]]
    targets = {t.grade: t.minutes for t in rules.targets}
    demand = synthetic_demand(arrivals, weeks, targets, np.random.default_rng(seed))
    sent = arrivals.filter(pl.col("per_hour") > 0)
    task = float((sent["per_hour"] * sent["officers"] * sent["task_hours"]).sum()
                 / (sent["per_hour"] * sent["officers"]).sum())
    config = SimulationConfig(
        travel=TravelModel(kind="lognormal", median_minutes=float(np.median(
            rules.travel_minutes)), sigma=float(np.std(np.log(rules.travel_minutes)))),
        time_on_task=TimeOnTaskModel(source="exponential", median_minutes=task * 60),
        crewing="incident", break_minutes=0, replications=replications, seed=seed,
        pool_by_unit=False)
    result = simulate_response(demand, duty_from_requirement(officers, weeks), config)
    simulated = (result.by_grade.group_by("grade")
                 .agg(simulated_share_within=pl.col("share_within_target").mean()))
    rows = [{"grade": t.grade, "target_minutes": t.minutes, "target_share": t.share,
             "analytic_share_worst_hour": float(need[f"grade_{t.grade}_share_within"].min())}
            for t in rules.targets]
    return pl.DataFrame(rows).join(simulated, on="grade", how="left").with_columns(
        meets_target=pl.col("simulated_share_within") >= pl.col("target_share"),
        officer_hours_a_week=pl.lit(sum(officers)), roster=pl.lit(column))
