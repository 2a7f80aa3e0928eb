"""Pages for the self-service extras and approvals: shift swaps, overtime offers and the
calendar feed URL (officers); leave and swaps to decide and overtime volunteers
(supervisors, planners, admins); the audit log (admins). Plain forms with the session's CSRF
token, no JavaScript. Thin routes over the services of the same names; their errors become
the error page (403, 404, 409 with the conflict, 422 naming the broken rule)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from forceplan.api.deps import CurrentSession, DatabaseDep
from forceplan.services import calendar_feed as feeds
from forceplan.services import leave_approval, overtime, swaps
from forceplan.services.audit_view import audit_page
from forceplan.services.roster_self import my_plan
from forceplan.web.render import page
from forceplan.web.roster_charts import cover_graph

router = APIRouter(include_in_schema=False)
Decision = Annotated[Literal["approve", "refuse"], Form()]
Reason = Annotated[str, Form(max_length=500)]
GRAPHS = 10  # cover graphs drawn on the approvals page (the first requests)


# --- swaps ----------------------------------------------------------------------------------
@router.get("/me/swaps", response_class=HTMLResponse)
def my_swaps(request: Request, session: CurrentSession, database: DatabaseDep) -> Response:
    account = session.account
    plan = my_plan(database, account)
    published = plan is not None and plan.status == "published"
    mates = swaps.teammates(database, account, plan) if published else []
    return page(request, "me_swaps.html", session, plan=plan if published else None,
                mates=mates, swaps=swaps.my_swaps(database, account),
                me=account.person_id, made=request.query_params.get("made"))  # fmt: skip


@router.post("/me/swaps")
def propose_swap(
    session: CurrentSession,
    database: DatabaseDep,
    plan_id: Annotated[str, Form(max_length=64)],
    my_date: Annotated[dt.date, Form()],
    teammate_id: Annotated[str, Form(max_length=64)],
    their_date: Annotated[dt.date, Form()],
    note: Reason = "",
) -> Response:
    swaps.propose_swap(database, session.account, plan_id, my_date, teammate_id, their_date,
                       note or None)  # fmt: skip
    return RedirectResponse("/me/swaps?made=1", 303)


@router.post("/me/swaps/{swap_id}/{answer}")
def answer_swap(
    swap_id: str, answer: Literal["accept", "decline", "withdraw"], session: CurrentSession,
    database: DatabaseDep,
) -> Response:  # fmt: skip
    if answer == "withdraw":
        swaps.withdraw_swap(database, session.account, swap_id)
    else:
        swaps.answer_swap(database, session.account, swap_id, answer == "accept")
    return RedirectResponse("/me/swaps", 303)


# --- overtime -------------------------------------------------------------------------------
@router.get("/me/overtime", response_class=HTMLResponse)
def my_overtime(request: Request, session: CurrentSession, database: DatabaseDep) -> Response:
    offers = overtime.my_offers(database, session.account)
    return page(request, "me_overtime.html", session, offers=offers)


@router.post("/me/overtime")
def offer_overtime(
    session: CurrentSession,
    database: DatabaseDep,
    date: Annotated[dt.date, Form()],
    hours: Annotated[float, Form(ge=0.5, le=12)],
    note: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    overtime.offer_overtime(database, session.account, date, hours, note or None)
    return RedirectResponse("/me/overtime", 303)


@router.post("/me/overtime/{offer_id}/withdraw")
def withdraw_overtime(offer_id: str, session: CurrentSession, database: DatabaseDep) -> Response:
    overtime.withdraw_overtime(database, session.account, offer_id)
    return RedirectResponse("/me/overtime", 303)


# --- the calendar feed ----------------------------------------------------------------------
def _feed_page(request: Request, session, database, url: str | None = None) -> Response:
    made = feeds.feed_created_at(database, session.account)
    return page(request, "me_calendar.html", session, made=made, url=url)


@router.get("/me/calendar", response_class=HTMLResponse)
def my_calendar(request: Request, session: CurrentSession, database: DatabaseDep) -> Response:
    return _feed_page(request, session, database)


@router.post("/me/calendar", response_class=HTMLResponse)
def make_calendar_feed(
    request: Request, session: CurrentSession, database: DatabaseDep
) -> Response:
    """Shows the new URL once (no redirect: it is not kept anywhere to show again)."""
    token = feeds.create_feed(database, session.account)
    url = str(request.base_url).rstrip("/") + feeds.FEED_PATH.format(token=token)
    return _feed_page(request, session, database, url)


@router.post("/me/calendar/revoke")
def revoke_calendar_feed(session: CurrentSession, database: DatabaseDep) -> Response:
    feeds.revoke_feed(database, session.account)
    return RedirectResponse("/me/calendar", 303)


# --- approvals ------------------------------------------------------------------------------
@router.get("/approvals", response_class=HTMLResponse)
def approvals(
    request: Request, session: CurrentSession, database: DatabaseDep, date: dt.date | None = None
) -> Response:
    account = session.account
    pending = leave_approval.pending_leave(database, account)
    graphs = {
        p.id: cover_graph(p.effect.cover, f"Cover with and without {p.person_id}'s leave",
                          "rostered without them (leave)")
        for p in pending[:GRAPHS] if p.effect.cover is not None and p.effect.cover.height
    }  # fmt: skip
    volunteers = overtime.volunteers(database, account, date) if date else None
    return page(request, "approvals.html", session, pending=pending, graphs=graphs,
                swaps=swaps.swaps_to_approve(database, account), date=date,
                volunteers=volunteers, done=request.query_params.get("done"))  # fmt: skip


@router.post("/approvals/leave/{absence_id}")
def decide_leave(
    absence_id: str, session: CurrentSession, database: DatabaseDep, decision: Decision,
    reason: Reason = "",
) -> Response:  # fmt: skip
    leave_approval.decide_leave(database, session.account, absence_id, decision == "approve",
                                reason or None)  # fmt: skip
    return RedirectResponse(f"/approvals?done=leave-{decision}", 303)


@router.post("/approvals/swaps/{swap_id}")
def decide_swap(
    swap_id: str, session: CurrentSession, database: DatabaseDep, decision: Decision,
    expected_version: Annotated[int | None, Form(ge=1)] = None, reason: Reason = "",
) -> Response:  # fmt: skip
    swaps.decide_swap(database, session.account, swap_id, decision == "approve",
                      expected_version, reason or None)  # fmt: skip
    return RedirectResponse(f"/approvals?done=swap-{decision}", 303)


# --- the audit log --------------------------------------------------------------------------
@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request, session: CurrentSession, database: DatabaseDep, actor: str = "",
    action: str = "", page_number: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
) -> Response:  # fmt: skip
    found = audit_page(database, session.account, actor[:200] or None, action[:32] or None,
                       page_number)  # fmt: skip
    return page(request, "audit.html", session, log=found, actor=actor, action=action)
