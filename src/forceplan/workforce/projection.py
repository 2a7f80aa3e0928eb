"""Projecting the workforce: expected flows (deterministic) and Monte Carlo runs.

Both work on counts per state (group × service year), never per person. The deterministic
projection moves expected numbers (fractions of people). The Monte Carlo projection draws every
run at once: for each group, leavers and movers come from a chain of conditional binomial draws
(a multinomial split of each state's people), vectorised across runs and service years; joiners
are rounded at random keeping their mean. The two share one year step, so with a fixed intake the
Monte Carlo mean converges to the deterministic projection.

Each year: leave → move → gain a year of service → join (model.py). Joiners arrive at the year
end, so they face leaving from the next year on. Headcount targets top up the intake to reach the
target at the year end; with ``tutor_capacity_limits_intake`` the tutored routes' joiners are cut
to the tutors available (tutors × students per tutor) and the cut is recorded as deferred intake.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from forceplan.workforce.model import IntakePlan, WorkforceModel


@dataclass(frozen=True, eq=False)
class Projection:
    """Counts and flows of a projection; ``runs`` is 1 for the deterministic projection.

    - ``counts[run, year, group, service_year]``: people in post at the end of each year
      (year 0: the starting state);
    - ``joiners``, ``leavers``: ``[run, year - 1, group]``; ``moves[run, year - 1, from, to]``;
    - ``deferred_intake[run, year - 1]``: recruits not taken for want of tutors;
    - ``random_state``: the generator's state when the runs began (None when deterministic).
    """

    model: WorkforceModel
    plan: IntakePlan
    counts: np.ndarray
    joiners: np.ndarray
    leavers: np.ndarray
    moves: np.ndarray
    deferred_intake: np.ndarray
    monte_carlo: bool
    as_of: dt.date | None = None
    random_state: dict[str, Any] | None = None

    @property
    def runs(self) -> int:
        return int(self.counts.shape[0])

    @property
    def years(self) -> int:
        return int(self.counts.shape[1]) - 1

    def headcount(self) -> np.ndarray:
        """[run, year, group] people in post."""
        return self.counts.sum(axis=3, dtype=np.float64)

    def transfers_in(self) -> np.ndarray:
        return self.moves.sum(axis=2)

    def transfers_out(self) -> np.ndarray:
        return self.moves.sum(axis=3)

    def tutors(self) -> np.ndarray:
        """[run, year] expected tutor constables (the tutor share of those eligible)."""
        mask = self.model.tutor_mask()
        return self.counts[:, :, mask].sum(axis=2, dtype=np.float64) * self.model.tutor_share

    def first_year_students(self) -> np.ndarray:
        """[run, year] tutored routes' students in their first year."""
        mask = self.model.student_first_year_mask()
        return self.counts[:, :, mask].sum(axis=2, dtype=np.float64)


class _Draw(Protocol):
    def split(self, n: np.ndarray, p: np.ndarray) -> np.ndarray: ...
    def round(self, x: np.ndarray) -> np.ndarray: ...
    def share_out(self, n: np.ndarray, shares: np.ndarray) -> np.ndarray: ...
    def whole(self, x: np.ndarray) -> np.ndarray: ...


class _Expected:
    """Expected values: every split is exact."""

    def split(self, n: np.ndarray, p: np.ndarray) -> np.ndarray:
        return n * p

    def round(self, x: np.ndarray) -> np.ndarray:
        return x

    def share_out(self, n: np.ndarray, shares: np.ndarray) -> np.ndarray:
        return n[:, None] * shares[None, :]

    def whole(self, x: np.ndarray) -> np.ndarray:
        return x


