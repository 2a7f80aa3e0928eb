"""Re-rostering in hand-made cases: the repair changes no more than it must, and cancels a rest
day only as a last resort, costed by notice."""

from __future__ import annotations

from forceplan.roster.checker import check_roster
from forceplan.roster.model import RuleConfig
from forceplan.roster.problem import Cover, Officer, RosterProblem, RuleSettings, Tour
from forceplan.roster.repair import (
    ExtraCover,
    RosterChange,
    Unavailable,
    changed_days,
    rdc_notice_days,
    repair_problem,
)
from forceplan.roster.solve import SolveOptions, solve_roster

EARLY, LATE = Tour("E", 480, 7 * 60), Tour("L", 480, 15 * 60)
SETTINGS = RuleSettings(max_consecutive_days=6, rest_days_per_week=None,
                        quick_return_minutes=None)  # fmt: skip


def team() -> tuple[RosterProblem, dict]:
    officers = tuple(Officer(x) for x in "ABCD")
    covers = tuple(
        Cover(f"{d}{t}", ((d, t),), need, weight_under=100, weight_over=2)
        for d in range(7)
        for t, need in (("E", 1), ("L", 1))
    )
    published = {
        "A": {d: "E" for d in range(5)} | {5: None, 6: None},
        "B": {d: None for d in range(7)},
        "C": {d: "L" for d in range(5)} | {5: None, 6: None},
        "D": {d: ("L" if d in (3, 4) else None) for d in range(7)},
    }
    problem = RosterProblem(7, (EARLY, LATE), officers, covers, settings=SETTINGS)
    return problem, published


def solve(problem):
    options = SolveOptions(time_limit_seconds=10, workers=1)
    return solve_roster(problem, RuleConfig(), options).roster


def test_sickness_is_covered_by_the_one_move_that_needs_no_rest_day_cancelled():
    problem, published = team()
    change = RosterChange(today=1, unavailable=(Unavailable("A", (3,)),))
    repaired = solve(repair_problem(problem, published, change))
    changes = [c for c in changed_days(published, repaired, today=1) if c.officer_id != "A"]
    # C and D both work the late on day 3 (D rested the day before): D moves to the early;
    # nothing else moves
    assert len(changes) == 1
    move = changes[0]
    assert move.officer_id == "D" and move.day == 3 and (move.published, move.repaired) == (
        "L", "E")  # fmt: skip
    assert not move.rest_day_cancelled
    assert check_roster(problem, repaired) == []


def test_an_event_with_nobody_spare_cancels_one_rest_day_and_costs_it_by_notice():
    problem, published = team()
    event = ExtraCover("match", start_minute=5 * 1440 + 8 * 60, length_minutes=6 * 60, officers=1)
    repaired = solve(repair_problem(problem, published, RosterChange(today=0, events=(event,))))
    changes = changed_days(published, repaired, today=0)
    cancelled = [c for c in changes if c.rest_day_cancelled]
    assert len(cancelled) == 1 and len(changes) == 1
    assert cancelled[0].day == 5 and cancelled[0].notice_days == rdc_notice_days(0, 5) == 4
    assert cancelled[0].compensation == "time and a half, minimum 4 hours"


def test_fifteen_clear_days_notice_owes_a_replacement_rest_day():
    assert rdc_notice_days(0, 16) == 15
    published = {"A": {16: None}}
    repaired = {"A": {16: "E"}}
    (change,) = changed_days(published, repaired, today=0)
    assert change.compensation == "replacement rest day owed"
    (short,) = changed_days({"A": {15: None}}, {"A": {15: "E"}}, today=0)
    assert short.notice_days == 14 and short.compensation.startswith("time and a half")
