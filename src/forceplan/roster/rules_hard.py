"""Hard roster rules: each one small function registered with ``@rule(name, "hard", ...)``.

The rule checker (``checker.py``) is a second, independent implementation of the same rules
on actual times; tests make each check the other.
"""

from __future__ import annotations

import math

from forceplan.roster.model import ModelContext, rule
from forceplan.roster.problem import Officer, next_day_bans, tour_gap_minutes


def _limit(*values: int | float | None) -> int | None:
    present = [int(v) for v in values if v is not None]
    return min(present) if present else None


@rule("days_off", "hard", "No tour on a day of approved leave, absence or a fixed day off.")
def add_days_off(ctx: ModelContext) -> None:
    for i, officer in enumerate(ctx.officers):
        for d in sorted(ctx.problem.days_off.get(officer.id, ())):
            if 0 <= d < ctx.problem.days:
                ctx.add_hard(ctx.model.add(ctx.works[i][d] == 0), officer)


@rule("allowed_tours", "hard", "Only tours the officer may work (restricted duty, tour limits 0).")
def add_allowed_tours(ctx: ModelContext) -> None:
    for i, officer in enumerate(ctx.officers):
        banned = [c for c in ctx.tour_codes if not officer.may_work(c)]
        for d in range(ctx.problem.days):
            for var in ctx.tour_vars(i, d, banned):
                ctx.add_hard(ctx.model.add(var == 0), officer)


@rule("tour_limits", "hard", "At most the officer's maximum number of each tour.")
def add_tour_limits(ctx: ModelContext) -> None:
    for i, officer in enumerate(ctx.officers):
        for code, most in officer.max_tours.items():
            if most <= 0:
                continue  # allowed_tours handles 0
            worked = [v for d in range(ctx.problem.days) for v in ctx.tour_vars(i, d, [code])]
            if len(worked) > most:
                ctx.add_hard(ctx.model.add(sum(worked) <= most), officer)


def _next_day_bans(ctx: ModelContext, banned: dict[str, set[str]]) -> None:
    banned = {code: later for code, later in banned.items() if later}
    for i, officer in enumerate(ctx.officers):
        row = ctx.x[i]
        for d in range(ctx.problem.days - 1):
            today, tomorrow = row[d], row[d + 1]
            for code, later_codes in banned.items():
                first = today.get(code)
                if first is None:
                    continue
                later = [tomorrow[c] for c in later_codes if c in tomorrow]
                if not later:
                    continue
                if ctx.explain:  # an at-most-one takes no enforcement literal
                    ctx.add_hard(ctx.model.add(first + sum(later) <= 1), officer)
                else:
                    ctx.model.add_at_most_one([first, *later])


@rule("cannot_follow", "hard", "No tour the day after a tour it may not follow.")
def add_cannot_follow(ctx: ModelContext) -> None:
    _next_day_bans(ctx, next_day_bans(ctx.problem, daily_rest=False))


@rule("daily_rest", "hard", "11 hours' rest between tours (Working Time Regulations reg. 10).")
def add_daily_rest(ctx: ModelContext) -> None:
    _next_day_bans(ctx, next_day_bans(ctx.problem, explicit=False))


@rule("total_minutes", "hard", "Total minutes within the officer's minimum and maximum.")
def add_total_minutes(ctx: ModelContext) -> None:
    for i, officer in enumerate(ctx.officers):
        worked = ctx.minutes_worked(i)
        if officer.max_total_minutes is not None:
            ctx.add_hard(ctx.model.add(worked <= officer.max_total_minutes), officer)
        if officer.min_total_minutes:
            ctx.add_hard(ctx.model.add(worked >= officer.min_total_minutes), officer)


@rule("average_week", "hard", "48-hour average week over the horizon, leave excluded.")
def add_average_week(ctx: ModelContext) -> None:
    weekly = ctx.problem.settings.max_average_weekly_minutes
    if weekly is None:
        return
    for i, officer in enumerate(ctx.officers):
        available = ctx.problem.days - len(_leave_days(ctx, officer))
        cap = math.floor(weekly * available / 7)
        ctx.add_hard(ctx.model.add(ctx.minutes_worked(i) <= cap), officer)


def _leave_days(ctx: ModelContext, officer: Officer) -> set[int]:
    return {d for d in ctx.problem.leave.get(officer.id, ()) if 0 <= d < ctx.problem.days}


@rule("weekly_rest", "hard", "A rest of 24 hours in every 7 consecutive days.")
def add_weekly_rest(ctx: ModelContext) -> None:
    need = ctx.problem.settings.weekly_rest_minutes
    days = ctx.problem.days
    if need is None or days < 7:
        return
    short = [
        (a.code, b.code)
        for a in ctx.problem.tours
        for b in ctx.problem.tours
        if (gap := tour_gap_minutes(a, 0, b, 2)) is not None and gap < need
    ]
    for i, officer in enumerate(ctx.officers):
        rested = []
        for d in range(days):
            ok = ctx.model.new_bool_var(f"rest24_{i}_{d}")
            ctx.model.add_implication(ok, ctx.works[i][d].negated())
            for a, b in short:
                before, after = ctx.tour_vars(i, d - 1, [a]), ctx.tour_vars(i, d + 1, [b])
                if before and after:
                    ctx.model.add(ok + before[0] + after[0] <= 2)
            rested.append(ok)
        for start in range(days - 6):
            ctx.add_hard(ctx.model.add(sum(rested[start : start + 7]) >= 1), officer)


