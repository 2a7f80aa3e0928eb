"""Long horizons solved window by window: a first roster, then window-by-window improvement.

A year's roster for a hundred officers is a model of some 430,000 variables; CP-SAT's presolve
alone takes half a minute on two cores and no first roster comes in ten minutes. The same
engine solves a few weeks of it in seconds. So for long horizons the roster is built as a
planner would build it by hand, a few weeks at a time:

1. **Forward pass.** Window after window, solve the days ``[start, end)`` with the days before
   them fixed to what earlier windows chose (``lookback`` days of history, enough for every
   run-length rule to see across the join) and a ``lookahead`` of free days after them, so a
   window does not leave its successor an impossible start. Each officer's totals for the
   horizon (minutes, tours of each kind, weekends) are pro-rated to the window's last day,
   the maxima a week's share ahead and the minima never behind it, and met exactly by the
   last window. (If no first roster comes this way, windowed.py solves the whole horizon on the
   hard rules alone for one: a tightly staffed horizon can leave a late window nothing.)
2. **Improvement.** Re-solve a window with the days on both sides fixed to the incumbent and
   the totals exact (the limit less what the days outside use): any roster of the window is then
   a roster of the horizon, and it replaces the incumbent when the whole roster costs less.

Each window is an ordinary ``RosterProblem`` solved by the ordinary engine, so every rule
applies inside it. Rules averaged over the horizon (two rest days a week on average, the 48-hour
average week) are applied over each window's days instead, which is stricter at a window's
edges; the assembled roster is checked against the whole problem's rules by the independent
checker before it is used, and by the full model after that (windowed.py).

Used when the soft objective is what ``roster_penalty`` evaluates (cover and requests, as in
the Curtois & Qu instances): whether a window's new roster improves the whole then needs no
model of the whole. docs/decisions.md, "Rosters", has the measurements.
"""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from forceplan.errors import InfeasibleRosterError
from forceplan.roster.checker import check_roster
from forceplan.roster.checker_penalty import PenaltyReport, officers_by_slot, roster_penalty
from forceplan.roster.model import RULES, RuleConfig
from forceplan.roster.problem import Cover, Officer, Roster, RosterProblem

#: Soft rules whose cost ``roster_penalty`` computes exactly (so windows can be compared whole).
WINDOWED_SOFT_RULES = frozenset({"cover", "requests"})
#: Officer-day-tour variables a window aims at: a few weeks of a large unit.
WINDOW_VARIABLES = 20_000
#: Long horizons with more officer-day-tour variables than this are solved by windows (auto).
#: Half a year of 50 staff and 6 shifts (37,128 variables, tightly staffed) got its first
#: roster from one model only at 437 s of 600 (27,841 at the end); by windows at 115 s
#: (15,952). With 30 staff (21,658) one model had a roster at 18 s and did better (9,889
#: against 10,614). Smaller long horizons whose one model finds no roster in time fall back
#: to windows (solve.WINDOWS_FALLBACK_SHARE).
DECOMPOSE_VARIABLES = 30_000
#: Free officer-day-tour variables of the improvement's shortest window, every officer free:
#: on Curtois Instance23 (about 1,000 a day) five days. From one 34,701 roster, 100 s on two
#: cores: every officer over 5 days with 2-3 s steps 27,191-30,174; over 7 days 28,767-31,207;
#: over 10 days with 5 s steps 31,571-31,687; session 22's even mix (below, 5 s steps) about
#: 32,000.
SHORT_WINDOW_VARIABLES = 5_000
#: The improvement's neighbourhoods, (share of officers freed, window length as a multiple of
#: the shortest window): 0 = a few officers over the whole horizon. Each step picks the one
#: cutting the cost fastest lately (NEIGHBOURHOOD_EXPLORE of the time one at random).
NEIGHBOURHOODS = ((0.0, 0.0), (1.0, 1.0), (1.0, 2.0), (0.5, 3.0), (0.25, 4.0))
NEIGHBOURHOOD_EXPLORE = 0.2
#: Each neighbourhood's record of cost cut and seconds spent is discounted by this each time
#: it runs, so its rate follows the roster as it improves.
NEIGHBOURHOOD_FORGET = 0.8
#: A step's seconds for the shortest window (every officer free), in proportion for larger ones
#: (officers times days), within ``improve``'s ``step_seconds``.
SHORT_WINDOW_SECONDS = 2.5


