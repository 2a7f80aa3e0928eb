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
    rdc_cost,
    rdc_notice_days,
    repair_problem,
    repair_start,
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


def test_a_cancelled_rest_day_costs_the_tour_worked_at_time_and_a_half():
    # short notice: 1.5 x the tour's hours, at least 4 hours; long notice: a day owed
    assert rdc_cost(5, 0, 600) == 1500
    assert rdc_cost(5, 0, 300) == 750
    assert rdc_cost(5, 0, 120) == 600  # the 4-hour minimum
    assert rdc_cost(20, 0, 600) == rdc_cost(20, 0, 120)


def test_the_repair_covers_an_event_on_a_rest_day_with_the_tour_that_costs_least():
    # only a rest day can cover the event; an 8-hour early and a 5-hour tour both cover it, and
    # the cheaper shorter tour is worked and costed at its own hours
    short = Tour("S", 300, 8 * 60)
    officers = (Officer("A"),)
    covers = tuple(Cover(f"{d}E", ((d, "E"),), 1, weight_under=100) for d in range(5))
    problem = RosterProblem(7, (EARLY, short), officers, covers, settings=SETTINGS)
    published = {"A": {d: ("E" if d < 5 else None) for d in range(7)}}
    event = ExtraCover("fete", start_minute=5 * 1440 + 8 * 60, length_minutes=5 * 60, officers=1)
    change = RosterChange(today=0, events=(event,))
    solution = solve_roster(repair_problem(problem, published, change), RuleConfig(),
                            SolveOptions(time_limit_seconds=10, workers=1))  # fmt: skip
    assert solution.roster["A"][5] == "S"
    assert solution.explanation.by_rule.get("rest_day_cancelled") == rdc_cost(5, 0, 300) == 750


def test_the_repair_starts_from_the_published_roster_with_the_sick_days_struck_off():
    problem, published = team()
    change = RosterChange(today=1, unavailable=(Unavailable("A", (3, 4)),))
    repaired = repair_problem(problem, published, change)
    start = repair_start(repaired)
    # the published roster itself has A on duty while sick: a hard rule broken, so only a
    # partial hint; the start has those days as rest days and everything else as published
    assert {b.officer_id for b in check_roster(repaired, published)} == {"A"}
    assert check_roster(repaired, start) == []
    assert start["A"].get(3) is None and start["A"].get(4) is None
    for officer, days in published.items():
        for day, code in days.items():
            if (officer, day) not in {("A", 3), ("A", 4)}:
                assert start[officer].get(day) == code
