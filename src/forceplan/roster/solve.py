"""Solve a roster problem with CP-SAT, report progress, explain the result or the conflict."""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from forceplan.errors import InfeasibleRosterError
from forceplan.roster import colgen, weekend_bound, windowed, windows
from forceplan.roster.explain import Explanation, explain_solution
from forceplan.roster.hints import add_hint, complete_hint, hint_counts, hint_solution, read_roster
from forceplan.roster.infeasible import explain_infeasible
from forceplan.roster.lns import Incumbent, LnsSearch, LnsSettings, set_parameters
from forceplan.roster.model import ModelContext, RuleConfig, build_model
from forceplan.roster.problem import Roster, RosterProblem
from forceplan.roster.relaxation import cover_bound


@dataclass(frozen=True)
class SolveProgress:
    """One improvement found while solving, or (``objective`` None) a step of the search
    before its first roster (a long horizon's windows), named by ``stage``."""

    elapsed_seconds: float
    objective: float | None
    bound: float
    solutions: int
    #: what the search is doing ("" for the whole model)
    stage: str = ""

    @property
    def gap(self) -> float:
        if not self.objective:
            return 0.0
        return abs(self.objective - self.bound) / max(abs(self.objective), 1e-9)

    def describe(self) -> str:
        """One line for a progress bar or a job's status."""
        prefix = f"{self.stage}: " if self.stage else ""
        if self.objective is None:
            return f"solving: {self.stage or 'no roster yet'}"
        return (
            f"solving: {prefix}objective {self.objective:,.0f}  bound {self.bound:,.0f}"
            f"  gap {self.gap:.1%}"
        )


@dataclass
class SolveOptions:
    time_limit_seconds: float = 60.0
    workers: int = 2
    seed: int = 0
    #: Deterministic search (same seed and workers, same roster): CP-SAT's interleaved search
    #: limited in deterministic time. Slower to a first roster (the limit is in CP-SAT's work
    #: units, and wall time runs 2-4 times longer on 2 cores), so off by default: the default
    #: is the parallel portfolio under a wall-clock limit.
    deterministic: bool = False
    log: bool = False
    #: A starting roster (e.g. the published one) the search begins from.
    hint: Roster | None = None
    #: Complete the hint to every variable of the model first (hints.complete_hint) when it meets
    #: the hard rules, so the search starts from it rather than from a roster of its own.
    complete_hint: bool = True
    #: Solve the cover relaxation first (relaxation.py): a valid bound and a hint.
    cover_bound: bool = True
    #: With it, where weekends are limited on a long horizon, the weekends' Lagrangian bound
    #: (weekend_bound.py): the cover relaxation cannot see who works which weekend.
    weekend_bound: bool = True
    #: If the time limit passes with no roster at all, search this much longer for a first one.
    first_roster_grace_seconds: float = 60.0
    #: Large-neighbourhood search (lns.py): once the full model has had ``lns_first_share`` of
    #: the time, has a roster and has stalled, re-optimise a few officers or days at a time with
    #: the rest of the roster fixed. Ignored in deterministic mode and without soft rules.
    #: None (the default): on for models of more than LNS_VARIABLES officer-day-tour variables,
    #: such as a 40-officer team over 8 weeks, where it finds much better rosters in a minute;
    #: off for smaller ones, which the full model alone often solves outright
    #: (docs/decisions.md).
    lns: bool | None = None
    lns_first_share: float = 0.2
    #: The search takes over at the latest once the full model has had ``lns_first_most`` of
    #: the time and has a roster, stalled or not: a full model still finding small gains then
    #: gains less a second than the search's steps (the 40-officer team at 60 s: the full
    #: model 58,938 to 57,888 from 26 to 40 s; the search, from 18 s in another run, 59,334 to
    #: 57,888 in 8 s).
    lns_first_most: float = 0.3
    #: CP-SAT full-problem subsolvers to run first. With 2 workers CP-SAT runs one full
    #: subsolver and one worker of interleaved neighbourhood searches; "max_lp" (the whole
    #: model in the linear relaxation, with cuts) proves far better bounds and finds better
    #: rosters than the default "default_lp" on these models (docs/decisions.md, Rosters).
    subsolvers: tuple[str, ...] = ("max_lp",)
    extra_parameters: Mapping[str, object] = field(default_factory=dict)
    #: Solve window by window (windows.py): a first roster a few weeks at a time, then windows
    #: re-solved with both sides fixed. None: when the horizon is too large for one model
    #: (windows.should_decompose).
    decompose: bool | None = None
    #: When no roster meets the hard rules, find which rules conflict (it takes time).
    explain_infeasible: bool = True
    #: Explain the roster (penalty per rule, officer and day; cover line by line). False leaves
    #: it empty on the single model's route (the others always explain): the windows'
    #: improvement steps read only the roster (0.06 s of a 2.5 s step on Curtois Instance23).
    explain: bool = True
    #: Column generation first (colgen.py): each officer's whole roster a column, a linear
    #: programme choosing their mix, diving to one roster each, then the large-neighbourhood
    #: search. Only where every rule but cover concerns one officer (colgen.applies). None: by
    #: size (uses_column_generation); ignored in deterministic mode and with a hint.
    column_generation: bool | None = None
    #: The share of the time column generation and diving may take before the search.
    column_generation_share: float = 0.5


