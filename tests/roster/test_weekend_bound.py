"""The weekends' Lagrangian bound (weekend_bound.py): exact on a hand-made case, wired into the
solve's bound, and never above the optimum (tests/roster/test_optimiser_properties.py)."""

from __future__ import annotations

import dataclasses
import time

import pytest

from forceplan.roster import solve as solve_module
from forceplan.roster import weekend_bound as wb
from forceplan.roster.model import RuleConfig
from forceplan.roster.problem import NO_LIMITS, Cover, Officer, Request, RosterProblem, Tour
from forceplan.roster.solve import SolveOptions, solve_roster

DAY = Tour("D", 480)


def _two_weekends(officers: int = 3, limit: int = 1, tours=(DAY,), wanted=2) -> RosterProblem:
    """Monday to the second Sunday: two weekends (days 5-6 and 12-13), each day wanting
    ``wanted`` officers on D (100 an officer short); nobody may work more than ``limit``
    weekends. Weekdays want nobody."""
    covers = tuple(
        Cover(f"{d}", ((d, "D"),), wanted, weight_under=100, weight_over=0) for d in (5, 6, 12, 13)
    )
    staff = tuple(Officer(f"O{i}", max_weekends=limit) for i in range(officers))
    return RosterProblem(14, tours, staff, covers, settings=NO_LIMITS, first_weekday=0)


def test_the_bound_is_exact_by_hand():
    # Three officers, one weekend each, four officer-weekends wanted: one weekend is an officer
    # short on both days (200) on any roster. At a price p a weekend, each weekend's best is
    # to work both officers (2p while p < 200): 2 × 2p less 3p given back, p.
    problem = _two_weekends()
    assert wb.weekend_bound(problem, lam=99, min_days=0) == 99
    assert wb.weekend_bound(problem, lam=199, min_days=0) == 199
    # above the worth of a whole weekend worked, nobody works: 2 × 400 less 3 × 250
    assert wb.weekend_bound(problem, lam=250, min_days=0) == 50
    best = solve_roster(problem, RuleConfig(), SolveOptions(time_limit_seconds=5, workers=1))
    assert best.objective == 200


def test_the_bound_sees_requests_and_successions_within_a_weekend():
    # One officer (one weekend of two allowed), one wanted each weekend day, and a request
    # for the first Saturday off (7). Unpriced, each weekend is best worked whole, the
    # request refused: 7 (the limit is what the price would charge for).
    problem = dataclasses.replace(
        _two_weekends(officers=1, limit=1, wanted=1),
        requests=(Request("O0", 5, None, 7, on=False),),
    )
    assert wb.weekend_bound(problem, lam=0, min_days=0) == 7
    # Saturdays want D and Sundays L. If L may not come the day after D, the one officer
    # cannot cover both days of a weekend: 100 short on each, whichever day is left.
    covers = tuple(
        Cover(f"{d}", ((d, "D" if d in (5, 12) else "L"),), 1, weight_under=100)
        for d in (5, 6, 12, 13)
    )
    free = dataclasses.replace(problem, tours=(DAY, Tour("L", 480)), covers=covers, requests=())
    banned = dataclasses.replace(
        free, tours=(Tour("D", 480, cannot_follow=frozenset({"L"})), Tour("L", 480))
    )
    assert wb.weekend_bound(free, lam=0, min_days=0) == 0
    assert wb.weekend_bound(banned, lam=0, min_days=0) == 200
    # the ban is a hard rule the bound keeps only while it is on
    off = RuleConfig(disabled=frozenset({"cannot_follow"}))
    assert wb.weekend_bound(banned, off, lam=0, min_days=0) == 0


def test_the_bound_applies_only_where_weekends_are_limited_and_cover_costs():
    problem = _two_weekends()
    assert not wb.applies(problem, None)  # two weeks: the full model bounds it itself
    assert wb.applies(problem, None, min_days=0)
    unlimited = dataclasses.replace(
        problem, officers=tuple(dataclasses.replace(o, max_weekends=None) for o in problem.officers)
    )
    assert not wb.applies(unlimited, None, min_days=0)
    assert not wb.applies(problem, RuleConfig(disabled=frozenset({"max_weekends"})), min_days=0)
    assert wb.weekend_bound(unlimited, min_days=0) == 0


def test_the_bound_comes_first_and_the_search_has_the_rest_of_the_time(monkeypatch):
    # the weekend bound is proved first and handed to the search as its floor; the search's
    # deadline counts from the start, so the bound takes only the time it needed (it kept
    # its whole share, 3%, when it came last); in deterministic mode the search has the limit
    # less that share, whatever the machine
    monkeypatch.setattr(wb.applies, "__defaults__", (0,))
    monkeypatch.setattr(wb.weekend_bound, "__defaults__", (None, 20.0, 2, False, None, 0))
    problem = _two_weekends()
    seen = []

    def search(problem, config, options, on_progress, floor=0.0, started=None):
        seen.append((options, floor, started))
        return solve_module.RosterSolution({}, "feasible", objective, floor, 1.0, None, [])

    monkeypatch.setattr(solve_module, "_solve", search)
    steps = []
    objective = 300
    before = time.perf_counter()
    found = solve_roster(problem, None, SolveOptions(time_limit_seconds=100), steps.append)
    options, floor, started = seen[-1]
    assert options.time_limit_seconds == 100 and not options.weekend_bound
    assert floor == 99.0  # the price: 100 short less one
    assert before <= started <= time.perf_counter()
    assert (found.bound, found.status) == (99.0, "feasible")
    assert [s.stage for s in steps] == ["bound: weekends"]  # before any roster
    objective = 99  # a roster at the bound is optimal
    assert solve_roster(problem, None, SolveOptions(time_limit_seconds=100)).status == "optimal"
    solve_roster(problem, None, SolveOptions(time_limit_seconds=100, deterministic=True))
    options, floor, started = seen[-1]
    assert options.time_limit_seconds == pytest.approx(97.0) and started is None
    assert floor == 99.0
    # switched off, or with the cover relaxation off (the windows' own steps), no bound
    off = solve_roster(problem, None, SolveOptions(time_limit_seconds=100, weekend_bound=False))
    assert off.bound == 0.0 and seen[-1][0].time_limit_seconds == 100 and seen[-1][1] == 0.0


def test_the_weekend_bound_never_exceeds_the_proved_optimum(monkeypatch):
    monkeypatch.setattr(wb.applies, "__defaults__", (0,))
    monkeypatch.setattr(wb.weekend_bound, "__defaults__", (None, 20.0, 2, False, None, 0))
    steps = []
    found = solve_roster(
        _two_weekends(), None, SolveOptions(time_limit_seconds=10, workers=1), steps.append
    )
    assert (found.objective, found.bound, found.status) == (200, 200.0, "optimal")
    # the bound came first, and every roster found was reported with it (99 at least)
    assert steps[0].stage == "bound: weekends"
    assert all(s.bound >= 99 for s in steps if s.objective is not None)
