"""The soft objective of a roster (the Curtois & Qu objective): requests refused and cover
missed or exceeded, evaluated straight from the roster."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from forceplan.roster.problem import Cover, Officer, Request, Roster, RosterProblem

COMPONENTS = ("requests", "cover_under", "cover_over")


@dataclass(frozen=True)
class PenaltyReport:
    """What a roster costs and where: ``by_component`` has "requests", "cover_under" and
    "cover_over"; ``by_officer`` the cost of each officer's refused requests; ``by_cover`` the
    cost of each cover (under plus over)."""

    total: int
    by_component: Mapping[str, int]
    by_officer: Mapping[str, int] = field(default_factory=dict)
    by_cover: Mapping[str, int] = field(default_factory=dict)
    refused_requests: tuple[Request, ...] = ()
    #: Officers counted towards each cover.
    cover_counted: Mapping[str, int] = field(default_factory=dict)


def tour_worked(roster: Roster, officer_id: str, day: int) -> str | None:
    return roster.get(officer_id, {}).get(day)


def request_refused(request: Request, roster: Roster) -> bool:
    """An on-request is refused unless the officer works that tour that day (any tour when
    ``tour`` is None); an off-request is refused when they work that tour (any tour when None)."""
    worked = tour_worked(roster, request.officer_id, request.day)
    matches = worked is not None and (request.tour is None or worked == request.tour)
    return not matches if request.on else matches


def officers_by_slot(problem: RosterProblem, roster: Roster) -> dict[tuple[int, str], list]:
    """The problem's officers working each (day, tour)."""
    out: dict[tuple[int, str], list[Officer]] = {}
    seen: set[str] = set()
    for officer in problem.officers:
        if officer.id in seen:
            continue
        seen.add(officer.id)
        for day, code in roster.get(officer.id, {}).items():
            if code is not None:
                out.setdefault((day, code), []).append(officer)
    return out


def officers_counted(cover: Cover, by_slot: Mapping[tuple[int, str], list[Officer]]) -> int:
    """Distinct officers who work one of the cover's slots and count towards it."""
    counted = {
        officer.id
        for slot in cover.slots
        for officer in by_slot.get(slot, ())
        if cover.counts(officer)
    }
    return len(counted)


def roster_penalty(problem: RosterProblem, roster: Roster) -> PenaltyReport:
    """The soft objective: the weight of every refused request, plus for every cover
    ``weight_under`` per officer short of ``requirement`` and ``weight_over`` per officer over."""
    by_component = dict.fromkeys(COMPONENTS, 0)
    by_officer: dict[str, int] = {}
    refused = []
    for request in problem.requests:
        if request_refused(request, roster):
            refused.append(request)
            by_component["requests"] += request.weight
            by_officer[request.officer_id] = by_officer.get(request.officer_id, 0) + request.weight
    by_slot = officers_by_slot(problem, roster)
    by_cover: dict[str, int] = {}
    counted_by_cover: dict[str, int] = {}
    for cover in problem.covers:
        counted = officers_counted(cover, by_slot)
        under = cover.weight_under * max(0, cover.requirement - counted)
        over = cover.weight_over * max(0, counted - cover.requirement)
        by_component["cover_under"] += under
        by_component["cover_over"] += over
        by_cover[cover.key] = by_cover.get(cover.key, 0) + under + over
        counted_by_cover[cover.key] = counted_by_cover.get(cover.key, 0) + counted
    return PenaltyReport(
        total=sum(by_component.values()),
        by_component=by_component,
        by_officer=by_officer,
        by_cover=by_cover,
        refused_requests=tuple(refused),
        cover_counted=counted_by_cover,
    )
