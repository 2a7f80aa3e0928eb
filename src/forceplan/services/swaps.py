"""Shift swaps between officers of one unit on a published roster.

An officer proposes to give their day for a teammate's day (the two officers exchange their
duties on both dates: "you work my Tuesday early, I work your Saturday late"); the teammate
accepts or declines; a supervisor of their unit or a planner approves or refuses. Approval
changes the plan through the version-checked ``update_plan`` (a stale version is a
RosterConflictError, 409) and the published duty roster for those days in the same
transaction. The swapped roster is checked with the independent rule checker first: a swap
that adds a hard-rule breach (such as less than 11 hours' rest) is refused, naming the rule.

Statuses: proposed → accepted | declined | withdrawn; accepted → approved | refused |
withdrawn. Every step is audited (``swap.propose``, ``swap.accept``, ``swap.decline``,
``swap.withdraw``, ``swap.approve``, ``swap.refuse``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, insert, or_, select, update

from forceplan.errors import AccessDeniedError, ConfigurationError, NotFoundError
from forceplan.roster.checker import Breach, check_roster
from forceplan.services.accounts import Account
from forceplan.services.audit import record
from forceplan.services.roster import RosterConflictError, RosterPlan, load_plan, update_plan
from forceplan.services.roster_self import person_of
from forceplan.services.roster_tools import plan_problem
from forceplan.services.roster_web import unit_rules
from forceplan.services.team_scope import (
    DecisionConflictError,
    approver_units,
    person_unit,
    require_approver_of,
)
from forceplan.store import Database
from forceplan.store import tables as t

OPEN = ("proposed", "accepted")
Change = tuple[str, dt.date, str | None]


class SwapBreaksRulesError(ConfigurationError):
    """The swapped roster would break a hard rule (HTTP 422); nothing changed."""


# --- the swap itself ------------------------------------------------------------------------
def swap_cells(plan: RosterPlan, a: str, day_a: dt.date, b: str, day_b: dt.date) -> list[list]:
    """[person, date, before, after] for each cell the swap changes: the two officers
    exchange their duties on both dates."""
    cells = []
    for date in sorted({day_a, day_b}):
        day = (date - plan.start_date).days
        code_a, code_b = plan.roster[a].get(day), plan.roster[b].get(day)
        if code_a != code_b:
            cells += [[a, date, code_a, code_b], [b, date, code_b, code_a]]
    return cells


def new_breaches(database: Database, plan: RosterPlan, changes: list[Change]) -> list[Breach]:
    """Hard-rule breaches the changed roster has that the plan has not (independent checker)."""
    problem = plan_problem(database, plan, unit_rules(database, plan.force_id, plan.unit_id),
                           demand=False)  # fmt: skip
    after = {person: dict(days) for person, days in plan.roster.items()}
    for person, date, code in changes:
        after[person][(date - plan.start_date).days] = code

    def key(b: Breach) -> tuple:
        return b.rule, b.officer_id, tuple(b.days)

    before = {key(b) for b in check_roster(problem, plan.roster)}
    return [b for b in check_roster(problem, after) if key(b) not in before]


def _refuse_breaches(plan: RosterPlan, breaches: list[Breach]) -> None:
    """Refuse (422) a swap with new breaches, naming every rule and the first breach."""
    if breaches:
        rules = ", ".join(sorted({b.rule for b in breaches}))
        first = breaches[0]
        dates = ", ".join(plan.date_of(d).isoformat() for d in first.days[:3])
        raise SwapBreaksRulesError(
            f"the swap would break the rule(s) {rules}: {first.officer_id} ({dates}): "
            f"{first.message}",
            hint="pick other days, or ask a planner to change the roster",
        )


def _check_new_swap(database: Database, account: Account, plan: RosterPlan, me: str,
                    mate: str, my_date: dt.date, their_date: dt.date) -> None:  # fmt: skip
    if plan.force_id != account.force_id or me not in plan.roster:
        raise NotFoundError(f"no roster plan {plan.id} with your line", hint="see my roster")
    if plan.status != "published":
        raise ConfigurationError("swaps are made on a published roster",
                                 hint="wait until the planner publishes it")  # fmt: skip
    if mate == me or mate not in plan.roster:
        raise ConfigurationError(f"{mate} is not a teammate on this roster",
                                 hint="pick an officer of your roster")  # fmt: skip
    if person_unit(database, plan.force_id, mate) != person_unit(database, plan.force_id, me):
        raise ConfigurationError(f"{mate} is not in your unit", hint="swap within your unit")
    last = plan.date_of(plan.days - 1)
    if not all(plan.start_date <= d <= last for d in (my_date, their_date)):
        raise ConfigurationError(f"both dates must be within the roster, {plan.start_date} "
                                 f"to {last}", hint="pick days of this roster")  # fmt: skip


def propose_swap(
    database: Database, account: Account, plan_id: str, my_date: dt.date, teammate_id: str,
    their_date: dt.date, note: str | None = None,
) -> str:  # fmt: skip
    """Propose to exchange duties with a teammate on ``my_date`` and ``their_date``; refused
    (422) if it changes nothing or adds a hard-rule breach. Returns the swap's id."""
    me = person_of(account)
    plan = load_plan(database, plan_id)
    _check_new_swap(database, account, plan, me, teammate_id, my_date, their_date)
    cells = swap_cells(plan, me, my_date, teammate_id, their_date)
    if not cells:
        raise ConfigurationError("you and your teammate have the same duties on those days",
                                 hint="pick days where your duties differ")  # fmt: skip
    changes = [(p, d, after) for p, d, _, after in cells]
    _refuse_breaches(plan, new_breaches(database, plan, changes))
    swap_id, now = uuid.uuid4().hex, dt.datetime.now(dt.UTC)
    stored = [[p, d.isoformat(), before, after] for p, d, before, after in cells]
    with database.transaction() as c:
        c.execute(insert(t.shift_swaps).values(
            force_id=account.force_id, id=swap_id, plan_id=plan_id, proposer_id=me,
            proposer_date=my_date, teammate_id=teammate_id, teammate_date=their_date,
            status="proposed", note=(note or None) and note[:500], cells=stored,
            created_at=now, updated_at=now))  # fmt: skip
        record(c, account.actor, "swap.propose", "shift_swap", swap_id,
               {"plan_id": plan_id, "teammate_id": teammate_id, "cells": stored})  # fmt: skip
    return swap_id


