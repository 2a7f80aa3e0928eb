"""Large-neighbourhood search over the roster model, after a first roster from the full model.

Each step frees a neighbourhood (a few officers over the whole horizon, the costliest officers,
every officer over a window of days, or a few officers over a window), fixes every other
officer-day to the incumbent roster by narrowing the variables' domains in the model proto, and
re-optimises the freed part with a short CP-SAT solve hinted with the incumbent. Rosters at least
as good replace the incumbent (equal ones too, to move across plateaus). Each kind of
neighbourhood keeps its own size, a share of the officer-days: larger after a step that solved
its neighbourhood to optimality, smaller after one that ran out of time.

The model is built once; the domains of the officer-day variables are restored when the search
ends. Only the full-model solve proves bounds: a neighbourhood's bound says nothing about the
whole roster.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from forceplan.roster.model import ModelContext

#: A neighbourhood: the (officer index, day) cells left free.
Cells = set[tuple[int, int]]

MIN_SIZE, MAX_SIZE, START_SIZE = 0.01, 0.9, 0.15
GROW, SHRINK = 1.3, 0.8
#: Weight of the latest step in a kind's score, and the chance of a kind chosen at random.
SCORE_MEMORY, EXPLORE = 0.3, 0.3
#: The chance of the spare-hours kind while minutes are stranded (LnsSearch._stranded).
SPARE_FIRST = 0.7


@dataclass
class Incumbent:
    """The best roster so far: the solver that found it (its values are the roster's, for
    reading the roster and its explanation back), CP-SAT's full assignment and its objective."""

    solver: cp_model.CpSolver
    values: list[int]
    objective: int

    @classmethod
    def of(cls, solver: cp_model.CpSolver) -> Incumbent:
        values = list(solver.response_proto.solution)
        return cls(solver, values, round(solver.objective_value))


@dataclass
class Kind:
    """A kind of neighbourhood, its adaptive size (a share of all officer-days) and its score
    (a moving average of the objective's relative fall per second)."""

    name: str
    pick: Callable[[LnsSearch, float], Cells]
    size: float = START_SIZE
    adaptive: bool = True
    score: float = 0.0

    def adapt(self, finished: bool, gain: float, seconds: float) -> None:
        if self.adaptive:
            factor = GROW if finished else SHRINK
            self.size = min(MAX_SIZE, max(MIN_SIZE, self.size * factor))
        rate = gain / max(seconds, 1e-3)
        self.score = (1 - SCORE_MEMORY) * self.score + SCORE_MEMORY * rate


@dataclass(frozen=True)
class LnsSettings:
    """How long each step may take, on how many workers, and the random seed."""

    step_seconds: float = 2.0
    workers: int = 2
    #: workers for steps over the whole roster (CP-SAT's portfolio)
    full_workers: int = 2
    #: whether steps may free the whole roster: not for a model too large to solve whole (a long
    #: horizon that took the windows), where such a step only loses its time
    whole_roster: bool = True
    seed: int = 0
    #: CP-SAT full-problem subsolvers to run first in each step (SolveOptions.subsolvers)
    subsolvers: tuple[str, ...] = ()
    #: CP-SAT parameters for every step, as SolveOptions.extra_parameters (set last)
    extra_parameters: Mapping[str, object] = field(default_factory=dict)


@dataclass
class LnsStats:
    steps: int = 0
    improvements: int = 0
    finished: int = 0


def set_parameters(params, extra: Mapping[str, object]) -> None:
    """Set CP-SAT parameters by name: a list or tuple replaces a repeated field's values
    (e.g. ``extra_subsolvers``), anything else is set as it is."""
    for name, value in extra.items():
        if isinstance(value, (list, tuple)):
            repeated = getattr(params, name)
            repeated.clear()
            repeated.extend(value)
        else:
            setattr(params, name, value)


