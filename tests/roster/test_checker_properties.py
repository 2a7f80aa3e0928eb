"""Properties of the rule checker on random small rosters: each rule agrees with a brute-force
definition written differently (every run, every window, every pair), taking a tour away never
creates a breach of a maximum, and a roster that grants everything costs nothing."""

from __future__ import annotations

import itertools
import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.roster.checker import check_roster, roster_penalty
from forceplan.roster.problem import (
    Cover,
    Officer,
    Request,
    RosterProblem,
    RuleSettings,
    Tour,
    tour_gap_minutes,
)

TIMED_TOURS = (
    Tour("E", 480, start_minute=6 * 60, cannot_follow=frozenset({"N"})),
    Tour("L", 480, start_minute=14 * 60, cannot_follow=frozenset({"E"})),
    Tour("N", 600, start_minute=22 * 60, night=True, cannot_follow=frozenset({"E", "L"})),
)
BENCHMARK_TOURS = (
    Tour("D", 480, cannot_follow=frozenset({"E"})),
    Tour("E", 600, night=True, cannot_follow=frozenset({"D"})),
)
limits = st.none() | st.integers(1, 5)


@st.composite
def officers(draw: st.DrawFn, officer_id: str, codes: list[str], others: list[str]) -> Officer:
    max_tours = draw(st.dictionaries(st.sampled_from(codes), st.integers(0, 4), max_size=2))
    return Officer(
        officer_id,
        max_tours=max_tours,
        max_total_minutes=draw(st.none() | st.integers(0, 6000)),
        min_total_minutes=draw(st.none() | st.integers(0, 3000)),
        max_consecutive_days=draw(limits),
        min_consecutive_days=draw(limits),
        min_consecutive_days_off=draw(limits),
        max_weekends=draw(st.none() | st.integers(0, 2)),
        max_consecutive_nights=draw(limits),
        skills=draw(st.frozensets(st.sampled_from(["taser", "driver"]))),
        tutor_id=draw(st.none() | st.sampled_from(others)) if others else None,
        allowed_tours=draw(st.none() | st.frozensets(st.sampled_from(codes))),
    )


