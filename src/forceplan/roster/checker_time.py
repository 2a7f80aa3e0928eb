"""The checker's rules on working time, computed on actual times where tours have a start:
a tour on day d starting at minute s runs over horizon minutes [d*1440 + s, d*1440 + s + length)."""

from __future__ import annotations

import numpy as np

from forceplan.roster.checker_context import (
    Breach,
    OfficerWork,
    RosterContext,
    duration,
    plural,
    runs_of,
)
from forceplan.roster.problem import MINUTES_PER_DAY


def worked_minutes(ctx: RosterContext, work: OfficerWork) -> int:
    return int(ctx.tours.length_minutes[work.tour_index[work.working]].sum())


def check_total_minutes(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    officer = work.officer
    if officer.max_total_minutes is None and officer.min_total_minutes is None:
        return []
    total = worked_minutes(ctx, work)
    who = f"{ctx.who(work.id)} works {duration(total)} ({total} minutes) in {ctx.days} days"
    if officer.max_total_minutes is not None and total > officer.max_total_minutes:
        limit = officer.max_total_minutes
        return [
            ctx.breach(
                "total_minutes",
                work.id,
                (),
                f"{who}; the most allowed is {duration(limit)} ({limit} minutes).",
            )
        ]
    if officer.min_total_minutes is not None and total < officer.min_total_minutes:
        least = officer.min_total_minutes
        return [
            ctx.breach(
                "total_minutes",
                work.id,
                (),
                f"{who}; they must work at least {duration(least)} ({least} minutes).",
            )
        ]
    return []


def check_average_week(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    weekly = ctx.settings.max_average_weekly_minutes
    if weekly is None:
        return []
    days_not_on_leave = ctx.days - int(work.on_leave.sum())
    total = worked_minutes(ctx, work)
    # total ≤ weekly × days / 7, in whole numbers
    if total * 7 <= weekly * days_not_on_leave:
        return []
    average = total * 7 / days_not_on_leave if days_not_on_leave else float("inf")
    average_text = duration(average) if days_not_on_leave else "all of it on leave days"
    return [
        ctx.breach(
            "average_week",
            work.id,
            (),
            f"{ctx.who(work.id)} works {duration(total)} over {days_not_on_leave} days not on "
            f"leave, an average week of {average_text}; the limit is an average of "
            f"{duration(weekly)} a week ({duration(weekly * days_not_on_leave / 7)} in all).",
        )
    ]


def _tour_times(ctx: RosterContext, work: OfficerWork, worked: np.ndarray):
    """Start and end (horizon minutes) and whether the start is known, for each worked day."""
    positions = work.tour_index[worked]
    starts = worked * MINUTES_PER_DAY + ctx.tours.start_minute[positions]
    ends = starts + ctx.tours.length_minutes[positions]
    return starts, ends, ctx.tours.has_start[positions]


def check_daily_rest(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    least = ctx.settings.daily_rest_minutes
    worked = work.worked_days()
    if least is None or len(worked) < 2:
        return []
    starts, ends, timed = _tour_times(ctx, work, worked)
    gaps = starts[1:] - ends[:-1]
    short = timed[1:] & timed[:-1] & (gaps < least)
    out = []
    for pair in np.flatnonzero(short):
        first, second = int(worked[pair]), int(worked[pair + 1])
        out.append(
            ctx.breach(
                "daily_rest",
                work.id,
                (first, second),
                f"{ctx.who(work.id)} has {duration(gaps[pair])} rest between "
                f"{ctx.code(work.tour_index[first])} ending {ctx.moment(ends[pair])} and "
                f"{ctx.code(work.tour_index[second])} starting {ctx.moment(starts[pair + 1])}; "
                f"at least {duration(least)} is needed.",
            )
        )
    return out


def weekly_rest_days(ctx: RosterContext, work: OfficerWork, least: int) -> np.ndarray:
    """Days with no tour whose rest, from the end of the last tour before to the start of the
    first tour after, is at least ``least`` minutes (a day with no tour on one side, or next to
    a tour with no known start, always counts)."""
    working = work.working
    day_numbers = np.arange(ctx.days)
    last_worked = np.maximum.accumulate(np.where(working, day_numbers, -1))
    next_worked = np.minimum.accumulate(np.where(working, day_numbers, ctx.days)[::-1])[::-1]
    before = np.concatenate(([-1], last_worked[:-1]))  # last worked day before each day
    after = np.concatenate((next_worked[1:], [ctx.days]))  # first worked day after each day
    counts = ~working & ((before < 0) | (after >= ctx.days))
    measured = ~working & ~counts
    if measured.any():
        prior, following = before[measured], after[measured]
        prior_tour, next_tour = work.tour_index[prior], work.tour_index[following]
        prior_end = (
            prior * MINUTES_PER_DAY
            + ctx.tours.start_minute[prior_tour]
            + ctx.tours.length_minutes[prior_tour]
        )
        next_start = following * MINUTES_PER_DAY + ctx.tours.start_minute[next_tour]
        untimed = ~ctx.tours.has_start[prior_tour] | ~ctx.tours.has_start[next_tour]
        counts[measured] = untimed | (next_start - prior_end >= least)
    return counts


def check_weekly_rest(ctx: RosterContext, work: OfficerWork) -> list[Breach]:
    least = ctx.settings.weekly_rest_minutes
    if least is None or ctx.days < 7:
        return []
    rest = weekly_rest_days(ctx, work, least)
    in_window = np.concatenate(([0], np.cumsum(rest)))
    windows_without_rest = in_window[7:] - in_window[:-7] == 0
    out = []
    for first, stop in runs_of(windows_without_rest):
        last = stop - 1 + 6
        windows = stop - first
        span = "the 7 days" if windows == 1 else f"every 7-day period ({plural(windows, 'period')})"
        out.append(
            ctx.breach(
                "weekly_rest",
                work.id,
                range(first, last + 1),
                f"{ctx.who(work.id)} has no {duration(least)} rest in {span} from "
                f"{ctx.day_span(first, last)}; each 7 days must hold an uninterrupted rest of "
                f"at least {duration(least)}.",
            )
        )
    return out
