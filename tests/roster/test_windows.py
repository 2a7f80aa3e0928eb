"""Long horizons solved window by window (roster/windows.py): windows are sound (any roster of a
window splices into a roster of the whole), the incumbent always fits its window, the forward
pass and the improvement give rosters the checker passes, and solve_roster reports the same
objective as the independent penalty."""

from __future__ import annotations

import dataclasses
import random

import pytest
from ortools.sat.python import cp_model

from forceplan.roster import windowed, windows
from forceplan.roster.checker import check_roster, roster_penalty
from forceplan.roster.curtois import BENCHMARK_RULES
from forceplan.roster.model import RuleConfig
from forceplan.roster.problem import (
    NO_LIMITS,
    Cover,
    Officer,
    Request,
    RosterProblem,
    RuleSettings,
    Tour,
)
from forceplan.roster.solve import SolveOptions, solve_roster

DAYS = 56
SETTINGS = windows.WindowSettings(width=14, lookback=6, lookahead=7)


def long_problem(seed: int = 1, first_weekday: int = 0) -> RosterProblem:
    """Eight officers over eight weeks with the Curtois & Qu rules: tight minutes bands, runs
    of days on and off, weekends, days off (one officer's clustered), requests and cover."""
    rng = random.Random(seed)
    tours = (
        Tour("D", 480, cannot_follow=frozenset()),
        Tour("L", 600, cannot_follow=frozenset({"D"})),
        Tour("N", 480, cannot_follow=frozenset({"D", "L"})),
    )
    officers, days_off, requests = [], {}, []
    for k in range(8):
        oid = f"O{k}"
        officers.append(
            Officer(oid, max_tours={"D": DAYS, "L": DAYS, "N": 12 if k % 2 else 0},
                    max_total_minutes=18_000, min_total_minutes=16_800, max_consecutive_days=5,
                    min_consecutive_days=2, min_consecutive_days_off=2, max_weekends=5)
        )  # fmt: skip
        off = set(range(16, 26)) if k == 0 else set(rng.sample(range(DAYS), 4))
        days_off[oid] = frozenset(off)
        for _ in range(10):
            day = rng.randrange(DAYS)
            requests.append(Request(oid, day, rng.choice(["D", "L", None]), rng.randint(1, 3),
                                    on=rng.random() < 0.5))  # fmt: skip
    covers = tuple(
        Cover(f"{d}-{t.code}", ((d, t.code),), requirement=2 if t.code != "N" else 1,
              weight_under=100, weight_over=1)
        for d in range(DAYS)
        for t in tours
    )  # fmt: skip
    return RosterProblem(
        days=DAYS, tours=tours, officers=tuple(officers), covers=covers,
        requests=tuple(requests), days_off=days_off, settings=NO_LIMITS,
        first_weekday=first_weekday, name="long",
    )  # fmt: skip


def _solve(sub, config, seconds, hint):
    return solve_roster(
        sub, config, SolveOptions(time_limit_seconds=seconds, hint=hint, decompose=False,
                                  explain_infeasible=False, cover_bound=False,
                                  first_roster_grace_seconds=0 if hint else 10,
                                  column_generation=False)
    ).roster  # fmt: skip


@pytest.fixture(scope="module")
def problem() -> RosterProblem:
    return long_problem()


@pytest.fixture(autouse=True)
def no_officer_first(monkeypatch):
    """The routes below are what a unit gets when the first roster cannot be made officer by
    officer (an officer with none in time, or rules that tie officers together):
    tests/roster/test_officer_first.py tests that route itself."""
    monkeypatch.setattr(windowed, "_officer_by_officer", lambda *args, **kwargs: None)


@pytest.fixture(scope="module")
def whole(problem) -> dict:
    """A roster of the whole horizon from the full model."""
    options = SolveOptions(time_limit_seconds=4, column_generation=False)
    return solve_roster(problem, BENCHMARK_RULES, options).roster


@pytest.mark.parametrize("first_weekday", range(7))
def test_a_window_never_splits_a_weekend(first_weekday):
    problem = long_problem(first_weekday=first_weekday)
    for start in range(0, DAYS, 3):
        window = windows.plan_window(problem, start, min(DAYS, start + 10), 6, 7)
        assert window.first <= start and window.last >= min(DAYS, start + 10)
        assert window.first == 0 or problem.weekday(window.first) != 6
        assert window.last == DAYS or problem.weekday(window.last) != 6