@dataclass
class RosterSolution:
    roster: Roster
    status: str
    objective: int
    bound: float
    wall_seconds: float
    explanation: Explanation
    progress: list[SolveProgress]

    @property
    def gap(self) -> float:
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(
        self,
        callback: Callable[[SolveProgress], None] | None,
        floor: float = 0.0,
        start: float | None = None,
    ) -> None:
        super().__init__()
        self._callback = callback
        self._start = time.perf_counter()
        #: reports count from when the solve began (``start``), the model's build included
        self._before = 0.0 if start is None else self._start - start
        #: a bound proved outside the model (the cover relaxation's): a roster at it is optimal
        self.floor = floor
        self.history: list[SolveProgress] = []
        self.stage = ""
        #: the search was stopped for having no roster in time (_first_solve's give_up)
        self.gave_up = False

    def on_solution_callback(self) -> None:
        self.report(self.objective_value, max(self.best_objective_bound, self.floor))
        if self.floor > 0 and self.objective_value <= self.floor + 1e-6:
            self.stop_search()

    def elapsed(self) -> float:
        return time.perf_counter() - self._start

    def stalled(self, share: float, quiet: float) -> bool:
        """``share`` seconds have passed, there is a roster and none better for ``quiet`` s."""
        if not self.history:
            return False
        since = self.since_start() - self.history[-1].elapsed_seconds
        return self.elapsed() >= share and since >= quiet

    def since_start(self) -> float:
        """Seconds since the solve began (what reports carry)."""
        return self._before + self.elapsed()

    def report(self, objective: float, bound: float) -> None:
        step = SolveProgress(
            elapsed_seconds=self.since_start(),
            objective=objective,
            bound=bound,
            solutions=len(self.history) + 1,
            stage=self.stage,
        )
        self.history.append(step)
        if self._callback is not None:
            self._callback(step)

    def enter(self, stage: str) -> None:
        """Name what the search does next, and tell the caller (not kept in the history,
        which holds rosters)."""
        self.stage = stage
        if self._callback is not None:
            self._callback(
                SolveProgress(self.since_start(), None, self.floor, len(self.history), stage)
            )


def configure(solver: cp_model.CpSolver, options: SolveOptions) -> None:
    params = solver.parameters
    params.num_workers = max(1, options.workers)
    params.random_seed = options.seed
    params.log_search_progress = options.log
    if options.deterministic:
        params.interleave_search = True
        params.max_deterministic_time = options.time_limit_seconds
        # a wall-clock guard far beyond the deterministic limit
        params.max_time_in_seconds = options.time_limit_seconds * 4 + 10
    else:
        params.max_time_in_seconds = options.time_limit_seconds
    if options.subsolvers:
        params.extra_subsolvers.extend(options.subsolvers)
    set_parameters(params, options.extra_parameters)


