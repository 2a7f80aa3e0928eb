"""The checker's day, count and run rules: one small function per hard rule, each taking the
context and one officer's work and returning the breaches it finds."""

from __future__ import annotations

import numpy as np

from forceplan.roster.checker_context import (
    Breach,
    OfficerWork,
    RosterContext,
    plural,
    runs_of,
    tighter,
)


def check_days_off(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    out = []
    leave = ctx.problem.leave.get(work.id, frozenset())
    for day in sorted(ctx.problem.days_off.get(work.id, ())):
        if 0 <= day < ctx.days and work.tour_index[day] >= 0:
            why = "is on leave" if day in leave else "may not work"
            out.append(
                ctx.breach(
                    "days_off",
                    work.id,
                    (day,),
                    f"{ctx.who(work.id)} works {ctx.code(work.tour_index[day])} on {ctx.day(day)}, "
                    f"a day they {why}; give that tour to someone else.",
                )
            )
    return out


def check_allowed_tours(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    officer = work.officer
    allowed = np.array([officer.may_work(code) for code in ctx.tours.codes], dtype=bool)
    out = []
    for day in work.worked_days():
        position = work.tour_index[day]
        if allowed[position]:
            continue
        code = ctx.code(position)
        if officer.allowed_tours is not None and code not in officer.allowed_tours:
            why = f"is on restricted duty (only {', '.join(sorted(officer.allowed_tours))})"
        else:
            why = f"may not work {code} tours at all"
        out.append(
            ctx.breach(
                "allowed_tours",
                work.id,
                (day,),
                f"{ctx.who(work.id)} works {code} on {ctx.day(day)} but {why}.",
            )
        )
    return out


def check_tour_limits(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    """A limit of 0 means the officer may not work the tour at all: ``allowed_tours`` reports
    that, so that one mistake is one breach."""
    out = []
    worked = work.tour_index[work.working]
    counts = np.bincount(worked, minlength=len(ctx.tours.codes))
    for code, limit in sorted(work.officer.max_tours.items()):
        position = ctx.tours.index.get(code)
        if position is None or limit <= 0 or counts[position] <= limit:
            continue
        days = np.flatnonzero(work.tour_index == position)
        out.append(
            ctx.breach(
                "tour_limits",
                work.id,
                days,
                f"{ctx.who(work.id)} works {plural(int(counts[position]), code + ' tour')} "
                f"({ctx.day_span(days[0], days[-1])}); the most allowed is {limit}.",
            )
        )
    return out


def check_cannot_follow(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    tour_index = work.tour_index
    if ctx.days < 2 or not work.working.any():
        return []
    today, tomorrow = tour_index[:-1], tour_index[1:]
    both = (today >= 0) & (tomorrow >= 0)
    forbidden = np.zeros(ctx.days - 1, dtype=bool)
    forbidden[both] = ctx.tours.may_not_follow[today[both], tomorrow[both]]
    out = []
    for day in np.flatnonzero(forbidden):
        first, second = ctx.code(today[day]), ctx.code(tomorrow[day])
        out.append(
            ctx.breach(
                "cannot_follow",
                work.id,
                (day, day + 1),
                f"{ctx.who(work.id)} works {second} on {ctx.day(day + 1)} straight after "
                f"{first} on {ctx.day(day)}; a {second} tour may not follow a {first} tour.",
            )
        )
    return out


def check_max_consecutive_days(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    limit = tighter(work.officer.max_consecutive_days, ctx.settings.max_consecutive_days)
    if limit is None:
        return []
    return [
        ctx.breach(
            "max_consecutive_days",
            work.id,
            range(first, stop),
            f"{ctx.who(work.id)} works {stop - first} days in a row "
            f"({ctx.day_span(first, stop - 1)}); the most allowed is {limit}.",
        )
        for first, stop in runs_of(work.working)
        if stop - first > limit
    ]


def _inner_runs(ctx: RosterContext, mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs that touch neither the first nor the last day of the horizon."""
    return [(first, stop) for first, stop in runs_of(mask) if first > 0 and stop < ctx.days]


def check_min_consecutive_days(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    least = work.officer.min_consecutive_days
    if least is None:
        return []
    return [
        ctx.breach(
            "min_consecutive_days",
            work.id,
            range(first, stop),
            f"{ctx.who(work.id)} works only {plural(stop - first, 'day')} in a row "
            f"({ctx.day_span(first, stop - 1)}); a run of work must be at least {least} days.",
        )
        for first, stop in _inner_runs(ctx, work.working)
        if stop - first < least
    ]


def check_min_consecutive_days_off(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    least = work.officer.min_consecutive_days_off
    if least is None:
        return []
    return [
        ctx.breach(
            "min_consecutive_days_off",
            work.id,
            range(first, stop),
            f"{ctx.who(work.id)} has only {plural(stop - first, 'day')} off in a row "
            f"({ctx.day_span(first, stop - 1)}); days off must come at least {least} together.",
        )
        for first, stop in _inner_runs(ctx, ~work.working)
        if stop - first < least
    ]


def check_max_consecutive_nights(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    limit = tighter(work.officer.max_consecutive_nights, ctx.settings.max_consecutive_nights)
    if limit is None or not work.working.any():
        return []
    nights = work.working & ctx.tours.night[np.maximum(work.tour_index, 0)]
    return [
        ctx.breach(
            "max_consecutive_nights",
            work.id,
            range(first, stop),
            f"{ctx.who(work.id)} works {stop - first} nights in a row "
            f"({ctx.day_span(first, stop - 1)}); the most allowed is {limit}.",
        )
        for first, stop in runs_of(nights)
        if stop - first > limit
    ]


def check_max_weekends(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    limit = work.officer.max_weekends
    if limit is None:
        return []
    working = work.working
    worked_weekends = [
        [day for day in weekend if working[day]] for weekend in ctx.problem.weekends()
    ]
    worked_weekends = [days for days in worked_weekends if days]
    if len(worked_weekends) <= limit:
        return []
    days = [day for weekend in worked_weekends for day in weekend]
    return [
        ctx.breach(
            "max_weekends",
            work.id,
            days,
            f"{ctx.who(work.id)} works {len(worked_weekends)} weekends (first "
            f"{ctx.day(days[0])}, last {ctx.day(days[-1])}); the most allowed is {limit}.",
        )
    ]


def rest_days_due(rest_days_per_week: float, days_not_on_leave: int) -> int:
    """Whole rest days due over the days an officer is not on leave (rounded down)."""
    return int(np.floor(rest_days_per_week * days_not_on_leave / 7 + 1e-9))


def check_rest_days(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    per_week = ctx.settings.rest_days_per_week
    if per_week is None:
        return []
    days_not_on_leave = ctx.days - int(work.on_leave.sum())
    due = rest_days_due(per_week, days_not_on_leave)
    rest_days = int((~work.working & ~work.on_leave).sum())
    if rest_days >= due:
        return []
    return [
        ctx.breach(
            "rest_days",
            work.id,
            (),
            f"{ctx.who(work.id)} has {plural(rest_days, 'rest day')} in {ctx.days} days; "
            f"{due} are due ({per_week:g} a week over the {days_not_on_leave} days not on leave).",
        )
    ]


def check_tutor(
    ctx: RosterContext, work: OfficerWork, works: dict[str, OfficerWork]
) -> list[Breach]:
    tutor_id = work.officer.tutor_id
    if tutor_id is None:
        return []
    tutor = works.get(tutor_id)
    tutor_index = tutor.tour_index if tutor is not None else np.full(ctx.days, -2)
    alone = work.working & (tutor_index != work.tour_index)
    out = []
    for day in np.flatnonzero(alone):
        code = ctx.code(work.tour_index[day])
        if tutor is None:
            tutor_doing = "is not on this roster"
        elif tutor_index[day] < 0:
            tutor_doing = "is not working that day"
        else:
            tutor_doing = f"works {ctx.code(tutor_index[day])}"
        out.append(
            ctx.breach(
                "tutor",
                work.id,
                (day,),
                f"{ctx.who(work.id)} works {code} on {ctx.day(day)} without their tutor "
                f"{ctx.who(tutor_id)}, who {tutor_doing}; a student works only with their tutor.",
            )
        )
    return out
