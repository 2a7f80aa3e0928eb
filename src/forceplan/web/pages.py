"""The server-rendered pages: thin routes over ``forceplan.services`` (no JavaScript)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from forceplan.api.auth import clear_session_cookie, set_session_cookie
from forceplan.api.deps import (
    CurrentSession,
    DatabaseDep,
    JobsDep,
    LimiterDep,
    SettingsDep,
    client_address,
    tokens_match,
)
from forceplan.services.access import can, require
from forceplan.services.accounts import (
    SignInRequiredError,
    TooManySignInsError,
    end_session,
)
from forceplan.services.jobs import cancel_job, get_job, list_jobs
from forceplan.services.overview import (
    demand_overview,
    forecast_runs,
    forecast_values,
    quality_view,
    workforce_projection_work,
)
from forceplan.services.signin import sign_in
from forceplan.services.welfare_view import view_officer_welfare, view_welfare
from forceplan.services.workforce import WorkforceRequest
from forceplan.web import charts
from forceplan.web.render import page

pages_router = APIRouter(include_in_schema=False)
SIGNIN_CSRF_COOKIE = "forceplan_signin_csrf"
SEES_ALL_JOBS = frozenset({"admin", "planner"})


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no //host or scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _signin_form(
    request: Request,
    settings,
    next_path: str,
    status: int = 200,
    message: str | None = None,
    headers: dict | None = None,
) -> HTMLResponse:
    token = request.cookies.get(SIGNIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = page(
        request,
        "signin.html",
        None,
        status,
        headers,
        signin_csrf=token,
        next_path=next_path,
        message=message,
        oidc=bool(settings.oidc_issuer and settings.oidc_client_id),
    )
    response.set_cookie(
        SIGNIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/signin",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response


@pages_router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, settings: SettingsDep, next: str | None = None) -> Response:
    return _signin_form(request, settings, _safe_next(next))


@pages_router.post("/signin", response_class=HTMLResponse)
def signin_submit(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = _safe_next(next)
    if not tokens_match(csrf_token, request.cookies.get(SIGNIN_CSRF_COOKIE, "")):
        return _signin_form(
            request, settings, target, 403, "The form had expired. Please sign in again."
        )
    try:
        session = sign_in(database, settings, limiter, username, password, client_address(request))
    except SignInRequiredError as exc:
        return _signin_form(request, settings, target, 401, exc.message.capitalize() + ".")
    except TooManySignInsError as exc:
        return _signin_form(
            request,
            settings,
            target,
            429,
            f"{exc.message}. {exc.hint}.",
            {"Retry-After": str(exc.retry_after_seconds)},
        )
    response = RedirectResponse(target, 303)
    set_session_cookie(response, settings, session)
    response.delete_cookie(SIGNIN_CSRF_COOKIE, path="/signin")
    return response


@pages_router.post("/signout")
def signout(
    request: Request, session: CurrentSession, database: DatabaseDep, settings: SettingsDep
) -> Response:
    end_session(database, request.cookies[settings.session_cookie_name], session.account)
    response = RedirectResponse("/signin", 303)
    clear_session_cookie(response, settings)
    return response


@pages_router.get("/", response_class=HTMLResponse)
def home(request: Request, session: CurrentSession) -> Response:
    account = session.account
    return page(
        request,
        "home.html",
        session,
        capabilities={
            c
            for c in (
                "demand",
                "data_quality",
                "welfare",
                "forecasts",
                "jobs",
                "workforce",
                "accounts",
                "roster",
                "self_service",
            )
            if can(account, c)
        },
    )


@pages_router.get("/demand", response_class=HTMLResponse)
def demand(
    request: Request,
    session: CurrentSession,
    database: DatabaseDep,
    unit: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Response:
    overview = demand_overview(database, session.account, None, unit or None, start, end)
    report = overview.report
    balance = report.tables["balance_by_hour_of_week"]
    drawn = overview.derived.get  # charts drawn once per cached overview (services/cache.py)
    return page(
        request,
        "demand.html",
        session,
        report=report,
        unit=unit or "",
        heatmap=drawn(
            "heatmap",
            lambda: charts.hour_of_week_heatmap(
                balance, "officers_busy", "Officers busy on incidents, by hour of the week"
            ),
        ),
        capacity=drawn(
            "capacity",
            lambda: charts.hour_of_week_heatmap(
                balance, "officers_on_duty", "Officers on duty, by hour of the week", "Blues"
            ),
        ),
        trend=drawn("trend", lambda: charts.weekly_trend(overview.weekly, "Incidents a week")),
        agencies=drawn(
            "agencies",
            lambda: charts.agency_bars(
                overview.displaced_by_agency, "Demand displaced from partner agencies"
            ),
        ),
        displaced=overview.displaced_by_agency.to_dicts(),
    )


@pages_router.get("/quality", response_class=HTMLResponse)
def quality(request: Request, session: CurrentSession, database: DatabaseDep) -> Response:
    return page(request, "quality.html", session, datasets=quality_view(database, session.account))


@pages_router.get("/welfare", response_class=HTMLResponse)
def welfare(
    request: Request, session: CurrentSession, database: DatabaseDep, unit: str | None = None
) -> Response:
    account = session.account
    if account.role == "officer":  # an officer's welfare page is their own
        return RedirectResponse(f"/welfare/officers/{account.person_id}", 303)
    report = view_welfare(database, account, unit or None)
    return page(
        request,
        "welfare.html",
        session,
        report=report,
        unit=unit or "",
        officers=report.officers.to_dicts(),
        teams=report.teams.to_dicts(),
    )


@pages_router.get("/welfare/officers/{person_id}", response_class=HTMLResponse)
def officer_welfare(
    request: Request, person_id: str, session: CurrentSession, database: DatabaseDep
) -> Response:
    report = view_officer_welfare(database, session.account, person_id)
    officer = report.officers.to_dicts()[0] if report.officers.height else None
    return page(
        request,
        "welfare_officer.html",
        session,
        report=report,
        officer=officer,
        person_id=person_id,
    )


@pages_router.get("/forecasts", response_class=HTMLResponse)
def forecasts(request: Request, session: CurrentSession, database: DatabaseDep) -> Response:
    runs = forecast_runs(database, session.account)
    return page(request, "forecasts.html", session, runs=runs.to_dicts())


@pages_router.get("/forecasts/{run_id}", response_class=HTMLResponse)
def forecast_run(
    request: Request,
    run_id: str,
    session: CurrentSession,
    database: DatabaseDep,
    series: str | None = None,
) -> Response:
    values = forecast_values(database, session.account, run_id)
    names = values["unique_id"].unique(maintain_order=True).to_list()
    chosen = series if series in names else (names[0] if names else None)
    shown = values.filter(values["unique_id"] == chosen)
    chart = charts.forecast_band(shown, f"Forecast: {chosen}") if shown.height else ""
    return page(
        request,
        "forecast_run.html",
        session,
        run_id=run_id,
        names=names,
        chosen=chosen,
        chart=chart,
        values=shown.head(48).to_dicts(),
    )


def _everyone(session) -> bool:
    return session.account.role in SEES_ALL_JOBS


@pages_router.get("/jobs", response_class=HTMLResponse)
def jobs(request: Request, session: CurrentSession, database: DatabaseDep) -> Response:
    require(session.account, "jobs")
    return page(
        request,
        "jobs.html",
        session,
        jobs=list_jobs(database, session.account.actor, _everyone(session)),
        can_project=can(session.account, "workforce"),
    )


@pages_router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job(request: Request, job_id: str, session: CurrentSession, database: DatabaseDep) -> Response:
    require(session.account, "jobs")
    found = get_job(database, session.account.actor, job_id, _everyone(session))
    return page(request, "job.html", session, job=found)


@pages_router.post("/jobs/{job_id}/cancel")
def job_cancel(job_id: str, session: CurrentSession, database: DatabaseDep) -> Response:
    require(session.account, "jobs")
    cancel_job(database, session.account.actor, job_id, _everyone(session))
    return RedirectResponse(f"/jobs/{job_id}", 303)


@pages_router.post("/workforce/projections")
def start_projection(
    session: CurrentSession,
    database: DatabaseDep,
    runner: JobsDep,
    years: Annotated[int, Form(ge=1, le=10)] = 4,
    runs: Annotated[int, Form(ge=0, le=100_000)] = 1000,
) -> Response:
    account = session.account
    work = workforce_projection_work(
        database, account, WorkforceRequest(force=account.force_id, years=years, runs=runs)
    )
    job_id = runner.submit(
        account.actor, "workforce_projection", {"years": years, "runs": runs}, work
    )
    return RedirectResponse(f"/jobs/{job_id}", 303)


@pages_router.get("/api/v1/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """The API reference, rendered here from the OpenAPI document (no CDN)."""
    spec = request.app.openapi()
    return page(request, "api_docs.html", getattr(request.state, "session", None), spec=spec)
