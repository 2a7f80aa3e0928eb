"""Long horizons through the windows (windows.py): the first roster, the improvement, and the
roster scored by the full model.

``solve_roster`` hands a horizon here when it is too large for one model
(``windows.should_decompose``), or when one model has found no roster in its share of the
time (``solve.WINDOWS_FALLBACK_SHARE``). The windows' own sub-problems are solved by
``solve.solve_roster`` again, as ordinary problems.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ortools.sat.python import cp_model

from forceplan.errors import InfeasibleRosterError
from forceplan.roster import colgen, hints, response, windows
from forceplan.roster import solve as engine
from forceplan.roster.checker_penalty import roster_penalty
from forceplan.roster.lns import Incumbent, LnsSearch
from forceplan.roster.model import ModelContext, RuleConfig, build_model
from forceplan.roster.problem import Roster, RosterProblem

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
#: The forward pass may use this share of the windows' time; a window that finds a roster with
#: the objective stops at half its time, so the pass often ends sooner and leaves the rest to
#: the improvement.
FORWARD_SHARE = 0.35
#: The windows' first roster is improved by the large-neighbourhood search over the full model
#: (lns.py) when it has at most this many officer-day-tour variables, else window by window.
#: Each of the search's steps solves the full model with most of it fixed, so its presolve
#: grows with the model. From one first roster each, 300 s on two cores: Instance21 (100,646
#: variables, 268,133) the search 23,170-23,924, windows 28,752; Instance23 (369,096,
#: 162,257) the search 51,514 (its first gain at 40 s), windows 44,151.
FULL_MODEL_SEARCH_VARIABLES = 200_000
#: Best responses (response.py) take at most this share of the improvement's time, the
#: windows the rest. On Instance23 at 600 s, where best responses gave way at 346 s (their
#: cost falling by under 1% a quarter of their time), the windows cut 34,071 to 28,182 in
#: 220 s; where they ran to the end, the result was 31,678.
RESPONSE_SHARE = 0.45
#: The search's steps on a long horizon (s), at most the one model's (solve._lns_settings):
#: on Instance21, 1.5 s steps 23,170, 2.5 s 23,924, 5 s 27,178.
LNS_STEP_SECONDS = 2.0


def _hard_only(config: RuleConfig | None) -> RuleConfig:
    """``config`` with its soft rules switched off."""
    config = config or RuleConfig()
    return dataclasses.replace(
        config, only=frozenset(r.name for r in config.active() if r.kind == "hard")
    )


def _whole_first_roster(
    problem: RosterProblem,
    config: RuleConfig | None,
    options: engine.SolveOptions,
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
        return engine.solve_roster(problem, _hard_only(config), first_options).roster
    except InfeasibleRosterError as error:
        if not error.timed_out:  # proved: no roster meets the hard rules
            raise
        return None


#: Each officer's own first roster (officer_by_officer) may take at most this long.
OFFICER_FIRST_SECONDS = 10.0


def _officer_by_officer(
    problem: RosterProblem,
    config: RuleConfig | None,
    options: engine.SolveOptions,
    deadline: float,
    on_officer: Callable[[int], None] | None = None,
) -> Roster | None:
    """The whole horizon's first roster on the hard rules, each officer alone: where every
    hard rule concerns one officer (colgen.applies), any rosters that each meet their own
    officer's rules make a roster of the unit. None if some officer has none by ``deadline``
    (or in OFFICER_FIRST_SECONDS), or none at all: the unit's model then finds or explains it.

    One officer's model is a small fraction of the unit's, and CP-SAT finds a roster for it in
    a fraction of a second on two workers (on one, some officers had none in 5 s). Officers
    are solved ``options.workers`` at a time: Curtois Instance21 (182 days, 100 staff) 4 s in
    all, where the unit's model took 69-170 s; a year of 150 staff and 32 tours 54 s (98 s
    one at a time), where the forward pass took 170-210 s."""
    hard = _hard_only(config)

    def alone(officer) -> dict[int, str | None] | None:
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        ctx = build_model(colgen.alone(problem, officer), hard)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = min(2, max(1, options.workers))
        solver.parameters.random_seed = options.seed
        solver.parameters.max_time_in_seconds = min(left, OFFICER_FIRST_SECONDS)
        if solver.solve(ctx.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        return hints.read_roster(ctx, solver)[officer.id]

    roster: Roster = {}
    with ThreadPoolExecutor(max(1, options.workers)) as pool:
        found = pool.map(alone, problem.officers)
        for n, (officer, days) in enumerate(zip(problem.officers, found, strict=True)):
            if days is None:
                pool.shutdown(wait=False, cancel_futures=True)
                return None
            roster[officer.id] = days
            if on_officer is not None:
                on_officer(n + 1)
    return roster


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


#: Time kept back to score the windows' roster in the full model (every variable fixed, so
#: mostly presolve) and explain it: SCORING_SECONDS plus SCORING_SECONDS_PER_MILLION a million
#: officer-day-tour variables, at most 30 s or a tenth of the limit. Measured at 600 s on two
#: cores: under 1 s for 117,208 variables, about 12 s for 1,102,920. A flat 30 s had left
#: the improvement idle for the last 5% of the time on all but the largest.
SCORING_SECONDS = 3.0
SCORING_SECONDS_PER_MILLION = 20.0


def scoring_reserve(problem: RosterProblem, time_limit: float) -> float:
    """Seconds kept back from the windows to score their roster in the full model."""
    size = windows.variables(problem) / 1e6
    wanted = SCORING_SECONDS + SCORING_SECONDS_PER_MILLION * size
    return min(wanted, 30.0, 0.1 * time_limit)


def by_windows(
    ctx: ModelContext,
    config: RuleConfig | None,
    options: engine.SolveOptions,
    started: float,
    relaxed: float,
    on_progress: Callable[[engine.SolveProgress], None] | None,
) -> engine.RosterSolution | Roster:
    """The roster built and improved window by window (windows.py), scored by the full model
    with every officer-day fixed; or, when it breaks a hard rule of the whole (a rule averaged
    over the horizon), that roster, hinted in ``ctx`` for the full model to start from. Raises
    a timed-out InfeasibleRosterError when the windows found no roster."""
    problem = ctx.problem
    settings = windows.window_settings(problem)
    clock = _Clock(options.deterministic, started, engine._relaxation_budget(options))
    deadline = started + options.time_limit_seconds
    reserve = scoring_reserve(problem, options.time_limit_seconds)
    progress = engine._Progress(on_progress, relaxed, started)

    def run(sub: RosterProblem, sub_config: RuleConfig, seconds: float, hint, grace: float):
        clock.used(seconds + grace)
        # a hinted window (an improvement step, or a forward window optimised from its roster
        # on the hard rules) is read only for its roster and runs to its time limit: the
        # cover relaxation's bound and the explanation would only take its time (0.15 s of a
        # 2.5 s step on Instance23)
        stepping = hint is not None
        sub_options = dataclasses.replace(
            options, time_limit_seconds=seconds, hint=hint, lns=False, decompose=False,
            explain_infeasible=False, first_roster_grace_seconds=grace, column_generation=False,
            explain=not stepping, cover_bound=options.cover_bound and not stepping,
            weekend_bound=False,
        )  # fmt: skip
        return engine.solve_roster(sub, sub_config, sub_options).roster

    # where best responses follow, the forward pass's windows keep to the hard rules: best
    # responses mend cover far faster than the windows' objective does (Instance23: a pass of
    # 32 s, not 174 s, and best responses had it at 35,894 by 220 s; 24,537 at 600 s, against
    # 25,536-27,423)
    responds = improves_by_responses(problem, config, options)

    def on_hard_rules(sub: RosterProblem, sub_config: RuleConfig, seconds: float) -> Roster:
        """The window's first roster on the hard rules alone, however short its share of the
        time given WINDOW_GRACE_SECONDS: without one the pass fails (Instance23 at 120 s: no
        roster at all, its first window having 3 s), as the whole model gets
        first_roster_grace_seconds."""
        grace = max(seconds, WINDOW_GRACE_SECONDS)
        return run(sub, _hard_only(sub_config), seconds / 4, None, grace)

    def solve(sub: RosterProblem, sub_config: RuleConfig, seconds: float, hint) -> Roster:
        if hint is not None:
            return run(sub, sub_config, seconds, hint, 0.0)
        if responds:
            return on_hard_rules(sub, sub_config, seconds)
        try:
            return run(sub, sub_config, seconds / 2, None, 0.0)
        except InfeasibleRosterError:
            # No roster yet: the hard rules alone find one in seconds where the objective can
            # take minutes (a year's last window); then optimise from it.
            first = on_hard_rules(sub, sub_config, seconds)
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
    fits = (
        windows.variables(problem)
        <= WHOLE_FIRST_VARIABLES_PER_SECOND * WHOLE_FIRST_FITS_SHARE * rest
    )  # fmt: skip
    if (fits or responds) and not options.deterministic and colgen.applies(problem, config):
        # where the whole horizon on the hard rules would be tried, or the forward pass keeps
        # to them, each officer's own first roster is far faster
        officers = len(problem.officers)
        progress.enter(f"first roster: officer 1 of {officers} on the hard rules")

        def officer_done(n: int) -> None:
            progress.enter(f"first roster: officer {n} of {officers} on the hard rules")

        until = time.perf_counter() + WHOLE_FIRST_SHARE * rest
        roster = _officer_by_officer(problem, config, options, until, officer_done)
    if roster is None and fits:
        progress.enter(whole_stage)
        roster = _whole_first_roster(problem, config, options, WHOLE_FIRST_SHARE * rest, clock)
    if roster is None:
        forward_deadline = clock() + FORWARD_SHARE * max(0.0, deadline - reserve - clock())
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
    if roster is None:  # the whole horizon had the rest of the time and the grace
        raise InfeasibleRosterError(
            f"No roster found within {options.time_limit_seconds:g} s and "
            f"{options.first_roster_grace_seconds:g} s more: neither the windows nor the "
            "whole horizon on the hard rules alone found one.",
            [],
            hint="Give the solver more time (--time-limit): a long horizon of a large "
            "unit can need minutes for its first roster.",
            timed_out=True,
        )
    if windows.breaches(problem, roster, config):
        return _start_from(ctx, roster)
    return _improve(ctx, config, options, roster, solve, started, deadline - reserve, relaxed,
                    progress, clock, reserve, responds)  # fmt: skip


def searches_full_model(problem: RosterProblem, options: engine.SolveOptions) -> bool:
    """Whether the windows' first roster is improved by the large-neighbourhood search over the
    full model (lns.py) rather than window by window: by default when the full model has at
    most FULL_MODEL_SEARCH_VARIABLES variables; ``options.lns`` True or False decides instead,
    and deterministic mode keeps the windows (the search's steps end on the wall clock)."""
    if options.deterministic:
        return False
    if options.lns is None:
        return windows.variables(problem) <= FULL_MODEL_SEARCH_VARIABLES
    return options.lns


def improves_by_responses(
    problem: RosterProblem, config: RuleConfig | None, options: engine.SolveOptions
) -> bool:
    """Whether best responses (response.py) improve the windows' first roster: where every
    rule but cover concerns one officer and the full model's search does not go (on the
    held-back Instance22's stand-in, 117,208 variables, best responses then the search gave
    23,246 at 600 s, the search alone 22,933), and not in deterministic mode."""
    return (
        not searches_full_model(problem, options)
        and not options.deterministic
        and colgen.applies(problem, config)
    )


def _improve(
    ctx: ModelContext,
    config: RuleConfig | None,
    options: engine.SolveOptions,
    roster: Roster,
    solve: windows.SolveWindow,
    started: float,
    deadline: float,
    relaxed: float,
    progress: engine._Progress,
    clock: _Clock,
    reserve: float,
    responds: bool,
) -> engine.RosterSolution | Roster:
    """The windows' first roster (which meets every hard rule) improved until ``deadline``
    (first by best responses if ``responds``: improves_by_responses, decided once with the
    forward pass) and scored by the full model; or, if the full model cannot score it in
    time, that roster hinted in ``ctx``."""
    problem = ctx.problem
    full = searches_full_model(problem, options)
    by_windows = "improving window by window"
    first = "a few officers or days at a time" if full else by_windows
    progress.enter("improving officer by officer" if responds else first)
    progress.report(roster_penalty(problem, roster).total, relaxed)
    if responds:
        # best responses first (a step takes a fraction of a second where a window takes
        # several), for RESPONSE_SHARE of the time; from their plateau the windows, which
        # move officers together, cut the cost faster
        until = time.perf_counter() + RESPONSE_SHARE * (deadline - time.perf_counter())
        roster = response.improve(
            problem, config, roster, until, options.workers, options.seed,
            on_improve=lambda cost: progress.report(cost, relaxed), on_stage=progress.enter,
        )  # fmt: skip
    if not full:
        if responds:
            progress.enter(by_windows)
        roster = windows.improve(
            problem, config, windows.window_settings(problem), solve, roster, deadline,
            options.seed, step_seconds=min(20.0, max(2.0, options.time_limit_seconds / 120)),
            on_improve=lambda cost: progress.report(cost, relaxed), clock=clock,
        )  # fmt: skip
    # the full model holds the roster (mostly presolve: about 1 s for Instance21's 100,646
    # variables): the windows' result scored, or the search's start
    solver = _scored(ctx, roster, max(reserve, 10.0))
    if solver is None:
        return _start_from(ctx, roster)
    if full:
        # a few officers or days at a time around it, as the one-model route does after its
        # first roster
        settings = engine._lns_settings(options)
        settings = dataclasses.replace(
            settings, whole_roster=False,
            step_seconds=min(LNS_STEP_SECONDS, settings.step_seconds),
        )  # fmt: skip
        search = LnsSearch(ctx, Incumbent.of(solver), relaxed, settings)
        solver = search.run(deadline, progress.report).solver
    objective = round(solver.objective_value) if ctx.penalties else 0
    bound = float(math.ceil(relaxed - 1e-6)) if ctx.penalties else 0.0
    optimal = objective <= bound
    return engine._solution(ctx, solver, objective, bound, optimal, started, progress)


def _scored(ctx: ModelContext, roster: Roster, seconds: float) -> cp_model.CpSolver | None:
    """The full model's solver holding ``roster`` (every officer-day fixed), or None if it
    could not score it in ``seconds``."""
    _start_from(ctx, roster)
    solver = hints.solve_hinted(ctx, seconds)
    ctx.model.clear_hints()
    return solver


def _start_from(ctx: ModelContext, roster: Roster) -> Roster:
    """``roster`` hinted in ``ctx`` (and returned), for the full model to start from."""
    ctx.model.clear_hints()
    hints.add_hint(ctx, roster)
    return roster