class LnsSearch:
    """Improve ``incumbent`` by neighbourhood steps until ``deadline`` (a perf_counter time)."""

    def __init__(
        self, ctx: ModelContext, incumbent: Incumbent, bound: float, settings: LnsSettings
    ) -> None:
        self.ctx = ctx
        self.incumbent = incumbent
        #: the best proven bound: the caller's, raised by steps that fix nothing
        self.bound = bound
        self.settings = settings
        self.rng = random.Random(settings.seed)
        self.stats = LnsStats()
        self.n_officers, self.days = len(ctx.officers), ctx.problem.days
        self._proto = ctx.model.proto
        #: proto indices of each officer-day's variables (its tours and whether it works)
        self._cells = [
            [[v.index for v in ctx.x[i][d].values()] + [ctx.works[i][d].index]
             for d in range(self.days)]
            for i in range(self.n_officers)
        ]  # fmt: skip
        self._domains = {
            k: list(self._proto.variables[k].domain) for row in self._cells for c in row for k in c
        }
        #: each officer's minutes worked, as the model sums them
        self._worked = [ctx.minutes_worked(i) for i in range(self.n_officers)]
        self._free: Cells | None = None  # None: nothing fixed yet
        #: the tour codes of the covers with each key
        self._covers: dict[str, frozenset[str]] = {}
        for cover in ctx.problem.covers:
            codes = frozenset(code for _, code in cover.slots)
            self._covers[cover.key] = self._covers.get(cover.key, frozenset()) | codes
        self._costs()
        self.kinds = [
            Kind("officers", _random_officers),
            Kind("costly officers", _costly_officers),
            Kind("days", _day_window),
            Kind("officers x days", _officer_window),
            Kind("whole roster", _everything, size=1.0, adaptive=False),
            Kind("short and spare", _short_and_spare),
            Kind("spare hours", _spare_hours),
        ]
        if not settings.whole_roster:
            self.kinds = [k for k in self.kinds if k.pick is not _everything]
        self._spare_kind = next(k for k in self.kinds if k.pick is _spare_hours)
        lengths = {t.length_minutes for t in ctx.problem.tours}
        #: the shortest tour's minutes, if tours differ in length (else None): only then can
        #: officers who each have too few minutes for a tour free some by changing their mix
        self._mixed_shortest = min(lengths) if len(lengths) > 1 else None

    # --- the search ----------------------------------------------------------------------
    def run(self, deadline: float, report: Callable[[int, float], None]) -> Incumbent:
        """Steps until ``deadline`` or until the objective meets the bound; ``report`` hears
        each improvement (objective, bound)."""
        try:
            while self.incumbent.objective > math.ceil(self.bound - 1e-6):
                left = deadline - time.perf_counter()
                if left < 0.2:
                    break
                kind = self._choose()
                before, began = self.incumbent.objective, time.perf_counter()
                free = kind.pick(self, kind.size)
                finished = self._step(free, min(left, self.settings.step_seconds))
                gain = (before - self.incumbent.objective) / max(1, before)
                kind.adapt(finished, gain, time.perf_counter() - began)
                if self.incumbent.objective < before:
                    report(self.incumbent.objective, self.bound)
        finally:
            self._release()
        return self.incumbent

    def _choose(self) -> Kind:
        """The spare-hours kind most of the time (``SPARE_FIRST``) while minutes are stranded
        (_stranded); otherwise a kind at random now and then, else in proportion to its score.

        Only officers handing tours to one another over the whole horizon can use stranded
        minutes, which the spare-hours kind offers and the others seldom do. On the 40-officer
        team the gap to the bound after 60 s followed the minutes left spare (600-720 minutes:
        0.8-1.3%; 3,120-3,660: 3.1-3.7%), while the spare-hours kind, chosen by its score
        alone, got 2-8 of some 20 steps."""
        if self._stranded() and self.rng.random() < SPARE_FIRST:
            return self._spare_kind
        if self.rng.random() < EXPLORE:
            return self.rng.choice(self.kinds)
        top = max(k.score for k in self.kinds)
        if top <= 0:
            return self.rng.choice(self.kinds)
        return self.rng.choices(self.kinds, weights=[k.score + 0.05 * top for k in self.kinds])[0]

    def _stranded(self) -> bool:
        """Whether minutes are stranded: some cover is short, tours differ in length, no
        officer has the minutes to spare for another tour, but between them they do. (On
        Curtois Instance12, whose tours are all 8 hours, most officers have a tour or two to
        spare that other rules keep them from working; freeing them first lost there.)"""
        shortest, spare = self._mixed_shortest, self.spare_minutes
        return (
            bool(self.short)
            and shortest is not None
            and max(spare, default=0) < shortest <= sum(spare)
        )

    def _step(self, free: Cells, seconds: float) -> bool:
        """Re-optimise the ``free`` cells; True if CP-SAT finished the neighbourhood."""
        self._fix_all_but(free)
        self._hint()
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.max_time_in_seconds = seconds
        whole = len(free) == self.n_officers * self.days
        params.num_workers = self.settings.full_workers if whole else self.settings.workers
        params.random_seed = self.rng.randrange(1 << 30)
        params.extra_subsolvers.extend(self.settings.subsolvers)
        set_parameters(params, self.settings.extra_parameters)
        status = solver.solve(self.ctx.model)
        self.stats.steps += 1
        if whole and status != cp_model.UNKNOWN:
            self.bound = max(self.bound, solver.best_objective_bound)  # the whole model
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = round(solver.objective_value)
            if found <= self.incumbent.objective:
                self.stats.improvements += found < self.incumbent.objective
                self.incumbent = Incumbent.of(solver)
                self._costs()
        finished = status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
        self.stats.finished += finished
        return finished

    # --- fixing and hinting --------------------------------------------------------------
    def _fix_all_but(self, free: Cells) -> None:
        """Fix every cell outside ``free`` to the incumbent (only cells that change state are
        touched: fixed cells already hold the incumbent's values, which only free cells
        change)."""
        if self._free is None:
            everything = {(i, d) for i in range(self.n_officers) for d in range(self.days)}
            for cell in everything - free:
                self._fix(cell)
        else:
            for cell in self._free - free:
                self._fix(cell)
            for cell in free - self._free:
                self._unfix(cell)
        self._free = set(free)

    def _fix(self, cell: tuple[int, int]) -> None:
        values = self.incumbent.values
        for k in self._cells[cell[0]][cell[1]]:
            domain = self._proto.variables[k].domain
            domain[0] = domain[1] = values[k]

    def _unfix(self, cell: tuple[int, int]) -> None:
        for k in self._cells[cell[0]][cell[1]]:
            domain = self._proto.variables[k].domain
            domain[0], domain[1] = self._domains[k]

    def _release(self) -> None:
        """Restore every officer-day variable's domain."""
        if self._free is None:
            return
        for row in self._cells:
            for cell in row:
                for k in cell:
                    domain = self._proto.variables[k].domain
                    domain[0], domain[1] = self._domains[k]
        self._free = None

    def _hint(self) -> None:
        self.ctx.model.clear_hints()
        hint = self._proto.solution_hint
        hint.vars.extend(range(len(self.incumbent.values)))
        hint.values.extend(self.incumbent.values)

    # --- where the cost is ---------------------------------------------------------------
    def _costs(self) -> None:
        """Each officer's and each day's share of the incumbent's penalty."""
        solver = self.incumbent.solver
        self.officer_cost = [0] * self.n_officers
        self.day_cost = [0] * self.days
        #: cover below its requirement (cost, day, tour codes) and above it (the same)
        self.short: list[tuple[int, int, frozenset[str]]] = []
        self.spare: list[tuple[int, int, frozenset[str]]] = []
        for penalty in self.ctx.penalties:
            if isinstance(penalty.expr, int):
                continue
            cost = penalty.weight * solver.value(penalty.expr)
            if not cost:
                continue
            side, _, key = (penalty.key or "").partition(":")
            if side in ("under", "over") and key in self._covers and penalty.day is not None:
                entry = (cost, penalty.day, self._covers[key])
                (self.short if side == "under" else self.spare).append(entry)
            if penalty.officer_id is not None:
                self.officer_cost[self.ctx.index[penalty.officer_id]] += cost
            if penalty.day is not None and 0 <= penalty.day < self.days:
                self.day_cost[penalty.day] += cost

        #: minutes each officer could still work within their maximum (0 if they have none)
        self.spare_minutes = [
            0 if o.max_total_minutes is None
            else max(0, o.max_total_minutes - round(solver.value(self._worked[i])))
            for i, o in enumerate(self.ctx.officers)
        ]  # fmt: skip

    def window(self, width: int) -> range:
        """``width`` consecutive days: half the time around a costly day, else anywhere."""
        width = max(1, min(self.days, width))
        if self.rng.random() < 0.5 and any(self.day_cost):
            centre = self.rng.choices(range(self.days), weights=self.day_cost)[0]
            return self.around(centre, width)
        start = max(0, min(self.days - width, self.rng.randrange(self.days)))
        return range(start, start + width)

    def around(self, day: int, width: int) -> range:
        """``width`` consecutive days that hold ``day``, placed at random."""
        width = max(1, min(self.days, width))
        start = max(0, min(self.days - width, day - self.rng.randrange(width)))
        return range(start, start + width)

    def officers(self, count: int, weights: list[float] | None = None) -> list[int]:
        """``count`` officers at random (weighted, without replacement, when ``weights``)."""
        count = max(1, min(self.n_officers, count))
        if weights is None:
            return self.rng.sample(range(self.n_officers), count)
        keys = [self.rng.random() ** (1.0 / w) for w in weights]
        return sorted(range(self.n_officers), key=keys.__getitem__, reverse=True)[:count]


