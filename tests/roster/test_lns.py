"""The large-neighbourhood search: its rosters pass the checker with the solver's objective, it
never loses the roster it starts from, it honours hints and fixed days, and it reaches the
Curtois instances' known optima."""

from __future__ import annotations

import dataclasses
import itertools
import time

import pytest
from ortools.sat.python import cp_model

from forceplan.roster import lns
from forceplan.roster import solve as solve_module
from forceplan.roster.checker import check_roster, roster_penalty
from forceplan.roster.curtois import BENCHMARK_RULES, read_instance
from forceplan.roster.lns import (
    Incumbent,
    LnsSearch,
    LnsSettings,
    _short_and_spare,
    _spare_hours,
)
from forceplan.roster.model import build_model
from forceplan.roster.problem import RosterProblem
from forceplan.roster.solve import LNS_VARIABLES, SolveOptions, read_roster, solve_roster, uses_lns
from forceplan.roster.windows import variables
from tests.conftest import shared_data
from tests.roster.test_optimiser_properties import HARD_AND_OBJECTIVE
from tests.roster.test_solve import small_unit

#: the search after the full model's first roster (column generation would start elsewhere)
LNS = SolveOptions(
    time_limit_seconds=4, workers=2, lns=True, cover_bound=False, column_generation=False
)
#: the rules the checker scores (it leaves fatigue and fairness to the explanation)
RULES = HARD_AND_OBJECTIVE


def test_lns_rosters_pass_the_checker_with_the_solvers_objective():
    problem = small_unit()
    steps = []
    solution = solve_roster(problem, RULES, options=LNS, on_progress=steps.append)
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total
    assert solution.explanation.total == solution.objective
    assert all(b.objective <= a.objective for a, b in itertools.pairwise(steps))
    assert all(s.bound <= s.objective + 1e-6 for s in steps)
    assert solution.bound <= solution.objective


def test_the_search_never_loses_its_starting_roster_and_restores_the_model():
    problem = small_unit()
    ctx = build_model(problem, RULES)
    domains = [list(v.domain) for v in ctx.model.proto.variables]
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5
    solver.parameters.stop_after_first_solution = True
    assert solver.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    start = Incumbent.of(solver)
    seen = []
    search = LnsSearch(ctx, start, 0.0, LnsSettings(step_seconds=0.5, workers=1, seed=1))
    best = search.run(time.perf_counter() + 3, lambda objective, bound: seen.append(objective))
    assert best.objective <= start.objective
    assert seen == sorted(seen, reverse=True) and all(s < start.objective for s in seen)
    assert search.stats.steps > 0
    roster = read_roster(ctx, best.solver)
    assert check_roster(problem, roster) == []
    assert roster_penalty(problem, roster).total == best.objective
    assert [list(v.domain) for v in ctx.model.proto.variables] == domains


def test_a_hint_is_never_made_worse():
    problem = small_unit()
    first = solve_roster(problem, RULES, options=dataclasses.replace(LNS, time_limit_seconds=2))
    again = solve_roster(problem, RULES, options=dataclasses.replace(LNS, hint=first.roster))
    assert again.objective <= first.objective
    assert check_roster(problem, again.roster) == []
    assert again.objective == roster_penalty(problem, again.roster).total


def test_fixed_days_stay_fixed():
    problem = small_unit()
    fixed = {"P0": {0: "N", 1: "N", 2: None}, "P1": {d: None for d in range(5)}}
    problem = dataclasses.replace(problem, fixed=fixed)
    solution = solve_roster(problem, RULES, options=LNS)
    for officer_id, days in fixed.items():
        for d, code in days.items():
            assert solution.roster[officer_id].get(d) == code
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total


def test_deterministic_mode_leaves_the_search_off():
    problem = small_unit()
    options = dataclasses.replace(LNS, time_limit_seconds=3, deterministic=True, seed=7)
    first = solve_roster(problem, RULES, options=options)
    second = solve_roster(problem, RULES, options=options)
    assert first.roster == second.roster and first.objective == second.objective


@pytest.mark.realdata
@pytest.mark.parametrize(("instance", "optimum"), [("Instance1", 607), ("Instance2", 828)])
def test_lns_reaches_the_known_optima(instance, optimum):
    problem = read_instance(shared_data("curtois_shift_scheduling", f"{instance}.txt"))
    options = SolveOptions(time_limit_seconds=20, workers=2, lns=True, column_generation=False)
    solution = solve_roster(problem, BENCHMARK_RULES, options)
    assert solution.objective == optimum
    assert solution.objective == roster_penalty(problem, solution.roster).total