@st.composite
def problems(draw: st.DrawFn) -> RosterProblem:
    days = draw(st.integers(1, 15))
    tours = draw(st.sampled_from([TIMED_TOURS, BENCHMARK_TOURS]))
    codes = [tour.code for tour in tours]
    ids = [f"P{i}" for i in range(draw(st.integers(1, 3)))]
    team = tuple(draw(officers(oid, codes, [o for o in ids if o != oid])) for oid in ids)
    some_days = st.frozensets(st.integers(0, days - 1), max_size=3)
    days_off = {oid: draw(some_days) for oid in ids}
    leave = {oid: frozenset(d for d in days_off[oid] if draw(st.booleans())) for oid in ids}
    slots = st.tuples(st.integers(0, days - 1), st.sampled_from(codes))
    covers = tuple(
        Cover(
            f"c{i}",
            slots=draw(st.lists(slots, min_size=1, max_size=2, unique=True)),
            requirement=draw(st.integers(0, 2)),
            weight_under=draw(st.integers(0, 5)),
            weight_over=draw(st.integers(0, 5)),
            minimum=draw(st.integers(0, 2)),
            skill=draw(st.none() | st.just("taser")),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    rules = RuleSettings(
        daily_rest_minutes=draw(st.none() | st.sampled_from([11 * 60, 16 * 60])),
        weekly_rest_minutes=draw(st.none() | st.sampled_from([24 * 60, 36 * 60, 48 * 60])),
        max_average_weekly_minutes=draw(st.none() | st.sampled_from([30 * 60, 48 * 60])),
        rest_days_per_week=draw(st.none() | st.sampled_from([1.0, 1.4, 2.0])),
        max_consecutive_days=draw(limits),
        max_consecutive_nights=draw(limits),
    )
    return RosterProblem(days, tours, team, covers=covers, days_off=days_off, leave=leave,
                         settings=rules, first_weekday=draw(st.integers(0, 6)))  # fmt: skip


@st.composite
def problems_and_rosters(draw: st.DrawFn):
    problem = draw(problems())
    tours = [tour.code for tour in problem.tours]
    roster = {}
    for officer in problem.officers:
        if draw(st.booleans()) or officer.tutor_id is not None:
            choices = [None] + tours * draw(st.integers(1, 4))  # some officers work most days
            roster[officer.id] = {d: draw(st.sampled_from(choices)) for d in range(problem.days)}
    return problem, roster


# --- brute-force definitions ----------------------------------------------------------------


def tours_of(problem: RosterProblem, roster, officer_id: str) -> list[Tour | None]:
    days = roster.get(officer_id, {})
    return [None if days.get(d) is None else problem.tour(days[d]) for d in range(problem.days)]


def maximal_runs(flags: list[bool]) -> list[tuple[int, ...]]:
    """Every maximal run of True, found by trying every (first, last) pair."""
    n = len(flags)
    return [
        tuple(range(i, j + 1))
        for i in range(n)
        for j in range(i, n)
        if all(flags[i : j + 1])
        and (i == 0 or not flags[i - 1])
        and (j == n - 1 or not flags[j + 1])
    ]


def tightest(*values):
    return min((v for v in values if v is not None), default=None)


def reference_weekly_rest(problem, plan, least) -> list[int]:
    """Start days of the 7-day windows with no qualifying rest day."""

    def qualifies(r: int) -> bool:
        if plan[r] is not None:
            return False
        before = [d for d in range(r) if plan[d] is not None]
        after = [d for d in range(r + 1, problem.days) if plan[d] is not None]
        if not before or not after:
            return True
        gap = tour_gap_minutes(plan[before[-1]], before[-1], plan[after[0]], after[0])
        return gap is None or gap >= least

    return [s for s in range(problem.days - 6) if not any(qualifies(r) for r in range(s, s + 7))]


def reference_breaches(problem: RosterProblem, roster) -> set[tuple[str, str | None, tuple]]:
    out: set[tuple[str, str | None, tuple]] = set()
    rules = problem.settings
    for officer in problem.officers:
        oid, plan = officer.id, tours_of(problem, roster, officer.id)
        work = [t is not None for t in plan]
        worked = [d for d in range(problem.days) if work[d]]
        for d in worked:
            if d in problem.days_off.get(oid, ()):
                out.add(("days_off", oid, (d,)))
            if not officer.may_work(plan[d].code):
                out.add(("allowed_tours", oid, (d,)))
            tutor_plan = tours_of(problem, roster, officer.tutor_id) if officer.tutor_id else None
            if tutor_plan is not None and tutor_plan[d] != plan[d]:
                out.add(("tutor", oid, (d,)))
        for code, limit in officer.max_tours.items():
            days = tuple(d for d in worked if plan[d].code == code)
            if 0 < limit < len(days):
                out.add(("tour_limits", oid, days))
        for d, e in itertools.pairwise(worked):
            if e == d + 1 and plan[e].code in plan[d].cannot_follow:
                out.add(("cannot_follow", oid, (d, e)))
            gap = tour_gap_minutes(plan[d], d, plan[e], e)
            least = rules.daily_rest_minutes
            if least is not None and gap is not None and gap < least:
                out.add(("daily_rest", oid, (d, e)))
        total = sum(plan[d].length_minutes for d in worked)
        least, most = officer.min_total_minutes, officer.max_total_minutes
        if (least is not None and total < least) or (most is not None and total > most):
            out.add(("total_minutes", oid, ()))
        leave_days = len(problem.leave.get(oid, ()))
        weekly = rules.max_average_weekly_minutes
        if weekly is not None and total > weekly * (problem.days - leave_days) / 7 + 1e-9:
            out.add(("average_week", oid, ()))
        if rules.weekly_rest_minutes is not None:
            for s in reference_weekly_rest(problem, plan, rules.weekly_rest_minutes):
                out.add(("weekly_rest", oid, (s,)))  # compared window by window
        out |= reference_run_breaches(problem, officer, plan)
        if rules.rest_days_per_week is not None:
            due = math.floor(round(rules.rest_days_per_week * (problem.days - leave_days) / 7, 9))
            rest = [d for d in range(problem.days) if not work[d]]
            if len([d for d in rest if d not in problem.leave.get(oid, ())]) < due:
                out.add(("rest_days", oid, ()))
    return out | reference_cover_breaches(problem, roster)


def reference_cover_breaches(problem: RosterProblem, roster) -> set[tuple[str, None, tuple]]:
    out = set()
    for cover in problem.covers:
        on_duty = {
            o.id
            for o in problem.officers
            for day, code in cover.slots
            if roster.get(o.id, {}).get(day) == code and cover.counts(o)
        }
        if len(on_duty) < cover.minimum:
            out.add(("minimum_cover", None, tuple(sorted({d for d, _ in cover.slots}))))
    return out


def reference_run_breaches(problem, officer, plan) -> set[tuple[str, str, tuple]]:
    out = set()
    n, oid, rules = problem.days, officer.id, problem.settings
    work = [t is not None for t in plan]
    inner = [run for run in maximal_runs(work) if run[0] > 0 and run[-1] < n - 1]
    inner_off = [
        run for run in maximal_runs([not w for w in work]) if run[0] > 0 and run[-1] < n - 1
    ]
    most = tightest(officer.max_consecutive_days, rules.max_consecutive_days)
    most_nights = tightest(officer.max_consecutive_nights, rules.max_consecutive_nights)
    for run in maximal_runs(work):
        if most is not None and len(run) > most:
            out.add(("max_consecutive_days", oid, run))
    for run in maximal_runs([t is not None and t.night for t in plan]):
        if most_nights is not None and len(run) > most_nights:
            out.add(("max_consecutive_nights", oid, run))
    for run in inner:
        if officer.min_consecutive_days is not None and len(run) < officer.min_consecutive_days:
            out.add(("min_consecutive_days", oid, run))
    for run in inner_off:
        if officer.min_consecutive_days_off and len(run) < officer.min_consecutive_days_off:
            out.add(("min_consecutive_days_off", oid, run))
    weekend_days = [[d for d in w if work[d]] for w in problem.weekends()]
    worked_weekends = [days for days in weekend_days if days]
    if officer.max_weekends is not None and len(worked_weekends) > officer.max_weekends:
        out.add(("max_weekends", oid, tuple(d for days in worked_weekends for d in days)))
    return out


def as_comparable(breaches) -> set[tuple[str, str | None, tuple]]:
    """Checker breaches in the reference's terms: weekly rest as one entry per window."""
    out = set()
    for b in breaches:
        if b.rule == "weekly_rest":
            out |= {(b.rule, b.officer_id, (s,)) for s in range(b.days[0], b.days[-1] - 5)}
        else:
            out.add((b.rule, b.officer_id, b.days))
    return out


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(problems_and_rosters())
def test_every_rule_agrees_with_its_brute_force_definition(case):
    problem, roster = case
    breaches = check_roster(problem, roster)
    assert as_comparable(breaches) == reference_breaches(problem, roster)
    assert len(breaches) == len(set(breaches))


MAXIMA = {
    "days_off", "allowed_tours", "tour_limits", "cannot_follow", "daily_rest", "average_week",
    "weekly_rest", "max_consecutive_days", "max_consecutive_nights", "max_weekends", "rest_days",
}  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(problems_and_rosters(), st.data())
def test_taking_a_tour_away_never_breaks_a_maximum(case, data):
    problem, roster = case
    worked = [(o, d) for o, days in roster.items() for d, code in days.items() if code]
    if not worked:
        return
    officer_id, day = data.draw(st.sampled_from(worked))
    lighter = {o: dict(days) for o, days in roster.items()}
    lighter[officer_id][day] = None

    def breached_days(r):
        return {
            (b.rule, b.officer_id, d)
            for b in check_roster(problem, r)
            if b.rule in MAXIMA
            for d in b.days or (-1,)
        }

    assert breached_days(lighter) <= breached_days(roster)


@settings(max_examples=200, deadline=None)
@given(problems_and_rosters())
def test_a_roster_granting_every_request_with_exact_cover_costs_nothing(case):
    problem, roster = case
    granted = tuple(
        Request(o, d, code, weight=3, on=code is not None)
        for o, days in roster.items()
        for d, code in days.items()
    )
    exact = tuple(
        Cover(c.key, c.slots, requirement=count, weight_under=5, weight_over=5, skill=c.skill)
        for c in problem.covers
        for count in [roster_penalty(problem, roster).cover_counted.get(c.key, 0)]
    )
    fair = RosterProblem(problem.days, problem.tours, problem.officers, exact, granted)
    report = roster_penalty(fair, roster)
    assert report.total == 0
    assert report.by_component == {"requests": 0, "cover_under": 0, "cover_over": 0}


@settings(max_examples=200, deadline=None)
@given(problems_and_rosters())
def test_penalty_agrees_with_counting_officer_by_officer(case):
    problem, roster = case
    report = roster_penalty(problem, roster)
    under = over = 0
    for cover in problem.covers:
        count = sum(
            any(roster.get(o.id, {}).get(d) == c for d, c in cover.slots) and cover.counts(o)
            for o in problem.officers
        )
        under += cover.weight_under * max(cover.requirement - count, 0)
        over += cover.weight_over * max(count - cover.requirement, 0)
    assert report.by_component["cover_under"] == under
    assert report.by_component["cover_over"] == over
    assert report.total == under + over + report.by_component["requests"]
    assert Counter(report.by_cover).total() == under + over


@settings(max_examples=200, deadline=None)
@given(problems_and_rosters(), st.data())
def test_checking_some_officers_finds_their_breaches_and_the_units_cover(case, data):
    """Checked for some officers, the roster's breaches are exactly the whole check's breaches
    of those officers, of the students they tutor, and of the unit's minimum cover."""
    problem, roster = case
    ids = [o.id for o in problem.officers]
    some = data.draw(st.sets(st.sampled_from(ids)))
    involved = some | {o.id for o in problem.officers if o.tutor_id in some}
    whole = check_roster(problem, roster)
    expected = [b for b in whole if b.officer_id is None or b.officer_id in involved]
    assert check_roster(problem, roster, some) == expected
    assert check_roster(problem, roster, ids) == whole