@pytest.mark.parametrize("history", [4, 5])
def test_a_window_sees_just_enough_history_to_keep_a_run_within_its_limit(history):
    """An officer has worked the five days before the window, the most in a row; a short cover
    on the window's first day pays for a sixth. With five days of history the window keeps
    that day off; with four it cannot see the run, and the whole breaks the rule. The
    windows' own history (window_settings) is at least the five."""
    tour = Tour("D", 480)
    officer = Officer("A", max_consecutive_days=5)
    problem = RosterProblem(
        days=14, tours=(tour,), officers=(officer,), settings=NO_LIMITS,
        covers=(Cover("5-D", ((5, "D"),), requirement=1, weight_under=100),),
    )  # fmt: skip
    roster = {"A": {d: ("D" if d < 5 else None) for d in range(14)}}
    window = windows.plan_window(problem, 5, 9, history, history)
    sub = windows.sub_problem(problem, roster, window, fix_after=True)
    config = windows.with_fixed_days(BENCHMARK_RULES)
    solved = _solve(sub, config, 5, None)
    spliced = {"A": dict(roster["A"])}
    windows._splice(spliced, solved, window)
    runs = [b.rule for b in check_roster(problem, spliced)]
    assert windows.window_settings(problem).lookback >= 5
    if history >= 5:
        assert spliced["A"][5] is None and runs == []
    else:
        assert spliced["A"][5] == "D" and "max_consecutive_days" in runs


@pytest.mark.parametrize("start", [0, 7, 17, 30, 42])
def test_the_incumbent_fits_its_window_and_any_window_roster_fits_the_whole(problem, whole, start):
    """With both sides fixed and the totals exact, the incumbent is a roster of the window
    (so improving a window can never lose it) and a different roster of the window, spliced
    back, is a roster of the whole horizon."""
    assert not check_roster(problem, whole)
    window = windows.plan_window(problem, start, min(DAYS, start + 14), 6, 6)
    sub = windows.sub_problem(problem, whole, window, fix_after=True)
    inside = {o: {d - window.first: c for d, c in days.items() if window.first <= d < window.last}
              for o, days in whole.items()}  # fmt: skip
    assert check_roster(sub, inside) == []
    # a roster of the window that ignores the objective (the hard rules only)
    hard = RuleConfig(only=frozenset(windows.with_fixed_days(BENCHMARK_RULES).only)
                      - {"cover", "requests"})  # fmt: skip
    other = _solve(sub, hard, 3, None)
    spliced = {o: dict(days) for o, days in whole.items()}
    for officer_id, days in spliced.items():
        for d in range(window.start, window.end):
            days[d] = other[officer_id].get(d - window.first)
    assert check_roster(problem, spliced) == []


def test_pro_rated_minima_follow_each_officers_availability(problem):
    """The forward pass asks less of an officer whose days off fall in the window."""
    window = windows.plan_window(problem, 14, 28, 6, 7)
    sub = windows.sub_problem(problem, {}, window, fix_after=False)
    clustered, other = sub.officers[0], sub.officers[1]
    assert clustered.min_total_minutes < other.min_total_minutes
    assert clustered.max_total_minutes < other.max_total_minutes
    # never behind the share; the retry lets officers fall a week behind
    loose = windows.sub_problem(problem, {}, window, fix_after=False, loose=True)
    for strict, retry in zip(sub.officers, loose.officers, strict=True):
        assert 0 < retry.min_total_minutes < strict.min_total_minutes
        assert retry.max_total_minutes == strict.max_total_minutes
    whole = sum(1 for d in range(DAYS) if d not in problem.days_off["O1"])
    share = sum(1 for d in range(window.last) if d not in problem.days_off["O1"]) / whole
    assert other.min_total_minutes == int(16_800 * share)


def test_the_forward_pass_and_the_improvement_give_rosters_the_checker_passes(problem):
    import time

    seen = []
    roster = windows.forward_pass(problem, BENCHMARK_RULES, SETTINGS, _solve,
                                  time.perf_counter() + 12, on_window=seen.append)  # fmt: skip
    assert roster is not None
    assert [w.start for w in seen] == [0, 14]  # the last window takes the last six weeks
    assert all(len(days) == DAYS for days in roster.values())
    assert check_roster(problem, roster) == []
    before = roster_penalty(problem, roster).total
    reported = []
    better = windows.improve(problem, BENCHMARK_RULES, SETTINGS, _solve, roster,
                             time.perf_counter() + 6, step_seconds=1.5,
                             on_improve=reported.append)  # fmt: skip
    after = roster_penalty(problem, better).total
    assert after <= before
    assert check_roster(problem, better) == []
    assert reported == sorted(reported, reverse=True) and all(r < before for r in reported)
    if reported:
        assert reported[-1] == after


def test_the_improvement_tries_each_neighbourhood_at_its_size(problem, whole):
    """Each neighbourhood is tried once first, in order, with the officers and days it names:
    a few officers over the whole horizon, then every officer over the shortest window and
    twice it, half over three times it, a quarter over four times it (each window with
    ``lookback`` days either side)."""
    import time

    shortest = windows.short_window(problem, SETTINGS)
    assert shortest == 7  # a small unit: half a forward window, at most
    seen = []

    def recording(sub, config, seconds, hint):
        seen.append((len(sub.officers), sub.days, seconds))
        return _solve(sub, config, seconds, hint)

    windows.improve(problem, BENCHMARK_RULES, SETTINGS, recording, whole,
                    time.perf_counter() + 20, step_seconds=1.5)  # fmt: skip
    assert len(seen) >= len(windows.NEIGHBOURHOODS)
    officers = [n for n, _, _ in seen[:5]]
    assert officers == [2, 8, 8, 4, 2]
    lengths = [days for _, days, _ in seen[:5]]
    assert lengths[0] == DAYS
    for (_, length), days in zip(windows.NEIGHBOURHOODS[1:], lengths[1:], strict=True):
        kept = round(shortest * length)
        assert kept < days <= kept + 2 * SETTINGS.lookback + 2  # a weekend may widen it a day
    assert all(seconds <= 1.5 for _, _, seconds in seen)


