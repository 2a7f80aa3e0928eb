"""Column generation (roster/colgen.py): when it applies, that its rosters pass the checker
with their own objective, that its bound never exceeds the optimum, that pricing finds what the
master needs, and that solve_roster uses it only where it should."""

from __future__ import annotations

import dataclasses
import itertools
import time

import pytest
from hypothesis import HealthCheck, given, settings

from forceplan.errors import InfeasibleRosterError
from forceplan.roster import colgen, diving
from forceplan.roster import solve as solve_module
from forceplan.roster.checker import check_roster, roster_penalty
from forceplan.roster.curtois import BENCHMARK_RULES, read_instance
from forceplan.roster.model import RuleConfig
from forceplan.roster.problem import Cover, Officer, Request, RosterProblem, Tour
from forceplan.roster.solve import SolveOptions, solve_roster, uses_column_generation
from forceplan.roster.windows import variables
from tests.conftest import shared_data
from tests.roster.test_optimiser_properties import HARD_AND_OBJECTIVE, problems
from tests.roster.test_solve import small_unit

EARLY, LATE = Tour("E", 480, cannot_follow=frozenset()), Tour("L", 480)


def tiny(officers: int = 3, days: int = 7, need: int = 2) -> RosterProblem:
    """A week of two tours, ``need`` officers wanted on each (100 a head short, 1 over), each
    officer working 3-5 tours in runs of at most 3, and a few requests."""
    people = tuple(
        Officer(f"O{i}", max_total_minutes=5 * 480, min_total_minutes=3 * 480,
                max_consecutive_days=3)
        for i in range(officers)
    )  # fmt: skip
    covers = tuple(
        Cover(f"{d}{t.code}", ((d, t.code),), need, weight_under=100, weight_over=1)
        for d in range(days)
        for t in (EARLY, LATE)
    )
    requests = (
        Request("O0", 0, None, 5, on=False),
        Request("O1", 2, "L", 3),
        Request("O2", 4, "E", 2, on=False),
    )
    return RosterProblem(days, (EARLY, LATE), people, covers, requests[:officers])


#: the rules of tiny(): the benchmark's
RULES = BENCHMARK_RULES


def test_applies_only_where_no_rule_ties_officers_together():
    problem = tiny()
    assert colgen.applies(problem, RULES)
    # no weighted cover: nothing for the master to choose
    flat = dataclasses.replace(problem, covers=tuple(
        dataclasses.replace(c, weight_under=0, weight_over=0) for c in problem.covers))  # fmt: skip
    assert not colgen.applies(flat, RULES)
    assert not colgen.applies(problem, RuleConfig(only=RULES.only - {"cover"}))
    # a minimum on some cover, or a student officer, ties officers together
    floor = dataclasses.replace(problem, covers=(
        dataclasses.replace(problem.covers[0], minimum=1), *problem.covers[1:]))  # fmt: skip
    assert not colgen.applies(floor, RuleConfig())
    tutored = dataclasses.replace(problem.officers[0], tutor_id="O1")
    student = dataclasses.replace(problem, officers=(tutored, *problem.officers[1:]))
    assert not colgen.applies(student, RuleConfig())
    # fairness over weekends ties them (a week has one), unless weighted nothing
    assert not colgen.applies(problem, RuleConfig())
    assert colgen.applies(problem, RuleConfig(weights={"fair_weekends": 0}))


def test_its_roster_passes_the_checker_and_its_bound_is_below_the_optimum():
    problem = tiny()
    found = colgen.solve(problem, RULES, time.perf_counter() + 10)
    assert found is not None
    assert check_roster(problem, found.roster) == []
    assert found.objective == roster_penalty(problem, found.roster).total
    optimum = solve_roster(
        problem, RULES, SolveOptions(time_limit_seconds=20, column_generation=False)
    )
    assert optimum.status == "optimal"
    assert found.bound is not None
    assert found.bound <= optimum.objective + 1e-6
    assert found.objective >= optimum.objective
    # the master's relaxation is tight here: its bound proves the optimum to within one
    assert optimum.objective - found.bound < 1 + 1e-6


def test_pricing_finds_the_column_of_least_reduced_cost():
    problem = tiny(officers=1)
    master = colgen.Master(problem, RULES, workers=1)
    try:
        # cover on late tours is worth 10 a head, early tours nothing: the officer should
        # work as many lates as the rules allow (5 tours in runs of at most 3)
        duals = [10.0 if c.slots[0][1] == "L" else 0.0 for c in master.covers]
        priced = master.price(0, duals, 5.0)
        assert priced.optimal
        best = priced.columns[-1]
        assert sorted(best.tours.values()) == ["L"] * 5
        # the request for day 0 off (weight 5) is met: five lates on other days cost nothing
        assert best.cost == 0 and 0 not in best.tours
        assert master.reduced_cost(0, best, duals, 0.0) == pytest.approx(best.cost - 50)
        assert priced.bound <= best.cost - 50 + 1e-9
    finally:
        master.pool.shutdown()


