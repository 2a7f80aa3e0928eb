"""The demo force's organisation and people: units, ranks, roles, service, skills, restrictions.

Figures (DOMAIN.md): ~40% of response officers under 2 years' service; experienced officers
concentrated in investigation and specialist units; ~1 sergeant per 8 constables; ~4% of officers
on restricted or recuperative duties; ~10% part-time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from forceplan.standard import (
    Force,
    Person,
    PersonKind,
    Rank,
    Restriction,
    RestrictionKind,
    Role,
    ShiftDefinition,
    Skill,
    Unit,
    UnitKind,
)
from forceplan.synth.calibration import RESIDENTS_PER_OFFICER
from forceplan.synth.names import person_name

FORCE_ID = "DEMO"
BCUS = (("N", "North", 0.40, True), ("C", "Central", 0.35, True), ("S", "South", 0.25, False))
TEAM_LETTERS = "ABCDE"

#: Share of officers per role; BCU-based roles are split across BCUs by population.
ROLE_SHARES: dict[Role, float] = {
    Role.RESPONSE: 0.40,
    Role.NEIGHBOURHOOD: 0.18,
    Role.INVESTIGATION: 0.13,
    Role.PUBLIC_PROTECTION: 0.08,
    Role.FIREARMS: 0.04,
    Role.ROADS_POLICING: 0.03,
    Role.PUBLIC_ORDER: 0.02,
    Role.CUSTODY: 0.03,
    Role.INTELLIGENCE: 0.02,
    Role.CONTROL_ROOM: 0.02,
    Role.TRAINING: 0.01,
    Role.MANAGEMENT: 0.04,
}
BCU_ROLES = (Role.RESPONSE, Role.NEIGHBOURHOOD, Role.INVESTIGATION)
#: Roles that work the 24/7 five-team rota (see rosters.py).
ROTA_ROLES = (Role.RESPONSE, Role.FIREARMS, Role.ROADS_POLICING, Role.CUSTODY, Role.CONTROL_ROOM)

#: Length-of-service mix: P(under 2 years), P(2-5 years); the rest 5-30 years.
SERVICE_MIX: dict[Role, tuple[float, float]] = {
    Role.RESPONSE: (0.40, 0.25),
    Role.NEIGHBOURHOOD: (0.22, 0.30),
    Role.CONTROL_ROOM: (0.10, 0.30),
    Role.CUSTODY: (0.05, 0.25),
}
DEFAULT_SERVICE_MIX = (0.02, 0.18)
STAFF_PER_OFFICER = 0.3
STAFF_ROLES = {
    Role.CONTROL_ROOM: 0.35,
    Role.INVESTIGATION: 0.2,
    Role.SUPPORT: 0.3,
    Role.INTELLIGENCE: 0.15,
}

#: Skills by role: (code, share holding it, validity in years or None).
SKILLS: dict[Role, tuple[tuple[str, float, int | None], ...]] = {
    Role.RESPONSE: (
        ("taser", 0.35, 1),
        ("response_driver", 0.6, 3),
        ("advanced_driver", 0.08, 3),
        ("public_order_l2", 0.15, 1),
    ),
    Role.NEIGHBOURHOOD: (("response_driver", 0.3, 3), ("public_order_l2", 0.1, 1)),
    Role.INVESTIGATION: (("detective_pip2", 0.7, None), ("response_driver", 0.2, 3)),
    Role.PUBLIC_PROTECTION: (("detective_pip2", 0.5, None), ("abe_interview", 0.45, None)),
    Role.FIREARMS: (("firearms_afo", 1.0, 1), ("advanced_driver", 0.6, 3), ("taser", 1.0, 1)),
    Role.ROADS_POLICING: (("advanced_driver", 0.9, 3), ("tpac", 0.5, 3)),
    Role.PUBLIC_ORDER: (("public_order_l2", 1.0, 1), ("taser", 0.6, 1)),
    Role.CUSTODY: (("custody", 1.0, 3),),
}


@dataclass
class Organisation:
    force: Force
    units: list[Unit]
    shifts: list[ShiftDefinition]
    people: list[Person]


def shift_definitions(force_id: str = FORCE_ID) -> list[ShiftDefinition]:
    """The demo force's tours: 10-hour earlies and lates, 9-hour nights, 8-hour days."""
    spec = [
        ("E", "Early", 7, 600),
        ("L", "Late", 15, 600),
        ("N", "Night", 22, 540),
        ("D", "Day", 8, 480),
        ("X", "Evening", 14, 480),
    ]
    return [
        ShiftDefinition(force_id=force_id, code=c, name=n, start=dt.time(h), length_minutes=m)
        for c, n, h, m in spec
    ]


