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
from forceplan.roster import windows
from forceplan.roster.checker_penalty import roster_penalty
from forceplan.roster.explain import Explanation, explain_solution
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
    #: Solve the cover relaxation first (relaxation.py): a valid bound and a hint.
    cover_bound: bool = True
    #: If the time limit passes with no roster at all, search this much longer for a first one.
    first_roster_grace_seconds: float = 60.0
    #: Large-neighbourhood search (lns.py): once the full model has had ``lns_first_share`` of
    #: the time, has a roster and has stalled, re-optimise a few officers or days at a time with
    #: the rest of the roster fixed. Ignored in deterministic mode and without soft rules. Off by
    #: default: with the max_lp worker it found much better rosters on hard instances given
    #: minutes (Curtois 12, 16 at 300 s) but was level or worse at 60 s (docs/decisions.md).
    lns: bool = False
    lns_first_share: float = 0.2
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
        self, callback: Callable[[SolveProgress], None] | None, floor: float = 0.0
    ) -> None:
        super().__init__()
        self._callback = callback
        self._start = time.perf_counter()
        #: a bound proved outside the model (the cover relaxation's): a roster at it is optimal
        self.floor = floor
        self.history: list[SolveProgress] = []
        self.stage = ""

    def on_solution_callback(self) -> None:
        self.report(self.objective_value, max(self.best_objective_bound, self.floor))
        if self.floor > 0 and self.objective_value <= self.floor + 1e-6:
            self.stop_search()

    def elapsed(self) -> float:
        return time.perf_counter() - self._start

    def stalled(self, share: float, quiet: float) -> bool:
        """``share`` seconds have passed, there is a roster and none better for ``quiet`` s."""
        now = self.elapsed()
        return (
            now >= share and bool(self.history) and now - self.history[-1].elapsed_seconds >= quiet
        )

    def report(self, objective: float, bound: float) -> None:
        step = SolveProgress(
            elapsed_seconds=self.elapsed(),
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
                SolveProgress(self.elapsed(), None, self.floor, len(self.history), stage)
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


def _add_hint(ctx: ModelContext, hint: Roster) -> None:
    for i, officer in enumerate(ctx.officers):
        days = hint.get(officer.id, {})
        for d in range(ctx.problem.days):
            code = days.get(d)
            for c, var in ctx.x[i][d].items():
                ctx.model.add_hint(var, c == code)


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


def _hint_counts(ctx: ModelContext, counts: dict) -> None:
    """Start the search from the relaxation's officers per tour and day."""
    for key, n in counts.items():
        var = ctx._counts.get(key)
        if var is not None and not isinstance(var, int):
            ctx.model.add_hint(var, n)


def read_roster(ctx: ModelContext, solver: cp_model.CpSolver) -> Roster:
    roster: Roster = {}
    for i, officer in enumerate(ctx.officers):
        days: dict[int, str | None] = {}
        for d in range(ctx.problem.days):
            days[d] = next((c for c, v in ctx.x[i][d].items() if solver.boolean_value(v)), None)
        roster[officer.id] = days
    return roster


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
    started = time.perf_counter()
    ctx = build_model(problem, config)
    if options.hint:
        _add_hint(ctx, options.hint)
    relaxed, counts = _relaxation(ctx, config, options)
    decompose = options.decompose
    if decompose is None:
        decompose = not options.hint and windows.should_decompose(problem, config)
    if decompose:
        solved, windowed = _solve_by_windows(ctx, config, options, started, relaxed, on_progress)
        if solved is not None:
            return solved
        if windowed is None:  # the whole horizon had the rest of the time and the grace
            raise InfeasibleRosterError(
                f"No roster found within {options.time_limit_seconds:g} s and "
                f"{options.first_roster_grace_seconds:g} s more: neither the windows nor the "
                "whole horizon on the hard rules alone found one.",
                [],
                hint="Give the solver more time (--time-limit): a long horizon of a large "
                "unit can need minutes for its first roster.",
                timed_out=True,
            )
        # a roster the full model would not take: start from it
        _add_hint(ctx, windowed)
        counts = None
    if counts and not options.hint:
        _hint_counts(ctx, counts)
    # deterministic: a fixed share goes to the relaxation; otherwise what it really took
    spent = _relaxation_budget(options) if options.deterministic else time.perf_counter() - started
    remaining = max(1.0, options.time_limit_seconds - spent)
    use_lns = options.lns and not options.deterministic and bool(ctx.penalties)
    progress = _Progress(on_progress, relaxed)
    share = remaining * options.lns_first_share if use_lns else None
    solver, status = _first_solve(ctx, options, remaining, progress, share)
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
    return _solution(ctx, solver, objective, bound, optimal, started, progress)


def _solution(
    ctx: ModelContext,
    solver: cp_model.CpSolver,
    objective: int,
    bound: float,
    optimal: bool,
    started: float,
    progress: _Progress,
) -> RosterSolution:
    """The roster the solver holds, with its explanation and the search's progress."""
    return RosterSolution(
        roster=read_roster(ctx, solver),
        status="optimal" if optimal else "feasible",
        objective=objective,
        bound=bound,
        wall_seconds=time.perf_counter() - started,
        explanation=explain_solution(ctx, solver),
        progress=progress.history,
    )


#: The least time a window of the forward pass has to find its first roster on the hard rules.
WINDOW_GRACE_SECONDS = 10.0
#: The whole horizon on the hard rules alone is tried first when its size says its first
#: roster should come within WHOLE_FIRST_FITS_SHARE of the windows' time, at
#: WHOLE_FIRST_VARIABLES_PER_SECOND (officer-day-tour variables a second on 2 cores, the
#: slower of Curtois Instance21, 100,646 in 69-88 s, and Instance23, 369,096 in 216 s). It may
#: then take up to WHOLE_FIRST_SHARE: the time varies with the seed (Instance21 with seed 7:
#: more than 114 s, about 170 s), and a tight horizon has no other way to a roster.
WHOLE_FIRST_FITS_SHARE = 0.2
WHOLE_FIRST_SHARE = 0.4
WHOLE_FIRST_VARIABLES_PER_SECOND = 1_250


def _hard_only(config: RuleConfig | None) -> RuleConfig:
    """``config`` with its soft rules switched off."""
    config = config or RuleConfig()
    return dataclasses.replace(
        config, only=frozenset(r.name for r in config.active() if r.kind == "hard")
    )


def _whole_first_roster(
    problem: RosterProblem,
    config: RuleConfig | None,
    options: SolveOptions,
    seconds: float,
    clock: _Clock,
    grace: float = 0.0,
) -> Roster | None:
    """The whole horizon's first roster on the hard rules alone, or None if ``seconds`` (and
    ``grace`` more) pass first; raises InfeasibleRosterError (with its explanation) if no
    roster meets them."""
    if seconds < 1.0:
        return None
    clock.used(seconds + grace)
    first_options = dataclasses.replace(
        options, time_limit_seconds=seconds, decompose=False, cover_bound=False,
        first_roster_grace_seconds=grace,
        extra_parameters={**options.extra_parameters, "stop_after_first_solution": True},
    )  # fmt: skip
    try:
        return solve_roster(problem, _hard_only(config), first_options).roster
    except InfeasibleRosterError as error:
        if not error.timed_out:  # proved: no roster meets the hard rules
            raise
        return None


class _Clock:
    """Wall-clock time, or (deterministic) the time limits handed out so far, so that the
    windows' budgets do not depend on how fast the machine is."""

    def __init__(self, deterministic: bool, started: float, spent: float) -> None:
        self.deterministic = deterministic
        self.spent = spent
        self._start = started

    def __call__(self) -> float:
        return self._start + self.spent if self.deterministic else time.perf_counter()

    def used(self, seconds: float) -> None:
        self.spent += seconds


def _solve_by_windows(
    ctx: ModelContext,
    config: RuleConfig | None,
    options: SolveOptions,
    started: float,
    relaxed: float,
    on_progress: Callable[[SolveProgress], None] | None,
) -> tuple[RosterSolution | None, Roster | None]:
    """The roster built and improved window by window (windows.py), scored by the full model
    with every officer-day fixed. (None, roster) when the windows' roster breaks a hard rule
    of the whole (a rule averaged over the horizon): the caller solves the full model from it;
    (None, None) when the windows found no roster."""
    problem = ctx.problem
    settings = windows.window_settings(problem)
    clock = _Clock(options.deterministic, started, _relaxation_budget(options))
    deadline = started + options.time_limit_seconds
    # keep back time to score the roster in the full model (presolve of a fixed model)
    reserve = min(30.0, 0.1 * options.time_limit_seconds)
    progress = _Progress(on_progress, relaxed)

    def run(sub: RosterProblem, sub_config: RuleConfig, seconds: float, hint, grace: float):
        clock.used(seconds + grace)
        sub_options = dataclasses.replace(
            options, time_limit_seconds=seconds, hint=hint, lns=False, decompose=False,
            explain_infeasible=False, first_roster_grace_seconds=grace,
        )  # fmt: skip
        return solve_roster(sub, sub_config, sub_options).roster

    def solve(sub: RosterProblem, sub_config: RuleConfig, seconds: float, hint) -> Roster:
        if hint is not None:
            return run(sub, sub_config, seconds, hint, 0.0)
        try:
            return run(sub, sub_config, seconds / 2, None, 0.0)
        except InfeasibleRosterError:
            # No roster yet: the hard rules alone find one in seconds where the objective can
            # take minutes (a year's last window); then optimise from it. However short the
            # window's share of the time, its first roster gets WINDOW_GRACE_SECONDS: without
            # one the pass fails (Instance23 at 120 s: no roster at all, its first window
            # having 3 s), as the whole model gets first_roster_grace_seconds.
            grace = max(seconds, WINDOW_GRACE_SECONDS)
            first = run(sub, _hard_only(sub_config), seconds / 4, None, grace)
            try:
                return run(sub, sub_config, seconds / 4, first, 0.0)
            except InfeasibleRosterError:  # no time to optimise it: the first roster serves
                return first

    # The whole horizon on the hard rules alone, when it should find a roster in a share of
    # the time: a tightly staffed horizon gets its first roster this way (Curtois Instance21:
    # in 69-170 s), where the windows' forward pass finds none (what one window leaves, a later
    # one cannot make up). A larger model would only take time from the forward pass
    # (Instance23's needs 216 s; its forward pass then ran short of time and failed).
    roster = None
    whole_stage = f"first roster: all {problem.days} days on the hard rules"
    rest = max(0.0, deadline - reserve - clock())
    if (
        windows.variables(problem)
        <= WHOLE_FIRST_VARIABLES_PER_SECOND * WHOLE_FIRST_FITS_SHARE * rest
    ):
        progress.enter(whole_stage)
        roster = _whole_first_roster(problem, config, options, WHOLE_FIRST_SHARE * rest, clock)
    if roster is None:
        forward_deadline = clock() + 0.5 * max(0.0, deadline - reserve - clock())
        progress.enter(f"first roster: window by window, day 1 of {problem.days}")

        def window_done(window: windows.Window) -> None:
            progress.enter(f"first roster: window by window, days 1-{window.end} of {problem.days}")

        roster = windows.forward_pass(
            problem, config, settings, solve, forward_deadline, clock, on_window=window_done
        )
    if roster is None:
        # neither yet: the rest of the time for the whole horizon's first roster, and (as the
        # whole model gets) first_roster_grace_seconds more if that is not enough
        progress.enter(whole_stage)
        roster = _whole_first_roster(
            problem, config, options, max(10.0, deadline - reserve - clock()), clock,
            grace=options.first_roster_grace_seconds,
        )  # fmt: skip
    if roster is None:
        return None, None
    if windows.breaches(problem, roster, config):
        return None, roster
    progress.enter("improving window by window")
    progress.report(roster_penalty(problem, roster).total, relaxed)
    roster = windows.improve(
        problem, config, settings, solve, roster, deadline - reserve, options.seed,
        step_seconds=min(20.0, max(2.0, options.time_limit_seconds / 120)),
        on_improve=lambda cost: progress.report(cost, relaxed), clock=clock,
    )  # fmt: skip
    solver = cp_model.CpSolver()
    configure(solver, dataclasses.replace(options, time_limit_seconds=max(reserve, 10.0)))
    solver.parameters.fix_variables_to_their_hinted_value = True
    ctx.model.clear_hints()
    _add_hint(ctx, roster)
    status = solver.solve(ctx.model)
    ctx.model.clear_hints()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, roster
    objective = round(solver.objective_value) if ctx.penalties else 0
    bound = float(math.ceil(relaxed - 1e-6)) if ctx.penalties else 0.0
    solution = _solution(ctx, solver, objective, bound, objective <= bound, started, progress)
    return solution, roster


def _first_solve(
    ctx: ModelContext,
    options: SolveOptions,
    seconds: float,
    progress: _Progress,
    share: float | None,
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """The full model for ``seconds`` or (``share`` given) until it stalls after ``share``
    seconds; then, if there is no roster at all, the grace search for a first one."""
    solver = cp_model.CpSolver()
    configure(solver, dataclasses.replace(options, time_limit_seconds=seconds))
    done = threading.Event()
    if share is not None and share < seconds:
        quiet = _lns_settings(options).step_seconds
        watch = threading.Thread(
            target=_watch, args=(solver, progress, share, quiet, done), daemon=True
        )
        watch.start()
    try:
        status = solver.solve(ctx.model, progress)
    finally:
        done.set()
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
    share: float,
    quiet: float,
    done: threading.Event,
) -> None:
    """Stop the full-model search once it stalls (``_Progress.stalled``)."""
    while not done.wait(0.1):
        if progress.stalled(share, quiet):
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
