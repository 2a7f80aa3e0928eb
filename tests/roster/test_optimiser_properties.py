"""Property: every roster the optimiser returns passes the independent checker, and its
objective is the checker's own evaluation of the same roster; infeasible requests name rules."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forceplan.errors import InfeasibleRosterError
from forceplan.roster.checker import check_roster, roster_penalty
from forceplan.roster.model import RULES, RuleConfig, _load_rules
from forceplan.roster.problem import Cover, Officer, Request, RosterProblem, RuleSettings, Tour
from forceplan.roster.solve import SolveOptions, solve_roster
from forceplan.roster.weekend_bound import weekend_bound

TOURS = (
    Tour("E", 600, 7 * 60),
    Tour("L", 600, 14 * 60),
    Tour("N", 540, 22 * 60, night=True),
    Tour("D", 480, 8 * 60),
)
optional = st.one_of(st.none(), st.integers(1, 6))


@st.composite
def problems(draw) -> RosterProblem:
    days = draw(st.integers(3, 10))
    tours = tuple(t for t in TOURS if draw(st.booleans())) or (TOURS[0],)
    codes = [t.code for t in tours]
    n = draw(st.integers(1, 4))
    officers = []
    for i in range(n):
        officers.append(
            Officer(
                id=f"O{i}",
                max_tours={c: draw(st.integers(0, days)) for c in codes if draw(st.booleans())},
                max_total_minutes=draw(st.one_of(st.none(), st.integers(0, 600 * days))),
                max_consecutive_days=draw(optional),
                min_consecutive_days=draw(st.one_of(st.none(), st.integers(1, 3))),
                min_consecutive_days_off=draw(st.one_of(st.none(), st.integers(1, 3))),
                max_weekends=draw(st.one_of(st.none(), st.integers(0, 2))),
                skills=frozenset({"taser"}) if draw(st.booleans()) else frozenset(),
                tutor_id="O0" if i > 0 and draw(st.integers(0, 4)) == 0 else None,
            )
        )
    slot = st.tuples(st.integers(0, days - 1), st.sampled_from(codes))
    covers = tuple(
        Cover(
            f"c{k}",
            (draw(slot),),
            draw(st.integers(0, 3)),
            weight_under=draw(st.integers(0, 20)),
            weight_over=draw(st.integers(0, 5)),
            minimum=draw(st.integers(0, 1)) if k == 0 else 0,
            skill="taser" if draw(st.booleans()) else None,
        )
        for k in range(draw(st.integers(0, 8)))
    )
    requests = tuple(
        Request(
            f"O{draw(st.integers(0, n - 1))}",
            draw(st.integers(0, days - 1)),
            draw(st.one_of(st.none(), st.sampled_from(codes))),
            draw(st.integers(1, 5)),
            on=draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 6)))
    )
    requests = tuple(r for r in requests if r.on is False or r.tour is not None)
    days_off = {f"O{i}": frozenset(draw(st.sets(st.integers(0, days - 1), max_size=2)))
                for i in range(n)}  # fmt: skip
    settings_ = RuleSettings(
        daily_rest_minutes=draw(st.sampled_from([None, 11 * 60])),
        weekly_rest_minutes=draw(st.sampled_from([None, 24 * 60])),
        max_average_weekly_minutes=draw(st.sampled_from([None, 48 * 60])),
        rest_days_per_week=draw(st.sampled_from([None, 2.0])),
        max_consecutive_days=draw(optional),
        max_consecutive_nights=draw(st.sampled_from([None, 2, 4])),
        preferred_max_consecutive_nights=None,
        quick_return_minutes=None,
    )
    return RosterProblem(days, tours, tuple(officers), covers, requests, days_off,
                         settings=settings_, first_weekday=draw(st.integers(0, 6)))  # fmt: skip


HARD_AND_OBJECTIVE = RuleConfig(
    disabled=frozenset({"quick_returns", "backward_rotation", "long_night_runs",
                        "fair_nights", "fair_weekends", "stability", "rest_day_cancelled"})
)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_optimised_roster_passes_the_checker(problem):
    options = SolveOptions(time_limit_seconds=5, workers=1, seed=3)
    try:
        solution = solve_roster(problem, HARD_AND_OBJECTIVE, options)
    except InfeasibleRosterError as error:
        _load_rules()
        assert error.conflicts, "an infeasible request must name the rules that conflict"
        assert all(RULES[name].kind == "hard" for name in error.conflicts)
        return
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total


HARD = ("days_off", "allowed_tours", "total_minutes", "average_week", "rest_days", "daily_rest",
        "cannot_follow", "tour_limits", "max_consecutive_days")  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sets(st.sampled_from(HARD)))
def test_the_cover_relaxation_never_cuts_off_the_optimum(problem, switched_off):
    config = RuleConfig(disabled=HARD_AND_OBJECTIVE.disabled | frozenset(switched_off))
    plain = SolveOptions(time_limit_seconds=5, workers=1, cover_bound=False)
    bounded = SolveOptions(time_limit_seconds=5, workers=1, cover_bound=True)
    try:
        without = solve_roster(problem, config, plain)
    except InfeasibleRosterError:
        return
    with_bound = solve_roster(problem, config, bounded)
    if without.status == with_bound.status == "optimal":
        assert with_bound.objective == without.objective
        assert with_bound.bound <= without.objective


@st.composite
def weekend_problems(draw) -> RosterProblem:
    """Two or three weeks where weekends are what costs: every weekend day wants officers on
    one or two tours, and weekends worked are limited."""
    problem = draw(problems())
    days = draw(st.integers(7, 21))
    codes = [t.code for t in problem.tours]
    weekend_days = [d for d in range(days) if problem.weekday(d) >= 5]
    covers = tuple(
        Cover(f"w{d}{code}", ((d, code),), draw(st.integers(0, 3)),
              weight_under=draw(st.integers(1, 30)), weight_over=draw(st.integers(0, 3)))
        for d in weekend_days
        for code in draw(st.sets(st.sampled_from(codes), min_size=1, max_size=2))
    )  # fmt: skip
    officers = tuple(
        dataclasses.replace(o, max_weekends=draw(st.integers(0, 2)), max_tours={},
                            max_total_minutes=None, tutor_id=None)
        for o in problem.officers
    )  # fmt: skip
    requests = tuple(
        Request(o.id, d, None, draw(st.integers(1, 40)), on=False)
        for o in officers
        for d in draw(st.sets(st.sampled_from(weekend_days), max_size=2))
    ) if weekend_days else ()  # fmt: skip
    return dataclasses.replace(
        problem, days=days, officers=officers, covers=covers, requests=requests,
        days_off={o.id: frozenset(d for d in problem.days_off.get(o.id, ()) if d < days)
                  for o in officers},
    )  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weekend_problems(), st.sets(st.sampled_from((*HARD, "requests"))), st.integers(0, 70))
def test_the_weekend_bound_never_cuts_off_the_optimum(problem, switched_off, price):
    # at any price for a weekend worked, with any rules switched off: no roster costs less
    config = RuleConfig(disabled=HARD_AND_OBJECTIVE.disabled | frozenset(switched_off))
    options = SolveOptions(time_limit_seconds=5, workers=1, cover_bound=False)
    try:
        best = solve_roster(problem, config, options)
    except InfeasibleRosterError:
        return
    assert weekend_bound(problem, config, lam=price, min_days=0) <= best.objective