def _cells(officers: list[int], days: Iterable[int]) -> Cells:
    return {(i, d) for i in officers for d in days}


def _everything(search: LnsSearch, size: float) -> Cells:
    return _cells(list(range(search.n_officers)), range(search.days))


def _random_officers(search: LnsSearch, size: float) -> Cells:
    count = math.ceil(size * search.n_officers)
    return _cells(search.officers(count), range(search.days))


def _costly_officers(search: LnsSearch, size: float) -> Cells:
    count = math.ceil(size * search.n_officers)
    mean = sum(search.officer_cost) / max(1, search.n_officers)
    weights = [c + mean + 1.0 for c in search.officer_cost]
    return _cells(search.officers(count, weights), range(search.days))


def _day_window(search: LnsSearch, size: float) -> Cells:
    width = math.ceil(size * search.days)
    return _cells(list(range(search.n_officers)), search.window(width))


def _officer_window(search: LnsSearch, size: float) -> Cells:
    share = math.sqrt(size)
    officers = search.officers(math.ceil(share * search.n_officers))
    return _cells(officers, search.window(math.ceil(share * search.days)))


def _short_and_spare(search: LnsSearch, size: float) -> Cells:
    """Every officer over two windows of days: one around a cover below its requirement and
    one around a day with the same tour above its requirement, so that officers can move that
    tour from the day with too many to the day with too few while their totals over the
    horizon (tours of each type, hours) stay as they are. Windows of days around a costly
    day alone cannot: each officer's totals outside the window pin the work inside it."""
    if not search.short:
        return _day_window(search, size)
    _, short_day, codes = search.rng.choices(search.short, [c for c, _, _ in search.short])[0]
    spare = [entry for entry in search.spare if entry[2] & codes]
    width = math.ceil(size * search.days / 2)
    days = set(search.around(short_day, width))
    if spare:
        _, spare_day, _ = search.rng.choices(spare, [c for c, _, _ in spare])[0]
    else:
        spare_day = search.rng.randrange(search.days)
    days.update(search.around(spare_day, width))
    return _cells(list(range(search.n_officers)), days)


def _spare_hours(search: LnsSearch, size: float) -> Cells:
    """Officers with hours to spare within their maximum, over the whole horizon. When no
    officer can fit another tour in their spare minutes, those minutes are lost to cover unless
    officers change their mix of tours together: on a unit of 10-hour days and 9-hour nights at
    330 hours, only officers with 0, 10, 20 or 30 nights work every hour, so officers with a few
    nights each must hand them to one another. Falls back to random officers when nobody has
    spare minutes."""
    count = max(2, math.ceil(size * search.n_officers))
    spare = search.spare_minutes
    if not any(spare):
        return _random_officers(search, size)
    weights = [m + 1.0 for m in spare]
    return _cells(search.officers(count, weights), range(search.days))
