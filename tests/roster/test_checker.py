"""The rule checker, one rule at a time: a tiny roster that breaks the rule, and a fixed one
that passes."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from forceplan.roster.checker import Breach, check_roster, roster_penalty
from forceplan.roster.problem import (
    NO_LIMITS,
    Cover,
    Officer,
    Request,
    RosterProblem,
    RuleSettings,
    Tour,
)

EARLY = Tour("E", 480, start_minute=7 * 60)  # 07:00-15:00
LATE = Tour("L", 480, start_minute=14 * 60)  # 14:00-22:00
NIGHT = Tour("N", 600, start_minute=22 * 60, night=True, cannot_follow=frozenset({"E", "L"}))
DAY = Tour("D", 480)  # a benchmark shift: no start time
TOURS = (EARLY, LATE, NIGHT, DAY)


def problem(*officers: Officer, days: int = 7, settings: RuleSettings = NO_LIMITS, **more):
    return RosterProblem(
        days=days, tours=TOURS, officers=officers or (Officer("A"),), settings=settings, **more
    )


def plan(pattern: str, officer_id: str = "A") -> dict[str, dict[int, str | None]]:
    """A roster from a pattern such as 'EEL-N--' ('-': rest day)."""
    return {officer_id: {day: (None if c == "-" else c) for day, c in enumerate(pattern)}}


def broken(prob: RosterProblem, roster) -> list[tuple[str, str | None, tuple[int, ...]]]:
    return [(b.rule, b.officer_id, b.days) for b in check_roster(prob, roster)]


def test_a_roster_keeping_every_default_rule_passes():
    prob = problem(days=14, settings=RuleSettings())
    assert check_roster(prob, plan("EELLN---EELL--")) == []


def test_officers_tours_and_days_not_in_the_problem_are_breaches():
    prob = problem(days=3)
    roster = {"A": {0: "X", 5: "E", 1: None}, "Z": {0: "E"}}
    assert broken(prob, roster) == [
        ("unknown_tour", "A", (0,)),
        ("outside_horizon", "A", (5,)),
        ("unknown_officer", "Z", (0,)),
    ]
    assert broken(prob, {"A": {0: "E"}}) == []


def test_a_missing_officer_or_day_is_a_rest_day():
    prob = problem(Officer("A", min_total_minutes=1), days=3)
    assert broken(prob, {}) == [("total_minutes", "A", ())]


def test_days_off():
    prob = problem(days=3, days_off={"A": frozenset({1})}, leave={"A": frozenset({1})})
    [breach] = check_roster(prob, plan("EE-"))
    assert (breach.rule, breach.days) == ("days_off", (1,))
    assert "on leave" in breach.message
    assert check_roster(prob, plan("E-E")) == []


def test_allowed_tours_restricted_duty_and_tours_never_worked():
    restricted = problem(Officer("A", allowed_tours=frozenset({"E"})), days=2)
    assert broken(restricted, plan("EL")) == [("allowed_tours", "A", (1,))]
    assert broken(restricted, plan("E-")) == []
    no_nights = problem(Officer("A", max_tours={"N": 0}), days=2)
    assert ("allowed_tours", "A", (0,)) in broken(no_nights, plan("N-"))
    assert broken(no_nights, plan("L-")) == []


def test_tour_limits():
    prob = problem(Officer("A", max_tours={"E": 2}), days=4)
    assert broken(prob, plan("EE-E")) == [("tour_limits", "A", (0, 1, 3))]
    assert broken(prob, plan("EE-L")) == []


def test_cannot_follow_is_about_the_next_day():
    prob = problem(days=3)
    assert broken(prob, plan("NE-")) == [("cannot_follow", "A", (0, 1))]
    assert broken(prob, plan("N-E")) == []
    assert broken(prob, plan("EN-")) == []


@pytest.mark.parametrize(
    ("pattern", "short_rest"),
    [
        ("LE", True),  # 22:00 to 07:00: 9 h
        ("EL", False),  # 15:00 to 14:00 next day: 23 h
        ("NL", True),  # night ends 08:00, late starts 14:00 the same day: 6 h
        ("NN", False),  # 08:00 to 22:00: 14 h
        ("DD", False),  # no start times: nothing to measure
    ],
)
def test_daily_rest_with_nights_crossing_midnight(pattern, short_rest):
    settings = dataclasses.replace(NO_LIMITS, daily_rest_minutes=11 * 60)
    tours = (EARLY, LATE, dataclasses.replace(NIGHT, cannot_follow=frozenset()), DAY)
    prob = RosterProblem(days=2, tours=tours, officers=(Officer("A"),), settings=settings)
    expected = [("daily_rest", "A", (0, 1))] if short_rest else []
    assert broken(prob, plan(pattern)) == expected


def test_daily_rest_looks_past_rest_days_to_the_next_tour():
    long_tour = Tour("X", 40 * 60, start_minute=8 * 60)  # 08:00 day 0 to 00:00 day 2
    settings = dataclasses.replace(NO_LIMITS, daily_rest_minutes=11 * 60)
    prob = RosterProblem(days=3, tours=(long_tour, EARLY), officers=(Officer("A"),),
                         settings=settings)  # fmt: skip
    assert broken(prob, plan("X-E")) == [("daily_rest", "A", (0, 2))]
    assert broken(prob, plan("X--")) == []


def test_total_minutes_within_the_officers_range():
    prob = problem(Officer("A", min_total_minutes=960, max_total_minutes=1440), days=4)
    assert broken(prob, plan("E---")) == [("total_minutes", "A", ())]
    assert broken(prob, plan("EEEE")) == [("total_minutes", "A", ())]
    assert broken(prob, plan("E-EE")) == []


def test_average_week_allows_for_leave():
    settings = dataclasses.replace(NO_LIMITS, max_average_weekly_minutes=48 * 60)
    prob = problem(days=7, settings=settings)
    assert broken(prob, plan("EEEEEE-")) == []  # 48 h exactly
    assert broken(prob, plan("EEEEEEE")) == [("average_week", "A", ())]
    on_leave = problem(days=7, settings=settings, leave={"A": frozenset({6})})
    assert broken(on_leave, plan("EEEEEE-")) == [("average_week", "A", ())]  # 48 h in 6 days
    assert broken(on_leave, plan("EEEEE--")) == []


def test_weekly_rest_needs_a_full_rest_after_a_night():
    settings = dataclasses.replace(NO_LIMITS, weekly_rest_minutes=24 * 60)
    prob = problem(days=7, settings=settings)
    # night ends 08:00 on day 3, early starts 07:00 on day 4: 23 h, short of 24 h
    [breach] = check_roster(prob, plan("NNN-EEE"))
    assert (breach.rule, breach.days) == ("weekly_rest", tuple(range(7)))
    assert check_roster(prob, plan("NNN-LLL")) == []  # 08:00 to 14:00 next day: 30 h
    assert check_roster(prob, plan("-EEEEEE")) == []  # nothing worked before day 0
    assert check_roster(prob, plan("EEEEEE-")) == []  # nothing worked after the last day


def test_weekly_rest_of_exactly_the_limit_is_enough():
    settings = dataclasses.replace(NO_LIMITS, weekly_rest_minutes=24 * 60)
    eight = Tour("X", 480, start_minute=8 * 60)
    prob = RosterProblem(days=7, tours=(NIGHT, eight), officers=(Officer("A"),), settings=settings)
    # night ends 08:00 on day 3, the next tour starts 08:00 on day 4: 24 h exactly
    assert check_roster(prob, plan("NNN-XXX")) == []
    shorter = dataclasses.replace(settings, weekly_rest_minutes=24 * 60 + 1)
    assert broken(dataclasses.replace(prob, settings=shorter), plan("NNN-XXX")) == [
        ("weekly_rest", "A", tuple(range(7)))
    ]


def test_weekly_rest_without_start_times_any_day_off_counts():
    settings = dataclasses.replace(NO_LIMITS, weekly_rest_minutes=48 * 60)
    prob = problem(days=7, settings=settings)
    assert check_roster(prob, plan("DDD-DDD")) == []
    assert broken(prob, plan("DDDDDDD")) == [("weekly_rest", "A", tuple(range(7)))]


def test_weekly_rest_reports_a_stretch_of_short_windows_once():
    settings = dataclasses.replace(NO_LIMITS, weekly_rest_minutes=24 * 60)
    prob = problem(days=10, settings=settings)
    assert broken(prob, plan("EEEEEEEEE-")) == [("weekly_rest", "A", tuple(range(9)))]


def test_max_consecutive_days_the_tighter_limit_wins():
    settings = dataclasses.replace(NO_LIMITS, max_consecutive_days=7)
    prob = problem(Officer("A", max_consecutive_days=3), days=6, settings=settings)
    assert broken(prob, plan("EEEE-E")) == [("max_consecutive_days", "A", (0, 1, 2, 3))]
    assert broken(prob, plan("EEE-EE")) == []


def test_min_consecutive_days_except_at_the_ends_of_the_horizon():
    prob = problem(Officer("A", min_consecutive_days=2), days=7)
    assert broken(prob, plan("EE-E-EE")) == [("min_consecutive_days", "A", (3,))]
    assert broken(prob, plan("E--EE-E")) == []


def test_min_consecutive_days_off_except_at_the_ends_of_the_horizon():
    prob = problem(Officer("A", min_consecutive_days_off=2), days=7)
    assert broken(prob, plan("-EE-EE-")) == [("min_consecutive_days_off", "A", (3,))]
    assert broken(prob, plan("-EE--E-")) == []


def test_leave_days_count_as_days_off_in_a_run():
    prob = problem(Officer("A", min_consecutive_days_off=2), days=5,
                   days_off={"A": frozenset({2})}, leave={"A": frozenset({2})})  # fmt: skip
    assert broken(prob, plan("E--EE")) == []


def test_max_consecutive_nights():
    settings = dataclasses.replace(NO_LIMITS, max_consecutive_nights=4)
    prob = problem(Officer("A", max_consecutive_nights=2), days=5, settings=settings)
    assert broken(prob, plan("NNN--")) == [("max_consecutive_nights", "A", (0, 1, 2))]
    assert broken(prob, plan("NN-NN")) == []


def test_max_weekends_a_weekend_is_worked_when_either_day_is():
    prob = problem(Officer("A", max_weekends=1), days=14)  # day 0 a Monday
    assert broken(prob, plan("-----E-------L")) == [("max_weekends", "A", (5, 13))]
    assert broken(prob, plan("-----EE-------")) == []


def test_rest_days_due_over_the_days_not_on_leave():
    settings = dataclasses.replace(NO_LIMITS, rest_days_per_week=2.0)
    prob = problem(days=14, settings=settings)
    assert broken(prob, plan("EEEEEEE-EEEEEE")) == [("rest_days", "A", ())]
    assert broken(prob, plan("EEEEE--EEEEE--")) == []
    # a week's leave: 2 rest days due over the other 7 days; leave is not rest
    leave = frozenset(range(7))
    on_leave = problem(days=14, settings=settings, leave={"A": leave}, days_off={"A": leave})
    assert broken(on_leave, plan("-------EEEEEE-")) == [("rest_days", "A", ())]
    assert broken(on_leave, plan("-------EEEEE--")) == []


def test_minimum_cover_counts_only_qualified_officers():
    cover = Cover("taser-early", slots=((0, "E"),), requirement=2, minimum=1, skill="taser")
    prob = problem(Officer("A"), Officer("B", skills=frozenset({"taser"})), days=1,
                   covers=(cover,))  # fmt: skip
    assert broken(prob, {"A": {0: "E"}, "B": {0: "L"}}) == [("minimum_cover", None, (0,))]
    assert broken(prob, {"A": {0: "E"}, "B": {0: "E"}}) == []


def test_tutor_works_the_same_tour():
    prob = problem(Officer("T"), Officer("S", tutor_id="T"), days=3)
    roster = plan("EL-", "T") | plan("EE-", "S")
    assert broken(prob, roster) == [("tutor", "S", (1,))]
    assert broken(prob, plan("EL-", "T") | plan("EL-", "S")) == []
    assert broken(prob, plan("---", "T")) == []  # the student off too


def test_a_breach_names_the_person_the_dates_and_the_limit():
    prob = problem(Officer("A", name="PC Jo Bloggs", max_consecutive_days=2), days=4,
                   start_date=dt.date(2025, 6, 2))  # fmt: skip
    [breach] = check_roster(prob, plan("EEE-"))
    assert breach == Breach(
        "max_consecutive_days", "A", (0, 1, 2),
        "PC Jo Bloggs (A) works 3 days in a row (Mon 02 Jun 2025 to Wed 04 Jun 2025); "
        "the most allowed is 2.",
    )  # fmt: skip


def test_breaches_are_sorted_by_officer_first_day_and_rule():
    cover = Cover("early", slots=((2, "E"),), requirement=1, minimum=1)
    prob = problem(Officer("A", max_consecutive_days=1), Officer("B", max_tours={"N": 0}),
                   days=3, covers=(cover,))  # fmt: skip
    roster = plan("NE-", "B") | plan("-LL", "A")
    assert [(b.officer_id, b.days[:1], b.rule) for b in check_roster(prob, roster)] == [
        (None, (2,), "minimum_cover"),
        ("A", (1,), "max_consecutive_days"),
        ("B", (0,), "allowed_tours"),
        ("B", (0,), "cannot_follow"),
    ]


def test_penalty_requests():
    requests = (
        Request("A", 0, "E", weight=3),  # granted
        Request("A", 1, "E", weight=5),  # refused: works L
        Request("A", 2, None, weight=7, on=False),  # refused: works a tour
        Request("A", 3, "L", weight=11, on=False),  # granted: works E, not L
    )
    report = roster_penalty(problem(days=4, requests=requests), plan("ELNE"))
    assert report.total == 12
    assert report.by_component == {"requests": 12, "cover_under": 0, "cover_over": 0}
    assert report.by_officer == {"A": 12}
    assert report.refused_requests == requests[1:3]


def test_penalty_cover_under_and_over():
    covers = (
        Cover("early", slots=((0, "E"),), requirement=3, weight_under=10, weight_over=1),
        Cover("late", slots=((0, "L"),), requirement=0, weight_under=10, weight_over=2),
    )
    prob = problem(Officer("A"), Officer("B"), days=1, covers=covers)
    report = roster_penalty(prob, {"A": {0: "E"}, "B": {0: "L"}})
    assert report.by_component == {"requests": 0, "cover_under": 20, "cover_over": 2}
    assert report.by_cover == {"early": 20, "late": 2}
    assert report.total == 22
