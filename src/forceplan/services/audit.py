"""The audit log: every change, and every view of welfare data, appended with who and when.

The table refuses UPDATE and DELETE (triggers, migration 0006); this module only appends and
reads. Write the record in the same transaction as the change it describes
(:func:`record`), so a change is never kept without its record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from forceplan.store import Database
from forceplan.store import tables as t


@dataclass(frozen=True)
class Actor:
    """Who did it: an account, or the terminal (``user_id`` None, ``username`` 'cli:…')."""

    user_id: str | None
    username: str
    force_id: str | None


CLI = Actor(None, "cli", None)


def record(
    connection: Connection,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
    force_id: str | None = None,
) -> None:
    """Append one record inside the caller's transaction."""
    connection.execute(
        insert(t.audit_log).values(
            at=dt.datetime.now(dt.UTC),
            user_id=actor.user_id,
            username=actor.username,
            force_id=force_id or actor.force_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=detail or {},
        )
    )


def record_event(
    database: Database,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | None = None,
    detail: dict[str, Any] | None = None,
    force_id: str | None = None,
) -> None:
    """Append one record in its own transaction (views, sign-ins: nothing else changes)."""
    with database.transaction() as connection:
        record(connection, actor, action, object_type, object_id, detail, force_id)


def audit_entries(
    database: Database, force_id: str | None = None, action: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The latest records, newest first (optionally one force's, or one action's)."""
    a = t.audit_log
    query = select(a).order_by(a.c.id.desc()).limit(limit)
    if force_id:
        query = query.where(a.c.force_id == force_id)
    if action:
        query = query.where(a.c.action == action)
    with database.read() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]
