"""What the API takes in and gives out (separate input and output models)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

Row = dict[str, Any]


class ErrorOut(BaseModel):
    error: str = Field(description="What went wrong, in words a planner understands.")
    hint: str | None = Field(None, description="What to do next.")


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str


class SignInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class AccountOut(BaseModel):
    username: str
    role: str
    force_id: str
    unit_id: str | None
    person_id: str | None
    disabled: bool = False


class SessionOut(BaseModel):
    account: AccountOut
    csrf_token: str = Field(description="Send as the X-CSRF-Token header with every POST.")
    expires_at: dt.datetime


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=200)
    password: str = Field(min_length=1, max_length=1000)
    role: Literal["officer", "supervisor", "planner", "analyst", "welfare", "admin", "partner"]
    unit_id: str | None = None
    person_id: str | None = None


class IndicatorsOut(BaseModel):
    scope: str
    period: tuple[str, str]
    shared: bool = Field(description="True when small counts are withheld (partners).")
    summary: dict[str, Any]
    tables: dict[str, list[Row]]


class DisplacedOut(BaseModel):
    scope: str
    period: tuple[str, str]
    shared: bool
    by_agency: list[Row]
    by_agency_and_month: list[Row]


class DatasetQualityOut(BaseModel):
    batch_id: str
    record: str
    file_name: str
    profile: str
    finished_at: str
    report: dict[str, Any]


class WelfareOut(BaseModel):
    viewer_role: str
    period: tuple[dt.date, dt.date]
    as_of: dt.date
    officers: list[Row] = Field(description="Per officer, with reasons (personal roles only).")
    teams: list[Row] = Field(
        description="Team totals; small counts suppressed for planners, analysts and admins."
    )
    notes: list[str]


class ForecastRunOut(BaseModel):
    run_id: str
    created_at: dt.datetime
    unit_id: str | None
    breakdown: str
    measure: str
    freq: str
    history_end: str = Field(
        description="The last period of history used: local wall-clock time in the force's "
        "time zone, ISO 8601 without an offset (2026-03-31T00:00:00)."
    )
    accuracy: Row


class ForecastValuesOut(BaseModel):
    run_id: str
    values: list[Row]


class StaffingOut(BaseModel):
    scope: str
    period: tuple[str, str]
    summary: dict[str, Any]
    by_hour: list[Row]


class WorkforceProjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    years: int = Field(4, ge=1, le=10)
    runs: int = Field(1000, ge=0, le=100_000)
    seed: int = 42
    as_of: dt.date | None = Field(None, ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 30))
    policy: Literal["maintain", "recent"] = "maintain"


class JobOut(BaseModel):
    id: str
    kind: str
    status: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    stage: str
    progress: float
    cancel_requested: bool
    params: dict[str, Any]
    result: dict[str, Any] | None = None
    error: str | None = None
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


class AuditOut(BaseModel):
    id: int
    at: dt.datetime
    username: str | None
    action: str
    object_type: str
    object_id: str | None
    detail: dict[str, Any]


def clean(value: Any) -> Any:
    """JSON has no NaN or infinity: they become null (recursively)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def rows(frame: pl.DataFrame) -> list[Row]:
    return clean(frame.to_dicts())
