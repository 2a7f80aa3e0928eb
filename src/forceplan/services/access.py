"""What each role may ask for, and the force and units an account's questions are scoped to.

Two layers (docs/web.md, Roles):
- a capability per kind of question (``CAPABILITIES``): a role without it gets 403;
- scope: every account belongs to one force and sees nothing of another; personal data is
  further limited by ``welfare/access.py`` (officer self, supervisor their unit and the units
  under it, occupational health the force, team totals with small counts suppressed for
  planners, analysts and admins, nothing for partners).

Demand aggregates are not personal: anyone in the force may see them for the force or any of
its units; partners get them with disclosure control (small counts withheld), as any output
that leaves the force does.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from forceplan.config import Settings
from forceplan.errors import AccessDeniedError, NotFoundError
from forceplan.services.accounts import (
    ROLES,
    Account,
    create_user,
    list_users,
    normalise_username,
    set_password,
)
from forceplan.services.audit import CLI, Actor
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.welfare.access import Viewer

FORCE_ROLES = frozenset(ROLES) - {"partner"}
ANALYSTS = frozenset({"planner", "analyst", "admin"})
CAPABILITIES: dict[str, frozenset[str]] = {
    "demand": frozenset(ROLES),
    "data_quality": ANALYSTS,
    "forecasts": ANALYSTS | {"supervisor"},
    "staffing": ANALYSTS | {"supervisor"},
    "workforce": ANALYSTS,
    "scenarios": ANALYSTS,  # scenario files run over the store (services/planning_view.py)
    "welfare": FORCE_ROLES,  # what each sees: welfare/access.py
    "jobs": FORCE_ROLES,
    "accounts": frozenset({"admin"}),
    # what each sees of a roster: services/roster_web.py
    "roster": ANALYSTS | {"supervisor"},
    "self_service": frozenset({"officer", "supervisor"}),
    # leave, swaps and overtime volunteers of the officers in scope: services/team_scope.py
    "approvals": frozenset({"supervisor", "planner", "admin"}),
}
WHAT = {
    "demand": "demand indicators",
    "data_quality": "data-quality reports",
    "forecasts": "forecasts",
    "staffing": "staffing requirements",
    "workforce": "workforce projections",
    "scenarios": "scenario runs",
    "welfare": "welfare data",
    "jobs": "jobs",
    "accounts": "accounts",
    "roster": "roster plans",
    "self_service": "officer self-service",
    "approvals": "leave, swap and overtime approvals",
}


def can(account: Account, capability: str) -> bool:
    return account.role in CAPABILITIES[capability]


def require(account: Account, capability: str) -> None:
    """Refuse (AccessDeniedError, HTTP 403) a role without this capability."""
    if not can(account, capability):
        raise AccessDeniedError(
            f"the {account.role} role does not see {WHAT[capability]}",
            hint="ask an administrator if your work needs it",
        )


def require_force(account: Account, force: str | None) -> str:
    """The account's force; refuses a question about another force."""
    if force not in (None, account.force_id):
        raise AccessDeniedError(
            f"you may not see force {force!r}", hint=f"your account belongs to {account.force_id}"
        )
    return account.force_id


def units_under(database: Database, force_id: str, unit_id: str) -> frozenset[str]:
    """A unit and every unit under it."""
    with database.read() as c:
        rows = c.execute(
            select(t.units.c.id, t.units.c.parent_id).where(t.units.c.force_id == force_id)
        ).all()
    children: dict[str | None, list[str]] = {}
    for unit, parent in rows:
        children.setdefault(parent, []).append(unit)
    found, todo = set(), [unit_id]
    while todo:
        unit = todo.pop()
        if unit not in found:
            found.add(unit)
            todo.extend(children.get(unit, []))
    return frozenset(found)


def welfare_viewer(database: Database, account: Account) -> Viewer:
    """The welfare access rules' viewer for an account (its unit scope for supervisors)."""
    units = (
        units_under(database, account.force_id, account.unit_id) if account.unit_id else frozenset()
    )
    return Viewer(
        role=account.role, force_id=account.force_id, person_id=account.person_id, unit_ids=units
    )


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit_id: str | None
    person_id: str | None


def _demo_people(database: Database, force_id: str) -> tuple[str, str, str]:
    """A sergeant with a unit, and a constable in the same unit: (unit, sergeant, constable)."""
    p = t.people
    with database.read() as c:
        rows = c.execute(
            select(p.c.id, p.c.rank, p.c.unit_id)
            .where(
                p.c.force_id == force_id,
                p.c.kind == "officer",
                p.c.unit_id.is_not(None),
                p.c.leaving_date.is_(None),
            )
            .order_by(p.c.id)
        ).all()
    sergeants = {r.unit_id: r.id for r in rows if r.rank == "sergeant"}
    for row in rows:
        if row.rank == "constable" and row.unit_id in sergeants:
            return row.unit_id, sergeants[row.unit_id], row.id
    raise NotFoundError(
        f"no sergeant and constable share a unit in {force_id}",
        hint="create the demo force first: forceplan demo-data",
    )


def create_demo_accounts(
    database: Database,
    settings: Settings,
    force_id: str = "DEMO",
    password: str | None = None,
    actor: Actor = CLI,
) -> tuple[list[DemoAccount], str]:
    """One account per role in the demo force (``demo-<role>``), all with one password
    (random unless given); existing demo accounts get the new password. Returns the
    accounts and the password."""
    password = password or secrets.token_urlsafe(12)
    unit, sergeant, constable = _demo_people(database, force_id)
    existing = {a.username for a in list_users(database)}
    made = []
    for role in ROLES:
        name = normalise_username(f"demo-{role}")
        unit_id = unit if role == "supervisor" else None
        person_id = {"supervisor": sergeant, "officer": constable}.get(role)
        if name in existing:
            set_password(database, settings, name, password, actor)
        else:
            create_user(
                database, settings, name, password, role, force_id, unit_id, person_id, actor
            )
        made.append(DemoAccount(name, role, unit_id, person_id))
    return made, password