def _relaxation(
    ctx: ModelContext, config: RuleConfig | None, options: SolveOptions
) -> tuple[float, dict | None]:
    """The cover relaxation's bound on the objective and its counts (0 and None if unused).

    The bound is not added to the model: an objective floor (as a constraint or as the
    objective's domain) stopped CP-SAT finding any first roster for a 100-officer, 13-week
    unit in 120 s, where without it the first came in seconds (docs/decisions.md). The search
    stops instead when a roster meets the bound (_Progress)."""
    active = {r.name for r in (config or RuleConfig()).active()}
    if not options.cover_bound or "cover" not in active or not ctx.penalties:
        return 0.0, None
    found = cover_bound(
        ctx.problem,
        _relaxation_budget(options),
        options.workers,
        options.deterministic,
        frozenset(active),
    )
    if found is None:
        return 0.0, None
    bound = math.ceil(found.bound - 1e-6)
    skill, rank = found.filter
    return float(bound), {(d, code, skill, rank): n for (d, code), n in found.counts.items()}


def _relaxation_budget(options: SolveOptions) -> float:
    return min(10.0, 0.1 * options.time_limit_seconds)


#: The weekends' bound takes at most this share of the time limit, and at most
#: WEEKEND_BOUND_SECONDS: Curtois Instance23's 52 weekends take 9 s on two cores, to 14,268
#: (the cover relaxation's 1,244; the optimum is 17,285).
WEEKEND_BOUND_SHARE = 0.03
WEEKEND_BOUND_SECONDS = 20.0


def solve_roster(
    problem: RosterProblem,
    config: RuleConfig | None = None,
    options: SolveOptions | None = None,
    on_progress: Callable[[SolveProgress], None] | None = None,
) -> RosterSolution:
    """The best roster found within the time limit, with its explanation.

    Raises InfeasibleRosterError naming the conflicting rules when no roster meets the hard rules.
    """
    options = options or SolveOptions()
    if options.weekend_bound and options.cover_bound and weekend_bound.applies(problem, config):
        return _with_weekend_bound(problem, config, options, on_progress)
    return _solve(problem, config, options, on_progress)


def _with_weekend_bound(
    problem: RosterProblem,
    config: RuleConfig | None,
    options: SolveOptions,
    on_progress: Callable[[SolveProgress], None] | None,
) -> RosterSolution:
    """The weekends' bound (weekend_bound.py) first, then the search for the rest of the time,
    that bound reported with every roster (a roster at it ends the search as optimal). Proved
    first, the bound takes only the time it needs (Curtois Instance21's 26 weekends 3 s,
    Instance23's 52 9 s); proved last, as until session 30, its whole share (18 s at 600 s)
    had to be kept from the search. In deterministic mode the search has the limit less that
    share, so that its time does not depend on the machine."""
    started = time.perf_counter()
    seconds = min(WEEKEND_BOUND_SECONDS, WEEKEND_BOUND_SHARE * options.time_limit_seconds)
    if on_progress is not None:
        on_progress(SolveProgress(0.0, None, 0.0, 0, "bound: weekends"))
    found = weekend_bound.weekend_bound(
        problem, config, seconds, options.workers, options.deterministic
    )
    later = seconds if options.deterministic else 0.0
    searched = dataclasses.replace(
        options, weekend_bound=False, time_limit_seconds=options.time_limit_seconds - later
    )
    # the search's deadline and reports count from the bound's start (deterministic: its own)
    solution = _solve(problem, config, searched, on_progress, float(found),
                      None if options.deterministic else started)  # fmt: skip
    bound = max(solution.bound, found)
    optimal = solution.status == "optimal" or solution.objective <= bound
    return dataclasses.replace(
        solution, bound=bound, status="optimal" if optimal else solution.status,
        wall_seconds=time.perf_counter() - started,
    )  # fmt: skip