@dataclass(frozen=True)
class Window:
    """A window of the horizon: the sub-problem's days ``[first, last)``, of which only
    ``[start, end)`` are kept; ``[first, start)`` are fixed history."""

    first: int
    start: int
    end: int
    last: int


@dataclass(frozen=True)
class WindowSettings:
    width: int
    lookback: int
    lookahead: int


def variables(problem: RosterProblem) -> int:
    """Officer-day-tour variables of the full model (tours an officer may work)."""
    per_day = sum(sum(1 for t in problem.tours if o.may_work(t.code)) for o in problem.officers)
    return per_day * problem.days


def should_decompose(problem: RosterProblem, config: RuleConfig | None) -> bool:
    """Whether the horizon is large enough to need windows and the objective allows them."""
    return could_decompose(problem, config) and variables(problem) > DECOMPOSE_VARIABLES


def could_decompose(problem: RosterProblem, config: RuleConfig | None) -> bool:
    """Whether windows could solve it: at least three windows' worth of days, and an objective
    the windows can compare whole."""
    if not objective_is_windowable(config):
        return False
    return problem.days >= 3 * window_settings(problem).width


def objective_is_windowable(config: RuleConfig | None) -> bool:
    """Whether the soft rules in force are those ``roster_penalty`` computes, at their
    weights."""
    config = config or RuleConfig()
    soft = {r.name for r in config.active() if r.kind == "soft"}
    overridden = {name for name in config.weights if name in soft}
    return soft <= WINDOWED_SOFT_RULES and not overridden