def _units(officers: int) -> tuple[Force, list[Unit]]:
    population = officers * RESIDENTS_PER_OFFICER
    force = Force(
        id=FORCE_ID, name="Demoshire Constabulary", region="Demo Region", population=population
    )
    units = [Unit(id="HQ", force_id=FORCE_ID, name="Force headquarters", kind=UnitKind.DEPARTMENT)]
    for code, name, share, urban in BCUS:
        units.append(
            Unit(
                id=code,
                force_id=FORCE_ID,
                name=f"{name} BCU",
                kind=UnitKind.BCU,
                population=round(population * share),
                urban=urban,
            )
        )
        for letter in TEAM_LETTERS:
            units.append(
                Unit(
                    id=f"{code}-RESP-{letter}",
                    force_id=FORCE_ID,
                    parent_id=code,
                    name=f"{name} response team {letter}",
                    kind=UnitKind.TEAM,
                    role=Role.RESPONSE,
                    urban=urban,
                )
            )
        units.append(
            Unit(
                id=f"{code}-NHOOD",
                force_id=FORCE_ID,
                parent_id=code,
                name=f"{name} neighbourhood team",
                kind=UnitKind.TEAM,
                role=Role.NEIGHBOURHOOD,
                urban=urban,
            )
        )
        units.append(
            Unit(
                id=f"{code}-CID",
                force_id=FORCE_ID,
                parent_id=code,
                name=f"{name} CID",
                kind=UnitKind.TEAM,
                role=Role.INVESTIGATION,
            )
        )
    for role in (
        Role.PUBLIC_PROTECTION,
        Role.FIREARMS,
        Role.ROADS_POLICING,
        Role.PUBLIC_ORDER,
        Role.CUSTODY,
        Role.INTELLIGENCE,
        Role.CONTROL_ROOM,
        Role.TRAINING,
        Role.MANAGEMENT,
        Role.SUPPORT,
    ):
        units.append(
            Unit(
                id=f"HQ-{role.value.upper().replace('_', '')}",
                force_id=FORCE_ID,
                parent_id="HQ",
                name=role.value.replace("_", " ").capitalize(),
                kind=UnitKind.DEPARTMENT,
                role=role,
            )
        )
    return force, units


def _unit_for(role: Role, seen: dict[str, int], rng: np.random.Generator) -> str:
    """Home unit: BCU roles by BCU share (response dealt evenly over teams A-E), others at HQ."""
    if role in BCU_ROLES:
        bcu = BCUS[rng.choice(len(BCUS), p=[b[2] for b in BCUS])][0]
        if role == Role.RESPONSE:
            seen[bcu] = seen.get(bcu, -1) + 1
            return f"{bcu}-RESP-{TEAM_LETTERS[seen[bcu] % len(TEAM_LETTERS)]}"
        return f"{bcu}-NHOOD" if role == Role.NEIGHBOURHOOD else f"{bcu}-CID"
    return f"HQ-{role.value.upper().replace('_', '')}"


def _service_years(role: Role, rng: np.random.Generator) -> float:
    under2, two_to_5 = SERVICE_MIX.get(role, DEFAULT_SERVICE_MIX)
    u = rng.random()
    if u < under2:
        return rng.uniform(0.05, 2.0)
    if u < under2 + two_to_5:
        return rng.uniform(2.0, 5.0)
    return min(rng.gamma(3.0, 4.0) + 5.0, 32.0)


def _rank(role: Role, years: float, slot: int, rng: np.random.Generator) -> Rank:
    if role == Role.MANAGEMENT:
        ladder = [
            Rank.INSPECTOR,
            Rank.CHIEF_INSPECTOR,
            Rank.CHIEF_INSPECTOR,
            Rank.SUPERINTENDENT,
            Rank.SUPERINTENDENT,
            Rank.CHIEF_SUPERINTENDENT,
            Rank.ASSISTANT_CHIEF_CONSTABLE,
            Rank.DEPUTY_CHIEF_CONSTABLE,
            Rank.CHIEF_CONSTABLE,
        ]
        return ladder[min(slot, len(ladder) - 1)] if slot < 3 else ladder[rng.integers(0, 6)]
    return Rank.CONSTABLE


def _skills(role: Role, start: dt.date, end: dt.date, rng: np.random.Generator) -> list[Skill]:
    first_aid = end + dt.timedelta(days=int(rng.integers(-60, 1095)))
    skills = [Skill(code="first_aid", expires_on=first_aid)]
    for code, share, years in SKILLS.get(role, ()):
        if rng.random() >= share:
            continue
        expiry = None
        if years is not None:  # renewed on a cycle; ~6% lapsed at the end of the period
            expiry = end + dt.timedelta(days=int(rng.integers(-30, 365 * years)))
        skills.append(Skill(code=code, expires_on=expiry))
    return skills


