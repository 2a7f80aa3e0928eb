"""/api/v1/me (leave outcomes, shift swaps, overtime offers, the calendar feed URL),
/api/v1/calendar/{token}.ics (the feed, without a session) and /api/v1/approvals (leave and
swaps to decide, overtime volunteers). Thin routes over the services of the same names."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from forceplan.api.deps import CurrentUser, DatabaseDep
from forceplan.api.roster import effect_out
from forceplan.api.schemas import ErrorOut
from forceplan.api.self_service_schemas import (
    CalendarFeedOut,
    LeaveDecisionIn,
    LeaveDecisionOut,
    MyLeaveOut,
    OvertimeIn,
    OvertimeOut,
    PendingLeaveOut,
    SwapDecisionIn,
    SwapIn,
    SwapOut,
    VolunteerOut,
)
from forceplan.services import calendar_feed as feeds
from forceplan.services import leave_approval, overtime, swaps
from forceplan.services.roster_self import my_leave

router = APIRouter(tags=["self-service"])
approvals = APIRouter(tags=["approvals"])
ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "Already decided, or the roster changed."}
}


def swap_out(swap: dict[str, Any]) -> SwapOut:
    cells = [{"person_id": p, "date": d, "before": b, "after": a} for p, d, b, a in swap["cells"]]
    return SwapOut(**(swap | {"cells": cells}))


# --- leave outcomes -------------------------------------------------------------------------
@router.get("/me/leave-requests", response_model=list[MyLeaveOut])
def my_leave_requests(user: CurrentUser, database: DatabaseDep) -> list[MyLeaveOut]:
    """Your leave and requests, newest first, with the approver's decision and reason."""
    return [MyLeaveOut(**row) for row in my_leave(database, user)]


# --- swaps ----------------------------------------------------------------------------------
@router.get("/me/swaps", response_model=list[SwapOut])
def my_swaps(user: CurrentUser, database: DatabaseDep) -> list[SwapOut]:
    """Swaps you proposed or that are addressed to you, newest first."""
    return [swap_out(s) for s in swaps.my_swaps(database, user)]


@router.post("/me/swaps", response_model=SwapOut, status_code=201)
def propose_swap(body: SwapIn, user: CurrentUser, database: DatabaseDep) -> SwapOut:
    """Propose to exchange duties with a teammate on two days of a published plan (422 if
    it would break a hard rule, naming it)."""
    swap_id = swaps.propose_swap(database, user, body.plan_id, body.my_date, body.teammate_id,
                                 body.their_date, body.note)  # fmt: skip
    return swap_out(swaps.get_swap(database, user.force_id, swap_id))


@router.post("/me/swaps/{swap_id}/accept", response_model=SwapOut, responses=ERRORS)
def accept_swap(swap_id: str, user: CurrentUser, database: DatabaseDep) -> SwapOut:
    """Accept a swap addressed to you; a supervisor or planner then decides."""
    return swap_out(swaps.answer_swap(database, user, swap_id, True))


@router.post("/me/swaps/{swap_id}/decline", response_model=SwapOut, responses=ERRORS)
def decline_swap(swap_id: str, user: CurrentUser, database: DatabaseDep) -> SwapOut:
    return swap_out(swaps.answer_swap(database, user, swap_id, False))


@router.post("/me/swaps/{swap_id}/withdraw", response_model=SwapOut, responses=ERRORS)
def withdraw_swap(swap_id: str, user: CurrentUser, database: DatabaseDep) -> SwapOut:
    """Withdraw a swap you proposed, until it is decided."""
    return swap_out(swaps.withdraw_swap(database, user, swap_id))


# --- overtime -------------------------------------------------------------------------------
@router.get("/me/overtime", response_model=list[OvertimeOut])
def my_overtime(user: CurrentUser, database: DatabaseDep) -> list[OvertimeOut]:
    return [OvertimeOut(**row) for row in overtime.my_offers(database, user)]


@router.post("/me/overtime", response_model=OvertimeOut, status_code=201)
def offer_overtime(body: OvertimeIn, user: CurrentUser, database: DatabaseDep) -> OvertimeOut:
    """Offer to work extra hours on a date (one offer a date)."""
    offer_id = overtime.offer_overtime(database, user, body.date, body.hours, body.note)
    return next(OvertimeOut(**r) for r in overtime.my_offers(database, user) if r["id"] == offer_id)