def test_every_step_takes_the_callers_extra_parameters():
    # a zero time limit set through extra_parameters leaves every step unfinished; without it,
    # steps over small neighbourhoods finish
    problem = small_unit()
    ctx = build_model(problem, RULES)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5
    solver.parameters.stop_after_first_solution = True
    assert solver.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    finished = {}
    for extra in ({}, {"max_time_in_seconds": 0.0}):
        settings = LnsSettings(step_seconds=0.5, workers=1, seed=1, extra_parameters=extra)
        search = LnsSearch(ctx, Incumbent.of(solver), 0.0, settings)
        search.run(time.perf_counter() + 2, lambda objective, bound: None)
        assert search.stats.steps > 0
        finished[bool(extra)] = search.stats.finished
    assert finished[False] > 0 and finished[True] == 0


def _first_roster(problem):
    ctx = build_model(problem, RULES)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5
    solver.parameters.stop_after_first_solution = True
    solver.parameters.num_workers = 1
    assert solver.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return ctx, solver


def test_the_search_knows_which_covers_are_short_and_which_spare():
    problem = small_unit()
    ctx, solver = _first_roster(problem)
    search = LnsSearch(ctx, Incumbent.of(solver), 0.0, LnsSettings(seed=3))
    report = roster_penalty(problem, read_roster(ctx, solver))
    assert report.by_component["cover_under"] > 0  # a first roster leaves some cover short
    assert sum(cost for cost, _, _ in search.short) == report.by_component["cover_under"]
    assert sum(cost for cost, _, _ in search.spare) == report.by_component["cover_over"]
    for cost, day, codes in search.short + search.spare:
        assert cost > 0 and 0 <= day < problem.days and codes <= {t.code for t in problem.tours}


def test_short_and_spare_frees_every_officer_around_a_short_day_and_a_spare_day():
    problem = small_unit()
    ctx, solver = _first_roster(problem)
    search = LnsSearch(ctx, Incumbent.of(solver), 0.0, LnsSettings(seed=3))
    # one short early tour on day 3; early tours spare on day 20, late tours spare on day 12
    search.short = [(100, 3, frozenset({"E"}))]
    search.spare = [(5, 20, frozenset({"E"})), (9, 12, frozenset({"L"}))]
    size = 4 / problem.days  # windows of two days
    everyone = set(range(search.n_officers))
    for _ in range(20):
        cells = _short_and_spare(search, size)
        days = {d for _, d in cells}
        assert cells == {(i, d) for i in everyone for d in days}
        assert {3, 20} <= days and days <= {2, 3, 4, 19, 20, 21}
        assert len(days) == 4
    search.spare = []  # nothing spare: a second window anywhere
    assert 3 in {d for _, d in _short_and_spare(search, size)}
    search.short = []  # nothing short: one window of as many days, as the "days" kind picks
    days = sorted({d for _, d in _short_and_spare(search, size)})
    assert days == list(range(days[0], days[0] + 4))


def test_the_search_knows_each_officers_spare_minutes():
    problem = small_unit()
    ctx, solver = _first_roster(problem)
    search = LnsSearch(ctx, Incumbent.of(solver), 0.0, LnsSettings(seed=3))
    roster = read_roster(ctx, solver)
    lengths = {t.code: t.length_minutes for t in problem.tours}
    for i, officer in enumerate(problem.officers):
        worked = sum(lengths[code] for code in roster[officer.id].values() if code)
        assert search.spare_minutes[i] == officer.max_total_minutes - worked


def test_spare_hours_frees_officers_with_minutes_to_spare_over_the_whole_horizon():
    problem = small_unit()
    ctx, solver = _first_roster(problem)
    search = LnsSearch(ctx, Incumbent.of(solver), 0.0, LnsSettings(seed=3))
    search.spare_minutes = [0, 0, 300, 0, 0, 540, 0, 0]
    size = 2 / search.n_officers
    both = 0
    for _ in range(100):
        cells = _spare_hours(search, size)
        officers = {i for i, _ in cells}
        assert cells == {(i, d) for i in officers for d in range(problem.days)}
        assert len(officers) == 2
        both += officers == {2, 5}
    assert both >= 85  # weighted 301 and 541 to 1 for each officer with nothing to spare
    search.spare_minutes = [0] * search.n_officers  # nobody: officers at random, as many
    picked = {frozenset(i for i, _ in _spare_hours(search, size)) for _ in range(20)}
    assert all(len(officers) == 2 for officers in picked) and len(picked) > 1