def test_the_neighbourhood_cutting_the_cost_fastest_lately_is_chosen(monkeypatch):
    monkeypatch.setattr(windows, "NEIGHBOURHOOD_EXPLORE", 0.0)
    rates = windows._Rates(3, random.Random(0))
    for kind, gain in ((0, 10), (1, 100), (2, 0)):
        assert rates.choose() == kind  # each is tried once, in order
        rates.record(kind, gain, 1.0)
    assert rates.choose() == 1
    # the fast one stops cutting: discounted, its early gain fades below the steady one's rate
    for _ in range(12):
        rates.record(1, 0, 1.0)
    assert rates.choose() == 0
    # exploring, every neighbourhood is still tried now and then
    monkeypatch.setattr(windows, "NEIGHBOURHOOD_EXPLORE", 1.0)
    assert {rates.choose() for _ in range(100)} == {0, 1, 2}


def test_solve_roster_by_windows_reports_the_checkers_objective(problem, monkeypatch):
    monkeypatch.setattr(windows, "WINDOW_VARIABLES", 24 * 14)  # two-week windows
    assert windows.window_settings(problem).width == 14
    progress = []
    solution = solve_roster(problem, BENCHMARK_RULES,
                            SolveOptions(time_limit_seconds=12, decompose=True),
                            progress.append)  # fmt: skip
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total
    assert solution.explanation.total == solution.objective
    assert 0 < solution.bound <= solution.objective
    assert progress and progress[-1].objective == solution.objective


def test_only_large_horizons_with_a_windowable_objective_are_decomposed():
    tours = tuple(Tour(f"T{k}", 480) for k in range(16))
    officers = tuple(Officer(f"O{k}") for k in range(100))
    year = RosterProblem(days=364, tours=tours, officers=officers, settings=NO_LIMITS)
    assert windows.should_decompose(year, BENCHMARK_RULES)
    # the police rules have fatigue and fairness terms the windows cannot compare whole
    assert not windows.should_decompose(year, RuleConfig())
    # a re-weighted soft rule: the penalty would not be the model's objective
    assert not windows.should_decompose(
        year, RuleConfig(only=BENCHMARK_RULES.only, weights={"cover": 2})
    )
    month = RosterProblem(days=28, tours=tours, officers=officers, settings=NO_LIMITS)
    assert not windows.should_decompose(month, BENCHMARK_RULES)
    # half a year of 50 officers and 6 tours (the held-back Curtois Instance20's size): one
    # model found its first roster only at 437 s of 600 s; windows at 115 s (bench/RESULTS.md)
    half_year = RosterProblem(days=182, tours=tours[:6], officers=officers[:50],
                              settings=NO_LIMITS)  # fmt: skip
    assert windows.should_decompose(half_year, BENCHMARK_RULES)
    # twelve weeks of 40 officers and 5 tours (Curtois Instance19's size): one model
    twelve_weeks = RosterProblem(days=84, tours=tours[:5], officers=officers[:40],
                                 settings=NO_LIMITS)  # fmt: skip
    assert not windows.should_decompose(twelve_weeks, BENCHMARK_RULES)


def test_a_window_without_a_roster_is_merged_with_the_one_before(problem):
    """When the last window finds no roster, the window before it is undone and the two are
    solved as one; with no window left to undo the pass gives up."""
    import time

    from forceplan.errors import InfeasibleRosterError

    failures = []

    def fails_once_at_the_end(sub, config, seconds, hint):
        if sub.days + int(sub.name.split()[-1].split("-")[0]) == DAYS and not failures:
            failures.append(sub.name)
            raise InfeasibleRosterError("no roster", [])
        return _solve(sub, config, seconds, hint)

    seen = []
    roster = windows.forward_pass(problem, BENCHMARK_RULES, SETTINGS, fails_once_at_the_end,
                                  time.perf_counter() + 10, on_window=seen.append)  # fmt: skip
    assert failures == ["long days 8-55"]
    assert [(w.start, w.end) for w in seen] == [(0, 14), (0, DAYS)]
    assert roster is not None and check_roster(problem, roster) == []

    def never(sub, config, seconds, hint):
        raise InfeasibleRosterError("no roster", [])

    assert (
        windows.forward_pass(problem, BENCHMARK_RULES, SETTINGS, never, time.perf_counter() + 5)
        is None
    )


def _recording_improve(monkeypatch) -> list[int]:
    """Record the penalty of each roster the improvement starts from."""
    improved_from = []
    improve = windowed._improve

    def recording(ctx, config, options, roster, *args, **kwargs):
        improved_from.append(roster_penalty(ctx.problem, roster).total)
        return improve(ctx, config, options, roster, *args, **kwargs)

    monkeypatch.setattr(windowed, "_improve", recording)
    return improved_from


