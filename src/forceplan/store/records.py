"""Saving and loading the standard's records (the validated, small-volume path).

Bulk data (a year of incidents) goes through :mod:`forceplan.store.bulk` as Polars frames;
this module turns records into frames and back, so both paths share one loader.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

import polars as pl
from sqlalchemy import Connection, Table, delete, select

from forceplan.standard import (
    Absence,
    Case,
    Deployment,
    Force,
    Incident,
    Person,
    Record,
    RosterAssignment,
    ShiftDefinition,
    Unit,
)
from forceplan.store import tables as t
from forceplan.store.bulk import frame_schema, insert_frame, read_frame

TABLE_OF: dict[type[Record], Table] = {
    Force: t.forces,
    Unit: t.units,
    ShiftDefinition: t.shift_definitions,
    Person: t.people,
    RosterAssignment: t.roster_assignments,
    Absence: t.absences,
    Incident: t.incidents,
    Deployment: t.deployments,
    Case: t.cases,
}


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def record_rows(record: Record) -> dict[Table, list[dict[str, Any]]]:
    """The table rows that store one record (a person also fills skills and restrictions)."""
    data = {k: _plain(v) for k, v in record.model_dump(mode="python").items()}
    if isinstance(record, Person):
        skills = data.pop("skills")
        restrictions = data.pop("restrictions")
        key = {"force_id": record.force_id, "person_id": record.id}
        return {
            t.people: [data],
            t.person_skills: [{**key, **s} for s in skills],
            t.person_restrictions: [
                {
                    **key,
                    "seq": seq,
                    **{k: _plain(v) for k, v in r.items() if k != "allowed_roles"},
                    "allowed_roles": json.dumps([_plain(x) for x in r["allowed_roles"]]),
                }
                for seq, r in enumerate(restrictions)
            ],
        }
    return {TABLE_OF[type(record)]: [data]}


def records_to_frames(records: Iterable[Record]) -> dict[Table, pl.DataFrame]:
    rows: dict[Table, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        for table, table_rows in record_rows(record).items():
            rows[table].extend(table_rows)
    return {
        table: pl.DataFrame(rows[table], schema=frame_schema(table), orient="row")
        for table in t.INSERT_ORDER
        if rows.get(table)
    }


def save_records(connection: Connection, records: Sequence[Record]) -> dict[str, int]:
    """Insert records (parents first) in the caller's transaction; rows written per table."""
    counts = {}
    for table, frame in records_to_frames(records).items():
        counts[table.name] = insert_frame(connection, table, frame)
    return counts


def _person_extras(connection: Connection, force_id: str) -> tuple[dict, dict]:
    skills: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in connection.execute(
        select(t.person_skills)
        .where(t.person_skills.c.force_id == force_id)
        .order_by(t.person_skills.c.person_id, t.person_skills.c.code)
    ).mappings():
        skills[row["person_id"]].append({"code": row["code"], "expires_on": row["expires_on"]})
    restrictions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    query = (
        select(t.person_restrictions)
        .where(t.person_restrictions.c.force_id == force_id)
        .order_by(t.person_restrictions.c.person_id, t.person_restrictions.c.seq)
    )
    for row in connection.execute(query).mappings():
        restrictions[row["person_id"]].append(
            {k: row[k] for k in ("kind", "start", "end", "allowed_roles", "notes")}
        )
    return skills, restrictions


def load_records(connection: Connection, record: type[Record], force_id: str) -> list[Record]:
    """Every record of one type held for a force, validated on the way out."""
    table = TABLE_OF[record]
    key = table.c.id if record is Force else table.c.force_id
    frame = read_frame(connection, table, key == force_id)
    rows = frame.to_dicts()
    if record is Person:
        skills, restrictions = _person_extras(connection, force_id)
        for row in rows:
            row["skills"] = skills.get(row["id"], [])
            row["restrictions"] = restrictions.get(row["id"], [])
    return [record.model_validate({k: v for k, v in row.items() if v is not None}) for row in rows]


def delete_force(connection: Connection, force_id: str) -> None:
    """Remove a force and everything it owns, children first (one transaction: the caller's)."""
    for table in reversed(t.INSERT_ORDER):
        key = table.c.id if table is t.forces else table.c.force_id
        connection.execute(delete(table).where(key == force_id))


def force_ids(connection: Connection) -> list[str]:
    return list(connection.execute(select(t.forces.c.id).order_by(t.forces.c.id)).scalars())