def test_spare_hours_come_first_while_minutes_are_stranded():
    problem = small_unit()  # 10-hour days and 9-hour nights
    shortest = min(t.length_minutes for t in problem.tours)

    def share(search: LnsSearch, spare_minutes: list[int]) -> float:
        search.spare_minutes = spare_minutes
        for kind in search.kinds:
            kind.score = 0.0  # no kind has gained: the rest are chosen at random
        picks = [search._choose().name for _ in range(700)]
        return picks.count("spare hours") / len(picks)

    def search_of(problem: RosterProblem) -> LnsSearch:
        ctx, solver = _first_roster(problem)
        search = LnsSearch(ctx, Incumbent.of(solver), 0.0, LnsSettings(seed=3))
        search.short = [(100, 3, frozenset({"E"}))]
        return search

    search = search_of(problem)
    none = [0] * search.n_officers
    stranded = [*none[:-2], shortest - 60, 60]  # a tour's worth between two, not for either
    chance = 1 / len(search.kinds)
    first = lns.SPARE_FIRST
    assert share(search, stranded) > first + (1 - first) * chance - 0.07  # and its share after
    assert share(search, none) < chance + 0.07
    assert share(search, [*none[:-1], shortest - 1]) < chance + 0.07  # too few for any tour
    assert share(search, [*stranded[:-3], shortest, 0, 0]) < chance + 0.07  # one can work one
    search.short = []  # no cover short: spare minutes are no loss
    assert share(search, stranded) < chance + 0.07
    # every tour 10 hours: a change of tours frees no minutes, so none are stranded
    even = search_of(dataclasses.replace(
        problem, tours=tuple(dataclasses.replace(t, length_minutes=600) for t in problem.tours)
    ))  # fmt: skip
    assert share(even, [*none[:-2], 540, 60]) < chance + 0.07


def test_the_search_is_on_by_default_for_large_models_only():
    small, large = small_unit(), small_unit(officers=80)
    assert variables(small) <= LNS_VARIABLES < variables(large)
    assert not uses_lns(small, SolveOptions()) and uses_lns(large, SolveOptions())
    assert uses_lns(small, SolveOptions(lns=True)) and not uses_lns(large, SolveOptions(lns=False))
    # deterministic mode never runs it (its steps have wall-clock limits)
    assert not uses_lns(large, SolveOptions(deterministic=True))
    assert not uses_lns(small, SolveOptions(lns=True, deterministic=True))


def test_the_search_frees_the_whole_roster_only_when_allowed():
    problem = small_unit()
    ctx, solver = _first_roster(problem)
    names = {
        allowed: {k.name for k in LnsSearch(ctx, Incumbent.of(solver), 0.0,
                                            LnsSettings(whole_roster=allowed)).kinds}
        for allowed in (True, False)
    }  # fmt: skip
    assert names[True] - names[False] == {"whole roster"}
    assert "spare hours" in names[False] and "days" in names[False]


def test_the_search_takes_over_by_the_latest_share_of_the_time(monkeypatch):
    calls = []
    first_solve = solve_module._first_solve

    def recording(ctx, options, seconds, progress, share, give_up=None, latest=None):
        calls.append((seconds, share, latest))
        return first_solve(ctx, options, seconds, progress, share, give_up, latest)

    monkeypatch.setattr(solve_module, "_first_solve", recording)
    problem = small_unit()
    solve_roster(problem, RULES, options=LNS)
    solve_roster(problem, RULES, options=dataclasses.replace(LNS, lns_first_most=0.5))
    solve_roster(problem, RULES, options=dataclasses.replace(LNS, lns=False))
    (s1, share1, latest1), (s2, _, latest2), (_, share3, latest3) = calls
    assert share1 == pytest.approx(0.2 * s1) and latest1 == pytest.approx(0.3 * s1)
    assert latest2 == pytest.approx(0.5 * s2)
    assert share3 is None and latest3 is None  # no search: the full model has all the time
