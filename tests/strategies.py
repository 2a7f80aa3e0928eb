"""Hypothesis strategies that build valid records of the standard."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from forceplan.standard import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    AssignmentStatus,
    Case,
    Channel,
    Deployment,
    Force,
    Grade,
    Incident,
    IncidentCategory,
    PartnerAgency,
    Person,
    PersonKind,
    Rank,
    Restriction,
    RestrictionKind,
    Role,
    RosterAssignment,
    ShiftDefinition,
    Skill,
    Unit,
    UnitKind,
)

FORCE = "TF"
ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._:/-]{0,20}\Z")
codes = st.from_regex(r"\A[a-z0-9_]{1,12}\Z")
labels = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=40,
)
dates = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2100, 12, 31))
zones = st.sampled_from(
    [dt.UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5, minutes=-30))]
)
instants = st.datetimes(
    min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 1, 1), timezones=zones
)
minutes = st.integers(min_value=0, max_value=3 * 24 * 60)


def later(base: dt.datetime, draw: st.DrawFn) -> dt.datetime:
    return base + dt.timedelta(minutes=draw(minutes), microseconds=draw(st.integers(0, 999_999)))


@st.composite
def forces(draw: st.DrawFn) -> Force:
    return Force(
        id=FORCE,
        name=draw(labels),
        timezone=draw(st.sampled_from(["Europe/London", "UTC", "America/New_York"])),
        region=draw(st.none() | labels),
        population=draw(st.none() | st.integers(0, 10_000_000)),
    )


@st.composite
def units(draw: st.DrawFn) -> Unit:
    return Unit(
        id=draw(ids),
        force_id=FORCE,
        name=draw(labels),
        kind=draw(st.sampled_from(UnitKind)),
        role=draw(st.none() | st.sampled_from(Role)),
        population=draw(st.none() | st.integers(0, 5_000_000)),
        urban=draw(st.none() | st.booleans()),
    )


@st.composite
def people(draw: st.DrawFn) -> Person:
    kind = draw(st.sampled_from(PersonKind))
    rank = draw(st.sampled_from(Rank)) if kind in (PersonKind.OFFICER, PersonKind.SPECIAL) else None
    start = draw(dates)
    skill_codes = draw(st.lists(codes, max_size=4, unique=True))
    restrictions = []
    for _ in range(draw(st.integers(0, 2))):
        r_start = draw(dates)
        r_end = draw(st.none() | st.dates(min_value=r_start, max_value=dt.date(2100, 12, 31)))
        restrictions.append(
            Restriction(
                kind=draw(st.sampled_from(RestrictionKind)),
                start=r_start,
                end=r_end,
                allowed_roles=draw(st.lists(st.sampled_from(Role), max_size=3, unique=True)),
                notes=draw(st.none() | labels),
            )
        )
    return Person(
        id=draw(ids),
        force_id=FORCE,
        display_name=draw(st.none() | labels),
        kind=kind,
        rank=rank,
        role=draw(st.sampled_from(Role)),
        unit_id=draw(st.none() | ids),
        contracted_hours_per_week=draw(st.floats(1, 60)),
        service_start=start,
        birth_year=draw(st.none() | st.integers(1900, 2100)),
        leaving_date=draw(st.none() | st.dates(min_value=start, max_value=dt.date(2100, 12, 31))),
        skills=[Skill(code=c, expires_on=draw(st.none() | dates)) for c in skill_codes],
        restrictions=restrictions,
        student_officer=rank == Rank.CONSTABLE and draw(st.booleans()),
        independent_patrol=draw(st.booleans()),
        tutor=draw(st.booleans()),
    )


@st.composite
def shift_definitions(draw: st.DrawFn) -> ShiftDefinition:
    return ShiftDefinition(
        force_id=FORCE,
        code=draw(codes),
        name=draw(st.none() | labels),
        start=draw(st.times()).replace(microsecond=0),
        length_minutes=draw(st.integers(1, 24 * 60)),
        paid_break_minutes=draw(st.integers(0, 90)),
    )


@st.composite
def roster_assignments(draw: st.DrawFn) -> RosterAssignment:
    rest = draw(st.booleans())
    rdc = not rest and draw(st.booleans())
    return RosterAssignment(
        force_id=FORCE,
        person_id=draw(ids),
        date=draw(dates),
        shift_code=None if rest else draw(codes),
        status=draw(st.sampled_from(AssignmentStatus)),
        unit_id=draw(st.none() | ids),
        rest_day_cancelled=rdc,
        rdc_notice_days=draw(st.integers(0, 60)) if rdc else None,
        overtime_minutes=0 if rest else draw(st.integers(0, 600)),
        single_crewed=draw(st.none() | st.booleans()),
    )


@st.composite
def absences(draw: st.DrawFn) -> Absence:
    start = draw(dates)
    return Absence(
        id=draw(ids),
        force_id=FORCE,
        person_id=draw(ids),
        kind=draw(st.sampled_from(AbsenceKind)),
        start=start,
        end=draw(st.dates(min_value=start, max_value=dt.date(2100, 12, 31))),
        status=draw(st.sampled_from(AbsenceStatus)),
        hours_per_day=draw(st.none() | st.floats(0.25, 24)),
        reason=draw(st.none() | labels),
    )


@st.composite
def incidents(draw: st.DrawFn) -> Incident:
    received = draw(instants)
    channel = draw(st.sampled_from(Channel))
    attended = draw(st.booleans())
    arrival = later(received, draw) if attended else None
    cleared = draw(st.none() | st.just(later(arrival or received, draw)))
    return Incident(
        id=draw(ids),
        force_id=FORCE,
        unit_id=draw(st.none() | ids),
        received_at=received,
        channel=channel,
        source_agency=draw(st.sampled_from(PartnerAgency))
        if channel == Channel.PARTNER_AGENCY
        else None,
        category=draw(st.sampled_from(IncidentCategory)),
        grade=draw(st.sampled_from(Grade)),
        attendance_target_minutes=draw(st.none() | st.integers(1, 5000)),
        first_arrival_at=arrival,
        cleared_at=cleared,
        officers_deployed=draw(st.integers(1, 6)) if attended else draw(st.integers(0, 3)),
        outcome=draw(st.none() | labels),
        attributed_agency=draw(st.none() | st.sampled_from(PartnerAgency)),
        signposted_to=draw(st.none() | st.sampled_from(PartnerAgency)),
        location_key=draw(st.none() | ids),
        caller_key=draw(st.none() | ids),
    )


@st.composite
def deployments(draw: st.DrawFn) -> Deployment:
    dispatched = draw(instants)
    arrived = draw(st.none() | st.just(later(dispatched, draw)))
    cleared = draw(st.none() | st.just(later(arrived or dispatched, draw)))
    person = draw(st.none() | ids)
    return Deployment(
        id=draw(ids),
        force_id=FORCE,
        incident_id=draw(ids),
        person_id=person,
        unit_id=draw(ids) if person is None else draw(st.none() | ids),
        dispatched_at=dispatched,
        arrived_at=arrived,
        cleared_at=cleared,
    )


@st.composite
def cases(draw: st.DrawFn) -> Case:
    opened = draw(dates)
    return Case(
        id=draw(ids),
        force_id=FORCE,
        category=draw(st.sampled_from(IncidentCategory)),
        complexity_weight=draw(st.floats(0.1, 100)),
        investigator_id=draw(st.none() | ids),
        incident_id=draw(st.none() | ids),
        opened_on=opened,
        closed_on=draw(st.none() | st.dates(min_value=opened, max_value=dt.date(2100, 12, 31))),
    )


RECORD_STRATEGIES = {
    "force": forces(),
    "unit": units(),
    "person": people(),
    "shift_definition": shift_definitions(),
    "roster_assignment": roster_assignments(),
    "absence": absences(),
    "incident": incidents(),
    "deployment": deployments(),
    "case": cases(),
}