def _whole_first_times_out_once(monkeypatch) -> tuple[list[float], list[float]]:
    """Make the first whole-horizon try find nothing; record each try's seconds and grace."""

    tries, graces = [], []
    whole_first = windowed._whole_first_roster

    def times_out_first(problem, config, options, seconds, clock, **kwargs):
        tries.append(seconds)
        graces.append(kwargs.get("grace", 0.0))
        if len(tries) == 1:
            return None
        return whole_first(problem, config, options, seconds, clock, **kwargs)

    monkeypatch.setattr(windowed, "_whole_first_roster", times_out_first)
    return tries, graces


def test_the_whole_horizon_on_the_hard_rules_gives_the_first_roster_when_it_can(
    problem, monkeypatch
):
    # a tightly staffed horizon: what one window leaves a later one cannot make up (Curtois
    # Instance21); the whole horizon on the hard rules alone still has a roster to improve
    passes = []
    monkeypatch.setattr(windows, "forward_pass", lambda *args, **kwargs: passes.append(1))
    improved_from = _recording_improve(monkeypatch)
    solution = solve_roster(problem, BENCHMARK_RULES,
                            SolveOptions(time_limit_seconds=12, decompose=True))  # fmt: skip
    assert passes == []  # the forward pass was not needed
    assert len(improved_from) == 1
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total
    assert solution.objective <= improved_from[0]


def test_when_the_whole_horizon_has_no_roster_in_its_share_the_windows_give_one(
    problem, monkeypatch
):

    tries, _ = _whole_first_times_out_once(monkeypatch)
    passes = []
    forward_pass = windows.forward_pass

    def recording_pass(*args, **kwargs):
        passes.append(forward_pass(*args, **kwargs))
        return passes[-1]

    monkeypatch.setattr(windows, "forward_pass", recording_pass)
    improved_from = _recording_improve(monkeypatch)
    solution = solve_roster(problem, BENCHMARK_RULES,
                            SolveOptions(time_limit_seconds=12, decompose=True))  # fmt: skip
    # a share of the time (less the reserve for scoring) went to the whole horizon first: more
    # than the share its size had to fit (its time varies with the seed), at most its own
    assert len(tries) == 1
    fits, most = windowed.WHOLE_FIRST_FITS_SHARE, windowed.WHOLE_FIRST_SHARE
    assert fits * 12 < tries[0] <= most * 12
    assert len(passes) == 1 and passes[0] is not None
    assert improved_from == [roster_penalty(problem, passes[0]).total]
    assert check_roster(problem, solution.roster) == []
    assert solution.objective <= improved_from[0]


def test_a_whole_horizon_too_large_for_its_share_is_not_tried_first(problem, monkeypatch):

    tries = []
    monkeypatch.setattr(windowed, "_whole_first_roster",
                        lambda *args: tries.append(args[3]))  # fmt: skip
    # as if the model were far larger than its share of the time could solve
    monkeypatch.setattr(windowed, "WHOLE_FIRST_VARIABLES_PER_SECOND", 0.0)
    improved_from = _recording_improve(monkeypatch)
    solution = solve_roster(problem, BENCHMARK_RULES,
                            SolveOptions(time_limit_seconds=12, decompose=True))  # fmt: skip
    assert tries == []  # the forward pass found the roster; the whole was never tried
    assert len(improved_from) == 1
    assert check_roster(problem, solution.roster) == []


def test_when_neither_finds_a_roster_the_whole_horizon_has_the_rest_of_the_time(
    problem, monkeypatch
):
    tries, graces = _whole_first_times_out_once(monkeypatch)
    monkeypatch.setattr(windows, "forward_pass", lambda *args, **kwargs: None)
    improved_from = _recording_improve(monkeypatch)
    solution = solve_roster(problem, BENCHMARK_RULES,
                            SolveOptions(time_limit_seconds=12, decompose=True))  # fmt: skip
    assert len(tries) == 2 and tries[1] > tries[0]
    # the first try leaves time for the windows; the last has the grace the whole model has
    assert graces == [0.0, SolveOptions().first_roster_grace_seconds]
    assert len(improved_from) == 1
    assert check_roster(problem, solution.roster) == []


def test_when_nothing_finds_a_roster_the_error_says_so_without_solving_again(problem, monkeypatch):
    import forceplan.roster.solve as solve_module
    from forceplan.errors import InfeasibleRosterError

    monkeypatch.setattr(windowed, "_whole_first_roster", lambda *args, **kwargs: None)
    monkeypatch.setattr(windows, "forward_pass", lambda *args, **kwargs: None)
    full_model = []
    monkeypatch.setattr(solve_module, "_first_solve", lambda *args: full_model.append(args))
    with pytest.raises(InfeasibleRosterError) as raised:
        solve_roster(problem, BENCHMARK_RULES, SolveOptions(time_limit_seconds=6, decompose=True))
    assert raised.value.timed_out
    assert "windows" in raised.value.message and "--time-limit" in raised.value.hint
    assert full_model == []  # the whole horizon already had the rest of the time and the grace


