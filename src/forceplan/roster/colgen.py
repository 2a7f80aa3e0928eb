"""Column generation: each officer's whole roster is one column, and a linear programme (the
master) chooses a mix of columns that covers demand best.

When every rule but cover concerns one officer at a time (the Curtois & Qu benchmark's rules,
or a unit's roster without minimum cover, tutors or fairness), a roster is one column per
officer, and the cost is each column's own cost plus the cover shortfall and excess. The
master's linear relaxation over all columns is far tighter than anything CP-SAT proves on the
officer-day-tour model (on Curtois Instance13 it equals the best-known value, 1,348, where the
full model's bound was 474), and its duals say what an hour of cover is worth.

- **Pricing.** For each officer, CP-SAT finds the roster of least *reduced cost*: its own cost
  (requests refused, fatigue, ...) less the duals of the cover it provides. The pricing model is
  the ordinary roster model (model.py) built for that officer alone, so every hard rule is the
  same code as the full model's; its search starts from the officer's largest-share column.
  Officers are priced a chunk at a time with the master re-solved
  between chunks (partial pricing: on Instance13 the master reached 1,348 in 122 s, against
  326 s pricing all 120 officers between solves).
- **Bound.** Once a pass over every officer finds nothing better, with the master's duals
  unchanged, the Lagrangian bound from the pricing solvers' own bounds is a valid lower bound
  on any roster.
- **Diving.** The master's solution is fractional. Officer-days it has decided are fixed, and
  a few officers' most-decided days are fixed to their most likely tour, in the pricing models
  and the master alike; columns are generated again for the rest, until every officer has one
  roster (on Instance13 the master stayed at 1,348 throughout, and the dive ended on 1,348).
  Where time is left, a second dive fixes whole rosters, and the better roster is handed to the
  full model's large-neighbourhood search (lns.py) to polish.

The master is solved by GLOP (OR-Tools' simplex), the pricing by CP-SAT: no new dependency.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from forceplan.roster import diving
from forceplan.roster.model import ModelContext, Rule, RuleConfig, build_model
from forceplan.roster.problem import Officer, Roster, RosterProblem

#: Rules that tie officers together; any of them active (but cover) rules column generation
#: out, since a column is one officer's roster priced on its own.
CROSS_OFFICER_RULES = frozenset({"minimum_cover", "tutor", "fair_nights", "fair_weekends"})
#: Duals are scaled by this and rounded for the pricing models' whole-number objective.
DUAL_SCALE = 1000
#: Officers priced between two solves of the master (at least this many, or a quarter).
CHUNK = 30
#: Improving columns kept from one pricing solve (its last, best solutions).
COLUMNS_PER_PRICING = 3
#: A pricing solve's time limit (s): a month of 18 tours takes 0.05-0.1 s to optimality.
PRICING_SECONDS = 0.5
#: The first pricing solve's time limit (s): each officer's first roster on their own.
START_SECONDS = 10.0
#: Reduced costs below -EPSILON are improving.
EPSILON = 1e-6
#: A tour's code, or None for a rest day.
TourCode = str | None


def applies(problem: RosterProblem, config: RuleConfig | None) -> bool:
    """Whether column generation can solve ``problem``: weighted cover, and no active rule but
    cover that ties officers together here (a rule that cannot bind, such as tutoring with no
    student officers, does not count)."""
    config = config or RuleConfig()
    active = config.active()
    if not any(r.name == "cover" for r in active):
        return False
    if any(_ties_officers(problem, config, r) for r in active):
        return False
    return any(c.weight_under or c.weight_over for c in problem.covers)


def alone(problem: RosterProblem, officer: Officer) -> RosterProblem:
    """``problem`` for ``officer`` alone: their days and requests, no cover (each officer's
    pricing model here; their own first roster in windowed.py)."""
    return dataclasses.replace(
        problem, officers=(officer,), covers=(),
        requests=tuple(r for r in problem.requests if r.officer_id == officer.id),
    )  # fmt: skip


def _ties_officers(problem: RosterProblem, config: RuleConfig, rule: Rule) -> bool:
    """Whether ``rule`` (one of CROSS_OFFICER_RULES or any other) ties officers in ``problem``."""
    if rule.name not in CROSS_OFFICER_RULES:
        return False
    if rule.name == "minimum_cover":
        return any(c.minimum > 0 for c in problem.covers)
    if rule.name == "tutor":
        return any(o.tutor_id is not None for o in problem.officers)
    if config.weight(rule) == 0 or len(problem.officers) < 2:  # fairness: a spread of one
        return False
    if rule.name == "fair_nights":
        return any(t.night for t in problem.tours)
    return bool(problem.weekends())


@dataclass
class Column:
    """One officer's whole roster (day -> tour, rest days absent) and its own cost."""

    cost: int
    tours: dict[int, str]
    var: pywraplp.Variable | None = field(default=None, repr=False)


