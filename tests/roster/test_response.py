"""Best responses (roster/response.py): each officer's roster re-optimised against everyone
else's. Their rosters pass the checker at the cost they claim, no officer alone can then do
better, and a roster they cannot read is handed back unchanged."""

from __future__ import annotations

import dataclasses
import itertools
import time

from forceplan.roster import colgen, response, windows
from forceplan.roster.checker import check_roster, roster_penalty
from forceplan.roster.solve import SolveOptions, solve_roster
from tests.roster.test_colgen import RULES, tiny


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
    rules = windows._with_fixed_days(RULES)
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
        assert len(steps) == 2 and len({i for i, _ in steps}) == 2
        for _, days in steps:
            # without a limit, a window of six weeks (or two of three), never every weekend
            assert (around <= set(days)) is weekends_freed
