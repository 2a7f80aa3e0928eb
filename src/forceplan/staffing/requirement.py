"""Officers needed on duty, hour by hour, to meet attendance targets; and the establishment
that keeps that many on duty.

The model (docs/staffing.md):
1. Each hour of the week is treated as a stationary M/M/c queue with the arrival rates of that
   hour (the pointwise stationary approximation, Green & Kolesar 1991). Because incidents take
   hours, demand that arrived earlier is still being dealt with: with ``lagged`` the rates are
   averaged over the preceding mean time on task (the lagged PSA), which corrects PSA's known
   failure when time on task is long compared with how fast demand changes.
2. Servers are crews: an incident needs its category's officers (double-crewed categories
   need two), so the crew size is the rate-weighted mean officers per incident; a crew is
   busy for the mean time on task.
3. Grades are priority classes; Grade 1 pre-empts (see ``queueing.py``). The smallest number
   of crews is found such that every targeted grade reaches its share within its target
   (wait plus travel).
4. Allowances: officers must also have ``proactive_share`` of their available time free, and
   are unavailable for ``admin_share`` (paperwork) and ``break_share`` (refreshment) of it.
5. Establishment (FTE) = on-duty officer-hours a week / (contracted hours × (1 − abstraction
   rate)), the abstraction rate being the unit's measured share of hours lost to leave,
   sickness, training and restricted duty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from forceplan.staffing.queueing import class_wait_parameters, share_within

WEEK_HOURS = 168


@dataclass(frozen=True)
class GradeTarget:
    grade: int
    minutes: float
    share: float = 0.9


def lognormal_quantiles(median_minutes: float, spread: float, points: int = 20) -> np.ndarray:
    """Equally likely travel times (minutes): the mid-quantiles of a lognormal."""
    from statistics import NormalDist

    z = np.array([NormalDist().inv_cdf((i + 0.5) / points) for i in range(points)])
    return median_minutes * np.exp(spread * z)


@dataclass(frozen=True)
class StaffingRules:
    targets: tuple[GradeTarget, ...] = (GradeTarget(1, 15, 0.9), GradeTarget(2, 60, 0.9))
    travel_minutes: tuple[float, ...] = field(
        default_factory=lambda: tuple(lognormal_quantiles(7.0, 0.35)))
    proactive_share: float = 0.30  # 25-35% of time left for proactive work (DOMAIN.md)
    admin_share: float = 11 / 60  # 10-12 minutes of administration an officer-hour
    break_share: float = 45 / 600  # 45 minutes' refreshment in a 10-hour tour
    lagged: bool = True
    contracted_hours_per_week: float = 40.0
    max_crews: int = 500


def _lagged(rates: np.ndarray, task_hours: float) -> np.ndarray:
    """Each hour's rate averaged with the preceding ``task_hours`` (circular over the week)."""
    lag = max(math.ceil(task_hours), 1)
    stacked = np.stack([np.roll(rates, k, axis=0) for k in range(lag)])
    return stacked.mean(axis=0)


def _crews_needed(rates: np.ndarray, task_hours: float, rules: StaffingRules,
                  grades: list[int]) -> tuple[int, dict[int, float]]:
    """Smallest number of crews meeting every target, and the shares it achieves."""
    travel = np.asarray(rules.travel_minutes) / 60
    load = rates.sum() * task_hours
    if rates.sum() <= 0:
        return 0, {t.grade: 1.0 for t in rules.targets}
    crews = max(math.floor(load) + 1, 1)
    # Travel alone caps what any number of crews can achieve: aim just below that cap.
    reachable = {t.grade: min(t.share, share_within(0.0, 0.0, t.minutes / 60, travel) - 0.005)
                 for t in rules.targets}
    while crews <= rules.max_crews:
        params = class_wait_parameters(crews, list(rates), task_hours)
        shares = {}
        for target in rules.targets:
            if target.grade not in grades:
                continue
            p, mean = params[grades.index(target.grade)]
            shares[target.grade] = share_within(p, mean, target.minutes / 60, travel)
        if all(shares[t.grade] >= reachable[t.grade] for t in rules.targets
               if t.grade in shares):
            return crews, shares
        crews += 1
    return crews, shares


def requirement_by_hour(arrivals: pl.DataFrame, rules: StaffingRules = StaffingRules()
                        ) -> pl.DataFrame:
    """Officers needed on duty in each hour of the week.

    ``arrivals``: hour_of_week (0 = Monday 00:00), grade, category, per_hour (mean incidents
    arriving in that hour of the week), task_hours (mean time on task of each officer sent),
    officers (mean officers sent per incident). Grade 4 (no deployment) should be left out.
    """
    grades = sorted(arrivals["grade"].unique().to_list())
    weights = arrivals.with_columns(busy=pl.col("per_hour") * pl.col("officers")
                                    * pl.col("task_hours"),
                                    officer_calls=pl.col("per_hour") * pl.col("officers"))
    total = weights.select(pl.col("per_hour").sum(), pl.col("officer_calls").sum(),
                           pl.col("busy").sum()).row(0)
    crew = total[1] / total[0] if total[0] else 1.0
    task = total[2] / total[1] if total[1] else 1.0
    grid = (pl.DataFrame({"hour_of_week": range(WEEK_HOURS)})
            .join(weights.group_by("hour_of_week", "grade").agg(pl.col("per_hour").sum()),
                  on="hour_of_week", how="left"))
    rates = np.zeros((WEEK_HOURS, len(grades)))
    for hour, grade, rate in grid.drop_nulls("grade").iter_rows():
        rates[hour, grades.index(grade)] = rate
    effective = _lagged(rates, task) if rules.lagged else rates
    busy_by_hour = np.zeros(WEEK_HOURS)
    for hour, busy in weights.group_by("hour_of_week").agg(pl.col("busy").sum()).iter_rows():
        busy_by_hour[hour] = busy
    busy_effective = _lagged(busy_by_hour[:, None], task)[:, 0] if rules.lagged else busy_by_hour
    available = 1 - rules.admin_share - rules.break_share
    rows = []
    for hour in range(WEEK_HOURS):
        crews, shares = _crews_needed(effective[hour], task, rules, grades)
        queueing = crews * crew
        proactive = busy_effective[hour] / (1 - rules.proactive_share)
        rows.append({"hour_of_week": hour, "arrivals_per_hour": float(rates[hour].sum()),
                     "busy_officers": float(busy_effective[hour]), "crews_needed": crews,
                     "officers_for_targets": queueing,
                     "officers_needed": math.ceil(max(queueing, proactive) / available - 1e-9),
                     **{f"grade_{g}_share_within": shares.get(g) for g in
                        [t.grade for t in rules.targets]}})
    return pl.DataFrame(rows)


def establishment_fte(needed: pl.DataFrame, abstraction_rate: float,
                      rules: StaffingRules = StaffingRules()) -> float:
    """FTE that keeps ``officers_needed`` on duty every hour of the week, given the share of
    contracted hours lost to abstractions."""
    if not 0 <= abstraction_rate < 1:
        raise ValueError("abstraction_rate: a share of hours, from 0 to below 1")
    hours = float(needed["officers_needed"].sum())  # officer-hours a week
    return hours / (rules.contracted_hours_per_week * (1 - abstraction_rate))