class _Collect(cp_model.CpSolverSolutionCallback):
    """Every roster the pricing solve finds, with its own cost (the soft rules' penalties)."""

    def __init__(self, ctx: ModelContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.found: list[Column] = []

    def on_solution_callback(self) -> None:
        row = self.ctx.x[0]
        tours = {d: c for d, day in enumerate(row) for c, v in day.items() if self.boolean_value(v)}
        cost = sum(p.weight * _value(self, p.expr) for p in self.ctx.penalties)
        self.found.append(Column(int(cost), tours))


def _value(callback: cp_model.CpSolverSolutionCallback, expr) -> int:
    return int(expr) if isinstance(expr, int) else int(callback.value(expr))


@dataclass(frozen=True)
class _Priced:
    columns: list[Column]
    bound: float  # the pricing solve's bound on (own cost - duals of its cover), unscaled
    optimal: bool


@dataclass
class ColumnGenerationResult:
    roster: Roster
    objective: int
    #: the master's Lagrangian bound, when proved (every pricing solve optimal), else None
    bound: float | None


class Master:
    """The master linear programme over officers' columns, and their pricing models."""

    def __init__(self, problem: RosterProblem, config: RuleConfig | None, workers: int = 2):
        self.problem = problem
        config = config or RuleConfig()
        own = dataclasses.replace(config, disabled=config.disabled | {"cover"})
        self.covers = [c for c in problem.covers if c.weight_under or c.weight_over]
        self.pricers: list[ModelContext] = []
        #: per officer: (day, tour) -> the covers an officer on it counts towards
        self.slots: list[dict[tuple[int, str], list[int]]] = []
        for officer in problem.officers:
            self.pricers.append(build_model(alone(problem, officer), own))
            slots: dict[tuple[int, str], list[int]] = {}
            for k, cover in enumerate(self.covers):
                if cover.counts(officer):
                    for slot in cover.slots:
                        slots.setdefault(slot, []).append(k)
            self.slots.append(slots)
        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        objective = self.lp.Objective()
        self.rows = []
        for k, cover in enumerate(self.covers):
            row = self.lp.Constraint(cover.requirement, cover.requirement, f"cover{k}")
            under = self.lp.NumVar(0, self.lp.infinity(), f"under{k}")
            over = self.lp.NumVar(0, self.lp.infinity(), f"over{k}")
            row.SetCoefficient(under, 1)
            row.SetCoefficient(over, -1)
            objective.SetCoefficient(under, cover.weight_under)
            objective.SetCoefficient(over, cover.weight_over)
            self.rows.append(row)
        self.convexity = [
            self.lp.Constraint(1, 1, f"officer{i}") for i in range(len(problem.officers))
        ]
        objective.SetMinimization()
        self.columns: list[list[Column]] = [[] for _ in problem.officers]
        self._seen: list[set[tuple]] = [set() for _ in problem.officers]
        self.fixed: dict[int, Column] = {}
        #: per officer: the days the dive has fixed, day -> tour (None: rest)
        self.days: list[dict[int, str | None]] = [{} for _ in problem.officers]
        self.pool = ThreadPoolExecutor(max(1, workers))
        self.value = math.inf

    # --- the master -----------------------------------------------------------------------
    def add(self, i: int, column: Column) -> bool:
        """Add officer ``i``'s column (False if the master has it already)."""
        key = tuple(sorted(column.tours.items()))
        if key in self._seen[i]:
            return False
        self._seen[i].add(key)
        column.var = self.lp.NumVar(0, 1, f"r{i}_{len(self.columns[i])}")
        self.lp.Objective().SetCoefficient(column.var, column.cost)
        self.convexity[i].SetCoefficient(column.var, 1)
        for slot in column.tours.items():
            for k in self.slots[i].get(slot, ()):
                self.rows[k].SetCoefficient(column.var, 1)
        self.columns[i].append(column)
        return True

    def solve(self) -> tuple[list[float], list[float]]:
        """Solve the master: the duals of cover and of each officer's one roster."""
        status = self.lp.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            # cover is soft, so the master always has a solution; GLOP has been seen to end
            # ABNORMAL after fixings while diving (Curtois Instances 10 and 15), and then again
            # from scratch, but not from scratch without its presolve
            cold = pywraplp.MPSolverParameters()
            cold.SetIntegerParam(cold.INCREMENTALITY, cold.INCREMENTALITY_OFF)
            cold.SetIntegerParam(cold.PRESOLVE, cold.PRESOLVE_OFF)
            status = self.lp.Solve(cold)
        if status != pywraplp.Solver.OPTIMAL:
            raise _MasterFailed(status)
        self.value = self.lp.Objective().Value()
        return [r.dual_value() for r in self.rows], [c.dual_value() for c in self.convexity]

    def fix(self, i: int, column: Column) -> None:
        """Officer ``i`` works ``column``: the master may use no other of theirs."""
        for other in self.columns[i]:
            if other is column:
                other.var.SetBounds(1, 1)
            else:
                other.var.SetBounds(0, 0)
        self.fixed[i] = column

    def fix_day(self, i: int, d: int, code: TourCode) -> None:
        """Officer ``i`` works tour ``code`` (None: rests) on day ``d``: in the pricing model
        until unfixed, and the master may use none of their columns that do otherwise."""
        self.hold(i, {} if code is None else {d: code}, [d])
        for column in self.columns[i]:
            if column.tours.get(d) != code:
                column.var.SetBounds(0, 0)
        self.days[i][d] = code

    def undo_dive(self) -> None:
        """Undo every fixing: the master as the relaxation left it, with every column since."""
        for i in range(len(self.pricers)):
            self.unfix_days(i, list(self.days[i]))

    def unfix_days(self, i: int, days: list[int]) -> None:
        """Undo fix_day for officer ``i``'s ``days`` (and the officer's whole roster, if fixed)."""
        for d in days:
            del self.days[i][d]
        self.release(i, days)
        self.fixed.pop(i, None)
        for column in self.columns[i]:
            keeps = all(column.tours.get(d) == code for d, code in self.days[i].items())
            column.var.SetBounds(0, 1 if keeps else 0)

    def hold(self, i: int, tours: dict[int, str], days: Iterable[int]) -> None:
        """Officer ``i`` works ``tours`` (rests otherwise) on ``days`` in their pricing model,
        until released (fix_day's fixing, and the days best responses do not free)."""
        for d in days:
            for code, var in self.pricers[i].x[0][d].items():
                on = int(tours.get(d) == code)
                _domain(self.pricers[i], var, on, on)

    def release(self, i: int, days: Iterable[int]) -> None:
        """Undo hold on ``days``: free again, or as the dive fixed them."""
        for d in days:
            fixed = d in self.days[i]
            for code, var in self.pricers[i].x[0][d].items():
                on = int(self.days[i].get(d) == code)
                low, high = (on, on) if fixed else (0, 1)
                _domain(self.pricers[i], var, low, high)

    def column_of(self, i: int, tours: dict[int, str], seconds: float) -> Column | None:
        """Officer ``i``'s roster ``tours`` as a column with its own cost, or None if it breaks
        a hard rule of theirs (or CP-SAT could not score it in ``seconds``)."""
        every = list(range(self.problem.days))
        self.hold(i, tours, every)
        try:
            priced = self.price(i, None, seconds)
        except NoRoster:
            return None
        finally:
            self.release(i, every)
        return priced.columns[-1] if priced.columns else None

    def gives(self, i: int, column: Column) -> dict[int, int]:
        """Cover -> how many of its slots officer ``i``'s ``column`` works."""
        gives: dict[int, int] = {}
        for slot in column.tours.items():
            for k in self.slots[i].get(slot, ()):
                gives[k] = gives.get(k, 0) + 1
        return gives

    def share(self, column: Column) -> float:
        return column.var.solution_value()

    def largest(self, i: int) -> Column | None:
        """Officer ``i``'s column of largest share in the master's solution, of those it may
        use: where pricing starts (on Curtois Instance19's 84 days, CP-SAT found no roster at
        all in 2 s for 3 of 5 officers without it, and one for each in 0.5 s with it)."""
        allowed = [c for c in self.columns[i] if c.var.ub() > 0]
        return max(allowed, key=self.share, default=None)

    # --- pricing --------------------------------------------------------------------------
    def reduced_cost(self, i: int, column: Column, duals: list[float], mu: float) -> float:
        slots = self.slots[i]
        provided = sum(duals[k] for slot in column.tours.items() for k in slots.get(slot, ()))
        return column.cost - provided - mu

    def price(
        self,
        i: int,
        duals: list[float] | None,
        seconds: float,
        hint: Column | None = None,
        days: Iterable[int] | None = None,
    ) -> _Priced:
        """Officer ``i``'s rosters of least own cost less the duals of the cover they give (the
        duals None: own cost alone), the search starting from ``hint`` if given. ``days``, if
        given, are the only days not held (hold): hints and duals go on them alone, the rest
        being constant (and left out of the bound). Raises NoRoster if the solve finds none
        (response.py's best responses catch it too)."""
        ctx = self.pricers[i]
        free = range(self.problem.days) if days is None else sorted(days)
        ctx.model.clear_hints()
        if hint is not None:
            for d in free:
                for code, var in ctx.x[0][d].items():
                    ctx.model.add_hint(var, hint.tours.get(d) == code)
        terms = [DUAL_SCALE * p.weight * p.expr for p in ctx.penalties]
        if duals is not None:
            slots = self.slots[i]
            for d in free:
                for code, var in ctx.x[0][d].items():
                    worth = round(DUAL_SCALE * sum(duals[k] for k in slots.get((d, code), ())))
                    if worth:
                        terms.append(-worth * var)
        ctx.model.minimize(sum(terms))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = seconds
        collect = _Collect(ctx)
        status = solver.solve(ctx.model, collect)
        if status == cp_model.INFEASIBLE:
            raise NoRoster(i)
        # each day's duals are rounded by at most half a unit
        slack = 0.5 * self.problem.days / DUAL_SCALE
        bound = solver.best_objective_bound / DUAL_SCALE - slack
        return _Priced(collect.found, bound, status == cp_model.OPTIMAL)

    def start(self, seconds: float) -> None:
        """Each officer's cheapest roster on their own costs: the master's first columns."""
        for i, priced in enumerate(
            self.pool.map(lambda i: self.price(i, None, seconds), range(len(self.pricers)))
        ):
            if not priced.columns:
                raise NoRoster(i)
            self.add(i, priced.columns[-1])

    def generate(
        self, deadline: float, on_pass: Callable[[float], None] | None = None
    ) -> float | None:
        """Price officers a chunk at a time until a pass over every free officer finds no
        improving column (or ``deadline``): the Lagrangian bound that pass proves, or None."""
        free = [i for i in range(len(self.pricers)) if i not in self.fixed]
        if not free:
            self.solve()
            return None
        chunk = max(min(CHUNK, len(free)), len(free) // 4)
        at = 0
        quiet: list[_Priced] = []  # pricing since the last column added (the duals unchanged)
        duals, mus = self.solve()
        began = time.perf_counter()
        history = [(began, self.value)]
        while time.perf_counter() < deadline and not tailing_off(history, began):
            some = [free[(at + j) % len(free)] for j in range(min(chunk, len(free)))]
            at = (at + len(some)) % len(free)
            seconds = max(0.05, min(PRICING_SECONDS, deadline - time.perf_counter()))
            hints = [self.largest(i) for i in some]
            found = list(
                self.pool.map(self.price, some, [duals] * len(some), [seconds] * len(some), hints)
            )
            added = 0
            for i, priced in zip(some, found, strict=True):
                for column in priced.columns[-COLUMNS_PER_PRICING:]:
                    if self.reduced_cost(i, column, duals, mus[i]) < -EPSILON:
                        added += self.add(i, column)
            if added:
                quiet = []
                duals, mus = self.solve()
                history.append((time.perf_counter(), self.value))
                if on_pass is not None:
                    on_pass(self.value)
                continue
            quiet.extend(found)
            if len(quiet) >= len(free):  # its first len(free) are each officer once
                return self._bound(duals, quiet[: len(free)])
        return None

    def _bound(self, duals: list[float], priced: list[_Priced]) -> float | None:
        """The Lagrangian bound at ``duals`` when no officer is fixed and each one's pricing
        (``priced``, one per officer) was optimal: the cover's worth plus, per officer, the
        least own cost less cover worth."""
        if self.fixed or any(self.days) or not all(p.optimal for p in priced):
            return None
        worth = sum(c.requirement * d for c, d in zip(self.covers, duals, strict=True))
        return worth + sum(p.bound for p in priced)


#: Column generation stops early (tailing off) when the master has fallen by less than
#: TAIL_FALL of its value over the last TAIL_SHARE of the time it has run, and at least
#: TAIL_SECONDS: on Curtois Instance15 it sat within 0.1% of 3,824 from 106 s to 210 s.
TAIL_FALL = 0.001
TAIL_SHARE = 0.25
TAIL_SECONDS = 10.0


def tailing_off(history: list[tuple[float, float]], began: float, fall: float = TAIL_FALL) -> bool:
    """Whether the master's value, (time, value) after each solve since ``began``, has all but
    stopped falling: by less than ``fall`` of its value over the last TAIL_SHARE of the time."""
    now = time.perf_counter()
    window = max(TAIL_SECONDS, TAIL_SHARE * (now - began))
    if now - began < 2 * window:
        return False
    then = next(value for at, value in reversed(history) if at <= now - window)
    latest = history[-1][1]
    return then - latest < fall * max(abs(latest), 1.0)


def _domain(ctx: ModelContext, var: cp_model.IntVar, low: int, high: int) -> None:
    """Set ``var``'s domain in ``ctx``'s model (reversibly, unlike a constraint)."""
    domain = ctx.model.proto.variables[var.index].domain
    domain.clear()
    domain.extend([low, high])


class _MasterFailed(Exception):
    """GLOP could not solve the master (its status)."""


class NoRoster(Exception):
    """An officer (the argument) has no roster that meets the hard rules on their own, or none
    was found in the pricing solve's time."""


def solve(
    problem: RosterProblem,
    config: RuleConfig | None,
    deadline: float,
    workers: int = 2,
    dive_time_share: float = 0.3,
    on_progress: Callable[[str, float], None] | None = None,
) -> ColumnGenerationResult | None:
    """A roster by column generation and diving, by ``deadline``: the master's relaxation for
    up to ``1 - dive_time_share`` of the time, diving for the rest. None when some officer has
    no roster that meets the hard rules on their own (the caller explains that), none was
    found in time, or GLOP failed."""
    started = time.perf_counter()
    report = on_progress or (lambda stage, value: None)
    master = Master(problem, config, workers)
    try:
        master.start(START_SECONDS)
        relax_until = started + (1 - dive_time_share) * (deadline - started)
        bound = master.generate(relax_until, lambda v: report("column generation", v))
        report("column generation", master.value)
        began = time.perf_counter()
        roster, value = diving.dive(master, deadline, report), master.value
        floor = -math.inf if bound is None else math.ceil(bound - 1e-6)
        if round(value) > floor and deadline - time.perf_counter() > time.perf_counter() - began:
            master.undo_dive()
            again = diving.dive_rosters(master, deadline, report)
            if master.value < value - EPSILON:
                roster, value = again, master.value
        seconds = deadline - time.perf_counter()
        if round(value) > floor and seconds > 0:
            mixed = best_mix(master, roster, seconds, workers)
            if mixed is not None and mixed[1] < round(value):
                roster, value = mixed
                report("best mix of columns", value)
    except (NoRoster, _MasterFailed):
        return None
    finally:
        master.pool.shutdown(wait=True)
    return ColumnGenerationResult(roster, round(value), bound)


def best_mix(
    master: Master, start: Roster, seconds: float, workers: int = 2
) -> tuple[Roster, int] | None:
    """The cheapest roster that gives each officer one of the columns generated so far (the
    restricted master as a whole-number programme, by CP-SAT, searching from ``start``), or
    None when CP-SAT found none in ``seconds``. The dives fix officer-days one step at a time;
    this chooses among every column at once (price and branch)."""
    model = cp_model.CpModel()
    picks: list[list[cp_model.IntVar]] = []
    hits: list[list[cp_model.IntVar]] = [[] for _ in master.covers]
    terms = []
    for i, officer in enumerate(master.problem.officers):
        wanted = {d: code for d, code in start.get(officer.id, {}).items() if code is not None}
        row = []
        for column in master.columns[i]:
            pick = model.new_bool_var(f"pick{i}_{len(row)}")
            model.add_hint(pick, column.tours == wanted)
            terms.append(column.cost * pick)
            for k, n in master.gives(i, column).items():
                hits[k] += [pick] * n
            row.append(pick)
        model.add_exactly_one(row)
        picks.append(row)
    for k, cover in enumerate(master.covers):
        under = model.new_int_var(0, cover.requirement, f"under{k}")
        over = model.new_int_var(0, max(0, len(hits[k]) - cover.requirement), f"over{k}")
        model.add(sum(hits[k]) + under - over == cover.requirement)
        terms += [cover.weight_under * under, cover.weight_over * over]
    model.minimize(sum(terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.max_time_in_seconds = seconds
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    roster: Roster = {}
    for i, officer in enumerate(master.problem.officers):
        column = next(
            c for c, p in zip(master.columns[i], picks[i], strict=True) if solver.boolean_value(p)
        )
        roster[officer.id] = {d: column.tours.get(d) for d in range(master.problem.days)}
    return roster, round(solver.objective_value)