def _full_model_gives_up_once(monkeypatch) -> list:
    """Make the first full-model solve stop with no roster, as if ``give_up`` had passed;
    record each call's problem name and ``give_up``."""
    import forceplan.roster.solve as solve_module

    calls = []
    first_solve = solve_module._first_solve

    def gives_up(ctx, options, seconds, progress, share, give_up=None, latest=None):
        calls.append((ctx.problem.name, give_up))
        if len(calls) == 1 and give_up is not None:
            progress.gave_up = True
            return cp_model.CpSolver(), cp_model.UNKNOWN
        return first_solve(ctx, options, seconds, progress, share, give_up, latest)

    monkeypatch.setattr(solve_module, "_first_solve", gives_up)
    return calls


def test_a_long_horizon_whose_one_model_has_no_roster_in_time_goes_to_the_windows(
    problem, monkeypatch
):
    """Half a year of 50 staff found its first roster from one model only at 437 s of 600;
    the windows had one at 115 s. Below the size that goes straight to windows, one model is
    tried first and gives up after WINDOWS_FALLBACK_SHARE of the time without a roster."""
    import forceplan.roster.solve as solve_module

    monkeypatch.setattr(windows, "WINDOW_VARIABLES", 24 * 14)  # two-week windows
    assert windows.could_decompose(problem, BENCHMARK_RULES)
    assert not windows.should_decompose(problem, BENCHMARK_RULES)
    calls = _full_model_gives_up_once(monkeypatch)
    improved_from = _recording_improve(monkeypatch)
    options = SolveOptions(time_limit_seconds=12, column_generation=False)
    solution = solve_roster(problem, BENCHMARK_RULES, options)
    # one model was given a share of the time to find a roster; the windows' own solves
    # (and the whole horizon's on the hard rules) were not
    name, give_up = calls[0]
    assert name == problem.name and 0 < give_up <= solve_module.WINDOWS_FALLBACK_SHARE * 12
    assert len(calls) > 1 and all(give_up is None for _, give_up in calls[1:])
    assert len(improved_from) == 1
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total


def test_only_a_horizon_the_windows_could_take_gives_up_on_one_model(problem, monkeypatch):
    monkeypatch.setattr(windows, "WINDOW_VARIABLES", 24 * 14)
    calls = _full_model_gives_up_once(monkeypatch)
    improved_from = _recording_improve(monkeypatch)
    # told not to decompose; police rules (fatigue and fairness the windows cannot compare)
    options = SolveOptions(time_limit_seconds=2, decompose=False, column_generation=False)
    solve_roster(problem, BENCHMARK_RULES, options)
    police = dataclasses.replace(problem, settings=RuleSettings())
    solve_roster(police, RuleConfig(), SolveOptions(time_limit_seconds=2))
    assert [give_up for _, give_up in calls] == [None, None]
    assert improved_from == []


class Solver:
    """A stand-in for the CP-SAT solver ``_watch`` stops: counts the stops."""

    stopped = 0

    def stop_search(self):
        self.stopped += 1


def test_the_watch_gives_up_only_while_there_is_no_roster():
    import threading

    from forceplan.roster.solve import SolveProgress, _Progress, _watch

    solver, progress, done = Solver(), _Progress(None), threading.Event()
    _watch(solver, progress, None, 1.0, 0.0, done)  # returns once it gives up
    assert progress.gave_up and solver.stopped == 1
    solver, progress = Solver(), _Progress(None)
    progress.history.append(SolveProgress(0.0, 10.0, 0.0, 1))
    threading.Timer(0.5, done.set).start()
    _watch(solver, progress, None, 1.0, 0.0, done)  # a roster: runs until done
    assert not progress.gave_up and solver.stopped == 0


def test_the_full_model_hands_over_by_its_latest_share_once_it_has_a_roster():
    """A full model still finding small gains is stopped at ``latest`` seconds, stalled or not,
    but never before it has a roster (the search needs one to start from)."""
    import threading
    import time

    from forceplan.roster.solve import SolveProgress, _Progress, _watch

    solver, progress, done = Solver(), _Progress(None), threading.Event()
    progress.history.append(SolveProgress(0.0, 10.0, 0.0, 1))
    began = time.perf_counter()
    # not stalled (quiet is an hour), no give-up: only ``latest`` can stop it
    _watch(solver, progress, 0.0, 3600.0, None, done, latest=0.3)
    assert solver.stopped == 1 and 0.25 <= time.perf_counter() - began < 5.0
    solver, progress = Solver(), _Progress(None)  # no roster yet: runs until done
    threading.Timer(0.6, done.set).start()
    _watch(solver, progress, 0.0, 3600.0, None, done, latest=0.1)
    assert solver.stopped == 0