def _solve(
    problem: RosterProblem,
    config: RuleConfig | None,
    options: SolveOptions,
    on_progress: Callable[[SolveProgress], None] | None,
    floor: float = 0.0,
    started: float | None = None,
) -> RosterSolution:
    """The solve, its time counted from ``started`` (default now); ``floor``, a bound proved
    outside it (the weekends'), is reported with the cover relaxation's and ends the search as
    optimal once a roster meets it."""
    started = time.perf_counter() if started is None else started
    ctx = build_model(problem, config)
    if options.hint:
        add_hint(ctx, options.hint)
        if options.complete_hint:
            complete_hint(ctx, max(1.0, 0.2 * options.time_limit_seconds))
    relaxed, counts = _relaxation(ctx, config, options)
    relaxed = max(relaxed, floor) if ctx.penalties else relaxed
    if uses_column_generation(problem, config, options) and ctx.penalties:
        solved = _by_columns(ctx, config, options, started, relaxed, on_progress)
        if solved is not None:
            return solved
    decompose = options.decompose
    if decompose is None:
        decompose = not options.hint and windows.should_decompose(problem, config)
    if decompose:
        solved = windowed.by_windows(ctx, config, options, started, relaxed, on_progress)
        if isinstance(solved, RosterSolution):
            return solved
        counts = None
    if counts and not options.hint:
        hint_counts(ctx, counts)
    # deterministic: a fixed share goes to the relaxation; otherwise what it really took
    spent = _relaxation_budget(options) if options.deterministic else time.perf_counter() - started
    remaining = max(1.0, options.time_limit_seconds - spent)
    use_lns = uses_lns(problem, options) and bool(ctx.penalties)
    progress = _Progress(on_progress, relaxed, started)
    share = remaining * options.lns_first_share if use_lns else None
    latest = remaining * max(options.lns_first_share, options.lns_first_most) if use_lns else None
    # a long horizon the windows could take: if one model has no roster by a share of the
    # time, the windows get the rest
    fallback = (
        options.decompose is None and not decompose and not options.hint
        and not options.deterministic and windows.could_decompose(problem, config)
    )  # fmt: skip
    give_up = remaining * WINDOWS_FALLBACK_SHARE if fallback else None
    solver, status = _first_solve(ctx, options, remaining, progress, share, give_up, latest)
    if progress.gave_up:
        solved = windowed.by_windows(ctx, config, options, started, relaxed, on_progress)
        if isinstance(solved, RosterSolution):
            return solved
        left = max(1.0, started + options.time_limit_seconds - time.perf_counter())
        solver, status = _first_solve(ctx, options, left, progress, None)
    if status == cp_model.INFEASIBLE:
        if not options.explain_infeasible:
            raise InfeasibleRosterError("No roster meets every hard rule.", [])
        raise explain_infeasible(problem, config, options)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleRosterError(
            f"No roster found within {options.time_limit_seconds:g} s and "
            f"{options.first_roster_grace_seconds:g} s more (solver status "
            f"{solver.status_name(status)}).",
            [],
            hint="Give the solver more time (--time-limit) or relax a rule.",
            timed_out=True,
        )
    bound = max(solver.best_objective_bound, relaxed) if ctx.penalties else 0.0
    if use_lns and status == cp_model.FEASIBLE:
        progress.stage = "a few officers or days at a time"  # named with the next roster
        deadline = started + options.time_limit_seconds
        solver, bound = _improve(ctx, solver, options, deadline, bound, progress)
    objective = round(solver.objective_value) if ctx.penalties else 0
    # penalties have whole weights, so the objective is whole: so is its best bound (CP-SAT's
    # float bound can carry noise such as 2.000000000000001 above an optimum of 2)
    bound = float(math.ceil(bound - 1e-6)) if ctx.penalties else 0.0
    optimal = status == cp_model.OPTIMAL or objective <= bound
    return _solution(ctx, solver, objective, bound, optimal, started, progress, options.explain)