def test_an_officer_with_no_roster_of_their_own_makes_it_step_aside():
    problem = tiny()
    # O0 must work at least 3 tours but every day is off: no roster meets the hard rules
    problem = dataclasses.replace(problem, days_off={"O0": frozenset(range(7))})
    assert colgen.solve(problem, RULES, time.perf_counter() + 5) is None
    with pytest.raises(InfeasibleRosterError) as raised:
        solve_roster(problem, RULES, SolveOptions(time_limit_seconds=5, column_generation=True))
    assert "total_minutes" in raised.value.conflicts or "days_off" in raised.value.conflicts


def test_solve_roster_starts_with_columns_only_where_it_should():
    problem = tiny()
    on = SolveOptions(column_generation=True)
    assert uses_column_generation(problem, RULES, on)
    assert not uses_column_generation(problem, RULES, dataclasses.replace(on, deterministic=True))
    assert not uses_column_generation(problem, RULES, dataclasses.replace(on, hint={"O0": {}}))
    assert not uses_column_generation(problem, RULES, SolveOptions(column_generation=False))
    assert not uses_column_generation(problem, RuleConfig(), on)  # fair_weekends ties them
    # by default, by size: up to COLUMN_GENERATION_MAX_VARIABLES
    assert uses_column_generation(problem, RULES, SolveOptions())

    def unit(officers: int) -> RosterProblem:
        people = (dataclasses.replace(problem.officers[0], id=f"O{i}") for i in range(officers))
        return dataclasses.replace(problem, officers=tuple(people))

    largest = solve_module.COLUMN_GENERATION_MAX_VARIABLES // variables(unit(1))
    assert uses_column_generation(unit(largest), RULES, SolveOptions())
    assert not uses_column_generation(unit(largest + 1), RULES, SolveOptions())
    assert uses_column_generation(unit(largest + 1), RULES, on)


def test_solve_roster_by_columns_reports_progress_and_a_valid_bound(monkeypatch):
    problem = tiny(officers=4)
    used = []
    real = colgen.solve
    monkeypatch.setattr(colgen, "solve", lambda *a, **k: used.append(1) or real(*a, **k))
    steps = []
    options = SolveOptions(time_limit_seconds=6, column_generation=True)
    solution = solve_roster(problem, RULES, options, on_progress=steps.append)
    assert used
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total
    assert solution.bound <= solution.objective
    assert any(s.stage.startswith("column generation") for s in steps)
    rosters = [s for s in steps if s.objective is not None]
    assert rosters and all(s.bound <= s.objective + 1e-6 for s in rosters)


def test_large_units_use_the_search_after_the_columns(monkeypatch):
    problem = small_unit()
    config = RuleConfig(disabled=HARD_AND_OBJECTIVE.disabled | {"tutor", "minimum_cover"})
    if not colgen.applies(problem, config):
        pytest.skip("the small unit has rules tying officers")
    searched = []
    real = solve_module._improve
    monkeypatch.setattr(
        solve_module, "_improve", lambda *a, **k: searched.append(1) or real(*a, **k)
    )
    options = SolveOptions(time_limit_seconds=8, column_generation=True, lns=True)
    solution = solve_roster(problem, config, options)
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total
    assert searched or solution.status == "optimal"


CG_RULES = RuleConfig(disabled=HARD_AND_OBJECTIVE.disabled | {"tutor", "minimum_cover"})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_column_generation_roster_passes_the_checker(problem):
    problem = dataclasses.replace(
        problem,
        officers=tuple(dataclasses.replace(o, tutor_id=None) for o in problem.officers),
        covers=tuple(dataclasses.replace(c, minimum=0) for c in problem.covers),
    )
    if not colgen.applies(problem, CG_RULES):
        return
    found = colgen.solve(problem, CG_RULES, time.perf_counter() + 5, workers=1)
    try:
        optimum = solve_roster(problem, CG_RULES, SolveOptions(
            time_limit_seconds=5, workers=1, column_generation=False))  # fmt: skip
    except InfeasibleRosterError:
        optimum = None
    if found is None:
        # some officer has no roster of their own: the whole has none either
        assert optimum is None
        return
    assert check_roster(problem, found.roster) == []
    assert found.objective == roster_penalty(problem, found.roster).total
    assert optimum is not None
    if optimum.status == "optimal":
        assert found.objective >= optimum.objective
        if found.bound is not None:
            assert found.bound <= optimum.objective + 1e-6