def _runs_at_most(ctx: ModelContext, i: int, officer: Officer, flags: list, most: int) -> None:
    for start in range(len(flags) - most):
        window = flags[start : start + most + 1]
        ctx.add_hard(ctx.model.add(sum(window) <= most), officer)


@rule("max_consecutive_days", "hard", "No more than the maximum run of working days.")
def add_max_consecutive_days(ctx: ModelContext) -> None:
    for i, officer in enumerate(ctx.officers):
        most = _limit(officer.max_consecutive_days, ctx.problem.settings.max_consecutive_days)
        if most is not None and most < ctx.problem.days:
            _runs_at_most(ctx, i, officer, ctx.works[i], most)


@rule("max_consecutive_nights", "hard", "No more than the maximum run of night tours.")
def add_max_consecutive_nights(ctx: ModelContext) -> None:
    nights = [t.code for t in ctx.problem.tours if t.night]
    if not nights:
        return
    for i, officer in enumerate(ctx.officers):
        most = _limit(officer.max_consecutive_nights, ctx.problem.settings.max_consecutive_nights)
        if most is None or most >= ctx.problem.days:
            continue
        flags = [sum(ctx.tour_vars(i, d, nights)) for d in range(ctx.problem.days)]
        _runs_at_most(ctx, i, officer, flags, most)


def _forbid_short_runs(ctx: ModelContext, officer: Officer, on: list, shortest: int) -> None:
    """Forbid runs of ``on`` shorter than ``shortest`` that touch neither end of the horizon."""
    days = len(on)
    for start in range(1, days - 1):
        for length in range(1, shortest):
            end = start + length  # first day after the run
            if end > days - 1:
                break
            clause = [on[start - 1], on[end]] + [on[d].negated() for d in range(start, end)]
            ctx.add_hard(ctx.model.add_bool_or(clause), officer)


@rule("min_consecutive_days", "hard", "Runs of working days at least the minimum (not at edges).")
def add_min_consecutive_days(ctx: ModelContext) -> None:
    for i, officer in enumerate(ctx.officers):
        if officer.min_consecutive_days and officer.min_consecutive_days > 1:
            _forbid_short_runs(ctx, officer, ctx.works[i], officer.min_consecutive_days)


@rule("min_consecutive_days_off", "hard", "Runs of days off at least the minimum (not at edges).")
def add_min_consecutive_days_off(ctx: ModelContext) -> None:
    for i, officer in enumerate(ctx.officers):
        shortest = officer.min_consecutive_days_off
        if shortest and shortest > 1:
            off = [w.negated() for w in ctx.works[i]]
            _forbid_short_runs(ctx, officer, off, shortest)


@rule("max_weekends", "hard", "At most the officer's maximum number of weekends worked.")
def add_max_weekends(ctx: ModelContext) -> None:
    weekends = ctx.problem.weekends()
    for i, officer in enumerate(ctx.officers):
        if officer.max_weekends is None or officer.max_weekends >= len(weekends):
            continue
        worked = []
        for k, days in enumerate(weekends):
            flag = ctx.model.new_bool_var(f"weekend_{i}_{k}")
            for d in days:
                ctx.model.add_implication(ctx.works[i][d], flag)
            ctx.model.add(flag <= sum(ctx.works[i][d] for d in days))
            worked.append(flag)
        ctx.add_hard(ctx.model.add(sum(worked) <= officer.max_weekends), officer)


@rule("rest_days", "hard", "Two rest days a week on average (Police Regulations reg. 26).")
def add_rest_days(ctx: ModelContext) -> None:
    per_week = ctx.problem.settings.rest_days_per_week
    if per_week is None:
        return
    for i, officer in enumerate(ctx.officers):
        leave = _leave_days(ctx, officer)
        available = [d for d in range(ctx.problem.days) if d not in leave]
        needed = math.floor(per_week * len(available) / 7 + 1e-9)
        if needed:
            rest = sum(1 - ctx.works[i][d] for d in available)
            ctx.add_hard(ctx.model.add(rest >= needed), officer)


@rule("minimum_cover", "hard", "Minimum numbers on duty by skill and rank.")
def add_minimum_cover(ctx: ModelContext) -> None:
    for cover in ctx.problem.covers:
        if cover.minimum <= 0:
            continue
        on_duty = [ctx.on_duty(d, code, cover) for d, code in cover.slots]
        ctx.add_hard(ctx.model.add(sum(on_duty) >= cover.minimum))


@rule("tutor", "hard", "A student officer works only on tours their tutor works.")
def add_tutor(ctx: ModelContext) -> None:
    for i, officer in enumerate(ctx.officers):
        if officer.tutor_id is None:
            continue
        t = ctx.index.get(officer.tutor_id)
        for d in range(ctx.problem.days):
            for code, var in ctx.x[i][d].items():
                tutor_var = ctx.x[t][d].get(code) if t is not None else None
                bound = 0 if tutor_var is None else tutor_var
                ctx.add_hard(ctx.model.add(var <= bound), officer)


@rule("fixed_days", "hard", "Days already worked or frozen keep their tour (re-rostering).")
def add_fixed_days(ctx: ModelContext) -> None:
    for i, officer, d, code in ctx.officer_days(ctx.problem.fixed):
        if code is None:
            ctx.add_hard(ctx.model.add(ctx.works[i][d] == 0), officer)
        elif code in ctx.x[i][d]:
            ctx.add_hard(ctx.model.add(ctx.x[i][d][code] == 1), officer)
