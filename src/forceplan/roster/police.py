"""A police unit's roster problem from the standard's records and an hourly requirement.

The requirement (officers needed on duty, by hour of the week, from the staffing model or a
minimum-staffing table) becomes one cover period per hour of the horizon; each officer's
contracted hours become their total-minutes band; leave and absence become days off; skills,
ranks, tutors and restrictions become the hard rules of ``rules_hard.py``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from forceplan.roster.problem import (
    MINUTES_PER_DAY,
    Cover,
    Officer,
    Request,
    RosterProblem,
    RuleSettings,
    Tour,
    slots_on_duty,
)
from forceplan.standard.duty import ShiftDefinition
from forceplan.standard.organisation import Person

#: Pseudo-skill held by officers who may be deployed to incidents (not restricted duty).
DEPLOYABLE = "deployable"


@dataclass(frozen=True)
class MinimumCover:
    """At least ``officers`` holding ``skill`` (or of ``rank``) on every tour in ``tours``."""

    officers: int
    skill: str | None = None
    rank: str | None = None
    tours: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CoverWeights:
    """Cost per officer-hour below and above the hourly requirement."""

    under: int = 100
    over: int = 2


@dataclass(frozen=True)
class UnitRosterSpec:
    start_date: dt.date
    weeks: int
    tours: Sequence[ShiftDefinition]
    people: Sequence[Person]
    #: Officers needed on duty for each hour of the week (0 = Monday 00:00-01:00, 168 values).
    requirement_by_hour_of_week: Sequence[float] = ()
    #: Days each person is on leave or absent (dates).
    leave: Mapping[str, Iterable[dt.date]] = field(default_factory=dict)
    minimums: Sequence[MinimumCover] = ()
    requests: Sequence[Request] = ()
    published: Mapping[str, Mapping[int, str | None]] = field(default_factory=dict)
    prior_counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    settings: RuleSettings = field(default_factory=RuleSettings)
    weights: CoverWeights = field(default_factory=CoverWeights)
    #: Contracted hours may be met within this many hours over the horizon (hours banked/owed).
    hours_tolerance: float = 10.0

    @property
    def days(self) -> int:
        return self.weeks * 7


def tours_from_definitions(definitions: Iterable[ShiftDefinition]) -> tuple[Tour, ...]:
    return tuple(
        Tour(d.code, d.length_minutes, d.start_minute, frozenset(), night=d.is_night)
        for d in definitions
    )


def _restricted(person: Person, on: dt.date, role: str) -> bool:
    for restriction in person.restrictions:
        if restriction.start <= on and (restriction.end is None or restriction.end >= on):
            return role not in {str(r) for r in restriction.allowed_roles}
    return False


def officer_from_person(person: Person, spec: UnitRosterSpec, tours: Sequence[Tour]) -> Officer:
    leave_days = len(_leave_days(spec, person.id))
    working_days = spec.days - leave_days
    contracted = person.contracted_hours_per_week * 60 * working_days / 7
    tolerance = spec.hours_tolerance * 60
    role = str(person.role)
    restricted = _restricted(person, spec.start_date, role)
    skills = {
        s.code for s in person.skills if s.expires_on is None or s.expires_on >= spec.start_date
    }
    if not restricted:
        skills.add(DEPLOYABLE)
    return Officer(
        id=person.id,
        min_total_minutes=max(0, math.floor(contracted - tolerance)),
        max_total_minutes=math.ceil(contracted + tolerance),
        skills=frozenset(skills),
        rank=None if person.rank is None else str(person.rank),
        tutor_id=person.tutor_id
        if person.student_officer and not person.independent_patrol
        else None,
        allowed_tours=frozenset(t.code for t in tours if not t.night) if restricted else None,
        name=person.display_name,
    )


def _leave_days(spec: UnitRosterSpec, person_id: str) -> frozenset[int]:
    days = {(d - spec.start_date).days for d in spec.leave.get(person_id, ())}
    return frozenset(d for d in days if 0 <= d < spec.days)


def hourly_covers(
    tours: Sequence[Tour],
    days: int,
    need: Sequence[float],
    weights: CoverWeights,
    first_weekday: int,
) -> list[Cover]:
    """One cover per hour of the horizon a tour of the horizon can reach: the (day, tour) slots
    on duty for at least half of that hour. Hours that only the previous roster's tours could
    cover (early on day 0) are left out."""
    covers = []
    for hour in range(days * 24):
        start = hour * 60
        slots = slots_on_duty(tours, days, start)
        partial_before = False
        if hour < 24:
            partial_before = any(
                (t.start_minute or 0) + t.length_minutes - MINUTES_PER_DAY > start for t in tours
            )
        if partial_before:
            continue
        hour_of_week = ((first_weekday * 24) + hour) % 168
        required = math.ceil(need[hour_of_week] - 1e-9) if need else 0
        covers.append(
            Cover(
                key=f"h{hour}",
                slots=tuple(slots),
                requirement=max(0, required),
                weight_under=weights.under,
                weight_over=weights.over,
                skill=DEPLOYABLE,
                start_minute=start,
                length_minutes=60,
            )
        )
    return covers


def minimum_covers(tours: Sequence[Tour], days: int, minimums: Sequence[MinimumCover]) -> list:
    covers = []
    for n, minimum in enumerate(minimums):
        for d in range(days):
            for tour in tours:
                if minimum.tours is not None and tour.code not in minimum.tours:
                    continue
                covers.append(
                    Cover(
                        key=f"min{n}:{d}:{tour.code}",
                        slots=((d, tour.code),),
                        requirement=minimum.officers,
                        minimum=minimum.officers,
                        skill=minimum.skill,
                        rank=minimum.rank,
                    )
                )
    return covers


def unit_problem(spec: UnitRosterSpec) -> RosterProblem:
    """The roster problem for a unit over ``spec.weeks`` weeks from ``spec.start_date``."""
    tours = tours_from_definitions(spec.tours)
    officers = tuple(officer_from_person(p, spec, tours) for p in spec.people)
    leave = {p.id: _leave_days(spec, p.id) for p in spec.people}
    first_weekday = spec.start_date.weekday()
    covers = hourly_covers(
        tours, spec.days, spec.requirement_by_hour_of_week, spec.weights, first_weekday
    )
    covers += minimum_covers(tours, spec.days, spec.minimums)
    return RosterProblem(
        days=spec.days,
        tours=tours,
        officers=officers,
        covers=tuple(covers),
        requests=tuple(spec.requests),
        days_off={k: v for k, v in leave.items() if v},
        leave={k: v for k, v in leave.items() if v},
        settings=spec.settings,
        first_weekday=first_weekday,
        start_date=spec.start_date,
        published=spec.published,
        prior_counts=spec.prior_counts,
        name=f"roster from {spec.start_date.isoformat()} ({spec.weeks} weeks)",
    )
