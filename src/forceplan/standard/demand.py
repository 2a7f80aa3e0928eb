"""Demand: incidents, the deployments that answered them, and investigations (cases)."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, Field, model_validator

from forceplan.standard.base import Identifier, Label, Record
from forceplan.standard.enums import Channel, Grade, IncidentCategory, PartnerAgency

#: Default attendance targets in minutes by grade (national standard for Grade 1: 15 min urban,
#: 20 min rural; Grade 2 within 1 hour; Grade 3 within 48 hours; Grade 4 not attended).
DEFAULT_ATTENDANCE_TARGET_MINUTES: dict[Grade, int | None] = {
    Grade.EMERGENCY: 15,
    Grade.PRIORITY: 60,
    Grade.SCHEDULED: 48 * 60,
    Grade.NO_DEPLOYMENT: None,
}
RURAL_GRADE1_TARGET_MINUTES = 20


def default_attendance_target_minutes(grade: Grade, urban: bool = True) -> int | None:
    """The default attendance target for a grade (see docs/rules.md)."""
    if grade == Grade.EMERGENCY and not urban:
        return RURAL_GRADE1_TARGET_MINUTES
    return DEFAULT_ATTENDANCE_TARGET_MINUTES[Grade(grade)]


def _check_order(pairs: list[tuple[str, dt.datetime | None, str, dt.datetime | None]]) -> None:
    for early_name, early, late_name, late in pairs:
        if early is not None and late is not None and late < early:
            raise ValueError(f"{late_name}: is before {early_name} ({late} < {early})")


class Incident(Record):
    """One piece of demand: a call for service, an officer-generated job or a partner request."""

    id: Identifier = Field(
        description="Incident (CAD) number, unique in the force.", examples=["INC-2025-000123"]
    )
    force_id: Identifier = Field(description="Force that received it.", examples=["WYP"])
    unit_id: Identifier | None = Field(
        None, description="Area (BCU or beat) it happened in.", examples=["N"]
    )
    received_at: AwareDatetime = Field(
        description="When the police first knew of it (with its UTC offset).",
        examples=["2025-11-02T01:30:00+00:00"],
    )
    channel: Channel = Field(
        description="How it reached the police: emergency_999, non_emergency_101, online, "
        "officer_generated, partner_agency or other.",
        examples=["emergency_999"],
    )
    source_agency: PartnerAgency | None = Field(
        None,
        description="The agency that passed it to the police (channel partner_agency only).",
        examples=["ambulance"],
    )
    category: IncidentCategory = Field(
        description="Comparable category of demand.", examples=["mental_health"]
    )
    grade: Grade = Field(
        description="THRIVE grade 1 (emergency) to 4 (resolved without deployment).",
        examples=[1],
    )
    attendance_target_minutes: int | None = Field(
        None, gt=0, description="Attendance target (minutes) that applied.", examples=[15]
    )
    first_arrival_at: AwareDatetime | None = Field(
        None,
        description="First officer on scene; none if not attended.",
        examples=["2025-11-02T01:41:00+00:00"],
    )
    cleared_at: AwareDatetime | None = Field(
        None,
        description="Last officer cleared (the incident's police time ended).",
        examples=["2025-11-02T04:10:00+00:00"],
    )
    officers_deployed: int = Field(
        0, ge=0, le=500, description="Officers sent (people).", examples=[2]
    )
    outcome: Label | None = Field(
        None, description="Result, in the force's words.", examples=["crime recorded"]
    )
    attributed_agency: PartnerAgency | None = Field(
        None,
        description="Partner service whose remit the demand falls in (displaced demand), "
        "e.g. mental_health for a person in crisis.",
        examples=["mental_health"],
    )
    signposted_to: PartnerAgency | None = Field(
        None,
        description="Agency the caller was referred to instead of (or as well as) police.",
        examples=["mental_health"],
    )
    location_key: Identifier | None = Field(
        None,
        description="Pseudonymous key of the location, to find repeat locations.",
        examples=["L004512"],
    )
    caller_key: Identifier | None = Field(
        None,
        description="Pseudonymous key of the caller, to find repeat callers.",
        examples=["K88121"],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Incident:
        if self.channel == Channel.PARTNER_AGENCY and self.source_agency is None:
            raise ValueError("source_agency: name the agency for channel partner_agency")
        if self.channel != Channel.PARTNER_AGENCY and self.source_agency is not None:
            raise ValueError("source_agency: only for channel partner_agency")
        _check_order(
            [
                ("received_at", self.received_at, "first_arrival_at", self.first_arrival_at),
                ("received_at", self.received_at, "cleared_at", self.cleared_at),
                ("first_arrival_at", self.first_arrival_at, "cleared_at", self.cleared_at),
            ]
        )
        if self.first_arrival_at is not None and self.officers_deployed == 0:
            raise ValueError("officers_deployed: an attended incident had at least one officer")
        return self

    @property
    def response_minutes(self) -> float | None:
        if self.first_arrival_at is None:
            return None
        return (self.first_arrival_at - self.received_at).total_seconds() / 60


class Deployment(Record):
    """One officer (or unit) sent to one incident."""

    id: Identifier = Field(description="Deployment identifier.", examples=["INC-2025-000123-1"])
    force_id: Identifier = Field(description="Force of the incident.", examples=["WYP"])
    incident_id: Identifier = Field(description="Incident attended.", examples=["INC-2025-000123"])
    person_id: Identifier | None = Field(None, description="Officer sent.", examples=["P004211"])
    unit_id: Identifier | None = Field(
        None, description="A unit sent as a whole (e.g. a van).", examples=["N-RESP-A"]
    )
    dispatched_at: AwareDatetime = Field(
        description="When the officer was assigned.", examples=["2025-11-02T01:33:00+00:00"]
    )
    arrived_at: AwareDatetime | None = Field(
        None, description="When the officer arrived.", examples=["2025-11-02T01:41:00+00:00"]
    )
    cleared_at: AwareDatetime | None = Field(
        None,
        description="When the officer was free again.",
        examples=["2025-11-02T04:10:00+00:00"],
    )

    @model_validator(mode="after")
    def _consistent(self) -> Deployment:
        if self.person_id is None and self.unit_id is None:
            raise ValueError("person_id: give the person or the unit deployed")
        _check_order(
            [
                ("dispatched_at", self.dispatched_at, "arrived_at", self.arrived_at),
                ("dispatched_at", self.dispatched_at, "cleared_at", self.cleared_at),
                ("arrived_at", self.arrived_at, "cleared_at", self.cleared_at),
            ]
        )
        return self

    @property
    def time_on_task_minutes(self) -> float | None:
        start = self.arrived_at or self.dispatched_at
        if self.cleared_at is None:
            return None
        return (self.cleared_at - start).total_seconds() / 60


class Case(Record):
    """An investigation allocated to an investigator."""

    id: Identifier = Field(description="Case (crime) reference.", examples=["C0012345"])
    force_id: Identifier = Field(description="Force investigating.", examples=["WYP"])
    category: IncidentCategory = Field(description="Category of the crime.", examples=["burglary"])
    complexity_weight: float = Field(
        1.0,
        gt=0,
        le=100,
        description="Relative workload: 1 is a standard volume-crime case.",
        examples=[1.5],
    )
    investigator_id: Identifier | None = Field(
        None, description="Officer in the case.", examples=["P002201"]
    )
    incident_id: Identifier | None = Field(
        None, description="Incident the case came from.", examples=["INC-2025-000123"]
    )
    opened_on: dt.date = Field(description="Day the case was allocated.", examples=["2025-11-03"])
    closed_on: dt.date | None = Field(
        None, description="Day the case was closed; none while open.", examples=["2025-12-19"]
    )

    @model_validator(mode="after")
    def _ordered(self) -> Case:
        if self.closed_on is not None and self.closed_on < self.opened_on:
            raise ValueError("closed_on: the case closes before it opens")
        return self
