"""One small test per hard rule: a tiny instance where the rule must bind.

Each instance rewards breaking the rule (a cover or a request). With the rule the optimiser's
roster keeps it and the independent checker finds nothing; with the rule switched off the
optimiser breaks it and the checker names the breach — so the model and the checker check
each other.
"""

from __future__ import annotations

import pytest

from forceplan.roster.checker import check_roster
from forceplan.roster.model import RULES, RuleConfig, _load_rules
from forceplan.roster.problem import (
    NO_LIMITS,
    Cover,
    Officer,
    Request,
    RosterProblem,
    RuleSettings,
    Tour,
)
from forceplan.roster.solve import SolveOptions, solve_roster

DAY = Tour("D", 480, 8 * 60)
EARLY = Tour("E", 600, 7 * 60)
LATE = Tour("L", 600, 14 * 60)
NIGHT = Tour("N", 540, 22 * 60, night=True)


def cover_every_day(days: int, tour: str = "D", weight: int = 10, **kw) -> tuple[Cover, ...]:
    return tuple(
        Cover(f"{d}:{tour}", ((d, tour),), 1, weight_under=weight, **kw) for d in range(days)
    )


def problem(days: int, officers, covers=(), tours=(DAY,), settings=NO_LIMITS, **kw):
    return RosterProblem(
        days=days,
        tours=tuple(tours),
        officers=tuple(officers),
        covers=tuple(covers),
        settings=settings,
        **kw,
    )


def solve(p: RosterProblem, disabled: frozenset[str] = frozenset()):
    options = SolveOptions(time_limit_seconds=10, workers=1, seed=1)
    return solve_roster(p, RuleConfig(disabled=disabled), options)


def breaches(p: RosterProblem, roster, rule: str):
    return [b for b in check_roster(p, roster) if b.rule == rule]


def assert_binds(p: RosterProblem, rule: str) -> None:
    kept = solve(p)
    assert breaches(p, kept.roster, rule) == []
    assert check_roster(p, kept.roster) == []
    broken = solve(p, frozenset({rule}))
    assert breaches(p, broken.roster, rule), f"{rule} did not bind"
    assert broken.objective < kept.objective, "breaking the rule should have paid"


def test_days_off():
    p = problem(3, [Officer("A")], cover_every_day(3), days_off={"A": frozenset({1})})
    assert_binds(p, "days_off")


def test_allowed_tours_restricted_duty():
    officer = Officer("A", allowed_tours=frozenset({"D"}))
    p = problem(3, [officer], cover_every_day(3, "N"), tours=(DAY, NIGHT))
    assert_binds(p, "allowed_tours")


def test_tour_limits():
    p = problem(4, [Officer("A", max_tours={"D": 2})], cover_every_day(4))
    assert_binds(p, "tour_limits")


def test_cannot_follow():
    first = Tour("A", 480, None, frozenset({"B"}))
    second = Tour("B", 480)
    covers = (Cover("a", ((0, "A"),), 1, 10), Cover("b", ((1, "B"),), 1, 10))
    assert_binds(problem(2, [Officer("X")], covers, tours=(first, second)), "cannot_follow")


def test_daily_rest_between_a_late_and_an_early():
    settings = RuleSettings(**{**NO_LIMITS.__dict__, "daily_rest_minutes": 11 * 60})
    covers = (Cover("l", ((0, "L"),), 1, 10), Cover("e", ((1, "E"),), 1, 10))
    p = problem(2, [Officer("X")], covers, tours=(EARLY, LATE), settings=settings)
    assert_binds(p, "daily_rest")


def test_total_minutes_maximum():
    p = problem(4, [Officer("A", max_total_minutes=2 * 480)], cover_every_day(4))
    assert_binds(p, "total_minutes")


def test_total_minutes_minimum():
    requests = tuple(Request("A", d, None, 5, on=False) for d in range(4))
    p = problem(4, [Officer("A", min_total_minutes=3 * 480)], requests=requests)
    assert_binds(p, "total_minutes")


def test_average_week():
    long_day = Tour("D", 720, 8 * 60)
    settings = RuleSettings(**{**NO_LIMITS.__dict__, "max_average_weekly_minutes": 48 * 60})
    p = problem(7, [Officer("A")], cover_every_day(7), tours=(long_day,), settings=settings)
    assert_binds(p, "average_week")


def test_weekly_rest():
    settings = RuleSettings(**{**NO_LIMITS.__dict__, "weekly_rest_minutes": 24 * 60})
    p = problem(8, [Officer("A")], cover_every_day(8), settings=settings)
    assert_binds(p, "weekly_rest")


