"""The first roster of a long horizon made officer by officer (windowed._officer_by_officer):
where every hard rule concerns one officer, each officer's own roster on the hard rules
makes a roster of the unit, found in a fraction of the time the unit's model takes."""

from __future__ import annotations

import dataclasses
import time

import pytest

from forceplan.errors import InfeasibleRosterError
from forceplan.roster import windowed, windows
from forceplan.roster.checker import check_roster, roster_penalty
from forceplan.roster.curtois import BENCHMARK_RULES
from forceplan.roster.solve import SolveOptions, solve_roster
from tests.roster.test_windows import DAYS, long_problem


@pytest.fixture(scope="module")
def problem():
    return long_problem()


def _recording(monkeypatch):
    """Record calls of the other first-roster routes and the officer-by-officer one's result."""
    calls = {"whole": 0, "forward": 0, "officers": []}
    real = windowed._officer_by_officer

    def officers(*args, **kwargs):
        calls["officers"].append(real(*args, **kwargs))
        return calls["officers"][-1]

    def whole(*args, **kwargs):
        calls["whole"] += 1

    def forward(*args, **kwargs):
        calls["forward"] += 1

    monkeypatch.setattr(windowed, "_officer_by_officer", officers)
    monkeypatch.setattr(windowed, "_whole_first_roster", whole)
    monkeypatch.setattr(windows, "forward_pass", forward)
    return calls


def test_each_officers_own_roster_makes_the_first_roster_of_the_unit(problem, monkeypatch):
    calls = _recording(monkeypatch)
    stages = []
    solution = solve_roster(
        problem, BENCHMARK_RULES, SolveOptions(time_limit_seconds=12, decompose=True),
        on_progress=lambda p: stages.append(p.stage),
    )  # fmt: skip
    first = calls["officers"][0]
    assert first is not None and set(first) == {o.id for o in problem.officers}
    assert check_roster(problem, first) == []  # every officer's own rules met
    assert (calls["whole"], calls["forward"]) == (0, 0)  # neither was needed
    assert "first roster: officer 8 of 8 on the hard rules" in stages
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total
    assert solution.objective <= roster_penalty(problem, first).total


def test_an_officer_without_a_roster_of_their_own_leaves_it_to_the_units_model(problem):
    # O0 is away all but three days yet must work at least 16,800 minutes: no roster for O0,
    # so none for the unit; the unit's model then names the conflicting rules
    away = dataclasses.replace(
        problem, days_off={**problem.days_off, "O0": frozenset(range(3, DAYS))}
    )
    options = SolveOptions(time_limit_seconds=10)
    until = time.perf_counter() + 10
    assert windowed._officer_by_officer(away, BENCHMARK_RULES, options, until) is None
    with pytest.raises(InfeasibleRosterError) as raised:
        solve_roster(away, BENCHMARK_RULES, SolveOptions(time_limit_seconds=10, decompose=True))
    assert {"days_off", "total_minutes"} <= set(raised.value.conflicts)
    # and with no time left, none either
    assert windowed._officer_by_officer(problem, BENCHMARK_RULES, options, until - 10) is None


def test_rules_that_tie_officers_together_or_determinism_keep_the_other_routes(
    problem, monkeypatch
):
    # a minimum on a cover ties officers together: their own rosters need not meet it
    tied = dataclasses.replace(
        problem, covers=(dataclasses.replace(problem.covers[0], minimum=1), *problem.covers[1:])
    )
    with_minimum = dataclasses.replace(
        BENCHMARK_RULES, only=BENCHMARK_RULES.only | {"minimum_cover"}
    )
    real = windowed._officer_by_officer
    calls = []
    monkeypatch.setattr(
        windowed, "_officer_by_officer", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    cases = ((tied, with_minimum, False), (problem, BENCHMARK_RULES, True))
    for unit, rules, deterministic in cases:
        options = SolveOptions(time_limit_seconds=10, decompose=True, deterministic=deterministic)
        solution = solve_roster(unit, rules, options)
        assert calls == []
        assert check_roster(unit, solution.roster) == []
