"""/api/v1/roster and /api/v1/me: roster plans (grid, cover, edits, publication, builds and
repairs as jobs, rule checks) and officer self-service. Thin routes over
``services/roster_web.py`` and ``services/roster_self.py``."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from forceplan.api.deps import CurrentUser, DatabaseDep, JobsDep
from forceplan.api.roster_schemas import (
    BuildIn,
    CheckOut,
    ConflictOut,
    CoverHourOut,
    LeaveEffectOut,
    LeaveIn,
    LeaveOut,
    MyRosterOut,
    PublishIn,
    RepairIn,
    RosterEditIn,
    RosterGridOut,
    RosterLineOut,
    RosterPlanOut,
    RosterRequestIn,
    RosterRequestOut,
    TourOut,
)
from forceplan.api.schemas import ErrorOut, JobOut, clean
from forceplan.services import roster_self as me
from forceplan.services import roster_web as rw
from forceplan.services.jobs import get_job

router = APIRouter(tags=["roster"])
CONFLICT = {409: {"model": ConflictOut, "description": "The plan changed since you read it."}}
ICS_PATH = "/api/v1/me/roster.ics"


def grid_out(grid: rw.RosterGrid) -> RosterGridOut:
    plan = grid.plan
    return RosterGridOut(
        id=plan.id, unit_id=plan.unit_id, start_date=plan.start_date, days=plan.days,
        status=plan.status, version=plan.version, view=grid.view, dates=grid.dates,
        tours=[TourOut(code=c, start_minute=s, length_minutes=n)
               for c, (s, n) in sorted(grid.tours.items())],
        lines=[RosterLineOut(person_id=ln.person_id, name=ln.name, shifts=ln.cells)
               for ln in grid.lines],
        cover=[CoverHourOut(**row)
               for row in grid.cover.select("starts_at", "required", "rostered").to_dicts()],
        summary=clean(grid.summary),
    )  # fmt: skip


def conflict_response(error: rw.RosterEditConflict) -> JSONResponse:
    body = ConflictOut(
        error=error.message,
        hint=error.hint,
        current_version=error.current_version,
        conflicts=error.conflicts,
    )
    return JSONResponse(body.model_dump(mode="json"), 409)


@router.get("/roster/plans", response_model=list[RosterPlanOut])
def plans(user: CurrentUser, database: DatabaseDep, unit: str | None = None) -> list[RosterPlanOut]:
    """Roster plans you may open, newest first (one unit's with ``unit``)."""
    return [RosterPlanOut(**row) for row in rw.plans_of(database, user, unit)]


@router.get("/roster/plans/{plan_id}", response_model=RosterGridOut)
def plan(plan_id: str, user: CurrentUser, database: DatabaseDep) -> RosterGridOut:
    """A plan as people × dates with its version, and the cover (required against rostered
    officers) by hour. Officers get their own line; analysts the cover only."""
    grid = rw.roster_grid(database, user, plan_id)
    # serialised once per plan version, view and names (access was checked above)
    body = grid.memo(("json", grid.view, grid.shown),
                     lambda: grid_out(grid).model_dump_json().encode())  # fmt: skip
    return Response(body, media_type="application/json")


@router.patch("/roster/plans/{plan_id}", response_model=RosterGridOut, responses=CONFLICT)
def edit(
    plan_id: str, body: RosterEditIn, user: CurrentUser, database: DatabaseDep
) -> RosterGridOut | JSONResponse:
    """Change cells, quoting the version you read: 409 with the current version and the
    cells that changed under you when someone else saved first (nothing is written)."""
    changes = [(c.person_id, c.date, c.shift_code) for c in body.changes]
    seen = {(c.person_id, c.date): c.seen for c in body.changes if "seen" in c.model_fields_set}
    try:
        rw.edit_roster(database, user, plan_id, body.expected_version, changes, seen)
    except rw.RosterEditConflict as error:
        return conflict_response(error)
    return grid_out(rw.roster_grid(database, user, plan_id))


@router.post("/roster/plans/{plan_id}/publish", response_model=RosterGridOut, responses=CONFLICT)
def publish(
    plan_id: str, body: PublishIn, user: CurrentUser, database: DatabaseDep
) -> RosterGridOut | JSONResponse:
    """Publish the plan as the duty roster (409 if it changed since you read it)."""
    try:
        rw.publish_roster(database, user, plan_id, body.expected_version)
    except rw.RosterEditConflict as error:
        return conflict_response(error)
    return grid_out(rw.roster_grid(database, user, plan_id))


@router.get("/roster/plans/{plan_id}/check", response_model=CheckOut)
def check(plan_id: str, user: CurrentUser, database: DatabaseDep) -> CheckOut:
    """The hard rules the plan breaks (person, dates, rule); planners and supervisors."""
    version, breaches = rw.roster_breaches(database, user, plan_id)
    return CheckOut(plan_id=plan_id, version=version, breaches=breaches)


@router.post("/roster/builds", response_model=JobOut, status_code=202)
def build(body: BuildIn, user: CurrentUser, database: DatabaseDep, runner: JobsDep) -> JobOut:
    """Build a unit's roster (a job: progress shows the objective and bound; cancel it at
    /api/v1/jobs/{id}/cancel). The result names the new draft plan."""
    work = rw.build_work(database, user, body.unit, body.start, body.weeks,
                         body.time_limit_seconds, body.seed)  # fmt: skip
    job_id = runner.submit(user.actor, "roster_build", body.model_dump(mode="json"), work)
    return JobOut(**get_job(database, user.actor, job_id, True))


@router.post("/roster/plans/{plan_id}/repair", response_model=JobOut, status_code=202)
def repair(
    plan_id: str, body: RepairIn, user: CurrentUser, database: DatabaseDep, runner: JobsDep
) -> JobOut:
    """Repair a plan after sickness or an event (a job): the least-disruptive new draft."""
    plan_ = rw.load_plan(database, plan_id)
    today = body.today or max(dt.date.today(), plan_.start_date)
    work = rw.repair_work(
        database, user, plan_id, today,
        [(s.person_id, s.first, s.last) for s in body.sick],
        [(e.name, e.starts_at.replace(tzinfo=None), e.hours, e.officers) for e in body.events],
        body.time_limit_seconds,
    )  # fmt: skip
    params = {"plan_id": plan_id, **body.model_dump(mode="json")}
    job_id = runner.submit(user.actor, "roster_repair", params, work)
    return JobOut(**get_job(database, user.actor, job_id, True))


# --- self-service ---------------------------------------------------------------------------
@router.get("/me/roster", response_model=MyRosterOut, tags=["self-service"])
def my_roster(user: CurrentUser, database: DatabaseDep) -> MyRosterOut:
    """Your line of the roster (newest published, else newest draft), requests and leave."""
    mine = me.my_roster(database, user)
    plan_ = mine.plan
    return MyRosterOut(
        person_id=mine.person_id,
        plan=None if plan_ is None else RosterPlanOut(
            id=plan_.id, unit_id=plan_.unit_id, start_date=plan_.start_date, days=plan_.days,
            status=plan_.status, version=plan_.version),
        days=mine.days, requests=[RosterRequestOut(**r) for r in mine.requests],
        leave=clean(mine.leave), calendar_url=ICS_PATH,
    )  # fmt: skip


@router.get(
    "/me/roster.ics",
    tags=["self-service"],
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 404: {"model": ErrorOut}},
)
def my_calendar(user: CurrentUser, database: DatabaseDep) -> Response:
    """Your tours as an iCalendar feed (signed-in session; see docs/web.md)."""
    return Response(
        me.my_calendar(database, user),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="roster.ics"'},
    )