def test_max_consecutive_days():
    p = problem(5, [Officer("A", max_consecutive_days=3)], cover_every_day(5))
    assert_binds(p, "max_consecutive_days")


def test_min_consecutive_days():
    requests = (
        Request("A", 2, "D", 10),
        Request("A", 1, None, 3, False),
        Request("A", 3, None, 3, False),
    )
    p = problem(5, [Officer("A", min_consecutive_days=2)], requests=requests)
    assert_binds(p, "min_consecutive_days")


def test_min_consecutive_days_off():
    requests = (Request("A", 2, None, 10, False), Request("A", 1, "D", 3), Request("A", 3, "D", 3))
    requests += (Request("A", 0, "D", 3), Request("A", 4, "D", 3))
    p = problem(5, [Officer("A", min_consecutive_days_off=2)], requests=requests)
    assert_binds(p, "min_consecutive_days_off")


def test_max_consecutive_nights():
    settings = RuleSettings(**{**NO_LIMITS.__dict__, "max_consecutive_nights": 2})
    p = problem(4, [Officer("A")], cover_every_day(4, "N"), tours=(NIGHT,), settings=settings)
    assert_binds(p, "max_consecutive_nights")


def test_max_weekends():
    covers = (Cover("sat1", ((5, "D"),), 1, 10), Cover("sat2", ((12, "D"),), 1, 10))
    assert_binds(problem(14, [Officer("A", max_weekends=1)], covers), "max_weekends")


def test_rest_days():
    settings = RuleSettings(**{**NO_LIMITS.__dict__, "rest_days_per_week": 2.0})
    assert_binds(problem(7, [Officer("A")], cover_every_day(7), settings=settings), "rest_days")


def test_minimum_cover_by_skill():
    officers = [Officer("T", skills=frozenset({"taser"})), Officer("U")]
    covers = (Cover("taser", ((0, "D"),), 1, minimum=1, skill="taser"),)
    requests = (Request("T", 0, None, 10, on=False),)
    assert_binds(problem(1, officers, covers, requests=requests), "minimum_cover")


def test_student_works_with_tutor():
    officers = [Officer("S", tutor_id="T"), Officer("T")]
    covers = cover_every_day(2)
    requests = (Request("T", 0, None, 20, on=False), Request("T", 1, None, 20, on=False))
    assert_binds(problem(2, officers, covers, requests=requests), "tutor")


def test_every_hard_rule_has_a_test_here():
    _load_rules()
    hard = {name for name, r in RULES.items() if r.kind == "hard"}
    tested = {
        "days_off", "allowed_tours", "tour_limits", "cannot_follow", "total_minutes",
        "average_week", "weekly_rest", "max_consecutive_days", "min_consecutive_days",
        "min_consecutive_days_off", "max_consecutive_nights", "max_weekends", "rest_days",
        "minimum_cover", "tutor", "daily_rest", "fixed_days",
    }  # fmt: skip
    assert hard == tested


@pytest.mark.parametrize("rule", ["quick_returns", "backward_rotation"])
def test_fatigue_successions_cost_and_are_avoided(rule):
    # a late then an early: a quick return (10 h) and a backward rotation
    settings = RuleSettings(**{**NO_LIMITS.__dict__, "quick_return_minutes": 16 * 60})
    covers = (Cover("l", ((0, "L"),), 1, 100), Cover("e", ((1, "E"),), 1, 100))
    officers = [Officer("A"), Officer("B")]
    p = problem(2, officers, covers, tours=(EARLY, LATE), settings=settings)
    forced = solve(
        RosterProblem(**{**p.__dict__, "officers": (Officer("A"),)}),
    )
    assert forced.explanation.by_rule.get(rule, 0) > 0
    assert forced.explanation.by_officer["A"][rule] > 0
    assert forced.explanation.by_day[1][rule] > 0
    spread = solve(p)
    assert spread.explanation.by_rule.get(rule, 0) == 0


def test_fixed_days_keep_their_tour():
    # a frozen day keeps its tour even though the cover wants it elsewhere
    covers = (Cover("d1", ((1, "D"),), 1, 10),)
    fixed = {"A": {0: "D", 1: None}}
    p = problem(2, [Officer("A")], covers, fixed=fixed)
    assert solve(p).roster["A"] == {0: "D", 1: None}
    assert solve(p, frozenset({"fixed_days"})).roster["A"][1] == "D"
