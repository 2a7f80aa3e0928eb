"""Best responses (roster/response.py): each officer's roster re-optimised against everyone
else's. Their rosters pass the checker at the cost they claim, no officer alone can then do
better, and a roster they cannot read is handed back unchanged."""

from __future__ import annotations

import dataclasses
import itertools
import time

from forceplan.roster import colgen, response, windows
from forceplan.roster.checker import check_roster, roster_penalty
from forceplan.roster.problem import Cover, Officer, RosterProblem
from forceplan.roster.solve import SolveOptions, solve_roster
from tests.roster.test_colgen import EARLY, RULES, tiny


def _everyone_early_first(problem, run: int = 3):
    """Every officer on the early tour for the first ``run`` days, resting after: it meets
    each officer's rules, and leaves most cover short."""
    return {
        o.id: {d: ("E" if d < run else None) for d in range(problem.days)} for o in problem.officers
    }


def test_best_responses_improve_a_poor_roster_and_it_passes_the_checker():
    problem = tiny()
    start = _everyone_early_first(problem)
    assert check_roster(problem, start) == []
    before = roster_penalty(problem, start).total
    seen = []
    better = response.improve(
        problem, RULES, start, time.perf_counter() + 3, on_improve=seen.append
    )
    assert check_roster(problem, better) == []
    after = roster_penalty(problem, better).total
    assert after < before
    # what it reported is what the checker counts, and it only ever fell
    assert seen and seen[-1] == after
    assert all(b < a for a, b in itertools.pairwise(seen))


def test_after_best_responses_no_officer_alone_can_do_better(monkeypatch):
    monkeypatch.setattr(colgen, "TAIL_SECONDS", 0.5)  # stop once it stalls, not at 20 s
    problem = tiny(officers=4, need=2)
    better = response.improve(
        problem, RULES, _everyone_early_first(problem), time.perf_counter() + 20
    )
    cost = roster_penalty(problem, better).total
    rules = windows.with_fixed_days(RULES)
    for officer in problem.officers:
        others = {o.id: better[o.id] for o in problem.officers if o.id != officer.id}
        alone = solve_roster(
            dataclasses.replace(problem, fixed=others), rules,
            SolveOptions(time_limit_seconds=10, column_generation=False),
        )  # fmt: skip
        assert alone.status == "optimal"
        assert alone.objective == cost, officer.id


def test_a_roster_that_breaks_an_officers_rules_comes_back_unchanged():
    problem = tiny()
    start = _everyone_early_first(problem, run=4)  # four in a row: at most three allowed
    assert check_roster(problem, start)
    assert response.improve(problem, RULES, start, time.perf_counter() + 2) == start


def test_a_long_horizon_is_improved_officer_by_officer_before_window_by_window(monkeypatch):
    calls = []
    real = response.improve

    def spy(*args, **kwargs):
        calls.append(args[0].name)
        return real(*args, **kwargs)

    monkeypatch.setattr(response, "improve", spy)
    problem = dataclasses.replace(tiny(officers=4, days=28), name="long")
    stages = []
    solution = solve_roster(
        problem, RULES,
        SolveOptions(time_limit_seconds=8, decompose=True, lns=False, column_generation=False),
        on_progress=lambda p: stages.append(p.stage),
    )  # fmt: skip
    assert calls == ["long"]
    assert "improving officer by officer" in stages
    # and the windows have the rest of the time (windowed.RESPONSE_SHARE)
    assert stages.index("improving window by window") > stages.index("improving officer by officer")
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total


def test_where_weekends_are_limited_a_step_can_free_every_weekend(monkeypatch):
    monkeypatch.setattr(response, "WEEKEND_SHARE", 1.0)
    problem = tiny(days=56)
    limited = dataclasses.replace(
        problem, officers=tuple(dataclasses.replace(o, max_weekends=2) for o in problem.officers)
    )
    # Friday to Monday of each of the eight weekends (Saturdays are days 5, 12, ...)
    around = {d for saturday in range(5, 56, 7) for d in range(saturday - 1, saturday + 3)}
    around &= set(range(56))
    for case, weekends_freed in ((problem, False), (limited, True)):
        master = colgen.Master(case, RULES, workers=1)
        try:
            steps = response._Responses(master, _everyone_early_first(case), 0)._choose(2)
        finally:
            master.pool.shutdown()
        assert len(steps) == 2 and len({i for group, _ in steps for i in group}) == 2
        for _, days in steps:
            # without a limit, a window of six weeks (or two of three), never every weekend
            assert (around <= set(days)) is weekends_freed