def test_instance_one_reaches_its_optimum():
    problem = read_instance(shared_data("curtois_shift_scheduling", "Instance1.txt"))
    options = SolveOptions(time_limit_seconds=30, column_generation=True)
    solution = solve_roster(problem, BENCHMARK_RULES, options)
    assert solution.objective == 607
    assert check_roster(problem, solution.roster) == []


def test_generation_stops_once_the_master_stops_falling():
    now = time.perf_counter()
    flat = [(now - 100, 1000.0), (now - 50, 999.9), (now - 1, 999.8)]
    assert colgen.tailing_off(flat, now - 100)
    falling = [(now - 100, 1000.0), (now - 50, 990.0), (now - 1, 900.0)]
    assert not colgen.tailing_off(falling, now - 100)
    # too young to judge: less than twice the window (at least TAIL_SECONDS) has passed
    young = [(now - 15, 1000.0), (now - 1, 1000.0)]
    assert not colgen.tailing_off(young, now - 15)


def _generated(problem: RosterProblem, seconds: float = 5.0) -> colgen.Master:
    master = colgen.Master(problem, RULES, workers=1)
    master.start(seconds)
    master.generate(time.perf_counter() + seconds)
    return master


def test_fixing_a_day_binds_the_pricing_model_and_the_master():
    master = _generated(tiny())
    try:
        assert master.columns[0]
        duals, _ = master.solve()
        master.fix_day(0, 3, "E")
        master.fix_day(0, 4, None)
        for column in master.columns[0]:
            keeps = column.tours.get(3) == "E" and 4 not in column.tours
            assert (column.var.ub() > 0) == keeps
        priced = master.price(0, duals, 5.0)
        assert priced.columns
        assert all(c.tours.get(3) == "E" and 4 not in c.tours for c in priced.columns)
        for column in priced.columns:
            master.add(0, column)
        master.solve()
        assert all(master.share(c) < 1e-9 for c in master.columns[0] if c.tours.get(3) != "E")
        assert master.days[0] == {3: "E", 4: None}
        # a fixed day restricts the master: no Lagrangian bound is claimed from it
        assert master._bound(duals, [priced] * len(master.pricers)) is None
        # undone, the pricing model and the master's columns are free again: a late on day 3,
        # the only cover worth anything, is taken
        master.unfix_days(0, [3, 4])
        assert master.days[0] == {} and 0 not in master.fixed
        assert all(column.var.ub() == 1 for column in master.columns[0])
        keen = [50.0 if c.slots[0] == (3, "L") else 0.0 for c in master.covers]
        assert master.price(0, keen, 5.0).columns[-1].tours.get(3) == "L"
    finally:
        master.pool.shutdown()


@pytest.mark.parametrize("seconds", [0.0, 10.0])
def test_the_dive_gives_every_officer_a_roster_that_keeps_their_fixed_days(seconds):
    problem = tiny(officers=4, need=2)
    master = _generated(problem)
    try:
        roster = diving.dive(master, time.perf_counter() + seconds, lambda stage, v: None)
    finally:
        master.pool.shutdown()
    assert set(roster) == {o.id for o in problem.officers}
    assert check_roster(problem, roster) == []
    for i, officer in enumerate(problem.officers):
        assert master.fixed[i].tours == {d: c for d, c in roster[officer.id].items() if c}
        for d, code in master.days[i].items():
            assert roster[officer.id][d] == code
    # the master's value is the roster's own cost once every officer is fixed
    assert round(master.value) == roster_penalty(problem, roster).total


def test_a_master_glop_cannot_solve_is_retried_from_scratch_then_reported():
    master = _generated(tiny())
    try:
        for column in master.columns[0]:  # officer 0 left without a roster: no solution
            column.var.SetBounds(0, 0)
        with pytest.raises(colgen._MasterFailed):
            master.solve()
    finally:
        master.pool.shutdown()


def test_a_second_dive_by_whole_rosters_runs_when_time_allows_and_the_better_is_kept(
    monkeypatch,
):
    problem = tiny(officers=5, days=14, need=2)
    values: dict[str, float] = {}

    def recording(name):
        dive = getattr(diving, name)

        def recorded(master, *args, **kwargs):
            roster = dive(master, *args, **kwargs)
            values[name] = master.value
            assert round(master.value) == roster_penalty(problem, roster).total
            return roster

        return recorded

    for name in ("dive", "dive_rosters"):
        monkeypatch.setattr(diving, name, recording(name))
    # no bound proved: nothing says the first dive's roster is optimal
    monkeypatch.setattr(colgen.Master, "_bound", lambda self, duals, priced: None)
    found = colgen.solve(problem, RULES, time.perf_counter() + 10, workers=1)
    assert found is not None and found.bound is None
    assert set(values) == {"dive", "dive_rosters"}
    assert found.objective == round(min(values.values()))
    assert found.objective == roster_penalty(problem, found.roster).total
    assert check_roster(problem, found.roster) == []


