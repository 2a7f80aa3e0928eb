"""Use cases behind the web pages and the API that the older services do not answer in one
call: the demand overview of a scope (with a weekly trend and displaced demand by agency),
stored forecast runs and their values, the staffing requirement, data quality, and the
workforce projection as a background job. Each checks the account's role and force first
(``services/access.py``)."""

from __future__ import annotations

import datetime as dt
import json
from copy import deepcopy
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from sqlalchemy import select

from forceplan.errors import DataValidationError, NotFoundError
from forceplan.services.access import require, require_force
from forceplan.services.accounts import Account
from forceplan.services.cache import Derived, cache_for
from forceplan.services.evidence import displaced_totals
from forceplan.services.forecast_store import forecast_accuracy
from forceplan.services.imports import DatasetQuality, quality_reports
from forceplan.services.indicators import IndicatorReport, compute_indicators, protect
from forceplan.services.jobs import JobContext, Work
from forceplan.services.staffing import StaffingReport, staffing_requirement
from forceplan.services.workforce import WorkforceRequest, project_workforce
from forceplan.store import Database
from forceplan.store import tables as t

MAX_VALUES = 20_000  # forecast values returned in one answer
#: Dates a period may name: the open ends ``services/indicators.utc_period`` stands in for.
EARLIEST_DAY, LATEST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 30)


@dataclass
class DemandOverview:
    report: IndicatorReport
    weekly: pl.DataFrame  # week (Monday), incidents, officer_hours
    displaced_by_agency: pl.DataFrame  # attributed_agency, incidents, officer_hours, cost, …
    #: what the shells draw from it (the page's charts), made once per cached overview
    derived: Derived = field(default_factory=Derived, repr=False, compare=False)


def demand_overview(
    database: Database,
    account: Account,
    force: str | None = None,
    unit: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> DemandOverview:
    """Every demand indicator of a scope of the account's force; partners get aggregates
    with small counts withheld (as anything leaving the force).

    Access is checked first; the answer then comes from the cache of aggregates
    (``services/cache.py``) when the force's data have not changed since it was computed.
    The key holds the view shown (``partner``: disclosure-controlled), so an account never
    gets a view its role may not see."""
    require(account, "demand")
    force_id = require_force(account, force)
    check_period(start, end)
    view = "partner" if account.role == "partner" else "force"
    cache = cache_for(database)

    def indicators() -> IndicatorReport:
        return compute_indicators(database, force=force_id, unit=unit, start=start, end=end)

    def overview() -> DemandOverview:
        key = ("indicators", unit, start, end)
        report = cache.get(database, force_id, key, indicators, remember=(NotFoundError,))
        return _overview(report, partner=view == "partner")

    key = ("demand_overview", unit, start, end, view)
    return _copy(cache.get(database, force_id, key, overview, remember=(NotFoundError,)))


def check_period(start: dt.date | None, end: dt.date | None) -> None:
    """Refuse (422) a period the store cannot hold (year 1, year 9999) before any work."""
    for name, day in (("start", start), ("end", end)):
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            reason = f"dates run from {EARLIEST_DAY} to {LATEST_DAY}"
            raise DataValidationError(
                f"{name} {day} is out of range: {reason}",
                [{"field": name, "value": day.isoformat(), "reason": reason}],
                hint="leave it out for the whole history",
            )


def _overview(report: IndicatorReport, partner: bool) -> DemandOverview:
    """The overview of a (cached, shared) report; partners' view protects a copy of it."""
    if partner:
        report = protect(_copy_report(report))
        report.shared = True
    weekly = (
        report.tables["demand_by_day"]
        .with_columns(week=pl.col("day").cast(pl.Date).dt.truncate("1w"))
        .group_by("week")
        .agg(pl.col("incidents").sum(), pl.col("officer_hours").sum())
        .sort("week")
    )
    return DemandOverview(report, weekly, displaced_totals(report))


def _copy_report(report: IndicatorReport) -> IndicatorReport:
    """A report a caller may change without changing the cached one (frames are immutable
    in use; the containers are copied)."""
    return replace(report, summary=deepcopy(report.summary), tables=dict(report.tables))


def _copy(overview: DemandOverview) -> DemandOverview:
    return replace(overview, report=_copy_report(overview.report))


@dataclass
class StaffingView:
    report: StaffingReport
    #: what the shells make from it (the API's JSON), made once per cached report
    derived: Derived = field(default_factory=Derived, repr=False, compare=False)


def staffing_view(
    database: Database,
    account: Account,
    unit: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> StaffingView:
    """Officers needed by hour of the week against those on duty: aggregates of the force,
    cached as the demand overview is."""
    require(account, "staffing")
    check_period(start, end)
    force_id = account.force_id
    view = cache_for(database).get(
        database,
        force_id,
        ("staffing", unit, start, end),
        lambda: StaffingView(staffing_requirement(database, force_id, unit, start, end)),
        remember=(NotFoundError,),
    )
    return replace(view, report=replace(view.report, summary=deepcopy(view.report.summary)))


def quality_view(database: Database, account: Account) -> list[DatasetQuality]:
    """The quality report of each dataset imported for the account's force (none: empty)."""
    require(account, "data_quality")
    try:
        return quality_reports(database, force_id=account.force_id)
    except NotFoundError:
        return []


def forecast_runs(database: Database, account: Account) -> pl.DataFrame:
    """Stored forecast runs of the account's force with their accuracy so far."""
    require(account, "forecasts")
    try:
        return forecast_accuracy(database, account.force_id).runs
    except NotFoundError:
        return pl.DataFrame()


def forecast_values(
    database: Database, account: Account, run_id: str, series: str | None = None
) -> pl.DataFrame:
    """The stored values of one run (one series, or all), oldest first."""
    require(account, "forecasts")
    r, v = t.forecast_runs, t.forecast_values
    with database.read() as c:
        run = c.execute(select(r.c.force_id).where(r.c.id == run_id)).first()
        if run is None or run.force_id != account.force_id:
            raise NotFoundError(f"no forecast run {run_id!r}", hint="list the runs first")
        query = select(
            v.c.unique_id, v.c.ds, v.c.yhat, v.c.lo_80, v.c.hi_80, v.c.lo_95, v.c.hi_95, v.c.model
        ).where(v.c.run_id == run_id)
        if series:
            query = query.where(v.c.unique_id == series)
        rows = c.execute(query.order_by(v.c.unique_id, v.c.ds).limit(MAX_VALUES)).all()
    return pl.DataFrame(
        [tuple(row) for row in rows],
        orient="row",
        schema={
            "unique_id": pl.String,
            "ds": pl.Datetime("us"),
            "yhat": pl.Float64,
            "lo_80": pl.Float64,
            "hi_80": pl.Float64,
            "lo_95": pl.Float64,
            "hi_95": pl.Float64,
            "model": pl.String,
        },
    )


def json_ready(value: Any) -> Any:
    """Dates and other values as JSON would hold them."""
    return json.loads(json.dumps(value, default=str))


def workforce_projection_work(
    database: Database, account: Account, request: WorkforceRequest
) -> Work:
    """The work of a workforce projection job (for ``JobRunner.submit``)."""
    require(account, "workforce")
    request = replace(request, force=account.force_id, scenario_files=())

    def work(context: JobContext) -> dict[str, Any]:
        report = project_workforce(database, request, progress=context.progress)
        tables = {
            name: report.tables[name].to_dicts()
            for name in ("four_year_projection", "scenario_comparison")
            if name in report.tables
        }
        return json_ready({"settings": report.settings(), "notes": report.notes, "tables": tables})

    return work