def uses_column_generation(
    problem: RosterProblem, config: RuleConfig | None, options: SolveOptions
) -> bool:
    """Whether the solve starts with column generation (colgen.py): when told to, or by
    default for models of at most COLUMN_GENERATION_MAX_VARIABLES officer-day-tour variables;
    never in deterministic mode, with a hint (re-rostering starts from the published roster),
    where some rule ties officers together (colgen.applies), or (unless told) when the
    windows are asked for (``decompose`` True)."""
    if options.deterministic or options.hint or options.column_generation is False:
        return False
    if options.decompose and options.column_generation is None:  # the windows, as asked
        return False
    if not colgen.applies(problem, config):
        return False
    return bool(options.column_generation) or (
        windows.variables(problem) <= COLUMN_GENERATION_MAX_VARIABLES
    )


#: Models column generation starts by default (officer-day-tour variables). Measured on
#: every Curtois instance up to Instance15 (43,008 variables): better than the CP-SAT search
#: alone on each (docs/decisions.md, session 19). Instance21 (100,646) and Instance23 (369,096)
#: have not been measured with it, and their long horizons make each officer's pricing model
#: a half-year or a year.
COLUMN_GENERATION_MAX_VARIABLES = 100_000


def _by_columns(
    ctx: ModelContext,
    config: RuleConfig | None,
    options: SolveOptions,
    started: float,
    relaxed: float,
    on_progress: Callable[[SolveProgress], None] | None,
) -> RosterSolution | None:
    """Column generation's roster, improved by the large-neighbourhood search for the rest of
    the time; None (the ordinary route follows) when it found none or the full model could not
    take it in."""
    progress = _Progress(on_progress, relaxed, started)
    deadline = started + options.time_limit_seconds
    until = started + options.column_generation_share * options.time_limit_seconds

    def report(stage: str, value: float) -> None:
        progress.enter(f"{stage} (relaxation {value:,.0f})")

    found = colgen.solve(ctx.problem, config, until, options.workers, on_progress=report)
    if found is None:
        return None
    if found.bound is not None:
        progress.floor = max(relaxed, float(math.ceil(found.bound - 1e-6)))
    solver = windowed._scored(ctx, found.roster, max(10.0, 0.05 * options.time_limit_seconds))
    if solver is None:
        return None
    bound = progress.floor
    progress.stage = "column generation"
    progress.report(round(solver.objective_value), bound)
    left = deadline - time.perf_counter()
    if round(solver.objective_value) > bound and left > 0:
        if uses_lns(ctx.problem, options):
            progress.stage = "a few officers or days at a time"
            solver, bound = _improve(ctx, solver, options, deadline, bound, progress)
        else:  # a small model: the full model from the columns' roster
            progress.stage = ""
            whole, status = _from_solution(ctx, solver, options, left, progress)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                bound = max(bound, whole.best_objective_bound)
                if whole.objective_value <= solver.objective_value:
                    solver = whole
    objective = round(solver.objective_value)
    bound = float(math.ceil(bound - 1e-6))
    return _solution(ctx, solver, objective, bound, objective <= bound, started, progress)


