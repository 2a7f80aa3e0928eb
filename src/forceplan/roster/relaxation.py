"""A lower bound for hourly cover: how many officers on each tour each day, ignoring who.

Every roster gives counts n[day, tour] that respect the unit's totals (officers available each
day, contracted minutes, rest days, tour limits), so the best cover those counts can achieve is a
valid lower bound on the roster's cost: every other cost is at least zero. The relaxation is
small (days × tours integers), CP-SAT solves it in seconds, and it is far tighter than the
bound the full model proves on its own, because hourly cover is what makes rosters costly. Its
counts also make a good hint for the full model.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from ortools.sat.python import cp_model

from forceplan.roster.problem import Cover, RosterProblem, next_day_bans


@dataclass(frozen=True)
class CoverBound:
    bound: float
    counts: dict[tuple[int, str], int]
    filter: tuple[str | None, str | None]
    optimal: bool


def _main_filter(problem: RosterProblem) -> tuple[str | None, str | None] | None:
    weighted = Counter((c.skill, c.rank) for c in problem.covers if c.weight_under or c.weight_over)
    return weighted.most_common(1)[0][0] if weighted else None


def cover_bound(
    problem: RosterProblem,
    time_limit_seconds: float = 10.0,
    workers: int = 2,
    deterministic: bool = False,
    active: frozenset[str] | None = None,
) -> CoverBound | None:
    """The cover relaxation's bound and counts, or None when the problem has no weighted cover.

    ``active`` names the hard rules in force (default: all); the relaxation uses only what they
    imply, so its bound stays valid when rules are switched off."""
    on = (lambda name: True) if active is None else (lambda name: name in active)
    chosen = _main_filter(problem)
    if chosen is None:
        return None
    probe = Cover("probe", (), 0, skill=chosen[0], rank=chosen[1])
    officers = [o for o in problem.officers if probe.counts(o)]
    model = cp_model.CpModel()
    n: dict[tuple[int, str], cp_model.IntVar] = {}
    for d in range(problem.days):
        free = [
            o for o in officers if not on("days_off") or d not in problem.days_off.get(o.id, ())
        ]
        for tour in problem.tours:
            able = sum(1 for o in free if not on("allowed_tours") or o.may_work(tour.code))
            n[d, tour.code] = model.new_int_var(0, able, f"n_{d}_{tour.code}")
        model.add(sum(n[d, t.code] for t in problem.tours) <= len(free))
    _totals(problem, officers, model, n, on)
    if on("daily_rest") and on("cannot_follow") and on("days_off"):
        _successions(problem, officers, model, n)
    terms = []
    for k, cover in enumerate(problem.covers):
        if (cover.skill, cover.rank) != chosen or not (cover.weight_under or cover.weight_over):
            continue
        on_duty = sum(n[s] for s in cover.slots if s in n)
        under = model.new_int_var(0, max(cover.requirement, 0), f"u{k}")
        # a window's cover less the officers it leaves out can ask for fewer than none
        most = len(officers) * max(1, len(cover.slots)) + max(0, -cover.requirement)
        over = model.new_int_var(0, most, f"o{k}")
        model.add(on_duty + under - over == cover.requirement)
        terms.append(cover.weight_under * under + cover.weight_over * over)
    model.minimize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    if deterministic:
        solver.parameters.interleave_search = True
        solver.parameters.max_deterministic_time = time_limit_seconds
        solver.parameters.max_time_in_seconds = 4 * time_limit_seconds + 10
    else:
        solver.parameters.max_time_in_seconds = time_limit_seconds
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    counts = {key: solver.value(var) for key, var in n.items()}
    return CoverBound(solver.best_objective_bound, counts, chosen, status == cp_model.OPTIMAL)


def _totals(problem: RosterProblem, officers, model: cp_model.CpModel, n, on) -> None:
    """What the unit as a whole can work: minutes, tours (rest days), tour limits."""
    lengths = {t.code: t.length_minutes for t in problem.tours}
    minutes = sum(lengths[code] * var for (_, code), var in n.items())
    tours = sum(n.values())
    if on("total_minutes"):
        if all(o.max_total_minutes is not None for o in officers):
            model.add(minutes <= sum(o.max_total_minutes for o in officers))
        model.add(minutes >= sum(o.min_total_minutes or 0 for o in officers))
    settings = problem.settings
    if settings.max_average_weekly_minutes is not None and on("average_week"):
        cap = sum(
            math.floor(settings.max_average_weekly_minutes
                       * (problem.days - len(_leave(problem, o.id))) / 7)
            for o in officers
        )  # fmt: skip
        model.add(minutes <= cap)
    if settings.rest_days_per_week is not None and on("rest_days") and on("days_off"):
        working = 0
        for o in officers:
            available = problem.days - len(_leave(problem, o.id))
            working += available - math.floor(settings.rest_days_per_week * available / 7 + 1e-9)
        model.add(tours <= working)
    for tour in problem.tours if on("tour_limits") else ():
        limits = [o.max_tours.get(tour.code) for o in officers]
        if not on("allowed_tours"):  # a limit of 0 is enforced by allowed_tours, not tour_limits
            limits = [None if limit is not None and limit <= 0 else limit for limit in limits]
        if all(limit is not None for limit in limits):
            model.add(sum(n[d, tour.code] for d in range(problem.days)) <= sum(limits))


def _leave(problem: RosterProblem, officer_id: str) -> set[int]:
    """The officer's leave days within the horizon (as the hard rules count them)."""
    return {d for d in problem.leave.get(officer_id, ()) if 0 <= d < problem.days}


def _successions(problem: RosterProblem, officers, model: cp_model.CpModel, n) -> None:
    """Nobody works a tour the day after one it may not follow (explicitly, or with less than
    the daily rest between): those working u on d+1 and those working a tour banned before u
    on d are different officers, each free on their own day, so
    n[d+1, u] + n[d, t in banned(u)] <= officers free on d or on d+1. (Not "free on both":
    someone off on d may still work u on d+1.)"""
    before: dict[str, set[str]] = {t.code: set() for t in problem.tours}
    for first, banned in next_day_bans(problem).items():
        for second in banned:
            before[second].add(first)
    for d in range(problem.days - 1):
        free = sum(
            1
            for o in officers
            if d not in problem.days_off.get(o.id, ())
            or d + 1 not in problem.days_off.get(o.id, ())
        )
        for code, banned in before.items():
            if banned:
                model.add(n[d + 1, code] + sum(n[d, b] for b in banned) <= free)
