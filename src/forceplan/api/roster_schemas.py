"""What the roster API takes in and gives out (separate input and output models)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Code = str | None


class RosterPlanOut(BaseModel):
    id: str
    unit_id: str
    start_date: dt.date
    days: int
    status: str = Field(description="draft or published")
    version: int
    objective: int | None = None
    created_at: dt.datetime | None = None
    created_by: str | None = None


class TourOut(BaseModel):
    code: str
    start_minute: int = Field(description="Minutes after local midnight.")
    length_minutes: int


class RosterLineOut(BaseModel):
    person_id: str
    name: str | None
    shifts: list[Code] = Field(description="One tour code per date (null: rest day or leave).")


class CoverHourOut(BaseModel):
    starts_at: dt.datetime = Field(description="Local wall-clock time the hour begins.")
    required: int
    rostered: int


class RosterGridOut(BaseModel):
    id: str
    unit_id: str
    start_date: dt.date
    days: int
    status: str
    version: int = Field(description="Quote it as expected_version when you edit or publish.")
    view: Literal["all", "own", "cover"] = Field(
        description="What you see: every line, your own line, or the cover only."
    )
    dates: list[dt.date]
    tours: list[TourOut]
    lines: list[RosterLineOut]
    cover: list[CoverHourOut]
    summary: dict[str, Any]


class CellIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: str = Field(min_length=1, max_length=64)
    date: dt.date
    shift_code: Code = Field(description="A tour code, or null for a rest day.")
    seen: Code = Field(
        None,
        description="The value you saw before editing (optional): with it a conflict lists "
        "only the cells someone else changed.",
    )


class RosterEditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected_version: int = Field(ge=1)
    changes: list[CellIn] = Field(min_length=1, max_length=5000)


class PublishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected_version: int = Field(ge=1)


class ConflictCellOut(BaseModel):
    person_id: str
    date: dt.date
    yours: Code
    seen: Code = None
    current: Code


class ConflictOut(BaseModel):
    error: str
    hint: str | None
    current_version: int
    conflicts: list[ConflictCellOut]


class BuildIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit: str = Field(min_length=1, max_length=64)
    start: dt.date
    weeks: int = Field(4, ge=4, le=13)
    time_limit_seconds: float = Field(30.0, ge=1, le=600)
    seed: int = Field(0, ge=0, le=2**31 - 1)


class SickIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: str = Field(min_length=1, max_length=64)
    first: dt.date
    last: dt.date


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    starts_at: dt.datetime = Field(description="Local wall-clock start (no offset).")
    hours: float = Field(gt=0, le=24)
    officers: int = Field(ge=1, le=100)


class RepairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    today: dt.date | None = Field(None, description="Default: today, or the plan's first day.")
    sick: list[SickIn] = Field(default_factory=list, max_length=100)
    events: list[EventIn] = Field(default_factory=list, max_length=20)
    time_limit_seconds: float = Field(30.0, ge=1, le=600)


class BreachOut(BaseModel):
    rule: str
    person_id: str | None
    dates: list[dt.date]
    message: str


class CheckOut(BaseModel):
    plan_id: str
    version: int
    breaches: list[BreachOut]


class RosterRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date
    wants: Literal["work", "off"]
    shift_code: Code = Field(None, description="The tour bid for (work) or to avoid (off).")
    weight: int = Field(5, ge=1, le=10)


class RosterRequestOut(BaseModel):
    id: str
    date: dt.date
    wants: str
    shift_code: Code
    weight: int
    created_at: dt.datetime


class LeaveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: dt.date
    end: dt.date
    kind: Literal["annual_leave", "training", "court", "other"] = "annual_leave"
    reason: str | None = Field(None, max_length=500)


class LeaveEffectOut(BaseModel):
    start: dt.date
    end: dt.date
    plan_id: str | None
    tours_lost: list[tuple[dt.date, str]]
    hours_short_now: int
    hours_short_after: int
    officer_hours_short_now: int = Field(description="Sum of officers missing, hour by hour.")
    officer_hours_short_after: int
    cover: list[dict[str, Any]] = Field(
        description="The leave's hours: required, rostered, rostered_without (your tours off)."
    )


class LeaveOut(BaseModel):
    id: str
    status: str
    effect: LeaveEffectOut


class MyRosterOut(BaseModel):
    person_id: str
    plan: RosterPlanOut | None
    days: list[tuple[dt.date, Code]]
    requests: list[RosterRequestOut]
    leave: list[dict[str, Any]]
    calendar_url: str = Field(description="Your tours as iCalendar (session sign-in).")