def _from_solution(
    ctx: ModelContext,
    start: cp_model.CpSolver,
    options: SolveOptions,
    seconds: float,
    progress: _Progress,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """The full model for ``seconds``, hinted with every value of ``start``'s solution."""
    hint_solution(ctx, start)
    solver = cp_model.CpSolver()
    configure(solver, dataclasses.replace(options, time_limit_seconds=seconds))
    status = solver.solve(ctx.model, progress)
    ctx.model.clear_hints()
    return solver, status


def _solution(
    ctx: ModelContext,
    solver: cp_model.CpSolver,
    objective: int,
    bound: float,
    optimal: bool,
    started: float,
    progress: _Progress,
    explain: bool = True,
) -> RosterSolution:
    """The roster the solver holds, with its explanation (empty unless ``explain``) and the
    search's progress."""
    return RosterSolution(
        roster=read_roster(ctx, solver),
        status="optimal" if optimal else "feasible",
        objective=objective,
        bound=bound,
        wall_seconds=time.perf_counter() - started,
        explanation=explain_solution(ctx, solver) if explain else Explanation(),
        progress=progress.history,
    )


#: A long horizon solved as one model (fewer variables than windows.DECOMPOSE_VARIABLES) is
#: handed to the windows if the model has no roster by this share of the time: one model's
#: first roster can take most of the limit on a tightly staffed half-year (437 s of 600).
WINDOWS_FALLBACK_SHARE = 0.2
#: Models larger than this (officer-day-tour variables) use the large-neighbourhood search
#: unless told otherwise (SolveOptions.lns None).
LNS_VARIABLES = 5_000


def uses_lns(problem: RosterProblem, options: SolveOptions) -> bool:
    """Whether the solve runs the large-neighbourhood search after its first roster."""
    if options.deterministic:
        return False
    if options.lns is None:
        return windows.variables(problem) > LNS_VARIABLES
    return options.lns


def _first_solve(
    ctx: ModelContext,
    options: SolveOptions,
    seconds: float,
    progress: _Progress,
    share: float | None,
    give_up: float | None = None,
    latest: float | None = None,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """The full model for ``seconds`` or (``share`` given) until it stalls after ``share``
    seconds or (``latest`` given) has a roster after ``latest`` seconds, or (``give_up``
    given) until ``give_up`` seconds pass with no roster (``progress.gave_up``); then, if there
    is no roster at all and it did not give up, the grace search for a first one."""
    solver = cp_model.CpSolver()
    configure(solver, dataclasses.replace(options, time_limit_seconds=seconds))
    done = threading.Event()
    # a limit at or beyond the solve's own time never applies
    share, latest, give_up = (t if t is not None and t < seconds else None
                              for t in (share, latest, give_up))  # fmt: skip
    if share is not None or latest is not None or give_up is not None:
        quiet = _lns_settings(options).step_seconds
        watch = threading.Thread(
            target=_watch,
            args=(solver, progress, share, quiet, give_up, done, latest),
            daemon=True,
        )
        watch.start()
    try:
        status = solver.solve(ctx.model, progress)
    finally:
        done.set()
    if progress.gave_up and status == cp_model.UNKNOWN:
        return solver, status
    progress.gave_up = False  # a roster came as the search stopped
    if status == cp_model.UNKNOWN and options.first_roster_grace_seconds > 0:
        # no roster yet: keep looking for a first one rather than return nothing
        solver.parameters.max_time_in_seconds = options.first_roster_grace_seconds
        solver.parameters.max_deterministic_time = options.first_roster_grace_seconds
        solver.parameters.stop_after_first_solution = True
        status = solver.solve(ctx.model, progress)
    return solver, status


def _watch(
    solver: cp_model.CpSolver,
    progress: _Progress,
    share: float | None,
    quiet: float,
    give_up: float | None,
    done: threading.Event,
    latest: float | None = None,
) -> None:
    """Stop the full-model search once it stalls (``_Progress.stalled``) or has a roster after
    ``latest`` seconds, or once ``give_up`` seconds pass without a roster (marking
    ``progress.gave_up``)."""
    while not done.wait(0.1):
        if share is not None and progress.stalled(share, quiet):
            solver.stop_search()
            return
        if latest is not None and progress.history and progress.elapsed() >= latest:
            solver.stop_search()
            return
        if give_up is not None and not progress.history and progress.elapsed() >= give_up:
            progress.gave_up = True
            solver.stop_search()
            return


def _lns_settings(options: SolveOptions) -> LnsSettings:
    """Steps of a thirtieth of the limit (1-5 s), on two workers (whole-roster steps on all)."""
    return LnsSettings(
        step_seconds=min(5.0, max(1.0, options.time_limit_seconds / 30)),
        workers=min(2, max(1, options.workers)),
        full_workers=max(1, options.workers),
        seed=options.seed,
        subsolvers=options.subsolvers,
        extra_parameters=options.extra_parameters,
    )


def _improve(
    ctx: ModelContext,
    solver: cp_model.CpSolver,
    options: SolveOptions,
    deadline: float,
    bound: float,
    progress: _Progress,
) -> tuple[cp_model.CpSolver, float]:
    """Large-neighbourhood search from the full model's roster: the solver holding the best
    roster, and the bound (raised by steps over the whole model)."""
    search = LnsSearch(ctx, Incumbent.of(solver), bound, _lns_settings(options))
    best = search.run(deadline, progress.report)
    return best.solver, search.bound
