"""Overtime opt-in: officers offer dates (and how many extra hours) they are willing to work;
supervisors and planners see who volunteered for a date when they re-roster for an event or
cover a gap. Offers are stored in ``overtime_offers``; offering and withdrawing are audited
(``overtime.offer``, ``overtime.withdraw``). An offer is not a duty: nothing is rostered
until a planner or supervisor changes the roster.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, delete, insert, select

from forceplan.errors import ConfigurationError, NotFoundError
from forceplan.services.accounts import Account
from forceplan.services.audit import record
from forceplan.services.roster_self import person_of
from forceplan.services.team_scope import approver_units, people_in_scope
from forceplan.store import Database
from forceplan.store import tables as t

MIN_HOURS, MAX_HOURS = 0.5, 12.0


def my_offers(database: Database, account: Account) -> list[dict[str, Any]]:
    o = t.overtime_offers.c
    query = (select(o.id, o.date, o.hours, o.note, o.created_at)
             .where(o.force_id == account.force_id, o.person_id == person_of(account))
             .order_by(o.date.desc()).limit(200))  # fmt: skip
    with database.read() as c:
        return [dict(r) for r in c.execute(query).mappings()]


def offer_overtime(
    database: Database, account: Account, date: dt.date, hours: float, note: str | None = None
) -> str:
    """Offer to work up to ``hours`` extra on ``date`` (one offer a date). Returns its id."""
    person = person_of(account)
    if not MIN_HOURS <= hours <= MAX_HOURS:
        raise ConfigurationError(f"offer {MIN_HOURS:g} to {MAX_HOURS:g} extra hours",
                                 hint="how many hours could you work that day?")  # fmt: skip
    o = t.overtime_offers.c
    with database.read() as c:
        same_day = and_(o.force_id == account.force_id, o.person_id == person, o.date == date)
        taken = c.execute(select(o.id).where(same_day)).first()
    if taken is not None:
        raise ConfigurationError(f"you already offered overtime on {date}",
                                 hint="withdraw that offer first to change it")  # fmt: skip
    offer_id = uuid.uuid4().hex
    note = (note or None) and note[:200]
    with database.transaction() as c:
        c.execute(insert(t.overtime_offers).values(
            force_id=account.force_id, id=offer_id, person_id=person, date=date, hours=hours,
            note=note, created_at=dt.datetime.now(dt.UTC)))  # fmt: skip
        record(c, account.actor, "overtime.offer", "overtime_offer", offer_id,
               {"person_id": person, "date": date.isoformat(), "hours": hours})  # fmt: skip
    return offer_id


def withdraw_overtime(database: Database, account: Account, offer_id: str) -> None:
    o = t.overtime_offers.c
    mine = and_(o.force_id == account.force_id, o.id == offer_id,
                o.person_id == person_of(account))  # fmt: skip
    with database.transaction() as c:
        if c.execute(delete(t.overtime_offers).where(mine)).rowcount != 1:
            raise NotFoundError(f"no overtime offer {offer_id} of yours", hint="see your offers")
        record(c, account.actor, "overtime.withdraw", "overtime_offer", offer_id)


def volunteers(
    database: Database, account: Account, date: dt.date, unit: str | None = None
) -> list[dict[str, Any]]:
    """Officers in this account's scope who offered overtime on ``date`` (optionally of one
    unit), with the tour they are rostered for that day (published roster), most hours first."""
    units = approver_units(database, account)
    if unit:
        units = frozenset({unit}) if units is None or unit in units else frozenset()
    people = people_in_scope(database, account, units)
    o, r = t.overtime_offers.c, t.roster_assignments.c
    rostered = (select(r.shift_code).where(r.force_id == o.force_id, r.person_id == o.person_id,
                                           r.date == o.date, r.status != "planned")
                .limit(1).scalar_subquery())  # fmt: skip
    query = (select(o.id, o.person_id, o.hours, o.note, rostered.label("rostered"))
             .where(o.force_id == account.force_id, o.date == date,
                    o.person_id.in_(sorted(people)))
             .order_by(o.hours.desc(), o.person_id))  # fmt: skip
    with database.read() as c:
        rows = [dict(r) for r in c.execute(query).mappings()]
    return [row | people[row["person_id"]] | {"date": date} for row in rows]
