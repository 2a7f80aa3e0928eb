"""Officer self-service: my roster, my calendar feed, shift preferences and bids, and leave
requests with their effect on the unit's cover. An account sees and changes only its own
officer's data (``account.person_id``); every change is audited.

Requests and bids go to ``roster_requests`` and the optimiser reads them on the unit's next
build (``roster_inputs.requests``); leave goes to ``absences`` as *requested* — only approved
leave takes an officer off the roster, so a request shows what its approval would cost.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import and_, delete, insert, select

from forceplan.errors import AccessDeniedError, ConfigurationError, NotFoundError
from forceplan.services.accounts import Account
from forceplan.services.audit import record
from forceplan.services.roster import RosterPlan, Tours, force_timezone, force_tours, load_plan
from forceplan.services.roster_tools import export_ics
from forceplan.services.roster_web import plan_cover
from forceplan.standard.enums import AbsenceKind, AbsenceStatus
from forceplan.store import Database
from forceplan.store import tables as t

LEAVE_KINDS = (AbsenceKind.ANNUAL_LEAVE, AbsenceKind.TRAINING, AbsenceKind.COURT,
               AbsenceKind.OTHER)  # fmt: skip
MAX_LEAVE_DAYS = 62


def person_of(account: Account) -> str:
    """The officer an account speaks for; refuses accounts without one (and partners)."""
    if account.role == "partner" or not account.person_id:
        raise AccessDeniedError(
            "your account is not linked to an officer",
            hint="self-service needs an account with --person (forceplan users add)",
        )
    return account.person_id


def my_plan(database: Database, account: Account, plan_id: str | None = None) -> RosterPlan | None:
    """The plan to show an officer: the one asked for (if it has their line), else the newest
    published plan with their line, else the newest draft with it."""
    return plan_with(database, account.force_id, person_of(account), plan_id)


def plan_with(
    database: Database, force_id: str, person: str, plan_id: str | None = None
) -> RosterPlan | None:
    """The plan of an officer's line: ``plan_id`` if it has it, else the newest published plan
    with it, else the newest draft with it (None: on no roster)."""
    p, lines = t.roster_plans.c, t.roster_plan_lines.c
    mine = select(lines.plan_id).where(lines.person_id == person).distinct()
    query = select(p.id, p.status).where(p.force_id == force_id, p.id.in_(mine))
    with database.read() as c:
        rows = c.execute(query.order_by(p.created_at.desc())).all()
    ids = [r.id for r in rows]
    if plan_id is not None:
        if plan_id not in ids:
            raise NotFoundError(f"no roster plan {plan_id} with your line", hint="see my roster")
        return load_plan(database, plan_id)
    chosen = next((r.id for r in rows if r.status == "published"), ids[0] if ids else None)
    return load_plan(database, chosen) if chosen else None


@dataclass
class MyRoster:
    person_id: str
    plan: RosterPlan | None
    days: list[tuple[dt.date, str | None]]
    tours: Tours
    cover: pl.DataFrame | None
    requests: list[dict[str, Any]]
    leave: list[dict[str, Any]]


def my_roster(database: Database, account: Account, plan_id: str | None = None) -> MyRoster:
    """My line of the roster, my requests and bids, my leave, and the unit's cover."""
    person = person_of(account)
    plan = my_plan(database, account, plan_id)
    tours = force_tours(database, account.force_id)
    days = [(plan.date_of(d), plan.roster[person].get(d)) for d in range(plan.days)] if plan else []
    cover = plan_cover(plan, tours) if plan else None
    return MyRoster(person, plan, days, tours, cover, my_requests(database, account),
                    my_leave(database, account))  # fmt: skip


def my_calendar(database: Database, account: Account) -> bytes:
    """My tours of the plan shown on my roster page, as an iCalendar feed."""
    plan = my_plan(database, account)
    if plan is None:
        raise NotFoundError("you are on no roster yet", hint="ask your planner")
    tours = force_tours(database, account.force_id)
    return export_ics(plan, person_of(account), tours, force_timezone(database, plan.force_id))


# --- preferences and bids -------------------------------------------------------------------
def my_requests(database: Database, account: Account) -> list[dict[str, Any]]:
    q = t.roster_requests.c
    query = select(t.roster_requests).where(
        q.force_id == account.force_id, q.person_id == person_of(account)
    )
    with database.read() as c:
        return [dict(r) for r in c.execute(query.order_by(q.date, q.created_at)).mappings()]


def request_shift(
    database: Database, account: Account, date: dt.date, wants: str,
    shift_code: str | None = None, weight: int = 5,
) -> str:  # fmt: skip
    """A bid to work a tour (``wants='work'``, a tour code) or a request for a day or a tour
    off (``wants='off'``); read by the optimiser on the unit's next build. Returns its id."""
    person = person_of(account)
    tours = force_tours(database, account.force_id)
    if wants not in ("work", "off") or not 1 <= weight <= 10:
        raise ConfigurationError("wants must be work or off, weight 1 to 10")
    if (wants == "work" and shift_code is None) or (shift_code and shift_code not in tours):
        raise ConfigurationError(
            f"a bid needs one of the tours {', '.join(sorted(tours))}",
            hint="pick the tour you want to work (or ask for the day off)",
        )
    request_id = uuid.uuid4().hex
    values = {"force_id": account.force_id, "id": request_id, "person_id": person, "date": date,
              "shift_code": shift_code, "wants": wants, "weight": weight,
              "created_at": dt.datetime.now(dt.UTC)}  # fmt: skip
    with database.transaction() as c:
        c.execute(insert(t.roster_requests).values(**values))
        record(c, account.actor, "roster.request", "roster_request", request_id,
               {"person_id": person, "date": date.isoformat(), "shift_code": shift_code,
                "wants": wants, "weight": weight})  # fmt: skip
    return request_id


