"""The audit log as administrators read it on the web: their force's records, newest first,
filtered by who (username) and what (action), a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from forceplan.services.access import require
from forceplan.services.accounts import Account
from forceplan.store import Database
from forceplan.store import tables as t

PAGE_SIZE = 50


@dataclass
class AuditPage:
    entries: list[dict[str, Any]]
    page: int
    has_next: bool
    actions: list[str]  # every action recorded in the force, for the filter


def audit_page(
    database: Database, account: Account, actor: str | None = None, action: str | None = None,
    page: int = 1,
) -> AuditPage:  # fmt: skip
    """One page of the force's audit records (admins only; 403 otherwise)."""
    require(account, "accounts")
    a = t.audit_log.c
    page = max(1, page)
    query = select(t.audit_log).where(a.force_id == account.force_id)
    if actor:
        query = query.where(a.username == actor.strip().lower())
    if action:
        query = query.where(a.action == action)
    query = query.order_by(a.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    actions = select(a.action).where(a.force_id == account.force_id).distinct()
    with database.read() as c:
        rows = [dict(r) for r in c.execute(query).mappings()]
        known = sorted(c.execute(actions).scalars())
    return AuditPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE, known)