def _weekend_trade() -> tuple[RosterProblem, dict]:
    """Two weeks; two officers who work two early tours each and one weekend at most. Both
    Saturdays and the first Sunday want one officer. A works the first Friday and Saturday, B
    the first Sunday and Monday, so the second Saturday is short (100). Neither can mend that
    alone: A or B moving to it leaves their first-weekend day short instead. Together they
    can: A works the first weekend whole, and B, freed of it, the second Saturday (0)."""
    people = tuple(
        Officer(name, max_total_minutes=2 * 480, min_total_minutes=2 * 480, max_weekends=1)
        for name in ("A", "B")
    )
    covers = tuple(
        Cover(f"{d}E", ((d, "E"),), need, weight_under=100, weight_over=1)
        for d, need in ((5, 1), (6, 1), (12, 1), (13, 0))
    )
    problem = RosterProblem(14, (EARLY,), people, covers, name="trade")
    start = {"A": {4: "E", 5: "E"}, "B": {6: "E", 7: "E"}}
    return problem, {o: {d: days.get(d) for d in range(14)} for o, days in start.items()}


def test_a_weekend_trade_mends_what_no_officer_alone_can():
    problem, start = _weekend_trade()
    assert check_roster(problem, start) == []
    assert roster_penalty(problem, start).total == 100
    master = colgen.Master(problem, RULES, workers=1)
    try:
        responses = response._Responses(master, start, 0, RULES)
        every_day = set(range(problem.days))
        for i in range(2):  # each officer's best roster with the other's fixed: no better
            assert responses._respond(i, every_day, 5.0) is None
        changes = responses._trade((0, 1), set(responses.weekend_days), 5.0)
        assert changes is not None and responses._accept(changes)
    finally:
        master.pool.shutdown()
    assert responses.cost == 0
    traded = responses.roster()
    assert check_roster(problem, traded) == []
    assert roster_penalty(problem, traded).total == 0
    # one of them works the first weekend whole, the other the second Saturday
    whole = [o for o, days in traded.items() if days[5] == days[6] == "E"]
    assert len(whole) == 1
    assert [days[12] for o, days in traded.items() if o not in whole] == ["E"]


def test_trades_begin_once_one_officer_at_a_time_stops_paying(monkeypatch):
    monkeypatch.setattr(colgen, "TAIL_SECONDS", 1.0)  # stop once it stalls, not at 20 s
    problem, start = _weekend_trade()
    results, stages = {}, []
    default = response.TRADE_SHARE
    for share in (0.0, default):
        monkeypatch.setattr(response, "TRADE_SHARE", share)
        better = response.improve(
            problem, RULES, start, time.perf_counter() + 20, on_stage=stages.append
        )
        assert check_roster(problem, better) == []
        results[share] = roster_penalty(problem, better).total
    assert results == {0.0: 100, default: 0}
    assert stages == [response.TRADING] * 2  # the progress bar names the trades


def test_between_steps_each_officers_model_holds_their_roster_on_every_day():
    """A step frees only its own days and puts them back (to the new roster when it is kept):
    a day left free, or held to an old tour, would let a later step build on a stale roster."""
    problem = tiny(officers=4, days=14, need=2)
    master = colgen.Master(problem, RULES, workers=2)

    def holds(officers) -> None:
        for i in officers:
            column = responses.columns[i]
            for d in range(problem.days):
                for code, var in master.pricers[i].x[0][d].items():
                    on = int(column.tours.get(d) == code)
                    held = list(master.pricers[i].model.proto.variables[var.index].domain)
                    assert held == [on, on], (i, d, code)

    try:
        responses = response._Responses(master, _everyone_early_first(problem), 0, RULES)
        everyone = range(len(problem.officers))
        holds(everyone)
        accept, kept = responses._accept, []

        def checked(changes):
            if accept(changes):
                kept.append(changes)
                holds(changes)  # at once (a later step of theirs would hide it); the others
                # may be in a step of their own
                return True
            return False

        responses._accept = checked
        responses.run(time.perf_counter() + 2, workers=2)
        assert kept
        holds(everyone)
    finally:
        master.pool.shutdown()


def test_each_officers_own_cost_is_read_from_the_roster_as_their_model_scores_it():
    """Best responses start from each officer's roster and its own cost (refused requests):
    read from the roster where the checker computes the objective, it must be what the
    officer's own model gives, or steps would be compared against a wrong cost."""
    problem = tiny()
    master = colgen.Master(problem, RULES, workers=1)
    try:
        rosters = [
            _everyone_early_first(problem),  # O0's day off refused (5), O1's late refused (3)
            {o.id: {d: ("L" if d % 4 < 2 else None) for d in range(7)} for o in problem.officers},
        ]
        for roster in rosters:
            assert check_roster(problem, roster) == []
            own = response._own_costs(problem, RULES, roster)
            assert own is not None
            for i, officer in enumerate(problem.officers):
                tours = {d: c for d, c in roster[officer.id].items() if c is not None}
                assert own.get(officer.id, 0) == master.column_of(i, tours, 5.0).cost, officer.id
        assert response._own_costs(problem, RULES, rosters[0]) == {"O0": 5, "O1": 3}
    finally:
        master.pool.shutdown()
    # a roster breaking a rule, or soft rules the checker does not cost, go to the model
    assert response._own_costs(problem, RULES, _everyone_early_first(problem, run=4)) is None
    fatigue = dataclasses.replace(RULES, only=RULES.only | {"backward_rotation"})
    assert response._own_costs(problem, fatigue, rosters[0]) is None
