"""A lower bound from the weekends: each weekend solved exactly, the weekend limits priced.

Where officers may work only so many weekends (``Officer.max_weekends``), weekend cover is
where a long roster's cost is, and the cover relaxation (relaxation.py), which counts officers
per day without asking who, cannot see it: Curtois Instance23 (a year, 100 officers, at most
26 weekends each) has a cover relaxation of 1,244 against an optimum of 17,285. Weekends
demand 2,409 officer-weekends of the 2,425 the limits allow, and Saturday-to-Sunday
successions (no early the day after a late) cost more.

The bound is a Lagrangian relaxation. Take one weekend's days on their own and keep only the
rules that bind within them: one tour a day, tours each officer may work, days off, which tour
may follow which from Saturday to Sunday. Its cost is the cover of the periods that lie within
it and the requests on its days, plus a price ``λ`` for each officer who works any of it. Each
officer's weekend limit ``L`` is then given back as ``λ × L``:

    bound = Σ over weekends (the weekend's least cost at price λ) − Σ over officers λ × L

For any roster meeting the hard rules each weekend's part of it is one of that weekend's
rosters, and it works at most ``L`` weekends per officer, so its cost is at least the bound,
whatever ``λ ≥ 0``: every other cost in the objective is at least zero. Each weekend's least
cost is CP-SAT's proved bound on it, so the result stays valid when time runs short.

Instance23: 14,268 at λ = 99 in 9 s on two cores. Weekend cover alone gives 13,959 (about 140
covers short on any roster); at λ = 90, 12,690; at 110, 10,360. docs/decisions.md ("Rosters",
session 26) has the measurements.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ortools.sat.python import cp_model

from forceplan.roster.model import RuleConfig
from forceplan.roster.problem import RosterProblem, next_day_bans

#: Horizons shorter than this (days) are left to the full model, which proves its own bound
#: on them (Curtois Instances 1-16, up to 8 weeks) in the time the bound would take.
MIN_DAYS = 63


def applies(problem: RosterProblem, config: RuleConfig | None, min_days: int = MIN_DAYS) -> bool:
    """Whether the bound can say anything: cover is costed, weekends are limited for some
    officer, and the horizon is at least ``min_days`` long (shorter ones the full model bounds
    better itself)."""
    active = {r.name for r in (config or RuleConfig()).active()}
    if "cover" not in active or "max_weekends" not in active or problem.days < min_days:
        return False
    return bool(_limited(problem))


def _limited(problem: RosterProblem) -> dict[str, int]:
    """Officer -> weekend limit, for officers whose limit binds (below the weekends there are;
    the max_weekends rule ignores the others)."""
    weekends = len(problem.weekends())
    return {
        o.id: o.max_weekends
        for o in problem.officers
        if o.max_weekends is not None and o.max_weekends < weekends
    }


def price(problem: RosterProblem, config: RuleConfig | None) -> int:
    """The price of a weekend worked: one less than the commonest cost of an officer short on a
    weekend cover (a weekend that covers one short period is then worth working)."""
    config = config or RuleConfig()
    weekend_days = {d for days in problem.weekends() for d in days}
    weights = Counter(
        c.weight_under
        for c in problem.covers
        if c.weight_under and c.slots and all(d in weekend_days for d, _ in c.slots)
    )
    if not weights:
        return 0
    return max(0, _weights(config).get("cover", 0) * weights.most_common(1)[0][0] - 1)


def weekend_bound(
    problem: RosterProblem,
    config: RuleConfig | None = None,
    seconds: float = 20.0,
    workers: int = 2,
    deterministic: bool = False,
    lam: int | None = None,
    min_days: int = MIN_DAYS,
) -> float:
    """The Lagrangian bound at price ``lam`` (default ``price``) for each weekend worked, or 0
    when it does not apply. Weekends are solved ``workers`` at a time, one CP-SAT worker each,
    within ``seconds`` in all."""
    if not applies(problem, config, min_days):
        return 0.0
    config = config or RuleConfig()
    lam = price(problem, config) if lam is None else lam
    weekends = problem.weekends()
    limited = _limited(problem)
    each = max(0.1, seconds * max(1, workers) / max(1, len(weekends)))
    rules = _Rules.of(problem, config)

    def solve(days: tuple[int, ...]) -> float:
        return _weekend(problem, rules, days, lam, limited, each, deterministic)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        parts = list(pool.map(solve, weekends))
    given_back = sum(lam * limit for limit in limited.values())
    return max(0.0, sum(parts) - given_back)


@dataclass(frozen=True)
class _Rules:
    """What every weekend's model takes from the rules in force, worked out once."""

    active: frozenset[str]
    bans: dict[str, set[str]]
    cover_weight: int
    request_weight: int

    @classmethod
    def of(cls, problem: RosterProblem, config: RuleConfig) -> _Rules:
        weights = _weights(config)
        on = weights.__contains__
        bans = next_day_bans(problem, explicit=on("cannot_follow"), daily_rest=on("daily_rest"))
        return cls(frozenset(weights), bans, weights.get("cover", 0), weights.get("requests", 0))


