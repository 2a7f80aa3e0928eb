"""What is in the store: people by role and length of service, incidents by month and grade."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import func, select

from forceplan.errors import NotFoundError
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import read_frame

SERVICE_BANDS = (
    ("<2y", 0, 2),
    ("2-5y", 2, 5),
    ("5-10y", 5, 10),
    ("10-20y", 10, 20),
    ("20y+", 20, 100),
)


@dataclass
class StoreSummary:
    force_id: str
    force_name: str
    as_of: dt.date
    table_rows: dict[str, int]
    people_by_role: pl.DataFrame  # role, kind, one column per service band, total
    incidents_by_month: pl.DataFrame  # month, grade_1..grade_4, total
    frontline_under_2_years_share: float


def _service_band(years: pl.Expr) -> pl.Expr:
    expr = pl.lit(SERVICE_BANDS[-1][0])
    for label, _low, high in reversed(SERVICE_BANDS[:-1]):
        expr = pl.when(years < high).then(pl.lit(label)).otherwise(expr)
    return expr


def people_by_role(people: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    bands = [b[0] for b in SERVICE_BANDS]
    years = (pl.lit(as_of) - pl.col("service_start")).dt.total_days() / 365.25
    table = (
        people.filter(pl.col("leaving_date").is_null() | (pl.col("leaving_date") >= as_of))
        .with_columns(band=_service_band(years))
        .pivot(on="band", index=["role", "kind"], values="id", aggregate_function="len")
        .fill_null(0)
    )
    for band in bands:
        if band not in table.columns:
            table = table.with_columns(pl.lit(0, dtype=pl.UInt32).alias(band))
    return (
        table.select("role", "kind", *bands)
        .with_columns(total=pl.sum_horizontal(bands))
        .sort(["kind", "total"], descending=[False, True])
    )


def incidents_by_month(incidents: pl.DataFrame, timezone: str) -> pl.DataFrame:
    grades = [f"grade_{g}" for g in (1, 2, 3, 4)]
    if incidents.height == 0:
        return pl.DataFrame(
            schema={"month": pl.String, **dict.fromkeys(grades, pl.UInt32), "total": pl.UInt32}
        )
    table = (
        incidents.with_columns(
            month=pl.col("received_at").dt.convert_time_zone(timezone).dt.strftime("%Y-%m"),
            grade=pl.format("grade_{}", pl.col("grade")),
        )
        .pivot(on="grade", index="month", values="id", aggregate_function="len")
        .fill_null(0)
    )
    for grade in grades:
        if grade not in table.columns:
            table = table.with_columns(pl.lit(0, dtype=pl.UInt32).alias(grade))
    return (
        table.select("month", *grades).with_columns(total=pl.sum_horizontal(grades)).sort("month")
    )


def summarise_store(database: Database, force_id: str | None = None) -> StoreSummary:
    """Summary of one force (the only one, or ``force_id``) for the terminal and the web."""
    database.require_current()
    with database.read() as connection:
        forces = connection.execute(
            select(t.forces.c.id, t.forces.c.name, t.forces.c.timezone)
        ).all()
        if not forces:
            raise NotFoundError(
                "the store holds no force yet",
                hint="run `forceplan demo-data` or import a force's data",
            )
        chosen = [f for f in forces if force_id in (None, f.id)]
        if not chosen:
            raise NotFoundError(
                f"no force {force_id!r} in the store",
                hint=f"choose one of: {', '.join(f.id for f in forces)}",
            )
        force = chosen[0]
        counts = {}
        for table in t.INSERT_ORDER:
            key = table.c.id if table is t.forces else table.c.force_id
            counts[table.name] = connection.execute(
                select(func.count()).select_from(table).where(key == force.id)
            ).scalar_one()
        people = read_frame(
            connection,
            t.people,
            t.people.c.force_id == force.id,
            columns=["id", "role", "kind", "service_start", "leaving_date"],
        )
        incidents = read_frame(
            connection,
            t.incidents,
            t.incidents.c.force_id == force.id,
            columns=["id", "received_at", "grade"],
        )
        last = connection.execute(
            select(func.max(t.incidents.c.received_at)).where(t.incidents.c.force_id == force.id)
        ).scalar_one()
    as_of = last.date() if last is not None else dt.date.today()
    by_role = people_by_role(people, as_of)
    frontline = by_role.filter(
        pl.col("kind") == "officer", pl.col("role").is_in(["response", "neighbourhood"])
    )
    share = frontline["<2y"].sum() / max(1, frontline["total"].sum())
    return StoreSummary(
        force_id=force.id,
        force_name=force.name,
        as_of=as_of,
        table_rows=counts,
        people_by_role=by_role,
        incidents_by_month=incidents_by_month(incidents, force.timezone),
        frontline_under_2_years_share=share,
    )