def test_progress_counts_from_the_start_of_the_solve_and_stalls_by_its_own_clock():
    """A search that starts late (the windows after one model gave up) reports seconds since
    the solve began, so a user sees when the roster really came; whether it has stalled is
    still judged by the time since its last roster."""
    import time

    from forceplan.roster.solve import _Progress

    progress = _Progress(None, 0.0, start=time.perf_counter() - 100.0)
    progress.report(50.0, 0.0)
    assert progress.history[0].elapsed_seconds >= 100.0
    assert not progress.stalled(0.0, 1.0)  # a roster just now, though 100 s into the solve
    time.sleep(0.3)
    assert progress.stalled(0.0, 0.2)


def test_the_time_kept_back_to_score_the_roster_grows_with_the_model(problem):
    # a small model is scored in moments: a few seconds, not the old flat 30 s of 600
    assert windowed.SCORING_SECONDS <= windowed.scoring_reserve(problem, 600) < 4.0
    tours = tuple(Tour(f"T{k}", 480) for k in range(32))
    officers = tuple(Officer(f"O{k}") for k in range(150))
    year = RosterProblem(days=364, tours=tours, officers=officers, settings=NO_LIMITS)
    assert windowed.scoring_reserve(year, 600) == 30.0  # 1.7 million variables: the most
    half = RosterProblem(days=364, tours=tours[:16], officers=officers[:100], settings=NO_LIMITS)
    assert 10.0 < windowed.scoring_reserve(half, 600) < 30.0
    assert windowed.scoring_reserve(year, 60) == 6.0  # never more than a tenth of the limit


def test_the_windows_say_how_far_the_first_roster_has_got(problem, monkeypatch):

    monkeypatch.setattr(windowed, "WHOLE_FIRST_VARIABLES_PER_SECOND", 0.0)
    monkeypatch.setattr(windows, "WINDOW_VARIABLES", 24 * 14)  # two-week windows
    steps = []
    solution = solve_roster(problem, BENCHMARK_RULES,
                            SolveOptions(time_limit_seconds=10, decompose=True),
                            on_progress=steps.append)  # fmt: skip
    before = [s for s in steps if s.objective is None]
    assert before[0].stage == f"first roster: window by window, day 1 of {DAYS}"
    reached = [int(s.stage.split("-")[1].split()[0]) for s in before[1:]
               if s.stage.startswith("first roster: window by window, days")]  # fmt: skip
    assert reached == sorted(reached) and reached[-1] == DAYS and len(reached) >= 2
    rosters = [s for s in steps if s.objective is not None]
    assert rosters and all(s.stage == "a few officers or days at a time" for s in rosters)
    assert steps.index(rosters[0]) > steps.index(before[-1])  # rosters come after the pass
    assert "objective" in rosters[0].describe() and "window by window" in before[0].describe()
    # the history holds rosters only
    assert solution.progress and all(p.objective is not None for p in solution.progress)


def test_a_horizon_without_any_roster_names_the_conflicting_rules(problem):
    import dataclasses

    from forceplan.errors import InfeasibleRosterError

    # officer O0 is away all but three days yet must work at least 16,800 minutes
    away = dataclasses.replace(
        problem, days_off={**problem.days_off, "O0": frozenset(range(3, DAYS))}
    )
    with pytest.raises(InfeasibleRosterError) as raised:
        solve_roster(away, BENCHMARK_RULES, SolveOptions(time_limit_seconds=10, decompose=True))
    assert not raised.value.timed_out
    assert {"days_off", "total_minutes"} <= set(raised.value.conflicts)


@pytest.mark.parametrize("start,end", [(0, DAYS), (14, 42)])
def test_a_window_of_some_officers_leaves_the_others_out_and_costs_what_the_whole_does(
    problem, whole, start, end
):
    """Officers who may not change are left out of the window's model and what they work is
    taken off its cover (so a requirement can fall below zero): any two rosters of the window
    then differ in cost exactly as the whole rosters they make do, and each passes the checker
    spliced back."""
    free = frozenset({"O1", "O4", "O6"})
    window = windows.plan_window(problem, start, end, 6, 6)
    sub = windows.sub_problem(problem, whole, window, fix_after=True, free=free)
    assert {o.id for o in sub.officers} == free
    assert {r.officer_id for r in sub.requests} <= free
    asked = {c.key: c.requirement for c in problem.covers}
    assert sum(c.requirement for c in sub.covers) < sum(asked[c.key] for c in sub.covers)
    hard = RuleConfig(only=frozenset(windows.with_fixed_days(BENCHMARK_RULES).only)
                      - {"cover", "requests"})  # fmt: skip
    rosters = [
        _solve(sub, windows.with_fixed_days(BENCHMARK_RULES), 3, None),
        _solve(sub, hard, 3, None),
    ]
    costs = []
    for solved in rosters:
        spliced = {o: dict(days) for o, days in whole.items()}
        windows._splice(spliced, solved, window)
        assert check_roster(problem, spliced) == []
        # the officers left out keep every day of the incumbent
        assert all(spliced[o] == whole[o] for o in whole if o not in free)
        costs.append((roster_penalty(sub, solved).total, roster_penalty(problem, spliced).total))
    (sub_a, whole_a), (sub_b, whole_b) = costs
    assert sub_a - sub_b == whole_a - whole_b


