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

Where weekends are limited, some steps are weekend trades: a few officers freed together
over every weekend, in one model of their own rules, so that one can work a whole weekend of
which another worked one day, and the other use the weekend it frees where cover is short.
No officer alone can make that move: either half of it leaves some cover short. Trades
begin once steps of one officer have slowed (or at TRADE_AFTER of the time), and take three
quarters of the time from then.

This is the improvement for horizons too large for the full model's search (lns.py), before
the windows (windows.py), which re-solve every officer over a few weeks together with each
officer's totals for the year held; a step here is a fraction of a second. It takes at most
windowed.RESPONSE_SHARE of that time: from its plateau the windows cut the cost faster.
Curtois Instance23 (364 days, 100 officers) at 600 s: 28,060-29,738 (session 22), against
34,615 (session 21) and 37,439-37,854 by the windows alone (bench/RESULTS.md).
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from ortools.sat.python import cp_model

from forceplan.roster import windows
from forceplan.roster.checker_penalty import roster_penalty
from forceplan.roster.colgen import EPSILON, Column, Master, NoRoster, tailing_off
from forceplan.roster.model import RuleConfig, build_model
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
#: Officers one weekend trade frees together, over every weekend (Friday to Monday): one can
#: then take a weekend day another gives up, and the other work a weekend left short.
TRADE_OFFICERS = 3
#: A trade's time limit (s): three officers' 208 weekend days on Instance23 take 0.5-3 s.
TRADE_SECONDS = 3.0
#: Share of the time trades take once they have begun (steps of one officer the rest): at
#: Instance23's plateau a trade cut about twice the cost a second of a step of one officer.
TRADE_SHARE = 0.75
#: Steps of one officer, then trades, give way when the cost has fallen by less than this
#: share over the last quarter of their time (colgen.tailing_off): on Instance23 they then
#: cut about 2 a second, where the windows after them cut 20.
TAIL_FALL = 0.01
#: Trades begin, where weekends are limited, at this share of the time at the latest.
TRADE_AFTER = 0.8
#: The time each kind of step has lately taken forgets this share of the past at each step.
FORGET = 0.05
#: The stage named once trades begin.
TRADING = "trading weekends between officers"


