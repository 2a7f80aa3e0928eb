"""Who may decide on an officer's leave, swaps and overtime: the approvers and their scope.

Planners and admins decide for every officer of their force; a supervisor for the officers of
their unit and the units under it (``access.units_under``), never for themselves; other roles
get 403. Shared by ``leave_approval``, ``swaps`` and ``overtime``.
"""

from __future__ import annotations

from sqlalchemy import select

from forceplan.errors import AccessDeniedError, NotFoundError
from forceplan.services.access import require, units_under
from forceplan.services.accounts import Account
from forceplan.services.roster import RosterConflictError
from forceplan.store import Database
from forceplan.store import tables as t


class DecisionConflictError(RosterConflictError):
    """The request was already decided, withdrawn or answered (HTTP 409): nothing changed."""


def approver_units(database: Database, account: Account) -> frozenset[str] | None:
    """The units whose officers this account decides for (None: the whole force)."""
    require(account, "approvals")
    if account.role != "supervisor":
        return None
    if not account.unit_id:
        raise AccessDeniedError(
            "your supervisor account has no unit", hint="ask an administrator to set your unit"
        )
    return units_under(database, account.force_id, account.unit_id)


def people_in_scope(
    database: Database, account: Account, units: frozenset[str] | None
) -> dict[str, dict]:
    """The force's officers in ``units`` (None: all): id -> {display_name, unit_id}."""
    p = t.people.c
    query = select(p.id, p.display_name, p.unit_id).where(p.force_id == account.force_id)
    if units is not None:
        query = query.where(p.unit_id.in_(sorted(units)))
    with database.read() as c:
        return {r.id: {"display_name": r.display_name, "unit_id": r.unit_id}
                for r in c.execute(query)}  # fmt: skip


def person_unit(database: Database, force_id: str, person_id: str) -> str | None:
    p = t.people.c
    with database.read() as c:
        row = c.execute(select(p.unit_id).where(p.force_id == force_id, p.id == person_id)).first()
    if row is None:
        raise NotFoundError(f"no officer {person_id}", hint="check the officer's id")
    return row.unit_id


def require_approver_of(database: Database, account: Account, person_id: str) -> None:
    """Refuse (403) an account that may not decide for this officer."""
    units = approver_units(database, account)
    if person_id == account.person_id:
        raise AccessDeniedError(
            "you may not decide your own requests", hint="another supervisor or a planner does"
        )
    unit = person_unit(database, account.force_id, person_id)
    if units is not None and unit not in units:
        raise AccessDeniedError(
            f"officer {person_id} is not in a unit you supervise",
            hint="their own supervisor or a planner decides",
        )