@router.get("/me/roster-requests", response_model=list[RosterRequestOut], tags=["self-service"])
def my_requests(user: CurrentUser, database: DatabaseDep) -> list[RosterRequestOut]:
    return [RosterRequestOut(**r) for r in me.my_requests(database, user)]


@router.post(
    "/me/roster-requests", response_model=RosterRequestOut, status_code=201, tags=["self-service"]
)
def add_request(
    body: RosterRequestIn, user: CurrentUser, database: DatabaseDep
) -> RosterRequestOut:
    """A shift preference or bid; the optimiser weighs it on your unit's next build."""
    request_id = me.request_shift(database, user, body.date, body.wants, body.shift_code,
                                  body.weight)  # fmt: skip
    return next(RosterRequestOut(**r) for r in me.my_requests(database, user)
                if r["id"] == request_id)  # fmt: skip


@router.delete("/me/roster-requests/{request_id}", status_code=204, tags=["self-service"])
def withdraw(request_id: str, user: CurrentUser, database: DatabaseDep) -> Response:
    me.withdraw_request(database, user, request_id)
    return Response(status_code=204)


def effect_out(effect: me.LeaveEffect) -> LeaveEffectOut:
    return LeaveEffectOut(
        start=effect.start, end=effect.end, plan_id=effect.plan.id if effect.plan else None,
        tours_lost=effect.tours_lost, hours_short_now=effect.hours_short_now,
        hours_short_after=effect.hours_short_after,
        officer_hours_short_now=effect.officer_hours_short_now,
        officer_hours_short_after=effect.officer_hours_short_after,
        cover=clean(effect.cover.to_dicts()) if effect.cover is not None else [],
    )  # fmt: skip


@router.get("/me/leave-effect", response_model=LeaveEffectOut, tags=["self-service"])
def leave_effect(
    start: dt.date, end: dt.date, user: CurrentUser, database: DatabaseDep
) -> LeaveEffectOut:
    """What leave on these days would do to your unit's cover (nothing is stored)."""
    return effect_out(me.leave_effect(database, user, start, end))


@router.post("/me/leave-requests", response_model=LeaveOut, status_code=201, tags=["self-service"])
def request_leave(body: LeaveIn, user: CurrentUser, database: DatabaseDep) -> LeaveOut:
    """Ask for leave (status requested), with its effect on your unit's cover."""
    absence_id = me.request_leave(database, user, body.start, body.end, body.kind, body.reason)
    effect = me.leave_effect(database, user, body.start, body.end)
    return LeaveOut(id=absence_id, status="requested", effect=effect_out(effect))
