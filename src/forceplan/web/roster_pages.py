"""The roster pages: a unit's plans, the roster grid (view, edit with a version check,
publish, repair) with the cover graph under it, and officer self-service (my roster, bids,
leave requests with their effect on cover). Thin routes over ``services/roster_web.py`` and
``services/roster_self.py``; no JavaScript: plain forms."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from forceplan.api.deps import CurrentSession, DatabaseDep, JobsDep
from forceplan.errors import ConfigurationError
from forceplan.services import roster_self as me
from forceplan.services import roster_web as rw
from forceplan.web.render import TEMPLATES, page
from forceplan.web.roster_charts import cover_graph

roster_pages_router = APIRouter(include_in_schema=False)
Change = tuple[str, dt.date, str | None]


def _cells(form) -> tuple[list[Change], dict[rw.Cell, str | None]]:
    """The edited cells of a grid form: ``c|person|date`` is the chosen tour (empty: rest),
    ``w|person|date`` the value shown when the page was opened."""
    chosen, seen = {}, {}
    for name, value in form.multi_items():
        kind, _, key = name.partition("|")
        if kind not in ("c", "w") or "|" not in key:
            continue
        person, _, day = key.partition("|")
        try:
            cell = (person, dt.date.fromisoformat(day))
        except ValueError:
            raise ConfigurationError(f"bad cell {key!r}", hint="reload the roster") from None
        (chosen if kind == "c" else seen)[cell] = str(value) or None
    changes = [(p, d, code) for (p, d), code in chosen.items() if seen.get((p, d), code) != code]
    return changes, seen


@roster_pages_router.get("/roster", response_class=HTMLResponse)
def roster_index(
    request: Request, session: CurrentSession, database: DatabaseDep, unit: str | None = None
) -> Response:
    account = session.account
    if account.role == "officer":
        return RedirectResponse("/me/roster", 303)
    plans = rw.plans_of(database, account, unit or None)
    return page(request, "roster.html", session, plans=plans, unit=unit or "",
                can_build=account.role in rw.EDITORS,
                next_monday=_next_monday())  # fmt: skip


def _next_monday() -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday())


def _plan_page(
    request: Request, session, database, plan_id: str, status: int = 200,
    conflict: rw.RosterEditConflict | None = None, pending: list[Change] = (),
) -> Response:  # fmt: skip
    grid = rw.roster_grid(database, session.account, plan_id)
    plan = grid.plan
    title = f"Cover, {plan.unit_id}: officers required and rostered"
    graph = grid.memo(("graph", title), lambda: cover_graph(grid.cover, title))
    codes = sorted(grid.tours)
    table = grid.memo(  # the same for everyone with this view of this version
        ("grid_table", grid.view, grid.can_edit, grid.shown),
        lambda: TEMPLATES.get_template("roster_grid_table.html").render(grid=grid, codes=codes),
    )
    reapply = [  # the merge aid: your values on top of the current version
        {"person_id": p, "date": d, "yours": code,
         "current": plan.roster.get(p, {}).get((d - plan.start_date).days)}
        for p, d, code in pending
    ]  # fmt: skip
    return page(request, "roster_plan.html", session, status, grid=grid, plan=plan,
                graph=graph, grid_table=table, codes=codes, conflict=conflict, reapply=reapply,
                saved=request.query_params.get("saved"),
                published=request.query_params.get("published"))  # fmt: skip


@roster_pages_router.get("/roster/plans/{plan_id}", response_class=HTMLResponse)
def roster_plan(
    request: Request, plan_id: str, session: CurrentSession, database: DatabaseDep
) -> Response:
    return _plan_page(request, session, database, plan_id)


@roster_pages_router.post("/roster/plans/{plan_id}/edit", response_class=HTMLResponse)
async def roster_edit(
    request: Request, plan_id: str, session: CurrentSession, database: DatabaseDep
) -> Response:
    form = await request.form()
    try:
        expected = int(str(form.get("expected_version", "")))
    except ValueError:
        raise ConfigurationError("the form had no version", hint="reload the roster") from None
    changes, seen = _cells(form)
    if not changes:
        return RedirectResponse(f"/roster/plans/{plan_id}?saved=0", 303)
    try:
        await run_in_threadpool(
            rw.edit_roster, database, session.account, plan_id, expected, changes, seen
        )
    except rw.RosterEditConflict as error:
        return await run_in_threadpool(
            _plan_page, request, session, database, plan_id, 409, error, changes
        )
    return RedirectResponse(f"/roster/plans/{plan_id}?saved={len(changes)}", 303)


@roster_pages_router.post("/roster/plans/{plan_id}/publish", response_class=HTMLResponse)
def roster_publish(
    request: Request,
    plan_id: str,
    session: CurrentSession,
    database: DatabaseDep,
    expected_version: Annotated[int, Form(ge=1)],
) -> Response:
    try:
        rw.publish_roster(database, session.account, plan_id, expected_version)
    except rw.RosterEditConflict as error:
        return _plan_page(request, session, database, plan_id, 409, error)
    return RedirectResponse(f"/roster/plans/{plan_id}?published=1", 303)


@roster_pages_router.get("/roster/plans/{plan_id}/check", response_class=HTMLResponse)
def roster_check(
    request: Request, plan_id: str, session: CurrentSession, database: DatabaseDep
) -> Response:
    version, breaches = rw.roster_breaches(database, session.account, plan_id)
    return page(request, "roster_check.html", session, plan_id=plan_id, version=version,
                breaches=breaches)  # fmt: skip


@roster_pages_router.post("/roster/builds")
def roster_build(
    session: CurrentSession,
    database: DatabaseDep,
    runner: JobsDep,
    unit: Annotated[str, Form(min_length=1, max_length=64)],
    start: Annotated[dt.date, Form()],
    weeks: Annotated[int, Form(ge=4, le=13)] = 4,
    time_limit_seconds: Annotated[float, Form(ge=1, le=600)] = 30,
) -> Response:
    account = session.account
    work = rw.build_work(database, account, unit, start, weeks, time_limit_seconds)
    params = {"unit": unit, "start": start.isoformat(), "weeks": weeks,
              "time_limit_seconds": time_limit_seconds}  # fmt: skip
    job_id = runner.submit(account.actor, "roster_build", params, work)
    return RedirectResponse(f"/jobs/{job_id}", 303)


@roster_pages_router.post("/roster/plans/{plan_id}/repair")
def roster_repair(
    plan_id: str,
    session: CurrentSession,
    database: DatabaseDep,
    runner: JobsDep,
    today: Annotated[dt.date, Form()],
    sick_person: Annotated[str, Form(max_length=64)] = "",
    sick_first: Annotated[dt.date | None, Form()] = None,
    sick_last: Annotated[dt.date | None, Form()] = None,
    event_name: Annotated[str, Form(max_length=200)] = "",
    event_start: Annotated[dt.datetime | None, Form()] = None,
    event_hours: Annotated[float, Form(ge=0, le=24)] = 0,
    event_officers: Annotated[int, Form(ge=0, le=100)] = 0,
    time_limit_seconds: Annotated[float, Form(ge=1, le=600)] = 30,
) -> Response:
    sick = (
        [(sick_person, sick_first, sick_last or sick_first)] if sick_person and sick_first else []
    )
    events = (
        [(event_name or "event", event_start.replace(tzinfo=None), event_hours, event_officers)]
        if event_start and event_hours and event_officers
        else []
    )
    account = session.account
    work = rw.repair_work(database, account, plan_id, today, sick, events, time_limit_seconds)
    params = {"plan_id": plan_id, "today": today.isoformat(), "sick": bool(sick),
              "events": bool(events)}  # fmt: skip
    job_id = runner.submit(account.actor, "roster_repair", params, work)
    return RedirectResponse(f"/jobs/{job_id}", 303)


# --- self-service ---------------------------------------------------------------------------
@roster_pages_router.get("/me/roster", response_class=HTMLResponse)
def my_roster(
    request: Request,
    session: CurrentSession,
    database: DatabaseDep,
    leave_start: dt.date | None = None,
    leave_end: dt.date | None = None,
) -> Response:
    account = session.account
    mine = me.my_roster(database, account)
    graph = (
        cover_graph(mine.cover, "Your unit's cover: officers required and rostered")
        if mine.cover is not None
        else ""
    )
    effect, effect_graph = None, ""
    if leave_start and leave_end and leave_end >= leave_start:
        effect = me.leave_effect(database, account, leave_start, leave_end)
        if effect.cover is not None and effect.cover.height:
            effect_graph = cover_graph(
                effect.cover, "Your leave's effect on cover", "rostered without you (leave)"
            )
    return page(request, "me_roster.html", session, mine=mine, graph=graph, effect=effect,
                effect_graph=effect_graph, codes=sorted(mine.tours))  # fmt: skip


@roster_pages_router.post("/me/roster/requests")
def my_request(
    session: CurrentSession,
    database: DatabaseDep,
    date: Annotated[dt.date, Form()],
    wants: Annotated[str, Form()],
    shift_code: Annotated[str, Form(max_length=16)] = "",
    weight: Annotated[int, Form(ge=1, le=10)] = 5,
) -> Response:
    me.request_shift(database, session.account, date, wants, shift_code or None, weight)
    return RedirectResponse("/me/roster#requests", 303)


@roster_pages_router.post("/me/roster/requests/{request_id}/withdraw")
def my_request_withdraw(request_id: str, session: CurrentSession, database: DatabaseDep):
    me.withdraw_request(database, session.account, request_id)
    return RedirectResponse("/me/roster#requests", 303)


@roster_pages_router.post("/me/leave")
def my_leave(
    session: CurrentSession,
    database: DatabaseDep,
    start: Annotated[dt.date, Form()],
    end: Annotated[dt.date, Form()],
    kind: Annotated[str, Form(max_length=32)] = "annual_leave",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    me.request_leave(database, session.account, start, end, kind, reason or None)
    return RedirectResponse(f"/me/roster?leave_start={start}&leave_end={end}#leave", 303)


# officer self-service extras, approvals and the audit log (web/self_service_pages.py)
from forceplan.web.self_service_pages import router as _self_service_extras  # noqa: E402

roster_pages_router.include_router(_self_service_extras)

# staffing, workforce projections and scenarios (web/planning_pages.py)
from forceplan.web.planning_pages import router as _planning_pages  # noqa: E402

roster_pages_router.include_router(_planning_pages)

# sign-in through the force directory, OpenID Connect (web/oidc_pages.py)
from forceplan.web.oidc_pages import router as _oidc_pages  # noqa: E402

roster_pages_router.include_router(_oidc_pages)