def withdraw_request(database: Database, account: Account, request_id: str) -> None:
    q = t.roster_requests.c
    mine = and_(q.force_id == account.force_id, q.id == request_id,
                q.person_id == person_of(account))  # fmt: skip
    with database.transaction() as c:
        if c.execute(delete(t.roster_requests).where(mine)).rowcount != 1:
            raise NotFoundError(f"no request {request_id} of yours", hint="see my roster")
        record(c, account.actor, "roster.request.withdraw", "roster_request", request_id)


# --- leave ----------------------------------------------------------------------------------
def my_leave(database: Database, account: Account) -> list[dict[str, Any]]:
    a, d = t.absences.c, t.leave_decisions.c
    decided = and_(d.force_id == a.force_id, d.absence_id == a.id)
    query = (
        select(a.id, a.kind, a.start, a.end, a.status, a.reason,
               d.reason.label("decision_reason"), d.decided_at)
        .select_from(t.absences.outerjoin(t.leave_decisions, decided))
        .where(a.force_id == account.force_id, a.person_id == person_of(account))
    )  # fmt: skip
    with database.read() as c:
        return [dict(r) for r in c.execute(query.order_by(a.start.desc()).limit(50)).mappings()]


def request_leave(
    database: Database, account: Account, start: dt.date, end: dt.date,
    kind: str = "annual_leave", reason: str | None = None,
) -> str:  # fmt: skip
    """Ask for leave: an absence with status *requested* (a supervisor approves it)."""
    person = person_of(account)
    if kind not in {k.value for k in LEAVE_KINDS}:
        raise ConfigurationError(f"leave kind {kind!r}?",
                                 hint=", ".join(k.value for k in LEAVE_KINDS))  # fmt: skip
    if end < start or (end - start).days >= MAX_LEAVE_DAYS:
        raise ConfigurationError(
            "the leave must end on or after its first day, within 62 days",
            hint="split a long absence into requests",
        )
    absence_id = f"LR-{uuid.uuid4().hex[:12]}"
    with database.transaction() as c:
        c.execute(insert(t.absences).values(
            force_id=account.force_id, id=absence_id, person_id=person, kind=kind, start=start,
            end=end, status=AbsenceStatus.REQUESTED.value, hours_per_day=None,
            reason=(reason or None) and reason[:500]))  # fmt: skip
        record(c, account.actor, "absence.request", "absence", absence_id,
               {"person_id": person, "kind": kind, "start": start.isoformat(),
                "end": end.isoformat()})  # fmt: skip
    return absence_id


@dataclass
class LeaveEffect:
    start: dt.date
    end: dt.date
    plan: RosterPlan | None
    tours_lost: list[tuple[dt.date, str]]
    cover: pl.DataFrame | None  # the leave's days: required, rostered, rostered_without
    hours_short_now: int
    hours_short_after: int
    officer_hours_short_now: int = 0
    officer_hours_short_after: int = 0

    @property
    def hours_made_short(self) -> int:
        return self.hours_short_after - self.hours_short_now


def leave_effect(database: Database, account: Account, start: dt.date, end: dt.date) -> LeaveEffect:
    """What my leave from ``start`` to ``end`` would do to my unit's cover: the plan's hours
    on those days with and without my tours, and how many hours would fall short."""
    return effect_of_leave(database, account.force_id, person_of(account), start, end)


def effect_of_leave(
    database: Database, force_id: str, person: str, start: dt.date, end: dt.date
) -> LeaveEffect:
    """What an officer's leave from ``start`` to ``end`` would do to the cover of the plan
    with their line (the one *my roster* shows them): hours on those days with and without
    their tours, and how many hours would fall short (used by the officer and the approver)."""
    plan = plan_with(database, force_id, person)
    if plan is None:
        return LeaveEffect(start, end, None, [], None, 0, 0)
    tours = force_tours(database, force_id)
    lost = [
        (plan.date_of(d), code)
        for d, code in sorted(plan.roster.get(person, {}).items())
        if code and start <= plan.date_of(d) <= end
    ]
    cover = plan_cover(plan, tours, [(person, date) for date, _ in lost])
    first = dt.datetime.combine(start, dt.time())
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    days = cover.filter((pl.col("starts_at") >= first) & (pl.col("starts_at") < last))
    short_now = days.filter(pl.col("rostered") < pl.col("required")).height
    short_after = days.filter(pl.col("rostered_without") < pl.col("required")).height
    gap_now = int((pl.col("required") - pl.col("rostered")).clip(lower_bound=0).sum()
                  .pipe(days.select).item())  # fmt: skip
    gap_after = int((pl.col("required") - pl.col("rostered_without")).clip(lower_bound=0).sum()
                    .pipe(days.select).item())  # fmt: skip
    return LeaveEffect(start, end, plan, lost, days, short_now, short_after, gap_now, gap_after)
