"""What the rule checker knows about a roster: each officer's tours as arrays over the days,
and how to name people, days and times in a breach a planner reads.

This is the checker's own view of the roster, independent of the optimiser's model: one integer
per day per officer (the tour's position in ``problem.tours``, -1 for no tour).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from forceplan.roster.problem import MINUTES_PER_DAY, Officer, Roster, RosterProblem, Tour

NO_TOUR = -1


@dataclass(frozen=True)
class Breach:
    """One hard rule a roster breaks: which rule, whose roster (None: the unit's cover), on
    which days, and a sentence saying so with the limit."""

    rule: str
    officer_id: str | None
    days: tuple[int, ...]
    message: str


class TourTable:
    """The problem's tours as arrays indexed by tour position (a day's tour index)."""

    def __init__(self, tours: tuple[Tour, ...]) -> None:
        self.tours = tours
        self.codes = tuple(tour.code for tour in tours)
        self.index: dict[str, int] = {}
        for position, code in enumerate(self.codes):
            self.index.setdefault(code, position)
        self.length_minutes = np.array([t.length_minutes for t in tours], dtype=np.int64)
        self.start_minute = np.array(
            [0 if t.start_minute is None else t.start_minute for t in tours], dtype=np.int64
        )
        self.has_start = np.array([t.start_minute is not None for t in tours], dtype=bool)
        self.night = np.array([t.night for t in tours], dtype=bool)
        #: ``may_not_follow[a, b]``: tour b may not be worked the day after tour a.
        self.may_not_follow = np.zeros((len(tours), len(tours)), dtype=bool)
        for first, tour in enumerate(tours):
            for code in tour.cannot_follow:
                if code in self.index:
                    self.may_not_follow[first, self.index[code]] = True


@dataclass(frozen=True)
class OfficerWork:
    """One officer's roster as a tour index per day (NO_TOUR for a rest day or leave)."""

    officer: Officer
    tour_index: np.ndarray
    on_leave: np.ndarray

    @property
    def id(self) -> str:
        return self.officer.id

    @property
    def working(self) -> np.ndarray:
        return self.tour_index >= 0

    def worked_days(self) -> np.ndarray:
        return np.flatnonzero(self.tour_index >= 0)


class RosterContext:
    """The problem, its tours as arrays, and the wording of breaches."""

    def __init__(self, problem: RosterProblem) -> None:
        self.problem = problem
        self.days = problem.days
        self.settings = problem.settings
        self.tours = TourTable(problem.tours)
        self.officers = {officer.id: officer for officer in reversed(problem.officers)}

    # --- wording -------------------------------------------------------------------------

    def who(self, officer_id: str) -> str:
        officer = self.officers.get(officer_id)
        if officer is not None and officer.name:
            return f"{officer.name} ({officer_id})"
        return officer_id

    def day(self, day: int) -> str:
        date = self.problem.date_of(day)
        return f"day {day}" if date is None else f"{date:%a %d %b %Y}"

    def day_span(self, first: int, last: int) -> str:
        if first == last:
            return self.day(first)
        return f"{self.day(first)} to {self.day(last)}"

    def moment(self, horizon_minute: int) -> str:
        """A time in the horizon, e.g. 'day 3 07:00'."""
        day, minute = divmod(int(horizon_minute), MINUTES_PER_DAY)
        return f"{self.day(day)} {minute // 60:02d}:{minute % 60:02d}"

    def code(self, tour_index: int) -> str:
        return self.tours.codes[int(tour_index)]

    def breach(self, rule: str, officer_id: str | None, days, message: str) -> Breach:
        return Breach(rule, officer_id, tuple(int(day) for day in days), message)

    # --- the roster as arrays ------------------------------------------------------------

    def officer_work(self, officer: Officer, days: Mapping[int, str | None]) -> OfficerWork:
        """The officer's tours as indices; tours the checker cannot place (unknown code, day
        outside the horizon) are left out here and reported by ``placement_breaches``."""
        tour_index = np.full(self.days, NO_TOUR, dtype=np.int64)
        for day, code in days.items():
            if code is None or not _in_horizon(day, self.days):
                continue
            position = self.tours.index.get(code)
            if position is not None:
                tour_index[day] = position
        on_leave = np.zeros(self.days, dtype=bool)
        for day in self.problem.leave.get(officer.id, ()):
            if _in_horizon(day, self.days):
                on_leave[day] = True
        return OfficerWork(officer, tour_index, on_leave)

    def placement_breaches(self, roster: Roster) -> list[Breach]:
        """Officers, tours and days on the roster that are not in the problem."""
        out: list[Breach] = []
        for officer_id, days in roster.items():
            worked = sorted(d for d, code in days.items() if code is not None and _is_day(d))
            if officer_id not in self.officers:
                out.append(
                    self.breach(
                        "unknown_officer",
                        officer_id,
                        worked,
                        f"{officer_id} is on the roster but is not one of the officers rostered; "
                        "remove them from the roster or add them to the team.",
                    )
                )
                continue
            for day, code in sorted(days.items(), key=lambda item: str(item[0])):
                if code is None:
                    continue
                out.extend(self._placement_breach(officer_id, day, code))
        return out

    def _placement_breach(self, officer_id: str, day: object, code: str) -> list[Breach]:
        who = self.who(officer_id)
        if not _in_horizon(day, self.days):
            days = (day,) if _is_day(day) else ()
            return [
                self.breach(
                    "outside_horizon",
                    officer_id,
                    days,
                    f"{who} has tour {code} on day {day!r}, outside this roster's "
                    f"{self.days} days (day 0 to day {self.days - 1}); remove that line.",
                )
            ]
        if code not in self.tours.index:
            known = ", ".join(self.tours.codes) or "none"
            return [
                self.breach(
                    "unknown_tour",
                    officer_id,
                    (day,),
                    f"{who} has tour {code!r} on {self.day(day)}, which is not one of this "
                    f"roster's tours ({known}).",
                )
            ]
        return []


def _is_day(day: object) -> bool:
    return isinstance(day, int | np.integer) and not isinstance(day, bool)


def _in_horizon(day: object, days: int) -> bool:
    return _is_day(day) and 0 <= day < days


def tighter(*limits: int | None) -> int | None:
    """The tightest of the limits given (None: no limit)."""
    given = [limit for limit in limits if limit is not None]
    return min(given) if given else None


def runs_of(mask: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True in ``mask`` as (first day, day after the last)."""
    padded = np.concatenate(([False], mask.astype(bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(edges[i]), int(edges[i + 1])) for i in range(0, len(edges), 2)]


def duration(minutes: int | float) -> str:
    """Minutes as hours, e.g. '10 h 30 min', '48 h'."""
    minutes = round(minutes)
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours} h" if rest == 0 else f"{sign}{hours} h {rest:02d} min"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