class _Sampled:
    """Random draws, vectorised across runs."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def split(self, n: np.ndarray, p: np.ndarray) -> np.ndarray:
        return self.rng.binomial(n, np.broadcast_to(p, n.shape))

    def round(self, x: np.ndarray) -> np.ndarray:
        """Stochastic rounding: floor, plus one with the probability of the fraction."""
        low = np.floor(x)
        return (low + (self.rng.random(x.shape) < x - low)).astype(np.int64)

    def share_out(self, n: np.ndarray, shares: np.ndarray) -> np.ndarray:
        return self.rng.multinomial(n.astype(np.int64), shares / shares.sum())

    def whole(self, x: np.ndarray) -> np.ndarray:
        return np.floor(x + 1e-9).astype(np.int64)


def project_expected(model: WorkforceModel, initial: np.ndarray, plan: IntakePlan,
                     as_of: dt.date | None = None) -> Projection:
    """Deterministic projection of expected numbers over ``plan.years`` years."""
    counts = np.asarray(initial, dtype=np.float64)[None]
    return _project(model, counts, plan, _Expected(), as_of, None)


def project_monte_carlo(model: WorkforceModel, initial: np.ndarray, plan: IntakePlan,
                        runs: int, rng: np.random.Generator,
                        as_of: dt.date | None = None) -> Projection:
    """``runs`` random projections over ``plan.years`` years, drawn together."""
    if runs < 1:
        raise ValueError("runs: at least 1")
    start = np.asarray(initial)
    if np.any(start < 0) or np.any(start != np.round(start)):
        raise ValueError("initial: Monte Carlo needs whole numbers of people")
    counts = np.repeat(start.astype(np.int64)[None], runs, axis=0)
    state = rng.bit_generator.state
    return _project(model, counts, plan, _Sampled(rng), as_of, state)


def _project(model: WorkforceModel, counts: np.ndarray, plan: IntakePlan, draw: _Draw,
             as_of: dt.date | None, state: dict[str, Any] | None) -> Projection:
    _check(model, counts, plan)
    runs, n_groups, n_years = counts.shape[0], len(model.groups), plan.years
    history = np.empty((runs, n_years + 1, *counts.shape[1:]), dtype=counts.dtype)
    history[:, 0] = counts
    joiners = np.zeros((runs, n_years, n_groups), dtype=counts.dtype)
    leavers = np.zeros_like(joiners)
    moves = np.zeros((runs, n_years, n_groups, n_groups), dtype=counts.dtype)
    deferred = np.zeros((runs, n_years), dtype=counts.dtype)
    active = _active_destinations(model.transitions)
    for year in range(n_years):
        after, leavers[:, year], moves[:, year] = _leave_and_move(
            model.transitions, counts, active, draw)
        aged = _age(after)
        joined, deferred[:, year] = _join(model, plan, year, aged, draw)
        joiners[:, year] = joined.sum(axis=2)
        counts = aged + joined
        history[:, year + 1] = counts
    return Projection(model, plan, history, joiners, leavers, moves, deferred,
                      monte_carlo=isinstance(draw, _Sampled), as_of=as_of, random_state=state)


def _check(model: WorkforceModel, counts: np.ndarray, plan: IntakePlan) -> None:
    if counts.shape[1:] != model.leaving.shape:
        raise ValueError(f"initial: shape must be {model.leaving.shape} (group, service year)")
    if np.any(counts < 0):
        raise ValueError("initial: counts cannot be negative")
    unknown = sorted(set(plan.routes) - {r.name for r in model.routes})
    if unknown:
        raise ValueError(f"plan: unknown route(s) {', '.join(unknown)}")


def _active_destinations(p: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """For each group, the outcomes (0 leave, 1 + h move to h) that can happen at all."""
    return [(f, np.flatnonzero(p[f].any(axis=0))) for f in range(p.shape[0])]


def _leave_and_move(p: np.ndarray, counts: np.ndarray, active: list[tuple[int, np.ndarray]],
                    draw: _Draw) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split each state's people into leavers, movers (by destination) and stayers."""
    runs, n_groups, _ = counts.shape
    after = counts.copy()
    leavers = np.zeros((runs, n_groups), dtype=counts.dtype)
    moves = np.zeros((runs, n_groups, n_groups), dtype=counts.dtype)
    for f, outcomes in active:
        if outcomes.size == 0:
            continue
        remaining = counts[:, f, :]
        mass = np.ones(p.shape[1])
        for k in outcomes:
            pk = p[f, :, k]
            cond = np.divide(pk, mass, out=np.zeros_like(pk), where=mass > 1e-12)
            went = draw.split(remaining, np.clip(cond, 0.0, 1.0))
            remaining = remaining - went
            mass = mass - pk
            if k == 0:
                leavers[:, f] = went.sum(axis=1)
            else:
                after[:, k - 1, :] += went
                moves[:, f, k - 1] = went.sum(axis=1)
        after[:, f, :] += remaining - counts[:, f, :]
    return after, leavers, moves