# --- reading --------------------------------------------------------------------------------
def _query(force_id: str):
    s = t.shift_swaps.c
    return select(t.shift_swaps).where(s.force_id == force_id).order_by(s.created_at.desc())


def get_swap(database: Database, force_id: str, swap_id: str) -> dict[str, Any]:
    with database.read() as c:
        row = c.execute(_query(force_id).where(t.shift_swaps.c.id == swap_id)).first()
    if row is None:
        raise NotFoundError(f"no shift swap {swap_id}", hint="see your swaps")
    return dict(row._mapping)


def my_swaps(database: Database, account: Account) -> list[dict[str, Any]]:
    """Swaps I proposed or that are addressed to me, newest first."""
    me, s = person_of(account), t.shift_swaps.c
    with database.read() as c:
        rows = c.execute(
            _query(account.force_id).where(or_(s.proposer_id == me, s.teammate_id == me)).limit(100)
        )
        return [dict(r._mapping) for r in rows]  # fmt: skip


def swaps_to_approve(database: Database, account: Account) -> list[dict[str, Any]]:
    """Accepted swaps of officers in this approver's scope, with their plan's version."""
    units = approver_units(database, account)
    s, p = t.shift_swaps.c, t.people.c
    version = t.roster_plans.c.version.label("plan_version")
    query = (_query(account.force_id).add_columns(version)
             .join(t.roster_plans, t.roster_plans.c.id == s.plan_id)
             .where(s.status == "accepted")
             .where(s.proposer_id != (account.person_id or "-"),
                    s.teammate_id != (account.person_id or "-")))  # fmt: skip
    if units is not None:
        mine = select(p.id).where(p.force_id == account.force_id, p.unit_id.in_(sorted(units)))
        query = query.where(s.proposer_id.in_(mine))
    with database.read() as c:
        return [dict(r._mapping) for r in c.execute(query.limit(100))]


# --- answering and deciding -----------------------------------------------------------------
def _move(connection, account: Account, swap: dict, to: str, allowed: tuple[str, ...],
          detail: dict | None = None) -> None:  # fmt: skip
    """Move a swap to status ``to`` if it is still in one of ``allowed``; audited."""
    s = t.shift_swaps.c
    values = {"status": to, "updated_at": dt.datetime.now(dt.UTC)}
    if to in ("approved", "refused"):
        values |= {"decided_by": account.username,
                   "decision_reason": (detail or {}).get("reason")}  # fmt: skip
    changed = connection.execute(
        update(t.shift_swaps)
        .where(and_(s.force_id == swap["force_id"], s.id == swap["id"], s.status.in_(allowed)))
        .values(**values)
    ).rowcount
    if changed != 1:
        raise DecisionConflictError(
            f"shift swap {swap['id']} is no longer {' or '.join(allowed)}",
            hint="reload your swaps",
        )
    action = {"accepted": "swap.accept", "declined": "swap.decline", "withdrawn": "swap.withdraw",
              "approved": "swap.approve", "refused": "swap.refuse"}[to]  # fmt: skip
    record(connection, account.actor, action, "shift_swap", swap["id"],
           {"plan_id": swap["plan_id"], "from": swap["status"]} | (detail or {}))  # fmt: skip