@router.delete("/me/overtime/{offer_id}", status_code=204)
def withdraw_overtime(offer_id: str, user: CurrentUser, database: DatabaseDep) -> Response:
    overtime.withdraw_overtime(database, user, offer_id)
    return Response(status_code=204)


# --- the calendar feed ----------------------------------------------------------------------
def feed_url(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + feeds.FEED_PATH.format(token=token)


@router.get("/me/calendar-feed", response_model=CalendarFeedOut)
def calendar_feed(user: CurrentUser, database: DatabaseDep) -> CalendarFeedOut:
    """Whether you have a secret calendar feed URL (it is shown only when made)."""
    made = feeds.feed_created_at(database, user)
    return CalendarFeedOut(active=made is not None, created_at=made)


@router.post("/me/calendar-feed", response_model=CalendarFeedOut, status_code=201)
def make_calendar_feed(
    request: Request, user: CurrentUser, database: DatabaseDep
) -> CalendarFeedOut:
    """A new secret feed URL for your phone's calendar (the old one stops working)."""
    token = feeds.create_feed(database, user)
    made = feeds.feed_created_at(database, user)
    return CalendarFeedOut(active=True, created_at=made, url=feed_url(request, token))


@router.delete("/me/calendar-feed", status_code=204)
def revoke_calendar_feed(user: CurrentUser, database: DatabaseDep) -> Response:
    """Revoke your feed URL: calendars subscribed to it get nothing more."""
    feeds.revoke_feed(database, user)
    return Response(status_code=204)


@router.get(
    "/calendar/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}, 404: {"model": ErrorOut}},
)
def calendar(token: str, database: DatabaseDep) -> Response:
    """Your tours as iCalendar for a calendar app's subscription: the secret URL is the
    sign-in (no session); 404 once revoked or the account is disabled."""
    return Response(feeds.feed_calendar(database, token[:200]),
                    media_type="text/calendar; charset=utf-8")  # fmt: skip


# --- approvals ------------------------------------------------------------------------------
@approvals.get("/approvals/leave", response_model=list[PendingLeaveOut])
def pending_leave(user: CurrentUser, database: DatabaseDep) -> list[PendingLeaveOut]:
    """Leave requests waiting for your decision, with their effect on cover (supervisors:
    their units' officers; planners and admins: the force)."""
    return [
        PendingLeaveOut(**(vars(p) | {"effect": effect_out(p.effect)}))
        for p in leave_approval.pending_leave(database, user)
    ]


@approvals.post("/approvals/leave/{absence_id}", response_model=LeaveDecisionOut,
                responses=ERRORS)  # fmt: skip
def decide_leave(
    absence_id: str, body: LeaveDecisionIn, user: CurrentUser, database: DatabaseDep
) -> LeaveDecisionOut:
    """Approve (the officer is then off the roster in every build, repair and check) or
    refuse a leave request, with a reason the officer sees; audited."""
    decision = leave_approval.decide_leave(database, user, absence_id,
                                           body.decision == "approve", body.reason)  # fmt: skip
    return LeaveDecisionOut(**decision)


@approvals.get("/approvals/swaps", response_model=list[SwapOut])
def swaps_to_approve(user: CurrentUser, database: DatabaseDep) -> list[SwapOut]:
    """Swaps both officers agreed, waiting for your decision, with the plan's version."""
    return [swap_out(s) for s in swaps.swaps_to_approve(database, user)]


@approvals.post("/approvals/swaps/{swap_id}", response_model=SwapOut, responses=ERRORS)
def decide_swap(
    swap_id: str, body: SwapDecisionIn, user: CurrentUser, database: DatabaseDep
) -> SwapOut:
    """Approve (changes the plan at expected_version and the published roster; 409 if the
    plan changed, 422 if the swap would break a hard rule) or refuse an agreed swap."""
    swap = swaps.decide_swap(database, user, swap_id, body.decision == "approve",
                             body.expected_version, body.reason)  # fmt: skip
    return swap_out(swap)


@approvals.get("/overtime/volunteers", response_model=list[VolunteerOut])
def volunteers(
    user: CurrentUser,
    database: DatabaseDep,
    date: dt.date,
    unit: Annotated[str | None, Query(max_length=64)] = None,
) -> list[VolunteerOut]:
    """Officers in your scope who offered overtime on a date, most hours first."""
    return [VolunteerOut(**row) for row in overtime.volunteers(database, user, date, unit)]