def _age(counts: np.ndarray) -> np.ndarray:
    """Everyone gains a year of service; the last year holds everyone with 40 or more."""
    aged = np.zeros_like(counts)
    aged[:, :, 1:] = counts[:, :, :-1]
    aged[:, :, -1] += counts[:, :, -1]
    return aged


def _join(model: WorkforceModel, plan: IntakePlan, year: int, aged: np.ndarray,
          draw: _Draw) -> tuple[np.ndarray, np.ndarray]:
    """Joiners by state, and the intake deferred for want of tutors (per run)."""
    runs = aged.shape[0]
    routes = [model.route(name) for name in plan.routes]
    by_route = draw.round(np.broadcast_to(plan.joiners[year], (runs, len(routes))).copy())
    by_route = by_route + _top_up(model, plan, year, aged, by_route, draw)
    by_route, deferred = _cap_by_tutors(model, plan, aged, routes, by_route, draw)
    joined = np.zeros_like(aged)
    for r, route in enumerate(routes):
        if route.entry_group is not None:
            joined[:, model.index(route.entry_group), route.entry_service_years] += by_route[:, r]
            continue
        shares = np.array(list(route.destinations.values()), dtype=np.float64)
        split = draw.share_out(by_route[:, r], shares)
        for d, dest in enumerate(route.destinations):
            joined[:, model.index(dest), route.entry_service_years] += split[:, d]
    return joined, deferred


def _landing(model: WorkforceModel, name: str) -> set[str]:
    route = model.route(name)
    return {route.entry_group} if route.entry_group else set(route.destinations)


def _top_up(model: WorkforceModel, plan: IntakePlan, year: int, aged: np.ndarray,
            by_route: np.ndarray, draw: _Draw) -> np.ndarray:
    """Extra joiners by route so that each target's groups reach the target headcount."""
    extra = np.zeros_like(by_route)
    for target in plan.targets:
        goal = target.headcount[year]
        if np.isnan(goal):
            continue
        rows = [model.index(x) for x in target.groups]
        have = aged[:, rows].sum(axis=(1, 2))
        for r, name in enumerate(plan.routes):
            if _landing(model, name) <= set(target.groups):
                have = have + by_route[:, r] + extra[:, r]
        short = draw.round(np.maximum(goal - have, 0.0))
        mix = np.array([target.route_mix.get(name, 0.0) for name in plan.routes])
        if mix.sum() == 0:
            raise ValueError(f"target {target.name}: route_mix names none of the plan's routes")
        extra = extra + draw.share_out(short, mix)
    return extra


def _cap_by_tutors(model: WorkforceModel, plan: IntakePlan, aged: np.ndarray,
                   routes: list[Any], by_route: np.ndarray,
                   draw: _Draw) -> tuple[np.ndarray, np.ndarray]:
    tutored = np.array([r.tutored and r.entry_group is not None for r in routes], dtype=bool)
    wanted = by_route[:, tutored].sum(axis=1)
    if not plan.tutor_capacity_limits_intake or not tutored.any():
        return by_route, np.zeros_like(wanted)
    tutors = aged[:, model.tutor_mask()].sum(axis=1) * model.tutor_share
    capacity = draw.whole(tutors * model.students_per_tutor)
    over = wanted > capacity
    if not np.any(over):
        return by_route, np.zeros_like(wanted)
    factor = np.where(over, capacity / np.maximum(wanted, 1e-12), 1.0)
    kept = by_route.copy()
    kept[:, tutored] = _scale(by_route[:, tutored], factor, capacity, over, draw)
    return kept, wanted - kept[:, tutored].sum(axis=1)


def _scale(joiners: np.ndarray, factor: np.ndarray, capacity: np.ndarray, over: np.ndarray,
           draw: _Draw) -> np.ndarray:
    """Joiners scaled down to capacity; whole people by largest remainder when sampling."""
    exact = joiners * factor[:, None]
    if isinstance(draw, _Expected):
        return exact
    base = np.floor(exact + 1e-9)
    left = np.where(over, capacity - base.sum(axis=1), 0)
    rank = np.argsort(np.argsort(-(exact - base), axis=1, kind="stable"), axis=1)
    return (base + (rank < left[:, None])).astype(joiners.dtype)