def _weekend(
    problem: RosterProblem,
    rules: _Rules,
    days: tuple[int, ...],
    lam: int,
    limited: dict[str, int],
    seconds: float,
    deterministic: bool,
) -> float:
    """CP-SAT's proved lower bound on one weekend's cost at price ``lam``."""
    on = rules.active.__contains__
    bans = rules.bans
    model = cp_model.CpModel()
    x: dict[tuple[str, int, str], cp_model.IntVar] = {}
    prices = []
    for officer in problem.officers:
        off = problem.days_off.get(officer.id, frozenset()) if on("days_off") else frozenset()
        mine = []
        for d in days:
            if d in off:
                continue
            today = []
            for tour in problem.tours:
                if officer.may_work(tour.code):  # as the full model: no variable otherwise
                    x[officer.id, d, tour.code] = var = model.new_bool_var("")
                    today.append(var)
            model.add_at_most_one(today)
            mine += today
        for first, second in itertools.pairwise(days):
            for code, banned in bans.items():
                before = x.get((officer.id, first, code))
                for later in banned if before is not None else ():
                    after = x.get((officer.id, second, later))
                    if after is not None:
                        model.add_bool_or([before.Not(), after.Not()])
        if officer.id in limited and mine and lam:
            worked = model.new_bool_var("")
            model.add_max_equality(worked, mine)
            prices.append(lam * worked)
    terms = _cover_terms(problem, rules.cover_weight, days, model, x) if on("cover") else []
    if on("requests"):
        terms += _request_terms(problem, rules.request_weight, days, x)
    model.minimize(sum(terms) + sum(prices))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    if deterministic:
        solver.parameters.max_deterministic_time = seconds
    else:
        solver.parameters.max_time_in_seconds = seconds
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:  # cannot happen (nobody working is a roster), but safe
        return 0.0
    return max(0.0, math.ceil(solver.best_objective_bound - 1e-6))


def _weights(config: RuleConfig) -> dict[str, int]:
    """Each rule in force, by name, with its weight (a rule that is off is absent)."""
    return {r.name: config.weight(r) for r in config.active()}


def _cover_terms(problem, weight, days, model, x) -> list:
    """The cost of each cover whose periods all fall on ``days``, as the full model costs it
    (``weight``: the cover rule's)."""
    inside = set(days)
    terms = []
    for cover in problem.covers:
        if not (cover.weight_under or cover.weight_over) or not cover.slots:
            continue
        if not all(d in inside for d, _ in cover.slots):
            continue
        on_duty = [
            x[o.id, d, code]
            for o in problem.officers
            if cover.counts(o)
            for d, code in cover.slots
            if (o.id, d, code) in x
        ]
        under = model.new_int_var(0, max(cover.requirement, 0), "")
        over = model.new_int_var(0, len(on_duty) + max(0, -cover.requirement), "")
        model.add(sum(on_duty) + under - over == cover.requirement)
        terms.append(weight * (cover.weight_under * under + cover.weight_over * over))
    return terms


def _request_terms(problem, weight, days, x) -> list:
    """The cost of each request on ``days`` refused, as the full model costs it (``weight``:
    the requests rule's)."""
    inside = set(days)
    terms = []
    known = {o.id for o in problem.officers}
    for request in problem.requests:
        if request.day not in inside or request.officer_id not in known:
            continue
        codes = [t.code for t in problem.tours] if request.tour is None else [request.tour]
        worked = sum(x[k] for c in codes if (k := (request.officer_id, request.day, c)) in x)
        refused = (1 - worked) if request.on else worked
        terms.append(weight * request.weight * refused)
    return terms
