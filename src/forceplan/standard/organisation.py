"""Forces, their units and their people."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from forceplan.standard.base import Code, Identifier, Label, Record, check_timezone
from forceplan.standard.enums import PersonKind, Rank, RestrictionKind, Role, UnitKind

#: Hours in a full-time week for officers (Police Regulations 2003, Annex E: 8-hour day, 5 days).
FULL_TIME_HOURS_PER_WEEK = 40.0


class Force(Record):
    """A police force (a territorial or special force, or any body that shares officers)."""

    id: Identifier = Field(description="Short code, unique nationally.", examples=["WYP"])
    name: Label = Field(description="Name of the force.", examples=["West Yorkshire Police"])
    timezone: str = Field(
        "Europe/London",
        description="IANA time zone in which the force's local times are read.",
        examples=["Europe/London"],
    )
    region: Label | None = Field(
        None, description="Named region the force is aggregated into.", examples=["North East"]
    )
    population: int | None = Field(
        None, ge=0, description="Residents served (people).", examples=[2_350_000]
    )

    _known_timezone = field_validator("timezone")(check_timezone)


class Unit(Record):
    """A part of a force: a basic command unit (BCU), a station, a team or a department."""

    id: Identifier = Field(description="Unit code, unique in the force.", examples=["N-RESP-A"])
    force_id: Identifier = Field(description="Force the unit belongs to.", examples=["WYP"])
    name: Label = Field(description="Name of the unit.", examples=["North BCU response team A"])
    kind: UnitKind = Field(
        description="Level: bcu, station, team or department.", examples=["team"]
    )
    parent_id: Identifier | None = Field(
        None, description="The unit this one belongs to.", examples=["N"]
    )
    role: Role | None = Field(
        None, description="Main function of a team or department.", examples=["response"]
    )
    population: int | None = Field(
        None, ge=0, description="Residents served (people), where known.", examples=[410_000]
    )
    urban: bool | None = Field(
        None,
        description="Urban area: Grade 1 target 15 min (urban) or 20 min (rural).",
        examples=[True],
    )

    @model_validator(mode="after")
    def _not_own_parent(self) -> Unit:
        if self.parent_id is not None and self.parent_id == self.id:
            raise ValueError("parent_id: a unit cannot be its own parent")
        return self


class Skill(Record):
    """A skill or accreditation held, with its expiry (None: does not expire)."""

    code: Code = Field(
        description="Skill code; see docs/standard.md for the recommended vocabulary.",
        examples=["taser"],
    )
    expires_on: dt.date | None = Field(
        None,
        description="Last day the accreditation is valid; none if it does not expire.",
        examples=["2026-09-30"],
    )

    def valid_on(self, day: dt.date) -> bool:
        return self.expires_on is None or day <= self.expires_on


class Restriction(Record):
    """Restricted or recuperative duties: which roles the person may be deployed in."""

    kind: RestrictionKind = Field(
        description="restricted, recuperative or adjusted duties.", examples=["recuperative"]
    )
    start: dt.date = Field(description="First day of the restriction.", examples=["2025-06-01"])
    end: dt.date | None = Field(
        None, description="Last day (inclusive); none while open.", examples=["2025-08-31"]
    )
    allowed_roles: list[Role] = Field(
        default_factory=list,
        description="Roles the person may still perform.",
        examples=[["custody", "control_room"]],
    )
    notes: Annotated[str, Field(max_length=500)] | None = Field(
        None,
        description="Special-category data: kept inside the force, behind access control.",
        examples=["No public-facing duties"],
    )

    @model_validator(mode="after")
    def _ordered(self) -> Restriction:
        if self.end is not None and self.end < self.start:
            raise ValueError("end: the restriction ends before it starts")
        return self

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Person(Record):
    """An officer or member of police staff."""

    id: Identifier = Field(
        description="Person's identifier in the force (a collar or payroll number; not a name).",
        examples=["P004211"],
    )
    force_id: Identifier = Field(description="Force employing the person.", examples=["WYP"])
    display_name: Label | None = Field(
        None, description="Name shown in rosters.", examples=["Sam Patel"]
    )
    kind: PersonKind = Field(
        PersonKind.OFFICER, description="officer, staff, pcso or special.", examples=["officer"]
    )
    rank: Rank | None = Field(
        None,
        description="Police rank; required for officers and specials, none for staff.",
        examples=["constable"],
    )
    role: Role = Field(description="The function the person performs.", examples=["response"])
    unit_id: Identifier | None = Field(
        None, description="Home unit (team or department).", examples=["N-RESP-A"]
    )
    contracted_hours_per_week: float = Field(
        FULL_TIME_HOURS_PER_WEEK,
        gt=0,
        le=60,
        description="Contracted hours a week (hours); 40 is full time for officers.",
        examples=[40.0],
    )
    service_start: dt.date = Field(
        description="First day of police service, from which length of service is counted.",
        examples=["2023-09-04"],
    )
    birth_year: int | None = Field(
        None,
        ge=1900,
        le=2100,
        description="Year of birth (for retirement projections).",
        examples=[1994],
    )
    leaving_date: dt.date | None = Field(
        None, description="Last day of service, if the person has left.", examples=["2026-01-31"]
    )
    skills: list[Skill] = Field(
        default_factory=list,
        description="Skills and accreditations held, with expiry dates.",
        examples=[[{"code": "taser", "expires_on": "2026-09-30"}]],
    )
    restrictions: list[Restriction] = Field(
        default_factory=list,
        description="Restricted or recuperative duties, past and present.",
        examples=[[]],
    )
    student_officer: bool = Field(
        False, description="Still in the student officer programme.", examples=[False]
    )
    independent_patrol: bool = Field(
        True,
        description="Signed off for independent patrol (student officers: false at first, "
        "when they must be on duty with a tutor).",
        examples=[True],
    )
    tutor: bool = Field(False, description="Accredited tutor constable.", examples=[False])
    tutor_id: Identifier | None = Field(
        None,
        description="Tutor of a student officer not yet on independent patrol.",
        examples=["P001877"],
    )

    @field_validator("skills")
    @classmethod
    def _skills_in_code_order(cls, skills: list[Skill]) -> list[Skill]:
        """Skills are a set: kept in code order so that equal people compare equal."""
        return sorted(skills, key=lambda s: s.code)

    @model_validator(mode="after")
    def _consistent(self) -> Person:
        if self.kind in (PersonKind.OFFICER, PersonKind.SPECIAL) and self.rank is None:
            raise ValueError("rank: officers and specials must have a rank")
        if self.kind in (PersonKind.STAFF, PersonKind.PCSO) and self.rank is not None:
            raise ValueError("rank: police staff and PCSOs have no police rank")
        if self.student_officer and self.rank not in (Rank.CONSTABLE, None):
            raise ValueError("student_officer: student officers are constables")
        if self.tutor_id is not None and self.tutor_id == self.id:
            raise ValueError("tutor_id: a person cannot tutor themselves")
        if self.leaving_date is not None and self.leaving_date < self.service_start:
            raise ValueError("leaving_date: leaves before service_start")
        codes = [s.code for s in self.skills]
        if len(codes) != len(set(codes)):
            raise ValueError("skills: each skill code may appear once")
        return self

    @property
    def fte(self) -> float:
        """Full-time equivalent (contracted hours over 40)."""
        return self.contracted_hours_per_week / FULL_TIME_HOURS_PER_WEEK

    def years_of_service(self, on: dt.date) -> float:
        return (on - self.service_start).days / 365.25

    def has_skill(self, code: str, on: dt.date) -> bool:
        return any(s.code == code and s.valid_on(on) for s in self.skills)
