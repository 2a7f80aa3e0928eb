"""Shifts, roster lines and absences."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from forceplan.standard.base import Code, Identifier, Label, Record
from forceplan.standard.enums import AbsenceKind, AbsenceStatus, AssignmentStatus

MINUTES_PER_DAY = 24 * 60
#: Working Time Regulations 1998 reg. 2: default night time 23:00-06:00; a night shift works
#: at least 3 hours of it.
NIGHT_TIME_START_MINUTE = 23 * 60
NIGHT_TIME_END_MINUTE = 6 * 60
NIGHT_SHIFT_MIN_NIGHT_MINUTES = 180


class ShiftDefinition(Record):
    """A kind of tour: when it starts and how long it lasts (refreshment break included)."""

    force_id: Identifier = Field(description="Force using the tour.", examples=["WYP"])
    code: Code = Field(description="Short code shown on rosters.", examples=["E"])
    name: Label | None = Field(None, description="Name of the tour.", examples=["Early"])
    start: dt.time = Field(description="Local start time (HH:MM).", examples=["07:00"])
    length_minutes: int = Field(
        gt=0,
        le=24 * 60,
        description="Length of the tour (minutes), breaks included.",
        examples=[600],
    )
    crosses_midnight: bool | None = Field(
        None,
        description="Ends on the next day; computed when omitted, checked when given.",
        examples=[False],
    )
    paid_break_minutes: int = Field(
        45, ge=0, description="Refreshment break within the tour (minutes).", examples=[45]
    )

    @model_validator(mode="after")
    def _crosses(self) -> ShiftDefinition:
        actual = self.start_minute + self.length_minutes > MINUTES_PER_DAY
        if self.crosses_midnight is None:
            object.__setattr__(self, "crosses_midnight", actual)
        elif self.crosses_midnight != actual:
            raise ValueError(
                f"crosses_midnight: a {self.length_minutes}-minute tour starting at "
                f"{self.start:%H:%M} {'does' if actual else 'does not'} cross midnight"
            )
        if self.start.tzinfo is not None:
            raise ValueError("start: give a local time without a zone (the force's zone applies)")
        return self

    @property
    def start_minute(self) -> int:
        return self.start.hour * 60 + self.start.minute

    @property
    def length_hours(self) -> float:
        return self.length_minutes / 60

    @property
    def night_minutes(self) -> int:
        """Minutes of the tour inside night time (23:00-06:00)."""
        start, end = self.start_minute, self.start_minute + self.length_minutes
        total = 0
        for day in (-1, 0, 1):  # night windows touching yesterday, today, tomorrow
            window_start = day * MINUTES_PER_DAY + NIGHT_TIME_START_MINUTE
            window_end = window_start + (MINUTES_PER_DAY - NIGHT_TIME_START_MINUTE)
            window_end += NIGHT_TIME_END_MINUTE
            total += max(0, min(end, window_end) - max(start, window_start))
        return total

    @property
    def is_night(self) -> bool:
        """A night shift in the sense of the Working Time Regulations 1998, reg. 2."""
        return self.night_minutes >= NIGHT_SHIFT_MIN_NIGHT_MINUTES


class RosterAssignment(Record):
    """One person's line on the duty roster for one day: a tour, or a rest day."""

    force_id: Identifier = Field(description="Force of the roster.", examples=["WYP"])
    person_id: Identifier = Field(description="Person rostered.", examples=["P004211"])
    date: dt.date = Field(
        description="Duty date: the local date on which the tour starts.", examples=["2025-11-02"]
    )
    shift_code: Code | None = Field(
        None,
        description="The tour (a shift definition's code); none means a rest day.",
        examples=["N"],
    )
    status: AssignmentStatus = Field(
        AssignmentStatus.PLANNED,
        description="planned, published, worked or cancelled.",
        examples=["published"],
    )
    unit_id: Identifier | None = Field(
        None, description="Unit worked for, if not the home unit.", examples=["S-RESP-C"]
    )
    rest_day_cancelled: bool = Field(
        False,
        description="A rostered rest day cancelled and worked (Police Regulations reg. 26).",
        examples=[False],
    )
    rdc_notice_days: int | None = Field(
        None,
        ge=0,
        description="Clear days' notice of the cancellation (neither the day told nor the day "
        "worked counts); required for an RDC.",
        examples=[9],
    )
    replacement_rest_day: bool = Field(
        False,
        description="A rest day re-rostered in place of one cancelled at 15 or more days' notice.",
        examples=[False],
    )
    overtime_minutes: int = Field(
        0, ge=0, le=24 * 60, description="Time worked beyond the tour (minutes).", examples=[60]
    )
    single_crewed: bool | None = Field(
        None,
        description="The tour was worked single-crewed; none if not recorded.",
        examples=[True],
    )

    @model_validator(mode="after")
    def _rest_day_rules(self) -> RosterAssignment:
        if self.rest_day_cancelled:
            if self.shift_code is None:
                raise ValueError("shift_code: a cancelled rest day must say which tour was worked")
            if self.rdc_notice_days is None:
                raise ValueError("rdc_notice_days: required when rest_day_cancelled is true")
        elif self.rdc_notice_days is not None:
            raise ValueError("rdc_notice_days: only for a cancelled rest day")
        if self.replacement_rest_day and self.shift_code is not None:
            raise ValueError("replacement_rest_day: only a rest day can replace a cancelled one")
        if self.shift_code is None and self.overtime_minutes:
            raise ValueError("overtime_minutes: a rest day has no tour to extend")
        return self

    @property
    def is_rest_day(self) -> bool:
        return self.shift_code is None


class Absence(Record):
    """An abstraction: leave, sickness, training, restricted duty, court or other."""

    id: Identifier = Field(description="Absence identifier.", examples=["A0001234"])
    force_id: Identifier = Field(description="Force of the person.", examples=["WYP"])
    person_id: Identifier = Field(description="Person absent.", examples=["P004211"])
    kind: AbsenceKind = Field(
        description="annual_leave, sickness, training, restricted_duty, court or other.",
        examples=["sickness"],
    )
    start: dt.date = Field(description="First day of the absence.", examples=["2025-11-03"])
    end: dt.date = Field(
        description="Last day of the absence (inclusive).", examples=["2025-11-05"]
    )
    status: AbsenceStatus = Field(
        AbsenceStatus.APPROVED,
        description="requested, approved, refused or cancelled.",
        examples=["approved"],
    )
    hours_per_day: float | None = Field(
        None,
        gt=0,
        le=24,
        description="Hours a day for part days; none means whole days.",
        examples=[4.0],
    )
    reason: str | None = Field(
        None,
        max_length=500,
        description="Special-category data (sickness): stays in the force, behind access control.",
        examples=["Back injury"],
    )

    @model_validator(mode="after")
    def _ordered(self) -> Absence:
        if self.end < self.start:
            raise ValueError("end: the absence ends before it starts")
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end
