"""The solver: deterministic for a seed and a worker count, progress while solving, conflicts
named when no roster exists, a valid cover bound, and the Curtois instances' known optima."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from ortools.sat.python import cp_model

from forceplan.errors import InfeasibleRosterError
from forceplan.roster.curtois import BENCHMARK_RULES, read_instance
from forceplan.roster.hints import add_hint, complete_hint, hint_counts, read_roster
from forceplan.roster.model import build_model
from forceplan.roster.police import UnitRosterSpec, unit_problem
from forceplan.roster.problem import Cover, Officer, RosterProblem, Tour
from forceplan.roster.relaxation import cover_bound
from forceplan.roster.solve import SolveOptions, configure, solve_roster
from forceplan.standard.duty import ShiftDefinition
from forceplan.standard.organisation import Person
from tests.conftest import shared_data
from tests.roster.test_rules import NO_LIMITS

TOURS = [
    ShiftDefinition(force_id="F", code="E", start=dt.time(7), length_minutes=600),
    ShiftDefinition(force_id="F", code="L", start=dt.time(15), length_minutes=600),
    ShiftDefinition(force_id="F", code="N", start=dt.time(22), length_minutes=540),
]


def small_unit(officers: int = 8) -> RosterProblem:
    people = [
        Person(id=f"P{i}", force_id="F", kind="officer", rank="constable", role="response",
               unit_id="U", contracted_hours_per_week=40, service_start=dt.date(2020, 1, 1))
        for i in range(officers)
    ]  # fmt: skip
    need = [1.0 + (h % 24 >= 16) for h in range(168)]
    return unit_problem(UnitRosterSpec(dt.date(2026, 1, 5), 4, TOURS, people, need))


def test_same_seed_and_workers_give_the_same_roster():
    problem = small_unit()
    options = SolveOptions(time_limit_seconds=3, workers=2, seed=7, deterministic=True)
    first = solve_roster(problem, options=options)
    second = solve_roster(problem, options=options)
    assert first.roster == second.roster and first.objective == second.objective


def test_progress_reports_improving_objectives_and_a_bound():
    steps = []
    solve_roster(small_unit(), options=SolveOptions(time_limit_seconds=3), on_progress=steps.append)
    assert steps
    assert all(b.objective <= a.objective for a, b in itertools.pairwise(steps))
    assert all(s.bound <= s.objective + 1e-6 for s in steps)


def test_the_cover_bound_is_below_every_roster_found():
    problem = small_unit()
    found = cover_bound(problem, 5)
    solution = solve_roster(problem, options=SolveOptions(time_limit_seconds=3, cover_bound=False))
    assert found is not None and 0 < found.bound <= solution.objective


def test_the_cover_bound_is_reported_from_the_first_roster_on(monkeypatch):
    # the relaxation's bound is not a constraint in the model (a floor there stopped CP-SAT
    # finding first rosters on large units), so progress must carry it from outside. The
    # bound compared is the one the solve's own relaxation proved: under load its short
    # budget may prove less than a longer run would.
    import forceplan.roster.solve as solve_module

    proved = []

    def recorded(*args, **kwargs):
        found = cover_bound(*args, **kwargs)
        proved.append(found)
        return found

    monkeypatch.setattr(solve_module, "cover_bound", recorded)
    steps = []
    solution = solve_roster(small_unit(6), options=SolveOptions(time_limit_seconds=3),
                            on_progress=steps.append)  # fmt: skip
    assert len(proved) == 1 and proved[0] is not None and proved[0].bound > 0
    assert steps[0].bound >= proved[0].bound - 1e-6
    assert solution.bound >= proved[0].bound - 1e-6


def test_an_infeasible_request_names_the_rules_that_conflict():
    # one officer, a hard minimum of one on every day, and approved leave on day 2
    covers = tuple(Cover(f"min{d}", ((d, "D"),), 1, minimum=1) for d in range(4))
    problem = RosterProblem(4, (Tour("D", 480, 480),), (Officer("A"),), covers,
                            days_off={"A": frozenset({2})}, settings=NO_LIMITS)  # fmt: skip
    with pytest.raises(InfeasibleRosterError) as caught:
        solve_roster(problem, options=SolveOptions(time_limit_seconds=5))
    assert set(caught.value.conflicts) == {"days_off", "minimum_cover"}
    assert "days_off (A)" in caught.value.message


def test_runs_of_days_and_rest_days_conflict_and_are_named():
    covers = tuple(Cover(f"min{d}", ((d, "D"),), 1, minimum=1) for d in range(5))
    officer = Officer("A", max_consecutive_days=3)
    problem = RosterProblem(5, (Tour("D", 480, 480),), (officer,), covers, settings=NO_LIMITS)
    with pytest.raises(InfeasibleRosterError) as caught:
        solve_roster(problem, options=SolveOptions(time_limit_seconds=5))
    assert set(caught.value.conflicts) == {"max_consecutive_days", "minimum_cover"}


@pytest.mark.realdata
@pytest.mark.parametrize(("instance", "optimum"), [("Instance1", 607), ("Instance2", 828),
                                                   ("Instance3", 1001)])  # fmt: skip
def test_the_benchmark_adapter_reproduces_known_optima(instance, optimum):
    path = shared_data("curtois_shift_scheduling", f"{instance}.txt")
    problem = read_instance(path)
    options = SolveOptions(time_limit_seconds=60, workers=8, deterministic=False)
    solution = solve_roster(problem, BENCHMARK_RULES, options)
    assert solution.objective == optimum


def test_the_lp_heavy_subsolver_runs_first_unless_parameters_say_otherwise():
    solver = cp_model.CpSolver()
    configure(solver, SolveOptions(workers=2))
    assert list(solver.parameters.extra_subsolvers) == ["max_lp"]
    assert solver.parameters.num_workers == 2
    # CP-SAT's own portfolio on request; a repeated parameter replaces, a scalar is set
    plain = cp_model.CpSolver()
    configure(plain, SolveOptions(subsolvers=(), extra_parameters={
        "extra_subsolvers": ["core", "max_lp"], "linearization_level": 2}))  # fmt: skip
    assert list(plain.parameters.extra_subsolvers) == ["core", "max_lp"]
    assert plain.parameters.linearization_level == 2


def _hinted(problem: RosterProblem, roster) -> tuple:
    ctx = build_model(problem)
    add_hint(ctx, roster)
    return ctx, list(ctx.model.proto.solution_hint.vars)


def test_a_hinted_roster_is_completed_to_every_variable_at_its_own_cost():
    problem = small_unit()
    found = solve_roster(problem, options=SolveOptions(time_limit_seconds=2, cover_bound=False))
    ctx, partial = _hinted(problem, found.roster)
    assert len(partial) < len(ctx.model.proto.variables)  # the tours only, before
    assert complete_hint(ctx, 1.0)
    hint = ctx.model.proto.solution_hint
    assert sorted(hint.vars) == list(range(len(ctx.model.proto.variables)))
    # the completed hint is the roster itself, at the roster's own cost
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(ctx.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert round(solver.objective_value) == found.objective
    assert read_roster(ctx, solver) == found.roster


def test_a_hint_that_breaks_a_hard_rule_is_left_partial():
    problem = small_unit()
    every_day = {o.id: {d: "E" for d in range(problem.days)} for o in problem.officers}
    ctx, partial = _hinted(problem, every_day)
    assert not complete_hint(ctx, 1.0)
    assert list(ctx.model.proto.solution_hint.vars) == partial


def test_a_hinted_roster_is_where_the_search_starts():
    problem = small_unit(12)
    found = solve_roster(problem, options=SolveOptions(time_limit_seconds=2, cover_bound=False))
    steps = []
    solve_roster(
        problem,
        options=SolveOptions(time_limit_seconds=1, cover_bound=False, hint=found.roster),
        on_progress=steps.append,
    )
    assert steps and steps[0].objective <= found.objective


def test_the_relaxation_s_counts_hint_the_shared_count_variables_only():
    problem = small_unit()
    ctx = build_model(problem)
    cover = problem.covers[0]
    key = (*cover.slots[0], cover.skill, cover.rank)
    assert ctx.counted(key) is not None
    unbuilt = (problem.days + 5, "E", None, None)  # a day past the horizon: never built
    assert ctx.counted(unbuilt) is None
    hint_counts(ctx, {key: 2, unbuilt: 7})
    hint = ctx.model.proto.solution_hint
    assert list(zip(hint.vars, hint.values, strict=True)) == [(ctx.counted(key).index, 2)]
