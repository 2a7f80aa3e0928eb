"""Re-rostering: the least-disruptive repair of a published roster after a change.

Changes are sickness or leave (an officer unavailable on some days) and events (N more officers
wanted over given hours). The repair keeps days before ``today`` as they were, costs every
officer-day that differs from the published roster (``stability``), and costs each published rest
day worked as Police Regulations reg. 26 does: with under 15 clear days' notice, time and a half
with a 4-hour minimum; with 15 or more, a replacement rest day owed. Cancelled rest days are
therefore the last resort: the solver uses one only where cover cannot be found otherwise.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from forceplan.roster.problem import Cover, Roster, RosterProblem, slots_on_duty

#: Penalty units per paid hour of an RDC under 15 days' notice (cover costs 100 per
#: officer-hour short, so a short-notice RDC is not worth it for routine cover).
RDC_COST_PER_PAID_HOUR = 100
#: A replacement rest day owed (15+ days' notice): about a day's routine cover.
RDC_OWED_DAY_COST = 800
#: An officer-hour short of an event's extra requirement (effectively a must).
EVENT_WEIGHT_PER_OFFICER_HOUR = 1000
RDC_SHORT_NOTICE_DAYS = 15
RDC_MINIMUM_PAID_MINUTES = 4 * 60


@dataclass(frozen=True)
class Unavailable:
    """Sickness, approved leave or another abstraction: ``officer_id`` cannot work ``days``."""

    officer_id: str
    days: tuple[int, ...]
    reason: str = "sickness"


@dataclass(frozen=True)
class ExtraCover:
    """An event: ``officers`` more on duty from ``start_minute`` (horizon minutes) for
    ``length_minutes``."""

    name: str
    start_minute: int
    length_minutes: int
    officers: int
    skill: str | None = None


@dataclass(frozen=True)
class RosterChange:
    today: int
    unavailable: tuple[Unavailable, ...] = ()
    events: tuple[ExtraCover, ...] = ()


@dataclass(frozen=True)
class ChangedDay:
    officer_id: str
    day: int
    published: str | None
    repaired: str | None
    rest_day_cancelled: bool
    notice_days: int | None
    compensation: str | None


def rdc_notice_days(today: int, day: int) -> int:
    """Clear days' notice: neither the day told nor the day worked counts."""
    return max(0, day - today - 1)


def rdc_cost(day: int, today: int, tour_minutes: int) -> int:
    """What working a tour of ``tour_minutes`` on a cancelled rest day costs: under 15 clear
    days' notice, the hours paid (time and a half of the tour, at least 4 hours); otherwise a
    replacement rest day owed, whatever the tour."""
    notice = rdc_notice_days(today, day)
    if notice >= RDC_SHORT_NOTICE_DAYS:
        return RDC_OWED_DAY_COST
    paid = 1.5 * max(RDC_MINIMUM_PAID_MINUTES, tour_minutes) / 60
    return math.ceil(paid * RDC_COST_PER_PAID_HOUR)


def event_covers(
    problem: RosterProblem, events: Iterable[ExtraCover], published: Roster
) -> list[Cover]:
    """Hourly covers for each event: the officers the published roster has on duty then plus
    the event's (counting tours spanning at least half of each hour)."""
    covers = []
    for event in events:
        for start in range(event.start_minute, event.start_minute + event.length_minutes, 60):
            slots = slots_on_duty(problem.tours, problem.days, start)
            cover = Cover(
                key=f"event:{event.name}:{start}",
                slots=tuple(slots),
                requirement=event.officers,
                weight_under=EVENT_WEIGHT_PER_OFFICER_HOUR,
                skill=event.skill,
                start_minute=start,
                length_minutes=60,
            )
            already = published_cover(problem, published, cover)
            covers.append(dataclasses.replace(cover, requirement=already + event.officers))
    return covers


def published_cover(problem: RosterProblem, published: Roster, cover: Cover) -> int:
    """Officers the published roster puts on ``cover``'s period."""
    slots = set(cover.slots)
    return sum(
        1
        for officer in problem.officers
        if cover.counts(officer)
        for day, code in published.get(officer.id, {}).items()
        if (day, code) in slots
    )


def _restore_only(problem: RosterProblem, published: Roster) -> tuple[Cover, ...]:
    """Cover a repair aims at: what the published roster gave (up to the requirement), so the
    repair restores the plan rather than re-optimising the whole roster."""
    return tuple(
        dataclasses.replace(
            c, requirement=min(c.requirement, published_cover(problem, published, c))
        )
        if c.weight_under
        else c
        for c in problem.covers
    )


def repair_problem(
    problem: RosterProblem, published: Roster, change: RosterChange
) -> RosterProblem:
    """The repair as a roster problem: the published roster fixed before ``today``, changes
    applied, the cover it gave as the target, stability and rest-day-cancellation costs on
    every later day."""
    days_off = {k: set(v) for k, v in problem.days_off.items()}
    leave = {k: set(v) for k, v in problem.leave.items()}
    for gone in change.unavailable:
        days_off.setdefault(gone.officer_id, set()).update(gone.days)
        leave.setdefault(gone.officer_id, set()).update(gone.days)
    fixed = {
        o: {d: c for d, c in days.items() if d < change.today} for o, days in published.items()
    }
    later = {
        o: {d: c for d, c in days.items() if d >= change.today} for o, days in published.items()
    }
    for gone in change.unavailable:  # what they were rostered to do that day no longer binds
        for d in gone.days:
            later.get(gone.officer_id, {}).pop(d, None)
    costs = {
        o: {
            d: {t.code: rdc_cost(d, change.today, t.length_minutes) for t in problem.tours}
            for d, c in days.items()
            if c is None
        }
        for o, days in later.items()
    }
    return dataclasses.replace(
        problem,
        days_off={k: frozenset(v) for k, v in days_off.items()},
        leave={k: frozenset(v) for k, v in leave.items()},
        covers=_restore_only(problem, published)
        + tuple(event_covers(problem, change.events, published)),
        published=later,
        fixed=fixed,
        rest_day_cancel_cost=costs,
    )


def repair_start(repaired: RosterProblem) -> Roster:
    """Where the repair's search starts (its hint): the published roster with the change made,
    that is the days before ``today`` as they were and the unavailable officers' days made rest
    days. Where that still meets every hard rule the search starts from it, so even a short
    solve returns a roster this close to the published one; the published roster itself, with
    the sick officer still on duty, breaks the rule on absences and would be only a partial
    hint (docs/roster.md, "How the solver works")."""
    officers = set(repaired.fixed) | set(repaired.published)
    return {o: {**repaired.fixed.get(o, {}), **repaired.published.get(o, {})} for o in officers}


def changed_days(
    published: Roster, repaired: Roster, today: int, officers: Sequence[str] | None = None
) -> list[ChangedDay]:
    """Every officer-day the repair changed, with rest days cancelled and what they earn."""
    out = []
    for officer_id in officers or sorted(set(published) | set(repaired)):
        before, after = published.get(officer_id, {}), repaired.get(officer_id, {})
        for day in sorted(set(before) | set(after)):
            old, new = before.get(day), after.get(day)
            if old == new or day < today:
                continue
            cancelled = old is None and new is not None and day in before
            notice = rdc_notice_days(today, day) if cancelled else None
            compensation = None
            if cancelled:
                compensation = (
                    "replacement rest day owed"
                    if notice is not None and notice >= RDC_SHORT_NOTICE_DAYS
                    else "time and a half, minimum 4 hours"
                )
            out.append(ChangedDay(officer_id, day, old, new, cancelled, notice, compensation))
    return out