def window_settings(problem: RosterProblem) -> WindowSettings:
    """Whole weeks of about WINDOW_VARIABLES variables (two to eight), a history long enough
    for every run-length rule, and a week of look-ahead."""
    per_day = max(1, variables(problem) // max(1, problem.days))
    weeks = max(2, min(8, round(WINDOW_VARIABLES / per_day / 7)))
    runs = [problem.settings.max_consecutive_days, problem.settings.max_consecutive_nights]
    for o in problem.officers:
        runs += [o.max_consecutive_days, o.max_consecutive_nights, o.min_consecutive_days,
                 o.min_consecutive_days_off]  # fmt: skip
    longest = max([r for r in runs if r is not None] + [6])
    return WindowSettings(width=7 * weeks, lookback=longest + 1, lookahead=7)


def plan_window(problem: RosterProblem, start: int, end: int, before: int, after: int) -> Window:
    """The window keeping ``[start, end)`` with ``before`` days of history and ``after`` days
    beyond, widened so that no weekend is split across the sub-problem's edges (a split
    weekend would be counted twice, once inside and once outside)."""
    first, last = max(0, start - before), min(problem.days, end + after)
    if first > 0 and problem.weekday(first) == 6:  # a Sunday: take its Saturday too
        first -= 1
    if last < problem.days and problem.weekday(last) == 6:  # ends on a Saturday
        last += 1
    return Window(first, start, end, last)


def sub_problem(
    problem: RosterProblem,
    roster: Roster,
    window: Window,
    *,
    fix_after: bool,
    loose: bool = False,
    free: frozenset[str] | None = None,
) -> RosterProblem:
    """The window as a problem of its own (day 0 = ``window.first``).

    Days before ``window.start`` are fixed to ``roster``; so are days from ``window.end`` on
    when ``fix_after`` (improvement), when the officers' totals are exact: each limit less
    what the days outside the window use. Otherwise (forward pass) the days after ``end`` are
    free look-ahead and the totals are pro-rated to the window's last day by the days each
    officer is available (not on leave or a fixed day off): maxima with a week's share to
    spare, minima never behind the share (``loose``: a week behind, the retry when a window
    finds no roster; falling behind is what leaves a tightly staffed last window none). Only the
    officers in ``free`` (default: all) may change; the others are left out of the window,
    and what they work in ``roster`` comes off each cover's requirement."""
    first, last = window.first, window.last
    prorate = not fix_after and last < problem.days
    movable = [o for o in problem.officers if free is None or o.id in free]
    officers = tuple(
        _officer_limits(problem, officer, roster.get(officer.id, {}), window, prorate, loose)
        for officer in movable
    )
    fixed = _shift_days(problem.fixed, first, last)
    kept = set(range(window.start, window.end if fix_after else last))
    for officer in movable:
        days = roster.get(officer.id, {})
        for d in range(first, last):
            if d not in kept:
                fixed.setdefault(officer.id, {})[d - first] = days.get(d)
    # officers who may not change are left out; what they work counts against the cover
    outside = {
        o.id: {d: roster.get(o.id, {}).get(d) for d in range(first, last)}
        for o in problem.officers
        if free is not None and o.id not in free
    }
    staying = officers_by_slot(problem, outside)  # (day, tour) -> officers on it
    covers = tuple(
        _cover_less(cover, first, staying)
        for cover in problem.covers
        if cover.slots and all(first <= d < last for d, _ in cover.slots)
    )
    return dataclasses.replace(
        problem,
        days=last - first,
        officers=officers,
        covers=covers,
        requests=tuple(
            dataclasses.replace(r, day=r.day - first)
            for r in problem.requests
            if first <= r.day < last and (free is None or r.officer_id in free)
        ),
        days_off=_shift(problem.days_off, first, last),
        leave=_shift(problem.leave, first, last),
        first_weekday=problem.weekday(first),
        start_date=problem.date_of(first),
        published=_shift_days(problem.published, first, last),
        prior_counts=_prior_counts(problem, roster, first, last),
        rest_day_cancel_cost=_shift_days(problem.rest_day_cancel_cost, first, last),
        fixed=fixed,
        name=f"{problem.name} days {first}-{last - 1}",
    )


def _cover_less(cover: Cover, first: int, staying: dict[tuple[int, str], list[Officer]]) -> Cover:
    """The cover renumbered from ``first``, less the officers staying out of the window who
    are on duty for it (``staying``: the officers on each day and tour). Its requirement may
    go below zero: every officer on duty is then over it, as they are in the whole."""
    on_duty = sum(
        1 for slot in cover.slots for officer in staying.get(slot, ()) if cover.counts(officer)
    )
    return dataclasses.replace(
        cover,
        slots=tuple((d - first, code) for d, code in cover.slots),
        requirement=cover.requirement - on_duty,
        minimum=max(0, cover.minimum - on_duty),
        start_minute=None if cover.start_minute is None else cover.start_minute - first * 1440,
    )


def _shift_days(by_officer, first: int, last: int) -> dict[str, dict[int, object]]:
    """Officer -> day -> value, keeping days ``[first, last)`` renumbered from ``first``."""
    return {
        o: {d - first: v for d, v in days.items() if first <= d < last}
        for o, days in by_officer.items()
    }


def _shift(by_officer, first: int, last: int) -> dict[str, frozenset[int]]:
    return {
        o: frozenset(d - first for d in days if first <= d < last) for o, days in by_officer.items()
    }


def _officer_limits(
    problem: RosterProblem,
    officer: Officer,
    days: dict[int, str | None],
    window: Window,
    prorate: bool,
    loose: bool,
) -> Officer:
    """The officer's limits for the window: what the days outside it leave, pro-rated when the
    horizon continues beyond it unsolved."""
    off = problem.days_off.get(officer.id, frozenset())
    available = sum(1 for d in range(problem.days) if d not in off) or 1
    fraction = sum(1 for d in range(window.last) if d not in off) / available
    week = 7 / available
    inside = range(window.first, window.last)
    outside = {d: c for d, c in days.items() if c is not None and d not in inside}
    length = {t.code: t.length_minutes for t in problem.tours}
    used_minutes = sum(length[c] for c in outside.values())

    def upper(limit: int | None, used: int) -> int | None:
        if limit is None:
            return None
        if prorate:
            limit = min(limit, math.ceil(limit * fraction + limit * week))
        return max(0, limit - used)

    def lower(limit: int | None, used: int) -> int | None:
        if not limit:
            return limit
        if prorate:  # never behind the officer's pro-rated share (a week behind if loose)
            limit = max(0, math.floor(limit * (fraction - (week if loose else 0))))
        return max(0, limit - used)

    max_tours = {}
    for code, most in officer.max_tours.items():
        if most <= 0 or most >= problem.days:
            max_tours[code] = most
        else:
            used = sum(1 for c in outside.values() if c == code)
            limit = min(most, math.ceil(most * (fraction + week)) + 1) if prorate else most
            max_tours[code] = max(0, limit - used)
    weekends_used = sum(
        1
        for weekend in problem.weekends()
        if not any(window.first <= d < window.last for d in weekend)
        and any(d in outside for d in weekend)
    )
    max_weekends = officer.max_weekends
    if max_weekends is not None:
        if prorate:
            weekends = problem.weekends()
            before = sum(1 for weekend in weekends if weekend[0] < window.last)
            max_weekends = min(max_weekends, math.ceil(max_weekends * before / len(weekends)))
        max_weekends = max(0, max_weekends - weekends_used)
    highest = upper(officer.max_total_minutes, used_minutes)
    lowest = lower(officer.min_total_minutes, used_minutes)
    if highest is not None and lowest is not None:
        lowest = min(lowest, highest)
    return dataclasses.replace(
        officer,
        max_total_minutes=highest,
        min_total_minutes=lowest,
        max_tours=max_tours,
        max_weekends=max_weekends,
    )


def _prior_counts(
    problem: RosterProblem, roster: Roster, first: int, last: int
) -> dict[str, dict[str, int]]:
    """Fairness counts carried into the window: the problem's own plus the nights and weekend
    days the roster works outside it."""
    nights = {t.code for t in problem.tours if t.night}
    weekend_days = {d for days in problem.weekends() for d in days}
    out: dict[str, dict[str, int]] = {}
    for officer in problem.officers:
        counts = dict(problem.prior_counts.get(officer.id, {}))
        for d, code in roster.get(officer.id, {}).items():
            if code is None or first <= d < last:
                continue
            counts["nights"] = counts.get("nights", 0) + (code in nights)
            counts["weekends"] = counts.get("weekends", 0) + (d in weekend_days)
        out[officer.id] = counts
    return out


def with_fixed_days(config: RuleConfig | None) -> RuleConfig:
    """``config`` with the fixed_days rule on: a sub-problem's held days are its ``fixed``."""
    config = config or RuleConfig()
    if config.only is None or "fixed_days" in config.only:
        return config
    return dataclasses.replace(config, only=config.only | {"fixed_days"})


#: solve(sub_problem, config, seconds, hint) -> the sub-problem's roster (raises
#: InfeasibleRosterError when it has none)
SolveWindow = Callable[[RosterProblem, RuleConfig, float, Roster | None], Roster]


def forward_pass(
    problem: RosterProblem,
    config: RuleConfig | None,
    settings: WindowSettings,
    solve: SolveWindow,
    deadline: float,
    clock: Callable[[], float] = time.perf_counter,
    on_window: Callable[[Window], None] | None = None,
    backtracks: int = 3,
) -> Roster | None:
    """A first roster, window by window, or None if none is found.

    A window that finds no roster is retried with its minima a week's share behind; if it
    still finds none (or it is the last, whose totals are exact), the window before it is
    undone and the
    two are solved as one, up to ``backtracks`` times: a longer stretch has more room to make
    up what earlier windows left."""
    config = with_fixed_days(config)
    roster: Roster = {o.id: {} for o in problem.officers}
    done: list[int] = []  # the start of each window kept so far
    start, merged_end = 0, None
    final = max(2 * settings.width, 42)  # the last window: at least six weeks
    while start < problem.days:
        end = merged_end or min(problem.days, start + settings.width)
        if problem.days - start <= final:
            end = problem.days
        window = plan_window(problem, start, end, settings.lookback, settings.lookahead)
        solved = _solve_forward(problem, roster, window, config, solve, deadline, clock)
        if solved is None:
            if not done or backtracks <= 0:
                return None
            backtracks -= 1
            start, merged_end = done.pop(), end
            continue
        _splice(roster, solved, window)
        if on_window is not None:
            on_window(window)
        done.append(start)
        start, merged_end = end, None
    return roster


def _solve_forward(
    problem: RosterProblem,
    roster: Roster,
    window: Window,
    config: RuleConfig,
    solve: SolveWindow,
    deadline: float,
    clock: Callable[[], float],
) -> Roster | None:
    """The window's roster with pro-rated totals, then with the minima a week behind (not for
    the last window, whose totals are exact); None if neither."""
    share = (window.end - window.start) / (problem.days - window.start)
    seconds = max(1.0, (deadline - clock()) * share)
    attempts = [False] if window.last == problem.days else [False, True]
    for loose in attempts:
        sub = sub_problem(problem, roster, window, fix_after=False, loose=loose)
        try:
            return solve(sub, config, seconds, None)
        except InfeasibleRosterError:
            continue
    return None


def improve(
    problem: RosterProblem,
    config: RuleConfig | None,
    settings: WindowSettings,
    solve: SolveWindow,
    roster: Roster,
    deadline: float,
    seed: int = 0,
    step_seconds: float = 20.0,
    on_improve: Callable[[int], None] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> Roster:
    """Re-solve windows with both sides fixed until ``deadline``: the costliest windows more
    often, the neighbourhood (NEIGHBOURHOODS) cutting the cost fastest lately most often, a new
    roster kept when the whole costs no more and the checker passes it. Nothing is changed in
    place: the roster returned shares the days of officers no step changed with ``roster``."""
    config = with_fixed_days(config)
    rng = random.Random(seed)
    report = roster_penalty(problem, roster)
    shortest = short_window(problem, settings)
    ids = [o.id for o in problem.officers]
    rates = _Rates(len(NEIGHBOURHOODS), rng)
    clean = not breaches(problem, roster, config)
    while clock() + 1.0 < deadline and report.total > 0:
        kind = rates.choose()
        share, length = NEIGHBOURHOODS[kind]
        if share == 0:
            # a few officers over the whole horizon: their work can move between months, which
            # a window cannot do with each officer's totals fixed outside it (about half a
            # short window's variables: Instance21 3 officers, Instance23 2)
            width = problem.days
            few = round(0.5 * len(ids) * _half_window(settings) / problem.days)
            free = frozenset(rng.sample(ids, min(len(ids), max(2, few))))
        else:
            width = min(problem.days, max(1, round(shortest * length)))
            free = frozenset(rng.sample(ids, max(1, round(share * len(ids)))))
        start = _costly_start(problem, report, width, rng)
        end = min(problem.days, start + width)
        window = plan_window(problem, start, end, settings.lookback, settings.lookback)
        sub = sub_problem(problem, roster, window, fix_after=True, free=free)
        hint = _shift_days(roster, window.first, window.last)
        began = clock()
        size = max(1.0, share * length)
        seconds = min(step_seconds, SHORT_WINDOW_SECONDS * size, deadline - began)
        before = report.total
        try:
            solved = solve(sub, config, seconds, hint)
        except InfeasibleRosterError:
            rates.record(kind, 0, clock() - began)
            continue
        changed = _changed(roster, solved, window)
        if not changed:  # the incumbent's own window back
            rates.record(kind, 0, clock() - began)
            continue
        candidate = dict(roster)
        for officer_id in changed:
            candidate[officer_id] = dict(roster[officer_id])
        _splice(candidate, {o: solved[o] for o in changed}, window)
        new_report = roster_penalty(problem, candidate)
        # once the incumbent passes the checker, only the officers who changed can break a
        # rule of their own (the unit's minimum cover is checked whole)
        if new_report.total <= report.total and not breaches(
            problem, candidate, config, officers=changed if clean else None
        ):
            clean = True
            improved = new_report.total < report.total
            roster, report = candidate, new_report
            if improved and on_improve is not None:
                on_improve(report.total)
        rates.record(kind, before - report.total, clock() - began)
    return roster


def short_window(problem: RosterProblem, settings: WindowSettings) -> int:
    """Days of the improvement's shortest window with every officer free: about
    SHORT_WINDOW_VARIABLES variables, at least three days and at most half a forward window."""
    per_day = max(1, variables(problem) // max(1, problem.days))
    return max(3, min(_half_window(settings), round(SHORT_WINDOW_VARIABLES / per_day)))


def _half_window(settings: WindowSettings) -> int:
    """Half a forward window, at least a week."""
    return max(7, settings.width // 2)


class _Rates:
    """Cost cut a second by each of ``n`` neighbourhoods, discounted as they run: each is tried
    once, then the fastest lately, or (NEIGHBOURHOOD_EXPLORE of the time) one at random."""

    def __init__(self, n: int, rng: random.Random) -> None:
        self.gain = [0.0] * n
        self.seconds = [0.0] * n  # 0 until it has run
        self.rng = rng

    def choose(self) -> int:
        untried = [k for k, seconds in enumerate(self.seconds) if not seconds]
        if untried:
            return untried[0]
        if self.rng.random() < NEIGHBOURHOOD_EXPLORE:
            return self.rng.randrange(len(self.gain))
        rates = [g / max(s, 1e-6) for g, s in zip(self.gain, self.seconds, strict=True)]
        return max(range(len(rates)), key=rates.__getitem__)

    def record(self, kind: int, gain: float, seconds: float) -> None:
        self.gain[kind] = NEIGHBOURHOOD_FORGET * self.gain[kind] + gain
        self.seconds[kind] = NEIGHBOURHOOD_FORGET * self.seconds[kind] + max(seconds, 1e-3)


def _splice(roster: Roster, solved: Roster, window: Window) -> None:
    """Put the window's days ``[start, end)`` of ``solved`` (numbered from ``window.first``)
    into ``roster``."""
    for officer_id, got in solved.items():
        days = roster[officer_id]
        for d in range(window.start, window.end):
            days[d] = got.get(d - window.first)


def _changed(roster: Roster, solved: Roster, window: Window) -> list[str]:
    """The officers whose days ``[start, end)`` differ between ``roster`` and the window's
    roster ``solved`` (numbered from ``window.first``)."""
    out = []
    for officer_id, got in solved.items():
        days = roster[officer_id]
        if any(days.get(d) != got.get(d - window.first) for d in range(window.start, window.end)):
            out.append(officer_id)
    return out


def breaches(
    problem: RosterProblem,
    roster: Roster,
    config: RuleConfig | None,
    officers: Collection[str] | None = None,
) -> list:
    """The checker's breaches of the hard rules in force (``config`` may switch some off), of
    ``officers`` only (and the whole unit's cover) if given: check_roster."""
    config = config or RuleConfig()
    active = {r.name for r in config.active()}
    off = {name for name in RULES if name not in active}
    return [b for b in check_roster(problem, roster, officers) if b.rule not in off]


def _costly_start(
    problem: RosterProblem, report: PenaltyReport, width: int, rng: random.Random
) -> int:
    """A window's first day: half the time around a day the roster's penalty (``report``)
    says is costly, else anywhere."""
    latest = max(0, problem.days - width)
    if rng.random() < 0.5:
        by_day = [0] * problem.days
        for request in report.refused_requests:
            by_day[request.day] += request.weight
        for cover in problem.covers:
            if cover.slots:
                by_day[cover.slots[0][0]] += report.by_cover.get(cover.key, 0)
        if any(by_day):
            centre = rng.choices(range(problem.days), weights=by_day)[0]
            return max(0, min(latest, centre - rng.randrange(width)))
    return rng.randrange(latest + 1)
