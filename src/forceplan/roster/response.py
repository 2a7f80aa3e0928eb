"""Best responses: one officer's roster re-optimised, exactly, against everyone else's.

Where every rule but cover concerns one officer at a time (as for column generation,
colgen.py), the best roster for one officer with everyone else's fixed is a pricing problem:
each tour is worth what the officer's presence there saves (the cover's under-weight where
the others leave it short) or costs (its over-weight where they already meet it). Each step
frees one officer over a window of days (their other days held), solves that to optimality
with CP-SAT on the officer's own model, and keeps it when the whole roster costs less.

Steps free a window of six weeks (half of them around a cover left short, with an officer
who can work it), two half-windows (around a short cover and around a day the officer works
over cover, so a tour can move from one to the other), or, where weekends worked are
limited, every weekend from Friday to Monday.

This is the improvement for horizons too large for the full model's search (lns.py), before
the windows (windows.py), which re-solve every officer over a few weeks together with each
officer's totals for the year held; a step here is a fraction of a second. Curtois
Instance23 (364 days, 100 officers) at 600 s: 34,615, against 37,439-37,854 by the windows
alone (bench/RESULTS.md, session 21).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from forceplan.roster.colgen import EPSILON, Column, Master, _NoRoster, tailing_off
from forceplan.roster.model import RuleConfig
from forceplan.roster.problem import Cover, Roster, RosterProblem

#: Days one step frees for its officer: long enough to move a tour from a day over its cover
#: to one short of it, short enough that CP-SAT solves it to optimality in a fraction of a
#: second (Instance23: 42 days of 16 tours, 0.05-0.3 s).
WINDOW_DAYS = 42
#: A step's time limit (s).
STEP_SECONDS = 1.0
#: Share of steps aimed at a cover left short (the officer and the window around its day);
#: the rest are an officer and a window at random.
AIMED_SHARE = 0.5
#: Share of the aimed steps that free two half-windows: around the short cover, and around a
#: day the officer works over cover.
PAIRED_SHARE = 0.5
#: Share of steps that free an officer's weekends (with the Friday before and Monday after),
#: where a limit on weekends worked binds.
WEEKEND_SHARE = 0.25


def improve(
    problem: RosterProblem,
    config: RuleConfig | None,
    roster: Roster,
    deadline: float,
    workers: int = 2,
    seed: int = 0,
    on_improve: Callable[[int], None] | None = None,
) -> Roster:
    """``roster`` (which meets every hard rule) improved by best responses until ``deadline``,
    or until its cost has all but stopped falling (colgen.tailing_off); ``roster`` itself when
    some officer's roster cannot be read as a column in time."""
    master = Master(problem, config, workers)
    try:
        return _Responses(master, roster, seed).run(deadline, workers, on_improve)
    except _Unreadable:
        return roster
    finally:
        master.pool.shutdown(wait=True)


class _Unreadable(Exception):
    """An officer's roster could not be scored on their own model."""


def _penalty(cover: Cover, have: int) -> int:
    return cover.weight_under * max(0, cover.requirement - have) + cover.weight_over * max(
        0, have - cover.requirement
    )


