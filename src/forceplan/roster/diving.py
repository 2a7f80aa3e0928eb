"""Diving: from the master's fractional mix of columns (colgen.py) to one roster per officer.

Each step fixes officer-days, in the pricing models and the master alike, and columns are
generated again for the rest; a second dive, where time allows, fixes whole rosters instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from forceplan.roster.problem import Roster

if TYPE_CHECKING:
    from forceplan.roster.colgen import Column, Master, TourCode

#: A diving step fixes, of the officers with an officer-day the relaxation has not decided, at
#: least DIVE_SHARE (and every one whose most-decided such day has a share of DIVE_SURE or more)
#: to that day's most likely tour. On Curtois Instance13 (DIVE_SHARE 0.2, DIVE_SURE 0.8) the
#: relaxation stayed at 1,348 through 65 steps and the dive ended on 1,348, the optimum; fixing
#: whole rosters a tenth of the officers at a time had ended on 1,784.
DIVE_SHARE = 0.2
DIVE_SURE = 0.8
#: A diving step that raises the master by more than this share of its value is undone and
#: tried with half its fixings (unless the dive is short of time). On Curtois Instance5 steps
#: of four or more officers raised it from 1,141 to 1,196 at once, and the dive ended on 1,350;
#: undoing (and DIVE_TRIES) spread the rise over more steps but still ended on 1,351.
DIVE_RISE = 0.001
#: When one officer-day alone raises it by more, up to this many of the most decided are tried
#: alone and the cheapest kept.
DIVE_TRIES = 5
#: The second dive, where the first ended above the bound with time to spare, fixes whole
#: rosters: this share of the officers left at a time. On Curtois Instance5 it ended on 1,148
#: where the first ended on 1,351; on Instance13 it ended on 1,784 where the first found 1,348.
ROSTER_DIVE_SHARE = 0.1


def dive(master: Master, deadline: float, report: Callable[[str, float], None]) -> Roster:
    """Fix officer-days to their most likely tour (DIVE_SHARE, DIVE_SURE), generating columns
    for the rest in between, until each officer has one roster. Officer-days the relaxation has
    decided are fixed as they are. A step that raises the master by more than DIVE_RISE is
    undone and tried with half its fixings, time allowing. Pressed for time, more officers are
    fixed each step; at ``deadline``, each free officer takes their largest-share roster."""
    n = len(master.pricers)
    master.solve()
    began, steps, first = time.perf_counter(), 0, None
    while len(master.fixed) < n:
        free = [i for i in range(n) if i not in master.fixed]
        # read every share before the first fixing changes the programme
        shares = {i: [master.share(c) for c in master.columns[i]] for i in free}
        now = time.perf_counter()
        if now >= deadline:
            for i in free:
                master.fix(i, _largest(master, i, shares[i]))
            master.solve()
            break
        unsure, undecided = _fix_decided(master, free, shares)
        first = undecided if first is None else first
        take = max(math.ceil(DIVE_SHARE * len(unsure)), sum(u[0] >= DIVE_SURE for u in unsure))
        left = deadline - now
        # officer-days decided per step so far (before the first, a pessimistic guess), and
        # the time the dive needs at that pace
        pace = max(1.0, (first - undecided) / steps if steps else take)
        needs = undecided / pace * (now - began) / steps if steps else 0.0
        if needs > left:  # too slow: hurry
            take = math.ceil(take * needs / left)
        before, chosen = master.value, unsure[:take]
        tolerance, hurried = DIVE_RISE * max(abs(before), 1.0), 2 * needs > left
        until = left / max(2.0, undecided / pace)  # seconds to generate columns after fixing
        rise = _fix_step(master, chosen, free, shares, until) - before
        while len(chosen) > 1 and not hurried and rise > tolerance:
            _unfix_step(master, chosen)  # too costly: undone, and half of it tried
            chosen = chosen[: len(chosen) // 2]
            rise = _fix_step(master, chosen, free, shares, until) - before
        if len(chosen) == 1 and not hurried and rise > tolerance:
            # one fixing alone costs too much: try the next few alone and keep the cheapest
            tried = [(rise, chosen)]
            for other in unsure[1:DIVE_TRIES]:
                _unfix_step(master, chosen)
                chosen = [other]
                rise = _fix_step(master, chosen, free, shares, until) - before
                tried.append((rise, chosen))
                if rise <= tolerance:
                    break
            cheapest = min(tried, key=lambda t: t[0])[1]
            if cheapest is not chosen:
                _unfix_step(master, chosen)
                _fix_step(master, cheapest, free, shares, until)
        steps += 1
        report(f"diving: {len(master.fixed)} of {n} officers fixed", master.value)
    return _fixed_roster(master)


def dive_rosters(master: Master, deadline: float, report: Callable[[str, float], None]) -> Roster:
    """The first dive: fix officers to their largest-share column, ROSTER_DIVE_SHARE of those
    left at a time (and every one whose column is whole), generating columns for the rest in
    between, until each has one; at ``deadline``, every free officer's largest."""
    n = len(master.pricers)
    master.solve()
    while len(master.fixed) < n:
        free = [i for i in range(n) if i not in master.fixed]
        best = {i: max(master.columns[i], key=master.share) for i in free}
        ranked = sorted(free, key=lambda i: -master.share(best[i]))
        whole = [i for i in ranked if master.share(best[i]) > 1 - 1e-6]
        now = time.perf_counter()
        take = len(free) if now >= deadline else max(1, math.ceil(ROSTER_DIVE_SHARE * len(free)))
        for i in dict.fromkeys(whole + ranked[:take]):
            master.fix(i, best[i])
        left = n - len(master.fixed)
        if left:
            # the rest's share of the remaining time, in proportion to the officers left
            steps = max(1.0, math.log(max(left, 1)) / -math.log(1 - ROSTER_DIVE_SHARE))
            until = now + max(0.0, deadline - now) / steps
            master.generate(min(until, deadline))  # leaves the master solved
        else:
            master.solve()
        report(f"diving by rosters: {len(master.fixed)} of {n} officers fixed", master.value)
    return _fixed_roster(master)