def answer_swap(database: Database, account: Account, swap_id: str, accept: bool) -> dict:
    """The teammate accepts or declines a proposed swap (403 if it is not addressed to you)."""
    me = person_of(account)
    swap = get_swap(database, account.force_id, swap_id)
    if swap["teammate_id"] != me:
        raise AccessDeniedError("this swap is not addressed to you",
                                hint="only the teammate asked may answer it")  # fmt: skip
    with database.transaction() as c:
        _move(c, account, swap, "accepted" if accept else "declined", ("proposed",))
    return get_swap(database, account.force_id, swap_id)


def withdraw_swap(database: Database, account: Account, swap_id: str) -> dict:
    """The proposer withdraws a swap not yet decided."""
    swap = get_swap(database, account.force_id, swap_id)
    if swap["proposer_id"] != person_of(account):
        raise AccessDeniedError("only the officer who proposed a swap may withdraw it",
                                hint="decline it instead")  # fmt: skip
    with database.transaction() as c:
        _move(c, account, swap, "withdrawn", OPEN)
    return get_swap(database, account.force_id, swap_id)


def _agreed_changes(plan: RosterPlan, swap: dict) -> list[Change]:
    """The swap's changes, if the plan still holds what the officers agreed on."""
    changes, moved = [], []
    for person, day, before, after in swap["cells"]:
        date = dt.date.fromisoformat(day)
        now = plan.roster.get(person, {}).get((date - plan.start_date).days)
        if now != before:
            moved.append(f"{person} {day}: {before or 'rest'} then, {now or 'rest'} now")
        changes.append((person, date, after))
    if moved:
        raise RosterConflictError(
            "the roster changed on the swapped days since the officers agreed: " + "; ".join(moved),
            hint="refuse this swap; the officers may propose it again",
        )
    return changes  # fmt: skip


def _publish_cells(connection, plan: RosterPlan, changes: list[Change]) -> None:
    """Keep the published duty roster in line with the swapped plan (worked days stay)."""
    r = t.roster_assignments.c
    for person, date, code in changes:
        connection.execute(
            update(t.roster_assignments)
            .where(and_(r.force_id == plan.force_id, r.person_id == person, r.date == date,
                        r.status == "published"))
            .values(shift_code=code)
        )  # fmt: skip


def decide_swap(
    database: Database, account: Account, swap_id: str, approve: bool,
    expected_version: int | None = None, reason: str | None = None,
) -> dict:  # fmt: skip
    """Approve (changing the plan at ``expected_version``) or refuse an accepted swap."""
    swap = get_swap(database, account.force_id, swap_id)
    require_approver_of(database, account, swap["proposer_id"])
    require_approver_of(database, account, swap["teammate_id"])
    reason = (reason or None) and reason[:500]
    if not approve:
        with database.transaction() as c:
            _move(c, account, swap, "refused", ("accepted",), {"reason": reason})
        return get_swap(database, account.force_id, swap_id)
    if swap["status"] != "accepted":
        raise DecisionConflictError(f"shift swap {swap_id} is {swap['status']}, not accepted",
                                    hint="the teammate must accept it first")  # fmt: skip
    if expected_version is None:
        raise ConfigurationError("approving a swap needs the plan's version you read",
                                 hint="send expected_version")  # fmt: skip
    plan = load_plan(database, swap["plan_id"])
    changes = _agreed_changes(plan, swap)
    _refuse_breaches(plan, new_breaches(database, plan, changes))

    def in_transaction(connection, version: int) -> None:
        _move(
            connection,
            account,
            swap,
            "approved",
            ("accepted",),
            {"reason": reason, "to_version": version, "cells": swap["cells"]},
        )
        _publish_cells(connection, plan, changes)  # fmt: skip

    try:
        update_plan(database, plan.id, expected_version, changes, in_transaction)
    except DecisionConflictError:
        raise
    except RosterConflictError:
        current = load_plan(database, plan.id)
        raise RosterConflictError(
            f"someone else changed this roster since you opened it: you had version "
            f"{expected_version}, it is now at version {current.version}; the swap was not made",
            hint="reload the approvals page and decide again",
        ) from None
    return get_swap(database, account.force_id, swap_id)


def teammates(database: Database, account: Account, plan: RosterPlan) -> list[tuple[str, str]]:
    """(id, name) of the officers of my unit on this plan: who I may propose a swap to."""
    me, p = person_of(account), t.people.c
    unit = person_unit(database, account.force_id, me)
    others = sorted(set(plan.roster) - {me})
    with database.read() as c:
        rows = c.execute(select(p.id, p.display_name).where(
            p.force_id == account.force_id, p.id.in_(others), p.unit_id == unit)).all()  # fmt: skip
    return sorted((r.id, r.display_name or r.id) for r in rows)
