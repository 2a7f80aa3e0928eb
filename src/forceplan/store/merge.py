"""Staging tables and idempotent merges: load a file into a temporary copy of a table, find
duplicate keys, then insert new rows and update changed ones. Re-importing the same rows
changes nothing. Runs in the caller's transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Column, Connection, Integer, MetaData, Table, text

SOURCE_LINE = "source_line"


@dataclass
class MergeCounts:
    inserted: int
    updated: int
    unchanged: int


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_staging(connection: Connection, table: Table) -> Table:
    """A temporary, constraint-free copy of ``table`` with a ``source_line`` column."""
    name = f"stg_{table.name}_{uuid.uuid4().hex[:8]}"
    staging = Table(name, MetaData(), *[Column(c.name, c.type) for c in table.columns],
                    Column(SOURCE_LINE, Integer), prefixes=["TEMPORARY"])
    staging.create(connection)
    return staging


def drop_staging(connection: Connection, staging: Table) -> None:
    staging.drop(connection)


def _key_match(table: Table, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{_q(c.name)} = {right}.{_q(c.name)}"
                        for c in table.primary_key.columns)


def duplicate_lines(connection: Connection, table: Table, staging: Table) -> pl.DataFrame:
    """Lines whose key already appeared earlier in the file: (line, key, first_line)."""
    keys = [c.name for c in table.primary_key.columns]
    key_list = ", ".join(_q(k) for k in keys)
    sql = (
        f"SELECT s.{_q(SOURCE_LINE)}, {', '.join('s.' + _q(k) for k in keys)}, d.first_line "
        f"FROM {_q(staging.name)} s JOIN (SELECT {key_list}, MIN({_q(SOURCE_LINE)}) AS first_line "
        f"FROM {_q(staging.name)} GROUP BY {key_list} HAVING COUNT(*) > 1) d "
        f"ON {' AND '.join(f's.{_q(k)} = d.{_q(k)}' for k in keys)} "
        f"WHERE s.{_q(SOURCE_LINE)} > d.first_line ORDER BY s.{_q(SOURCE_LINE)}"
    )
    rows = connection.execute(text(sql)).all()
    return pl.DataFrame(
        [(r[0], "/".join(str(v) for v in r[1:-1]), r[-1]) for r in rows],
        schema={"line": pl.Int64, "key": pl.String, "first_line": pl.Int64}, orient="row")


def delete_lines(connection: Connection, staging: Table, lines: list[int]) -> None:
    for start in range(0, len(lines), 500):
        part = lines[start:start + 500]
        connection.execute(text(
            f"DELETE FROM {_q(staging.name)} WHERE {_q(SOURCE_LINE)} IN "
            f"({', '.join(str(int(x)) for x in part)})"))


def missing_parents(connection: Connection, staging: Table, column: str, parent: Table,
                    force_id: str) -> pl.DataFrame:
    """Lines whose ``column`` names no row of ``parent`` in the force: (line, value)."""
    sql = (
        f"SELECT s.{_q(SOURCE_LINE)}, s.{_q(column)} FROM {_q(staging.name)} s "
        f"WHERE s.{_q(column)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {_q(parent.name)} p "
        f"WHERE p.force_id = :force AND p.id = s.{_q(column)}) ORDER BY s.{_q(SOURCE_LINE)}"
    )
    rows = connection.execute(text(sql), {"force": force_id}).all()
    return pl.DataFrame([tuple(r) for r in rows], schema={"line": pl.Int64, "value": pl.String},
                        orient="row")


def merge(connection: Connection, table: Table, staging: Table) -> MergeCounts:
    """Insert staged rows that are new; update those whose values changed."""
    columns = [c.name for c in table.columns]
    others = [c.name for c in table.columns if not c.primary_key]
    same = "IS NOT DISTINCT FROM" if connection.dialect.name == "postgresql" else "IS"
    differs = " OR ".join(f"NOT (t.{_q(c)} {same} s.{_q(c)})" for c in others) or "FALSE"
    match = _key_match(table, "t", "s")
    stg, tgt = _q(staging.name), _q(table.name)
    total = connection.execute(text(f"SELECT COUNT(*) FROM {stg}")).scalar_one()
    updated = 0
    if others:
        updated = connection.execute(text(
            f"SELECT COUNT(*) FROM {stg} s JOIN {tgt} t ON {match} WHERE {differs}")).scalar_one()
        if updated:
            assignments = ", ".join(f"{_q(c)} = s.{_q(c)}" for c in others)
            connection.execute(text(
                f"UPDATE {tgt} AS t SET {assignments} FROM {stg} AS s WHERE {match} "
                f"AND ({differs})"))
    column_list = ", ".join(_q(c) for c in columns)
    inserted = connection.execute(text(
        f"INSERT INTO {tgt} ({column_list}) SELECT {', '.join('s.' + _q(c) for c in columns)} "
        f"FROM {stg} s WHERE NOT EXISTS (SELECT 1 FROM {tgt} t WHERE {match})")).rowcount
    return MergeCounts(inserted=inserted, updated=updated, unchanged=total - inserted - updated)