def _fixed_roster(master: Master) -> Roster:
    """The roster of the master's fixed columns (every officer fixed)."""
    roster: Roster = {}
    for i, officer in enumerate(master.problem.officers):
        tours = master.fixed[i].tours
        roster[officer.id] = {d: tours.get(d) for d in range(master.problem.days)}
    return roster


def _fix_step(
    master: Master,
    chosen: list[tuple[float, int, int, TourCode]],
    free: list[int],
    shares: dict[int, list[float]],
    seconds: float,
) -> float:
    """Fix the ``chosen`` officer-days (and each officer then fixed on every day to their
    roster), and generate columns for up to ``seconds``: the master's value after."""
    for _, i, d, code in chosen:
        master.fix_day(i, d, code)
    for i in free:
        if i not in master.fixed and len(master.days[i]) == master.problem.days:
            master.fix(i, _largest(master, i, shares[i]))
    if len(master.fixed) < len(master.pricers):
        master.generate(time.perf_counter() + seconds)  # leaves the master solved
    else:
        master.solve()
    return master.value


def _unfix_step(master: Master, chosen: list[tuple[float, int, int, TourCode]]) -> None:
    for _, i, d, _ in chosen:
        master.unfix_days(i, [d])


def _fix_decided(
    master: Master, free: list[int], shares: dict[int, list[float]]
) -> tuple[list[tuple[float, int, int, TourCode]], int]:
    """Fix every free officer-day the master has decided (one tour, or rest, at share 1). The
    rest: each officer's most-decided day (share, officer, day, tour), most decided first, and
    how many officer-days are undecided."""
    unsure: list[tuple[float, int, int, TourCode]] = []
    undecided = 0
    for i in free:
        best = None
        for d, tours in _tours_by_day(master, i, shares[i]).items():
            code, share = max(tours.items(), key=lambda kv: kv[1])
            if share > 1 - 1e-6:
                master.fix_day(i, d, code)
                continue
            undecided += 1
            if best is None or share > best[0]:
                best = (share, i, d, code)
        if best is not None:
            unsure.append(best)
    unsure.sort(key=lambda u: -u[0])
    return unsure, undecided


def _tours_by_day(master: Master, i: int, shares: list[float]) -> dict[int, dict[TourCode, float]]:
    """Officer ``i``'s unfixed days: each tour's share (None: rest) in the master's solution."""
    by_day: dict[int, dict[TourCode, float]] = {
        d: {} for d in range(master.problem.days) if d not in master.days[i]
    }
    for column, share in zip(master.columns[i], shares, strict=True):
        if share > 1e-9:
            for d, tours in by_day.items():
                code = column.tours.get(d)
                tours[code] = tours.get(code, 0.0) + share
    return by_day


def _largest(master: Master, i: int, shares: list[float]) -> Column:
    """Officer ``i``'s largest-share column (of those ``shares`` were read for) that keeps to
    their fixed days."""
    allowed = [
        (share, column)
        for column, share in zip(master.columns[i], shares, strict=False)
        if column.var.ub() > 0
    ]
    return max(allowed, key=lambda sc: sc[0])[1]