def test_a_window_short_of_time_keeps_its_hard_rules_roster(problem, monkeypatch):
    """However short a window's share of the time, its first roster on the hard rules gets
    WINDOW_GRACE_SECONDS; if optimising from it then finds nothing in time, that roster is
    kept rather than the pass failing (Curtois Instance23 at 120 s had no roster at all)."""
    import forceplan.roster.solve as solve_module
    from forceplan.errors import InfeasibleRosterError

    monkeypatch.setattr(windowed, "WHOLE_FIRST_VARIABLES_PER_SECOND", 0.0)
    monkeypatch.setattr(windows, "WINDOW_VARIABLES", 24 * 14)  # two-week windows
    original = solve_module.solve_roster
    hard_only_graces = []

    def short_of_time(sub, config, options, on_progress=None):
        if " days " not in sub.name:  # the whole problem: as it is
            return original(sub, config, options, on_progress)
        if "cover" in config.only:  # with the objective: no roster in the time it has
            raise InfeasibleRosterError("no roster in time", [], timed_out=True)
        hard_only_graces.append(options.first_roster_grace_seconds)
        return original(sub, config, options, on_progress)

    monkeypatch.setattr(solve_module, "solve_roster", short_of_time)
    solution = original(problem, BENCHMARK_RULES,
                        SolveOptions(time_limit_seconds=8, decompose=True))  # fmt: skip
    assert hard_only_graces and min(hard_only_graces) >= windowed.WINDOW_GRACE_SECONDS
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total


@pytest.mark.parametrize("responds", [True, False])
def test_the_forward_pass_keeps_to_the_hard_rules_where_best_responses_follow(
    problem, monkeypatch, responds
):
    """Best responses mend cover far faster than a window's objective does (Curtois
    Instance23: a forward pass of 32 s, not 174 s, and 24,537 at 600 s against
    25,536-27,423), so where they follow, the forward pass's windows are solved on the hard
    rules alone; where they do not (here: deterministic), each window first has the
    objective."""
    import forceplan.roster.solve as solve_module

    monkeypatch.setattr(windowed, "WHOLE_FIRST_VARIABLES_PER_SECOND", 0.0)
    monkeypatch.setattr(windows, "WINDOW_VARIABLES", 24 * 14)  # two-week windows
    original = solve_module.solve_roster
    first_solves = []  # for each forward window's first solve: whether it had the objective

    def recording(sub, config, options, on_progress=None):
        if " days " in sub.name and options.hint is None:
            first_solves.append("cover" in config.only)
        return original(sub, config, options, on_progress)

    monkeypatch.setattr(solve_module, "solve_roster", recording)
    options = SolveOptions(time_limit_seconds=10, decompose=True, lns=False,
                           deterministic=not responds)  # fmt: skip
    assert windowed.improves_by_responses(problem, BENCHMARK_RULES, options) == responds
    solution = original(problem, BENCHMARK_RULES, options)
    assert first_solves
    if responds:
        assert not any(first_solves)
    else:
        assert first_solves[0]
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total


def _recording_searches(monkeypatch) -> tuple[list, list]:
    """Record each large-neighbourhood search's settings and each window-by-window
    improvement's starting cost."""
    from forceplan.roster.lns import LnsSearch

    searches, by_windows = [], []
    run, improve = LnsSearch.run, windows.improve

    def recording_run(self, deadline, report):
        searches.append((self.settings, self.incumbent.objective))
        return run(self, deadline, report)

    def recording_improve(problem, config, settings, solve, roster, *args, **kwargs):
        by_windows.append(roster_penalty(problem, roster).total)
        return improve(problem, config, settings, solve, roster, *args, **kwargs)

    monkeypatch.setattr(LnsSearch, "run", recording_run)
    monkeypatch.setattr(windows, "improve", recording_improve)
    return searches, by_windows


def test_the_windows_roster_is_improved_by_the_search_over_the_full_model(problem, monkeypatch):
    """The search over the full model, freeing a few officers or days at a time, took one
    first roster of Curtois Instance21 to 23,924 in 300 s where windows took it to 28,752."""
    searches, by_windows = _recording_searches(monkeypatch)
    improved_from = _recording_improve(monkeypatch)
    steps = []
    solution = solve_roster(problem, BENCHMARK_RULES,
                            SolveOptions(time_limit_seconds=12, decompose=True),
                            on_progress=steps.append)  # fmt: skip
    assert by_windows == [] and len(searches) == 1
    settings, started_from = searches[0]
    # it starts from the windows' roster, scored by the full model, and never frees the whole
    # model (too large to solve whole is why the windows had it)
    assert [started_from] == improved_from
    assert not settings.whole_roster
    assert settings.step_seconds <= windowed.LNS_STEP_SECONDS
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total
    assert solution.objective <= started_from
    rosters = [s for s in steps if s.objective is not None]
    assert rosters[-1].objective == solution.objective