def generate_organisation(officers: int, end: dt.date, rng: np.random.Generator) -> Organisation:
    """Force, units, tours and people (officers plus police staff) as at ``end``."""
    force, units = _units(officers)
    roles = list(ROLE_SHARES)
    counts = np.floor(np.array(list(ROLE_SHARES.values())) * officers).astype(int)
    counts[0] += officers - counts.sum()  # remainder to response
    people: list[Person] = []
    seen: dict[str, int] = {}
    for role, count in zip(roles, counts, strict=True):
        for slot in range(int(count)):
            people.append(_officer(len(people), role, slot, end, rng, seen))
    _promote(people, end)
    _assign_tutors(people, rng)
    staff_roles = list(STAFF_ROLES)
    for i in range(round(officers * STAFF_PER_OFFICER)):
        role = staff_roles[rng.choice(len(staff_roles), p=list(STAFF_ROLES.values()))]
        years = _service_years(role, rng)
        people.append(
            Person(
                id=f"S{i + 1:05d}",
                force_id=FORCE_ID,
                display_name=person_name(rng),
                kind=PersonKind.STAFF,
                role=role,
                unit_id=_unit_for(role, seen, rng),
                contracted_hours_per_week=37.0 if rng.random() < 0.8 else 22.5,
                service_start=end - dt.timedelta(days=int(years * 365.25)),
                birth_year=end.year - int(years) - int(rng.integers(18, 45)),
            )
        )
    return Organisation(force, units, shift_definitions(), people)


def _officer(
    index: int, role: Role, slot: int, end: dt.date, rng: np.random.Generator, seen: dict[str, int]
) -> Person:
    years = _service_years(role, rng)
    if role == Role.MANAGEMENT:
        years = max(years, rng.uniform(12, 28))
    rank = _rank(role, years, slot, rng)
    start = end - dt.timedelta(days=int(years * 365.25))
    student = rank == Rank.CONSTABLE and years < 2.0
    restrictions = []
    if rng.random() < 0.04:
        kind = RestrictionKind.RESTRICTED if rng.random() < 0.6 else RestrictionKind.RECUPERATIVE
        r_start = end - dt.timedelta(days=int(rng.integers(30, 400)))
        r_end = (
            None
            if kind == RestrictionKind.RESTRICTED
            else r_start + dt.timedelta(days=int(rng.integers(30, 180)))
        )
        restrictions.append(
            Restriction(
                kind=kind,
                start=r_start,
                end=r_end,
                allowed_roles=[Role.CUSTODY, Role.CONTROL_ROOM, Role.INTELLIGENCE, Role.SUPPORT],
            )
        )
    skills = _skills(role, start, end, rng)
    tutor = (
        rank == Rank.CONSTABLE
        and years >= 3
        and role in (Role.RESPONSE, Role.NEIGHBOURHOOD)
        and rng.random() < 0.3
    )
    if tutor:
        skills.append(Skill(code="tutor"))
    return Person(
        id=f"P{index + 1:05d}",
        force_id=FORCE_ID,
        display_name=person_name(rng),
        kind=PersonKind.OFFICER,
        rank=rank,
        role=role,
        unit_id=_unit_for(role, seen, rng),
        contracted_hours_per_week=40.0 if rng.random() < 0.9 else float(rng.choice([24, 30, 32])),
        service_start=start,
        birth_year=start.year - int(rng.integers(19, 42)),
        skills=skills,
        restrictions=restrictions,
        student_officer=student,
        independent_patrol=not student or years > 0.6,
        tutor=tutor,
    )


def _promote(people: list[Person], end: dt.date) -> None:
    """Supervisors from each team's most experienced constables: one inspector per team of 10
    or more (four years' service as sergeant first), and one sergeant per 8 officers."""
    by_unit: dict[str | None, list[int]] = {}
    for i, p in enumerate(people):
        if p.kind == PersonKind.OFFICER and p.role != Role.MANAGEMENT:
            by_unit.setdefault(p.unit_id, []).append(i)
    for members in by_unit.values():
        members.sort(key=lambda i: people[i].service_start)
        inspectors = 1 if len(members) >= 10 else 0
        sergeants = max(1, round(len(members) / 8)) if len(members) >= 4 else 0
        for n, i in enumerate(members[: inspectors + sergeants]):
            years = people[i].years_of_service(end)
            if years < 4:
                break
            rank = Rank.INSPECTOR if n < inspectors and years >= 8 else Rank.SERGEANT
            update = {
                "rank": rank,
                "tutor": False,
                "skills": [s for s in people[i].skills if s.code != "tutor"],
            }
            people[i] = people[i].model_copy(update=update)


def _assign_tutors(people: list[Person], rng: np.random.Generator) -> None:
    """Each student officer not yet on independent patrol gets a tutor from their own team."""
    tutors: dict[str | None, list[str]] = {}
    for p in people:
        if p.tutor:
            tutors.setdefault(p.unit_id, []).append(p.id)
    for i, p in enumerate(people):
        if p.student_officer and not p.independent_patrol and tutors.get(p.unit_id):
            choices = tutors[p.unit_id]
            people[i] = p.model_copy(update={"tutor_id": choices[rng.integers(0, len(choices))]})
