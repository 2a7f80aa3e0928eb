"""A rostering problem: who may work which tour on which day, and what the roster should achieve.

One shape serves every roster we solve: a unit's response team built from the store, a
re-rostering repair, and the Curtois & Qu benchmark instances (whose rules are a subset of ours).
Days are numbered from 0 (the first day of the horizon); tours are identified by their code.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MINUTES_PER_DAY = 24 * 60
#: Working Time Regulations 1998 reg. 10: 11 hours' daily rest.
DAILY_REST_MINUTES = 11 * 60
#: Working Time Regulations 1998 reg. 11: 24 hours' uninterrupted weekly rest.
WEEKLY_REST_MINUTES = 24 * 60


@dataclass(frozen=True)
class Tour:
    """A kind of shift. ``start_minute`` is its local start (minutes after midnight of the duty
    day); unknown for benchmark shifts, where only ``cannot_follow`` constrains successions."""

    code: str
    length_minutes: int
    start_minute: int | None = None
    cannot_follow: frozenset[str] = frozenset()
    night: bool = False

    @property
    def end_minute(self) -> int | None:
        """End relative to midnight of the duty day (beyond 1440 when it crosses midnight)."""
        return None if self.start_minute is None else self.start_minute + self.length_minutes


@dataclass(frozen=True)
class Officer:
    """A person to roster and the limits that apply to them (None: no limit)."""

    id: str
    max_tours: Mapping[str, int] = field(default_factory=dict)
    max_total_minutes: int | None = None
    min_total_minutes: int | None = None
    max_consecutive_days: int | None = None
    min_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends: int | None = None
    max_consecutive_nights: int | None = None
    skills: frozenset[str] = frozenset()
    rank: str | None = None
    #: A student officer works only on tours their tutor also works.
    tutor_id: str | None = None
    #: Restricted or recuperative duty: only these tours (None: any tour).
    allowed_tours: frozenset[str] | None = None
    name: str | None = None

    def may_work(self, tour: str) -> bool:
        if self.allowed_tours is not None and tour not in self.allowed_tours:
            return False
        return self.max_tours.get(tour, 1) > 0


@dataclass(frozen=True)
class Request:
    """An officer's wish: ``on`` to work ``tour`` that day, or not to (``on=False``; a ``tour``
    of None then means the whole day off). ``weight`` is what refusing it costs."""

    officer_id: str
    day: int
    tour: str | None
    weight: int
    on: bool = True


@dataclass(frozen=True)
class Cover:
    """Officers wanted on duty over one period: the period is covered by each (day, tour) in
    ``slots``. Only officers holding ``skill`` (or of ``rank``) count when it is given.
    ``minimum`` is a hard floor; below ``requirement`` costs ``weight_under`` per officer short,
    above it ``weight_over`` per officer over."""

    key: str
    slots: tuple[tuple[int, str], ...]
    requirement: int
    weight_under: int = 0
    weight_over: int = 0
    minimum: int = 0
    skill: str | None = None
    rank: str | None = None
    #: When the period starts (horizon minute) and how long it lasts, for explanations.
    start_minute: int | None = None
    length_minutes: int | None = None

    def counts(self, officer: Officer) -> bool:
        if self.skill is not None and self.skill not in officer.skills:
            return False
        return self.rank is None or officer.rank == self.rank


@dataclass(frozen=True)
class RuleSettings:
    """Limits for the whole unit (defaults from Police Regulations, the Working Time Regulations
    1998 and HSE good practice; see docs/rules.md). None switches a limit off."""

    daily_rest_minutes: int | None = DAILY_REST_MINUTES
    weekly_rest_minutes: int | None = WEEKLY_REST_MINUTES
    #: 48-hour average week, averaged over the horizon (the roster is shorter than 17 weeks).
    max_average_weekly_minutes: int | None = 48 * 60
    #: Police Regulations reg. 26: two rest days a week on average.
    rest_days_per_week: float | None = 2.0
    max_consecutive_days: int | None = 7
    max_consecutive_nights: int | None = 4
    #: Soft limits (fatigue): longer runs of nights cost, quick returns cost.
    preferred_max_consecutive_nights: int | None = 3
    quick_return_minutes: int | None = 12 * 60


#: Every limit off: only the problem's own officer limits apply (benchmarks, tests).
NO_LIMITS = RuleSettings(
    daily_rest_minutes=None,
    weekly_rest_minutes=None,
    max_average_weekly_minutes=None,
    rest_days_per_week=None,
    max_consecutive_days=None,
    max_consecutive_nights=None,
    preferred_max_consecutive_nights=None,
    quick_return_minutes=None,
)


@dataclass(frozen=True)
class RosterProblem:
    """Everything the optimiser and the checker need."""

    days: int
    tours: tuple[Tour, ...]
    officers: tuple[Officer, ...]
    covers: tuple[Cover, ...] = ()
    requests: tuple[Request, ...] = ()
    #: Days an officer may not work (approved leave, absence, benchmark days off).
    days_off: Mapping[str, frozenset[int]] = field(default_factory=dict)
    #: Days an officer is on leave or absent (not rest days; subset of ``days_off``).
    leave: Mapping[str, frozenset[int]] = field(default_factory=dict)
    settings: RuleSettings = field(default_factory=RuleSettings)
    #: Day of the week of day 0 (0 = Monday).
    first_weekday: int = 0
    start_date: dt.date | None = None
    #: The published roster, for stability: officer -> day -> tour code (None = rest day).
    published: Mapping[str, Mapping[int, str | None]] = field(default_factory=dict)
    #: Fairness over a rolling period: counts already worked before the horizon, per officer
    #: ("nights", "weekends").
    prior_counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    #: Re-rostering: the cost of working a published rest day, officer -> day -> tour -> cost
    #: (the pay for that tour under short notice, a rest day owed otherwise).
    rest_day_cancel_cost: Mapping[str, Mapping[int, Mapping[str, int]]] = field(
        default_factory=dict
    )
    #: Re-rostering: days that have already happened or may not change, officer -> day -> tour.
    fixed: Mapping[str, Mapping[int, str | None]] = field(default_factory=dict)
    name: str = "roster"

    def tour(self, code: str) -> Tour:
        for tour in self.tours:
            if tour.code == code:
                return tour
        raise KeyError(code)

    def officer(self, officer_id: str) -> Officer:
        for officer in self.officers:
            if officer.id == officer_id:
                return officer
        raise KeyError(officer_id)

    def weekday(self, day: int) -> int:
        return (self.first_weekday + day) % 7

    def weekends(self) -> list[tuple[int, ...]]:
        """Each weekend of the horizon as its days (Saturday and Sunday, whichever fall inside)."""
        return list(_weekends(self.days, self.first_weekday))

    def date_of(self, day: int) -> dt.date | None:
        return None if self.start_date is None else self.start_date + dt.timedelta(days=day)


#: A roster: officer -> day -> tour code, or None for a rest day (days missing = rest day).
Roster = dict[str, dict[int, str | None]]


def roster_from_rows(rows: Iterable[tuple[str, int, str | None]]) -> Roster:
    """A roster from (officer, day, tour) rows."""
    roster: Roster = {}
    for officer_id, day, tour in rows:
        roster.setdefault(officer_id, {})[day] = tour
    return roster


def tour_gap_minutes(first: Tour, first_day: int, second: Tour, second_day: int) -> int | None:
    """Minutes between the end of ``first`` (worked on ``first_day``) and the start of
    ``second``; None when either tour has no known start."""
    if first.start_minute is None or second.start_minute is None:
        return None
    end = first_day * MINUTES_PER_DAY + first.start_minute + first.length_minutes
    return second_day * MINUTES_PER_DAY + second.start_minute - end


#: A tour counts as on duty in an hour when it covers at least this much of it.
ON_DUTY_MINUTES = 30


def on_duty_in(begin: int, length: int, window_start: int) -> bool:
    """Whether a tour from minute ``begin`` lasting ``length`` covers at least half of the
    hour from ``window_start`` (all in minutes from the same origin)."""
    overlap = min(begin + length, window_start + 60) - max(begin, window_start)
    return overlap >= ON_DUTY_MINUTES


def hours_on_duty(begin: int, length: int) -> range:
    """The hours (0 = the hour from minute 0) a tour from minute ``begin`` lasting ``length``
    is on duty in, by ``on_duty_in``: the same rule as the optimiser's hourly cover."""
    if length < ON_DUTY_MINUTES:
        return range(0)
    first = -((ON_DUTY_MINUTES - begin) // 60)  # ceil((begin - 30) / 60)
    last = (begin + length - ON_DUTY_MINUTES) // 60
    return range(first, last + 1)


def slots_on_duty(tours: Iterable[Tour], days: int, window_start: int) -> list[tuple[int, str]]:
    """The (day, tour) slots on duty for at least half of the hour from ``window_start``
    (horizon minutes), counting tours of the day before that run into it."""
    slots = []
    first = max(0, window_start // MINUTES_PER_DAY - 1)
    last = (window_start + 59) // MINUTES_PER_DAY  # a window across midnight reaches the next day
    for d in range(first, min(days, last + 1)):
        for tour in tours:
            begin = d * MINUTES_PER_DAY + (tour.start_minute or 0)
            if on_duty_in(begin, tour.length_minutes, window_start):
                slots.append((d, tour.code))
    return slots


def next_day_bans(
    problem: RosterProblem, *, explicit: bool = True, daily_rest: bool = True
) -> dict[str, set[str]]:
    """For each tour, the tours that may not be worked the next day: its ``cannot_follow``
    (``explicit``) and those leaving less than the daily rest (``daily_rest``)."""
    rest = problem.settings.daily_rest_minutes if daily_rest else None
    bans: dict[str, set[str]] = {t.code: set() for t in problem.tours}
    for first in problem.tours:
        for second in problem.tours:
            gap = tour_gap_minutes(first, 0, second, 1)
            if (explicit and second.code in first.cannot_follow) or (
                rest is not None and gap is not None and gap < rest
            ):
                bans[first.code].add(second.code)
    return bans


@functools.lru_cache(maxsize=64)
def _weekends(days: int, first_weekday: int) -> tuple[tuple[int, ...], ...]:
    """RosterProblem.weekends, computed once for each length and first weekday (a window
    step asks for it once an officer)."""
    out: dict[int, list[int]] = {}
    for day in range(days):
        weekday = (first_weekday + day) % 7
        if weekday >= 5:
            out.setdefault(day - weekday, []).append(day)
    return tuple(tuple(days) for _, days in sorted(out.items()))
