"""/api/v1/welfare: welfare summaries as the access rules allow; every view audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from forceplan.api.deps import CurrentUser, DatabaseDep
from forceplan.api.schemas import WelfareOut, rows
from forceplan.services.welfare_summary import WelfareReport
from forceplan.services.welfare_view import view_officer_welfare, view_welfare

router = APIRouter(tags=["welfare"])
Months = Annotated[int, Query(ge=1, le=120, description="Months of history to summarise.")]
AsOf = Annotated[
    dt.date | None,
    Query(ge=dt.date(1900, 1, 1), le=dt.date(2999, 12, 30), description="Summary as of this day."),
]


def welfare_out(report: WelfareReport) -> WelfareOut:
    return WelfareOut(
        viewer_role=report.viewer,
        period=report.period,
        as_of=report.as_of,
        officers=rows(report.officers),
        teams=rows(report.teams),
        notes=report.notes,
    )


@router.get("/welfare", response_model=WelfareOut)
def welfare(
    user: CurrentUser,
    database: DatabaseDep,
    unit: str | None = None,
    as_of: AsOf = None,
    months: Months = 12,
) -> WelfareOut:
    """Officers (your own; your units'; the force's for occupational health) and team totals
    (small counts suppressed for planners, analysts and admins). Partners: 403."""
    return welfare_out(view_welfare(database, user, unit, as_of, months))


@router.get("/welfare/officers/{person_id}", response_model=WelfareOut)
def officer_welfare(
    person_id: str,
    user: CurrentUser,
    database: DatabaseDep,
    as_of: AsOf = None,
    months: Months = 12,
) -> WelfareOut:
    """One officer's welfare summary, with reasons: 403 unless the rules allow it."""
    return welfare_out(view_officer_welfare(database, user, person_id, as_of, months))
