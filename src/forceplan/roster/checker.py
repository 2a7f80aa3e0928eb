"""The rule checker: a second, independent implementation of a roster's hard rules.

The optimiser builds rosters from a constraint model; the checker reads the finished roster
day by day (plain arrays per officer, actual times where tours have a start) and says which
rules it breaks, so that each checks the other. ``roster_penalty`` evaluates the soft objective.

Rule names: unknown_officer, unknown_tour, outside_horizon, days_off, allowed_tours,
tour_limits, cannot_follow, daily_rest, total_minutes, average_week, weekly_rest,
max_consecutive_days, min_consecutive_days, min_consecutive_days_off, max_consecutive_nights,
max_weekends, rest_days, minimum_cover, tutor.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from forceplan.roster.checker_context import Breach, OfficerWork, RosterContext, plural
from forceplan.roster.checker_penalty import (
    PenaltyReport,
    officers_by_slot,
    officers_counted,
    roster_penalty,
)
from forceplan.roster.checker_rules import (
    check_allowed_tours,
    check_cannot_follow,
    check_days_off,
    check_max_consecutive_days,
    check_max_consecutive_nights,
    check_max_weekends,
    check_min_consecutive_days,
    check_min_consecutive_days_off,
    check_rest_days,
    check_tour_limits,
    check_tutor,
)
from forceplan.roster.checker_time import (
    check_average_week,
    check_daily_rest,
    check_total_minutes,
    check_weekly_rest,
)
from forceplan.roster.problem import Roster, RosterProblem

__all__ = ["OFFICER_RULES", "Breach", "PenaltyReport", "check_roster", "roster_penalty"]

OfficerRule = Callable[[RosterContext, OfficerWork], list[Breach]]

#: The hard rules checked on each officer's roster on its own, by name.
OFFICER_RULES: dict[str, OfficerRule] = {
    "days_off": check_days_off,
    "allowed_tours": check_allowed_tours,
    "tour_limits": check_tour_limits,
    "cannot_follow": check_cannot_follow,
    "daily_rest": check_daily_rest,
    "total_minutes": check_total_minutes,
    "average_week": check_average_week,
    "weekly_rest": check_weekly_rest,
    "max_consecutive_days": check_max_consecutive_days,
    "min_consecutive_days": check_min_consecutive_days,
    "min_consecutive_days_off": check_min_consecutive_days_off,
    "max_consecutive_nights": check_max_consecutive_nights,
    "max_weekends": check_max_weekends,
    "rest_days": check_rest_days,
}


def check_roster(
    problem: RosterProblem, roster: Roster, officers: Collection[str] | None = None
) -> list[Breach]:
    """Every hard rule the roster breaks, sorted by officer (the unit's cover first), first
    day and rule. Officers or days missing from the roster are rest days.

    ``officers`` (default: all) limits the rules of one officer's roster to those officers
    (and the students they tutor); the unit's minimum cover is always checked whole. A roster
    changed only in those officers' days, from one that passed, breaks what this finds and
    nothing more: the large-neighbourhood steps check each candidate this way."""
    ctx = RosterContext(problem)
    if officers is None:
        checked = set(ctx.officers)
        breaches = ctx.placement_breaches(roster)
    else:
        checked = set(officers)
        checked |= {o.id for o in problem.officers if o.tutor_id in checked}
        breaches = ctx.placement_breaches({o: roster[o] for o in checked if o in roster})
    tutors = {ctx.officers[o].tutor_id for o in checked if o in ctx.officers}
    works = {
        officer_id: ctx.officer_work(officer, roster.get(officer_id, {}))
        for officer_id, officer in ctx.officers.items()
        if officer_id in checked or officer_id in tutors
    }
    for officer_id in checked & works.keys():
        work = works[officer_id]
        for rule in OFFICER_RULES.values():
            breaches.extend(rule(ctx, work))
        breaches.extend(check_tutor(ctx, work, works))
    breaches.extend(check_minimum_cover(ctx, roster))
    return sorted(breaches, key=_breach_order)


def _breach_order(breach: Breach) -> tuple:
    first_day = breach.days[0] if breach.days else -1
    return (breach.officer_id or "", first_day, breach.rule, breach.days, breach.message)


def check_minimum_cover(ctx: RosterContext, roster: Roster) -> list[Breach]:
    if not any(cover.minimum > 0 for cover in ctx.problem.covers):
        return []
    by_slot = officers_by_slot(ctx.problem, roster)
    out = []
    for cover in ctx.problem.covers:
        if cover.minimum <= 0:
            continue
        counted = officers_counted(cover, by_slot)
        if counted >= cover.minimum:
            continue
        days = sorted({day for day, _ in cover.slots})
        slots = ", ".join(f"{code} on {ctx.day(day)}" for day, code in cover.slots)
        who = " holding " + cover.skill if cover.skill else ""
        who += f" of rank {cover.rank}" if cover.rank else ""
        out.append(
            ctx.breach(
                "minimum_cover",
                None,
                days,
                f"Cover {cover.key} ({slots}) has {plural(counted, 'officer')}{who} on duty; "
                f"the minimum is {cover.minimum}.",
            )
        )
    return out