class _Responses:
    def __init__(self, master: Master, roster: Roster, seed: int) -> None:
        self.master = master
        self.problem = master.problem
        self.rng = random.Random(seed)
        self.columns: list[Column] = []
        for i, officer in enumerate(self.problem.officers):
            tours = {d: c for d, c in roster.get(officer.id, {}).items() if c is not None}
            column = master.column_of(i, tours, 10.0)
            if column is None:
                raise _Unreadable(officer.id)
            self.columns.append(column)
        self.have = [0] * len(master.covers)
        for i, column in enumerate(self.columns):
            for k, n in self.master.gives(i, column).items():
                self.have[k] += n
        #: per cover, the officers who count towards it
        self.able: list[list[int]] = [[] for _ in master.covers]
        for i, slots in enumerate(master.slots):
            for k in {k for ks in slots.values() for k in ks}:
                self.able[k].append(i)
        #: every weekend with the Friday before and the Monday after, where weekends are limited
        around = {
            d for weekend in self.problem.weekends() for d in range(weekend[0] - 1, weekend[-1] + 2)
        }  # fmt: skip
        limited = any(o.max_weekends is not None for o in self.problem.officers)
        self.weekend_days = sorted(around & set(range(self.problem.days))) if limited else []
        self.cost = sum(c.cost for c in self.columns) + sum(
            _penalty(c, h) for c, h in zip(master.covers, self.have, strict=True)
        )

    def roster(self) -> Roster:
        days = range(self.problem.days)
        return {
            o.id: {d: self.columns[i].tours.get(d) for d in days}
            for i, o in enumerate(self.problem.officers)
        }

    def run(
        self, deadline: float, workers: int, on_improve: Callable[[int], None] | None
    ) -> Roster:
        workers = max(1, workers)
        began = time.perf_counter()
        history = [(began, float(self.cost))]
        with ThreadPoolExecutor(workers) as pool:
            while (
                time.perf_counter() + 0.1 < deadline
                and self.cost > 0
                and not tailing_off(history, began)
            ):
                steps = self._choose(workers)
                seconds = max(0.05, min(STEP_SECONDS, deadline - time.perf_counter()))
                officers, frees = [i for i, _ in steps], [f for _, f in steps]
                found = list(pool.map(self._respond, officers, frees, [seconds] * len(steps)))
                improved = False
                for (i, _), column in zip(steps, found, strict=True):
                    improved |= column is not None and self._accept(i, column)
                if improved:
                    history.append((time.perf_counter(), float(self.cost)))
                    if on_improve is not None:
                        on_improve(self.cost)
        return self.roster()

    def _choose(self, n: int) -> list[tuple[int, set[int]]]:
        """Up to ``n`` steps, (officer, the days freed), each a different officer."""
        officers = len(self.problem.officers)
        width = min(WINDOW_DAYS, self.problem.days)
        short = [k for k, c in enumerate(self.master.covers) if self.have[k] < c.requirement]
        steps: dict[int, set[int]] = {}
        for _ in range(4 * n):
            if len(steps) >= min(n, officers):
                break
            kind = self.rng.random()
            if kind < WEEKEND_SHARE and self.weekend_days:
                i = self.rng.randrange(officers)
                days = set(self.weekend_days)
                other = self._surplus_day(i)  # where a tour can come from or go to
                if other is not None:
                    days |= self._window(other - self.rng.randrange(width // 3), width // 3)
            elif short and kind < WEEKEND_SHARE + AIMED_SHARE:
                k = self.rng.choice(short)
                if not self.able[k] or (i := self.rng.choice(self.able[k])) in steps:
                    continue
                day = self.master.covers[k].slots[0][0]
                if kind < WEEKEND_SHARE + PAIRED_SHARE * AIMED_SHARE:
                    # half the days around the short cover, half around a day the officer
                    # works over cover: one of their tours can move there from afar
                    days = self._window(day - self.rng.randrange(width // 2), width // 2)
                    other = self._surplus_day(i)
                    if other is not None:
                        days |= self._window(other - self.rng.randrange(width // 2), width // 2)
                else:
                    days = self._window(day - self.rng.randrange(width), width)
            else:
                i = self.rng.randrange(officers)
                days = self._window(self.rng.randrange(self.problem.days), width)
            steps.setdefault(i, days)
        return list(steps.items())

    def _window(self, first: int, width: int) -> set[int]:
        first = max(0, min(first, self.problem.days - width))
        return set(range(first, first + width))

    def _surplus_day(self, i: int) -> int | None:
        """A day officer ``i`` works a tour that some cover they count for has too much of."""
        slots, covers = self.master.slots[i], self.master.covers
        days = [
            d for d, code in self.columns[i].tours.items()
            if any(self.have[k] > covers[k].requirement for k in slots.get((d, code), ()))
        ]  # fmt: skip
        return self.rng.choice(days) if days else None

    def _respond(self, i: int, free: set[int], seconds: float) -> Column | None:
        """Officer ``i``'s best roster over the days ``free``, the others as they stand (the
        officer's other days held), or None if it is no better than theirs."""
        master, column = self.master, self.columns[i]
        mine = self.master.gives(i, column)
        worth = [
            c.weight_under if self.have[k] - mine.get(k, 0) < c.requirement else -c.weight_over
            for k, c in enumerate(master.covers)
        ]
        held = [d for d in range(self.problem.days) if d not in free]
        master.hold(i, column.tours, held)
        try:
            priced = master.price(i, worth, seconds, hint=column)
        except _NoRoster:
            return None
        finally:
            master.release(i, held)
        best = min(
            priced.columns, key=lambda c: master.reduced_cost(i, c, worth, 0.0), default=None
        )
        if best is None:
            return None
        now = master.reduced_cost(i, column, worth, 0.0)
        return best if master.reduced_cost(i, best, worth, 0.0) < now - EPSILON else None

    def _accept(self, i: int, column: Column) -> bool:
        """Officer ``i`` takes ``column`` if the whole roster then costs less (exactly, with
        everyone else as they now stand)."""
        old, new = self.master.gives(i, self.columns[i]), self.master.gives(i, column)
        change = column.cost - self.columns[i].cost
        for k in old.keys() | new.keys():
            cover, have = self.master.covers[k], self.have[k]
            after = have - old.get(k, 0) + new.get(k, 0)
            change += _penalty(cover, after) - _penalty(cover, have)
        if change >= 0:
            return False
        for k in old.keys() | new.keys():
            self.have[k] += new.get(k, 0) - old.get(k, 0)
        self.columns[i] = column
        self.cost += change
        return True
