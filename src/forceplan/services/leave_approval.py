"""Approving and refusing officers' leave requests, with each request's effect on cover.

A leave request is an absence with status *requested* (``roster_self.request_leave``). A
supervisor (for the officers of their units) or a planner sees the pending ones with what
approval would cost — the cover of the officer's plan on those days with and without their
tours (``roster_self.effect_of_leave``) — and approves or refuses them, with an optional
reason the officer sees. Approval sets the status to *approved*, the value the roster build,
repairs, the simulation and the welfare ledger read as an absence; the decision is kept in
``leave_decisions`` and audited (``leave.approve``, ``leave.refuse``) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, insert, select, update

from forceplan.errors import NotFoundError
from forceplan.services.accounts import Account
from forceplan.services.audit import record
from forceplan.services.roster_self import LeaveEffect, effect_of_leave
from forceplan.services.team_scope import (
    DecisionConflictError,
    approver_units,
    people_in_scope,
    require_approver_of,
)
from forceplan.standard.enums import AbsenceStatus
from forceplan.store import Database
from forceplan.store import tables as t

MAX_PENDING = 100


@dataclass
class PendingLeave:
    id: str
    person_id: str
    display_name: str | None
    unit_id: str | None
    kind: str
    start: dt.date
    end: dt.date
    reason: str | None
    effect: LeaveEffect


def pending_leave(database: Database, account: Account) -> list[PendingLeave]:
    """Leave requests waiting for a decision from this account, oldest first, each with its
    effect on cover (supervisors: their units' officers, not their own; planners: the force)."""
    units = approver_units(database, account)
    people = people_in_scope(database, account, units)
    people.pop(account.person_id, None)
    a = t.absences.c
    query = (
        select(a.id, a.person_id, a.kind, a.start, a.end, a.reason)
        .where(a.force_id == account.force_id, a.status == AbsenceStatus.REQUESTED.value,
               a.person_id.in_(sorted(people)))
        .order_by(a.start, a.id)
        .limit(MAX_PENDING)
    )  # fmt: skip
    with database.read() as c:
        rows = c.execute(query).all()
    return [
        PendingLeave(r.id, r.person_id, people[r.person_id]["display_name"],
                     people[r.person_id]["unit_id"], r.kind, r.start, r.end, r.reason,
                     effect_of_leave(database, account.force_id, r.person_id, r.start, r.end))
        for r in rows
    ]  # fmt: skip


def _absence(database: Database, force_id: str, absence_id: str) -> dict[str, Any]:
    a = t.absences.c
    with database.read() as c:
        row = c.execute(
            select(t.absences).where(a.force_id == force_id, a.id == absence_id)
        ).first()
    if row is None:
        raise NotFoundError(f"no leave request {absence_id}", hint="see the pending requests")
    return dict(row._mapping)


def decide_leave(
    database: Database, account: Account, absence_id: str, approve: bool,
    reason: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Approve or refuse a pending leave request (403 outside your scope, 409 if it was
    already decided); audited with the request's effect on cover. Returns the decision."""
    absence = _absence(database, account.force_id, absence_id)
    require_approver_of(database, account, absence["person_id"])
    if absence["status"] != AbsenceStatus.REQUESTED.value:
        raise DecisionConflictError(
            f"leave request {absence_id} is {absence['status']}, not waiting for a decision",
            hint="reload the pending requests",
        )
    outcome = (AbsenceStatus.APPROVED if approve else AbsenceStatus.REFUSED).value
    effect = effect_of_leave(database, account.force_id, absence["person_id"],
                             absence["start"], absence["end"])  # fmt: skip
    decision = {"force_id": account.force_id, "absence_id": absence_id, "outcome": outcome,
                "reason": (reason or None) and reason[:500], "decided_by": account.username,
                "decided_at": dt.datetime.now(dt.UTC)}  # fmt: skip
    a = t.absences.c
    still_pending = and_(a.force_id == account.force_id, a.id == absence_id,
                         a.status == AbsenceStatus.REQUESTED.value)  # fmt: skip
    with database.transaction() as c:
        if c.execute(update(t.absences).where(still_pending).values(status=outcome)).rowcount != 1:
            raise DecisionConflictError(
                f"leave request {absence_id} was decided by someone else just now",
                hint="reload the pending requests",
            )
        c.execute(insert(t.leave_decisions).values(**decision))
        record(c, account.actor, "leave.approve" if approve else "leave.refuse", "absence",
               absence_id, {"person_id": absence["person_id"], "kind": absence["kind"],
                            "start": absence["start"].isoformat(),
                            "end": absence["end"].isoformat(), "reason": decision["reason"],
                            "tours_lost": len(effect.tours_lost),
                            "hours_short_after": effect.hours_short_after})  # fmt: skip
    return decision | {"person_id": absence["person_id"]}
