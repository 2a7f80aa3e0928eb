"""What the self-service extras and the approvals API take in and give out: leave decisions,
shift swaps, overtime offers and the calendar feed (separate input and output models)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from forceplan.api.roster_schemas import LeaveEffectOut

Id = Field(min_length=1, max_length=64)
Decision = Literal["approve", "refuse"]


class MyLeaveOut(BaseModel):
    id: str
    kind: str
    start: dt.date
    end: dt.date
    status: str = Field(description="requested, approved, refused or cancelled")
    reason: str | None = Field(None, description="Your note with the request.")
    decision_reason: str | None = Field(None, description="The approver's reason, if given.")
    decided_at: dt.datetime | None = None


class PendingLeaveOut(BaseModel):
    id: str
    person_id: str
    display_name: str | None
    unit_id: str | None
    kind: str
    start: dt.date
    end: dt.date
    reason: str | None
    effect: LeaveEffectOut = Field(description="What approval would do to the unit's cover.")


class LeaveDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Decision
    reason: str | None = Field(None, max_length=500, description="Shown to the officer.")


class LeaveDecisionOut(BaseModel):
    absence_id: str
    person_id: str
    outcome: Literal["approved", "refused"]
    reason: str | None
    decided_by: str
    decided_at: dt.datetime


class SwapIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan_id: str = Id
    my_date: dt.date = Field(description="Your day you give (a date of the published plan).")
    teammate_id: str = Id
    their_date: dt.date = Field(description="The teammate's day you take (may be my_date).")
    note: str | None = Field(None, max_length=500)


class SwapCellOut(BaseModel):
    person_id: str
    date: dt.date
    before: str | None = Field(description="The tour now (null: rest day).")
    after: str | None = Field(description="The tour after the swap.")


class SwapOut(BaseModel):
    id: str
    plan_id: str
    proposer_id: str
    proposer_date: dt.date
    teammate_id: str
    teammate_date: dt.date
    status: str = Field(description="proposed, accepted, declined, withdrawn, approved or refused")
    note: str | None
    cells: list[SwapCellOut]
    decision_reason: str | None
    decided_by: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    plan_version: int | None = Field(
        None, description="The plan's version now: quote it as expected_version to approve."
    )


class SwapDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Decision
    expected_version: int | None = Field(
        None, ge=1, description="The plan's version you read (needed to approve)."
    )
    reason: str | None = Field(None, max_length=500)


class OvertimeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: dt.date
    hours: float = Field(ge=0.5, le=12, description="Extra hours you could work that day.")
    note: str | None = Field(None, max_length=200)


class OvertimeOut(BaseModel):
    id: str
    date: dt.date
    hours: float
    note: str | None
    created_at: dt.datetime


class VolunteerOut(BaseModel):
    id: str
    person_id: str
    display_name: str | None
    unit_id: str | None
    date: dt.date
    hours: float
    note: str | None
    rostered: str | None = Field(description="The tour they are rostered that day (published).")


class CalendarFeedOut(BaseModel):
    active: bool
    created_at: dt.datetime | None = None
    url: str | None = Field(
        None, description="The secret feed URL: given once, when it is made; keep it private."
    )