def improve(
    problem: RosterProblem,
    config: RuleConfig | None,
    roster: Roster,
    deadline: float,
    workers: int = 2,
    seed: int = 0,
    on_improve: Callable[[int], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Roster:
    """``roster`` (which meets every hard rule) improved by best responses until ``deadline``,
    or until its cost has all but stopped falling (colgen.tailing_off); ``roster`` itself when
    some officer's roster cannot be read as a column in time. ``on_stage`` hears TRADING when
    weekend trades begin."""
    master = Master(problem, config, workers)
    try:
        responses = _Responses(master, roster, seed, config)
        return responses.run(deadline, workers, on_improve, on_stage)
    except _Unreadable:
        return roster
    finally:
        master.pool.shutdown(wait=True)


class _Unreadable(Exception):
    """An officer's roster could not be scored on their own model."""


def _own_costs(
    problem: RosterProblem, config: RuleConfig | None, roster: Roster
) -> dict[str, int] | None:
    """Each officer's own cost in ``roster`` (their refused requests), read from the roster
    where the checker computes the objective exactly and the roster meets every hard rule in
    force (windows.breaches); else None, and each roster is read on the officer's own model
    (Master.column_of: 0.055 s an officer on a year of 150 staff and 32 tours, 8 s in all;
    the checker takes 0.1 s)."""
    if not windows.objective_is_windowable(config) or windows.breaches(problem, roster, config):
        return None
    return dict(roster_penalty(problem, roster).by_officer)


def _penalty(cover: Cover, have: int) -> int:
    return cover.weight_under * max(0, cover.requirement - have) + cover.weight_over * max(
        0, have - cover.requirement
    )


class _Responses:
    def __init__(
        self, master: Master, roster: Roster, seed: int, config: RuleConfig | None = None
    ) -> None:
        self.master = master
        self.problem = master.problem
        self.config = config
        #: whether trades have begun (steps of one officer having stopped paying)
        self.trading = False
        #: seconds taken lately by steps of one officer and by trades
        self.spent = {False: 0.0, True: 0.0}
        self.rng = random.Random(seed)
        self.columns: list[Column] = []
        own = _own_costs(self.problem, config, roster)
        for i, officer in enumerate(self.problem.officers):
            tours = {d: c for d, c in roster.get(officer.id, {}).items() if c is not None}
            if own is not None:
                column = Column(own.get(officer.id, 0), tours)
            else:
                column = master.column_of(i, tours, 10.0)
            if column is None:
                raise _Unreadable(officer.id)
            self.columns.append(column)
        #: each officer's pricing model holds their roster on every day but those a step of
        #: theirs frees, so that a step sets only its own days (a year's take a sixth of it)
        self.every_day = range(self.problem.days)
        for i, column in enumerate(self.columns):
            master.hold(i, column.tours, self.every_day)
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
        return {
            o.id: {d: self.columns[i].tours.get(d) for d in self.every_day}
            for i, o in enumerate(self.problem.officers)
        }

    def run(
        self,
        deadline: float,
        workers: int,
        on_improve: Callable[[int], None] | None = None,
        on_stage: Callable[[str], None] | None = None,
    ) -> Roster:
        workers = max(1, workers)
        began = time.perf_counter()
        history = [(began, float(self.cost))]
        trade_from = began + TRADE_AFTER * (deadline - began)
        #: steps under way: each starts as soon as one ends (no round waits for its slowest)
        running: dict[Future, tuple[int, ...]] = {}
        with ThreadPoolExecutor(workers) as pool:
            while True:
                slowed = tailing_off(history, began, TAIL_FALL)
                late = time.perf_counter() >= trade_from
                if (slowed or late) and not self.trading and self.weekend_days:
                    # one officer at a time has stopped paying: trade weekends
                    self.trading, began = True, time.perf_counter()
                    history = [(began, float(self.cost))]
                    if on_stage is not None:
                        on_stage(TRADING)
                if (
                    time.perf_counter() + 0.1 < deadline
                    and self.cost > 0
                    and not tailing_off(history, began, TAIL_FALL)
                ):
                    busy = {i for officers in running.values() for i in officers}
                    left = deadline - time.perf_counter()
                    for officers, free in self._choose(workers - len(running), busy):
                        running[pool.submit(self._step, officers, free, left)] = officers
                if not running:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                improved = False
                for future in done:
                    kind = len(running.pop(future)) > 1
                    changes, seconds = future.result()
                    improved |= changes is not None and self._accept(changes)
                    self.spent = {k: (1 - FORGET) * t for k, t in self.spent.items()}
                    self.spent[kind] += seconds
                if improved:
                    history.append((time.perf_counter(), float(self.cost)))
                    if on_improve is not None:
                        on_improve(self.cost)
        return self.roster()

    def _step(self, officers: tuple[int, ...], free: set[int], left: float):
        """One step's new columns (officer -> column, or None) and the seconds it took."""
        began = time.perf_counter()
        if len(officers) == 1:
            seconds = max(0.05, min(STEP_SECONDS, left))
            column = self._respond(officers[0], free, seconds)
            changes = None if column is None else {officers[0]: column}
        else:
            changes = self._trade(officers, free, max(0.05, min(TRADE_SECONDS, left)))
        return changes, time.perf_counter() - began

    def _choose(
        self, n: int, busy: set[int] | None = None
    ) -> list[tuple[tuple[int, ...], set[int]]]:
        """Up to ``n`` steps, (officers, the days freed), no officer in two or ``busy``."""
        officers = len(self.problem.officers)
        width = min(WINDOW_DAYS, self.problem.days)
        short = [k for k, c in enumerate(self.master.covers) if self.have[k] < c.requirement]
        steps: dict[tuple[int, ...], set[int]] = {}
        busy = set(busy or ())
        for _ in range(4 * n):
            if len(steps) >= n or len(busy) >= officers:
                break
            kind = self.rng.random()
            if self.trading and self._trade_next():
                group = self._traders(short, busy)
                if len(group) > 1:
                    steps[group] = set(self.weekend_days)
                    busy.update(group)
                continue
            if kind < WEEKEND_SHARE and self.weekend_days:
                i = self.rng.randrange(officers)
                days = set(self.weekend_days)
                other = self._surplus_day(i)  # where a tour can come from or go to
                if other is not None:
                    days |= self._window(other - self.rng.randrange(width // 3), width // 3)
            elif short and kind < WEEKEND_SHARE + AIMED_SHARE:
                k = self.rng.choice(short)
                if not self.able[k]:
                    continue
                i = self.rng.choice(self.able[k])
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
            if i not in busy:
                steps[(i,)] = days
                busy.add(i)
        return list(steps.items())

    def _trade_next(self) -> bool:
        """Whether the next step should be a trade: trades have lately taken less than
        TRADE_SHARE of the time."""
        return self.spent[True] < TRADE_SHARE * (self.spent[True] + self.spent[False])

    def _traders(self, short: list[int], busy: set[int]) -> tuple[int, ...]:
        """Officers for a weekend trade: one who can work a cover left short (or anyone), then
        officers who work a weekend on which one of the group works a single day."""
        free = [i for i in range(len(self.problem.officers)) if i not in busy]
        able = [i for k in short for i in self.able[k] if i not in busy] if short else []
        if not free:
            return ()
        group = [self.rng.choice(able or free)]
        weekends = self.problem.weekends()
        while len(group) < TRADE_OFFICERS:
            single = [
                w for w in weekends
                if any(sum(d in self.columns[g].tours for d in w) == 1 for g in group)
            ]  # fmt: skip
            weekend = self.rng.choice(single or weekends)
            partners = [
                i for i in free
                if i not in group and any(d in self.columns[i].tours for d in weekend)
            ]  # fmt: skip
            if not partners:
                break
            group.append(self.rng.choice(partners))
        return tuple(group)

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
        master.release(i, free)
        try:
            priced = master.price(i, worth, seconds, hint=column, days=free)
        except NoRoster:
            return None
        finally:
            master.hold(i, column.tours, free)
        best = min(
            priced.columns, key=lambda c: master.reduced_cost(i, c, worth, 0.0), default=None
        )
        if best is None:
            return None
        now = master.reduced_cost(i, column, worth, 0.0)
        return best if master.reduced_cost(i, best, worth, 0.0) < now - EPSILON else None

    def _trade(self, group: tuple[int, ...], free: set[int], seconds: float):
        """The best rosters for the officers of ``group`` together over the days ``free``, the
        others as they stand (officer -> column), or None if CP-SAT found none better in
        ``seconds``. One model of the group's own rules, with each cover they can work on a
        freed day asking for what the others leave (less than nothing where the others are
        over it, so that the model's cost is the cover's exactly)."""
        problem, master = self.problem, self.master
        officers = [problem.officers[i] for i in group]
        gives = [master.gives(i, self.columns[i]) for i in group]
        covers = [
            dataclasses.replace(cover, requirement=cover.requirement - others)
            for k, cover in enumerate(master.covers)
            if any(cover.counts(o) for o in officers) and any(d in free for d, _ in cover.slots)
            for others in [self.have[k] - sum(g.get(k, 0) for g in gives)]
        ]
        ids = {o.id for o in officers}
        # the days not freed are held as a re-roster's fixed days are
        held = {
            o.id: {
                **problem.fixed.get(o.id, {}),
                **{d: self.columns[i].tours.get(d) for d in self.every_day if d not in free},
            }
            for i, o in zip(group, officers, strict=True)
        }
        sub = dataclasses.replace(
            problem, officers=tuple(officers), covers=tuple(covers), fixed=held,
            requests=tuple(r for r in problem.requests if r.officer_id in ids),
        )  # fmt: skip
        ctx = build_model(sub, windows.with_fixed_days(self.config))
        for j, i in enumerate(group):
            tours = self.columns[i].tours
            for d in free:
                for code, var in ctx.x[j][d].items():
                    ctx.model.add_hint(var, tours.get(d) == code)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = seconds
        if solver.solve(ctx.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        changes: dict[int, Column] = {}
        for j, i in enumerate(group):
            tours = {d: c for d, day in enumerate(ctx.x[j]) for c, v in day.items()
                     if solver.boolean_value(v)}  # fmt: skip
            if tours == self.columns[i].tours:
                continue
            # scored on the officer's own model: the same cost as every other column's
            column = master.column_of(i, tours, STEP_SECONDS * 5)
            master.hold(i, self.columns[i].tours, self.every_day)  # as column_of found it
            if column is None:
                return None
            changes[i] = column
        return changes or None

    def _accept(self, changes: dict[int, Column]) -> bool:
        """The officers take their new columns if the whole roster then costs less (exactly,
        with everyone else as they now stand)."""
        delta: dict[int, int] = {}
        change = 0
        for i, column in changes.items():
            change += column.cost - self.columns[i].cost
            for k, n in self.master.gives(i, self.columns[i]).items():
                delta[k] = delta.get(k, 0) - n
            for k, n in self.master.gives(i, column).items():
                delta[k] = delta.get(k, 0) + n
        for k, n in delta.items():
            cover, have = self.master.covers[k], self.have[k]
            change += _penalty(cover, have + n) - _penalty(cover, have)
        if change >= 0:
            return False
        for k, n in delta.items():
            self.have[k] += n
        for i, column in changes.items():
            old = self.columns[i].tours
            moved = {
                d for d in old.keys() | column.tours.keys() if old.get(d) != column.tours.get(d)
            }
            self.master.hold(i, column.tours, moved)
            self.columns[i] = column
        self.cost += change
        return True