def test_pricing_starts_from_the_officers_largest_share_column_they_may_still_use():
    master = _generated(tiny())
    try:
        master.solve()
        shares = [master.share(c) for c in master.columns[1]]
        largest = master.largest(1)
        assert largest is not None and master.share(largest) == max(shares)
        # fixed on a day to another column's tour, the largest is one that keeps to it
        other = next(c for c in master.columns[1] if c.tours != largest.tours)
        day = next(d for d in range(7) if other.tours.get(d) != largest.tours.get(d))
        master.fix_day(1, day, other.tours.get(day))
        master.solve()
        assert master.largest(1).tours.get(day) == other.tours.get(day)
        # the hint is the column's every officer-day-tour, and cleared when none is given
        ctx = master.pricers[1]
        master.price(1, [0.0] * len(master.covers), 1.0, largest)
        hint = dict(zip(ctx.model.proto.solution_hint.vars,
                        ctx.model.proto.solution_hint.values, strict=True))  # fmt: skip
        wanted = {
            var.index: int(largest.tours.get(d) == c)
            for d, day_vars in enumerate(ctx.x[0])
            for c, var in day_vars.items()
        }
        assert hint == wanted
        master.price(1, None, 1.0)
        assert list(ctx.model.proto.solution_hint.vars) == []
    finally:
        master.pool.shutdown()


def test_the_best_mix_of_columns_is_the_cheapest_combination_and_its_cost_is_the_rosters():
    problem = tiny()
    master = colgen.Master(problem, RULES, workers=1)
    try:
        master.start(5.0)
        master.generate(time.perf_counter() + 2)
        # a few more columns per officer: their rosters on their own, against other duals
        for i in range(len(problem.officers)):
            for worth in (3.0, 30.0):
                duals = [worth if c.slots[0][1] == "E" else 0.0 for c in master.covers]
                for column in master.price(i, duals, 2.0).columns:
                    master.add(i, column)
        start = diving._fixed_roster(_fix_all(master, [0] * len(problem.officers)))
        mixed = colgen.best_mix(master, start, 10.0, workers=1)
    finally:
        master.pool.shutdown()
    assert mixed is not None
    roster, value = mixed
    # brute force over every combination of one column per officer
    best = min(
        sum(c.cost for c in pick) + _cover_cost(master, pick)
        for pick in itertools.product(*master.columns)
    )
    assert value == best
    assert check_roster(problem, roster) == []
    assert roster_penalty(problem, roster).total == value
    # its roster is made of the master's columns
    for i, officer in enumerate(problem.officers):
        tours = {d: c for d, c in roster[officer.id].items() if c is not None}
        assert any(column.tours == tours for column in master.columns[i])


def _fix_all(master: colgen.Master, picks: list[int]) -> colgen.Master:
    for i, j in enumerate(picks):
        master.fix(i, master.columns[i][j])
    return master


def _cover_cost(master: colgen.Master, pick: tuple[colgen.Column, ...]) -> int:
    cost = 0
    for k, cover in enumerate(master.covers):
        have = sum(
            1 for i, column in enumerate(pick) for slot in column.tours.items()
            if k in master.slots[i].get(slot, ())
        )  # fmt: skip
        cost += cover.weight_under * max(0, cover.requirement - have)
        cost += cover.weight_over * max(0, have - cover.requirement)
    return cost


def test_solve_keeps_the_best_mix_when_it_beats_the_dives(monkeypatch):
    problem = tiny()

    def poor(master, deadline, report):  # every officer on their first column
        roster = diving._fixed_roster(_fix_all(master, [0] * len(master.pricers)))
        master.solve()  # as the dives end: the master's value is the roster's cost
        return roster

    monkeypatch.setattr(diving, "dive", poor)
    monkeypatch.setattr(diving, "dive_rosters", poor)
    found = colgen.solve(problem, RULES, time.perf_counter() + 10, workers=1)
    assert found is not None
    first = colgen.Master(problem, RULES, workers=1)
    try:
        first.start(5.0)
        first.solve()
        dived = roster_penalty(problem, poor(first, 0, None)).total
    finally:
        first.pool.shutdown()
    assert found.objective < dived
    assert found.objective == roster_penalty(problem, found.roster).total
    assert check_roster(problem, found.roster) == []
