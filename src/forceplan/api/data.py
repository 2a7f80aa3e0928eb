"""/api/v1: demand indicators, displaced demand, data quality, forecasts, staffing.

The dashboard reads (indicators, displaced demand, staffing) answer from the services' cache
of aggregates; the JSON of each answer is written once per cached answer (``derived``) and
sent as it is: the body is the response model's, checked when it was made.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from forceplan.api.deps import CurrentUser, DatabaseDep
from forceplan.api.schemas import (
    DatasetQualityOut,
    DisplacedOut,
    ForecastRunOut,
    ForecastValuesOut,
    IndicatorsOut,
    StaffingOut,
    clean,
    rows,
)
from forceplan.services.overview import (
    DemandOverview,
    demand_overview,
    forecast_runs,
    forecast_values,
    quality_view,
    staffing_view,
)
from forceplan.services.staffing import StaffingReport

router = APIRouter()


def json_body(model: BaseModel) -> bytes:
    return model.model_dump_json().encode()


def sent(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def indicators_out(overview: DemandOverview) -> IndicatorsOut:
    report = overview.report
    return IndicatorsOut(
        scope=report.scope,
        period=report.period,
        shared=report.shared,
        summary=clean(report.summary),
        tables={k: rows(v) for k, v in report.tables.items()},
    )


def displaced_out(overview: DemandOverview) -> DisplacedOut:
    report = overview.report
    return DisplacedOut(
        scope=report.scope,
        period=report.period,
        shared=report.shared,
        by_agency=rows(overview.displaced_by_agency),
        by_agency_and_month=rows(report.tables["displaced_demand"]),
    )


def staffing_out(report: StaffingReport) -> StaffingOut:
    return StaffingOut(
        scope=report.scope,
        period=report.period,
        summary=clean(report.summary),
        by_hour=rows(report.by_hour),
    )


@router.get("/indicators", response_model=IndicatorsOut, tags=["demand"])
def indicators(
    user: CurrentUser,
    database: DatabaseDep,
    unit: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Response:
    """Every demand and capacity indicator (docs/indicators.md) for your force or one unit."""
    overview = demand_overview(database, user, None, unit, start, end)
    return sent(
        overview.derived.get("indicators.json", lambda: json_body(indicators_out(overview)))
    )


@router.get("/displaced-demand", response_model=DisplacedOut, tags=["demand"])
def displaced(
    user: CurrentUser,
    database: DatabaseDep,
    unit: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Response:
    """Demand displaced from partner agencies: by agency, and by agency and month."""
    overview = demand_overview(database, user, None, unit, start, end)
    return sent(overview.derived.get("displaced.json", lambda: json_body(displaced_out(overview))))


@router.get("/data-quality", response_model=list[DatasetQualityOut], tags=["data quality"])
def data_quality(user: CurrentUser, database: DatabaseDep) -> list[DatasetQualityOut]:
    """The quality report of each dataset imported for your force."""
    return [
        DatasetQualityOut(
            batch_id=d.batch_id,
            record=d.record,
            file_name=d.file_name,
            profile=d.profile,
            finished_at=d.finished_at,
            report=clean(d.report),
        )
        for d in quality_view(database, user)
    ]


@router.get("/forecasts", response_model=list[ForecastRunOut], tags=["forecasts"])
def forecasts(user: CurrentUser, database: DatabaseDep) -> list[ForecastRunOut]:
    """Stored forecast runs of your force, with their accuracy against the actuals so far."""
    runs = forecast_runs(database, user)
    keys = {"run_id", "created_at", "unit_id", "breakdown", "measure", "freq", "history_end"}
    return [
        ForecastRunOut(
            **{k: v for k, v in row.items() if k in keys} | {"history_end": local(row)},
            accuracy={k: v for k, v in row.items() if k not in keys},
        )
        for row in rows(runs)
    ]


def local(row: dict) -> str:
    """A stored wall-clock time (no offset) as ISO 8601 text: not an instant, so not a
    JSON date-time."""
    value = row["history_end"]
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else str(value)


@router.get("/forecasts/{run_id}/values", response_model=ForecastValuesOut, tags=["forecasts"])
def forecast_run_values(
    run_id: str, user: CurrentUser, database: DatabaseDep, series: str | None = None
) -> ForecastValuesOut:
    """The forecasts of one run (unique_id, ds, yhat, 80% and 95% intervals, model)."""
    return ForecastValuesOut(
        run_id=run_id, values=rows(forecast_values(database, user, run_id, series))
    )


@router.get("/staffing", response_model=StaffingOut, tags=["staffing"])
def staffing(
    user: CurrentUser,
    database: DatabaseDep,
    unit: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Response:
    """Officers needed on duty by hour of the week, beside those the roster puts on duty."""
    view = staffing_view(database, user, unit, start, end)
    return sent(view.derived.get("staffing.json", lambda: json_body(staffing_out(view.report))))