@pytest.mark.parametrize("how", ["no lns", "too large", "deterministic"])
def test_the_windows_improve_their_roster_themselves_when_told_or_too_large(
    problem, monkeypatch, how
):
    searches, by_windows = _recording_searches(monkeypatch)
    options = SolveOptions(time_limit_seconds=12, decompose=True, lns=how != "no lns")
    if how == "too large":
        options = dataclasses.replace(options, lns=None)
        monkeypatch.setattr(windowed, "FULL_MODEL_SEARCH_VARIABLES", windows.variables(problem) - 1)
    if how == "deterministic":
        options = dataclasses.replace(options, deterministic=True, time_limit_seconds=8)
    solution = solve_roster(problem, BENCHMARK_RULES, options)
    assert searches == [] and len(by_windows) == 1
    assert check_roster(problem, solution.roster) == []
    assert solution.objective == roster_penalty(problem, solution.roster).total
    assert solution.objective <= by_windows[0]


def test_which_improvement_the_windows_roster_gets(problem, monkeypatch):
    size = windows.variables(problem)
    monkeypatch.setattr(windowed, "FULL_MODEL_SEARCH_VARIABLES", size)
    assert windowed.searches_full_model(problem, SolveOptions())
    assert not windowed.searches_full_model(problem, SolveOptions(lns=False))
    assert not windowed.searches_full_model(problem, SolveOptions(deterministic=True, lns=True))
    monkeypatch.setattr(windowed, "FULL_MODEL_SEARCH_VARIABLES", size - 1)
    assert not windowed.searches_full_model(problem, SolveOptions())
    assert windowed.searches_full_model(problem, SolveOptions(lns=True))


def test_improvement_steps_skip_the_relaxation_and_the_explanation(problem, monkeypatch):
    """A hinted window (an improvement step) reads only the roster and runs to its limit: it
    solves no cover relaxation and builds no explanation; the forward pass's windows and the
    whole solve still do both."""
    import forceplan.roster.solve as solve_module

    monkeypatch.setattr(windowed, "WHOLE_FIRST_VARIABLES_PER_SECOND", 0.0)
    original = solve_module.solve_roster
    seen = []  # (hinted, explained, relaxed) per window solve

    def recording(sub, config, options, on_progress=None):
        solution = original(sub, config, options, on_progress)
        if " days " in sub.name:
            seen.append((options.hint is not None, options.explain, options.cover_bound))
            if not options.explain:
                assert solution.explanation.total == 0 and not solution.explanation.by_rule
        return solution

    monkeypatch.setattr(solve_module, "solve_roster", recording)
    options = SolveOptions(time_limit_seconds=12, decompose=True, lns=False, deterministic=True)
    solution = original(problem, BENCHMARK_RULES, options)
    assert {hinted for hinted, _, _ in seen} == {False, True}
    assert all(explained == relaxed == (not hinted) for hinted, explained, relaxed in seen)
    total = roster_penalty(problem, solution.roster).total
    assert solution.explanation.total == solution.objective == total


def test_a_roster_without_its_explanation_is_the_same_roster():
    p = long_problem(seed=2)
    options = SolveOptions(time_limit_seconds=3, workers=1, seed=1, deterministic=True,
                           column_generation=False)  # fmt: skip
    explained = solve_roster(p, BENCHMARK_RULES, options)
    bare = solve_roster(p, BENCHMARK_RULES, dataclasses.replace(options, explain=False))
    assert bare.roster == explained.roster and bare.objective == explained.objective
    assert explained.explanation.total == explained.objective > 0
    assert bare.explanation.total == 0 and bare.explanation.cover == []


def test_a_cheaper_window_roster_that_breaks_a_rule_of_the_whole_is_not_kept(problem, whole):
    """Each step's roster is checked, for the officers it changes, before it is kept: one that
    works an officer on their days off is refused however much it would save."""
    import time

    days_off = sorted(problem.days_off["O3"])
    assert all(whole["O3"].get(d) is None for d in days_off)
    # a request to work each day off, worth far more than any cover it would exceed
    wanted = dataclasses.replace(
        problem, requests=tuple(Request("O3", d, "D", 1000) for d in days_off)
    )
    assert check_roster(wanted, whole) == []
    offered = []

    def breaking(sub, config, seconds, hint):
        solved = {o: dict(days) for o, days in hint.items()}
        if "O3" in solved and sub.days_off.get("O3"):
            offered.append(sub.name)
            for d in sub.days_off["O3"]:
                solved["O3"][d] = "D"
        return solved

    snapshot = {o: dict(days) for o, days in whole.items()}
    kept = windows.improve(wanted, BENCHMARK_RULES, SETTINGS, breaking, whole,
                           time.perf_counter() + 3, step_seconds=0.1)  # fmt: skip
    assert whole == snapshot  # nothing changed in place
    assert len(offered) >= 3  # windows with O3's days off in them were offered
    assert all(kept["O3"].get(d) is None for d in days_off)
    assert roster_penalty(wanted, kept).total == roster_penalty(wanted, whole).total
