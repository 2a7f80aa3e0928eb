"""Fast bulk loading and reading of Polars frames.

SQLite: one ``executemany`` per chunk of plain tuples (values pre-formatted in Polars, so no
per-value Python conversion). PostgreSQL: ``COPY ... FROM STDIN`` in CSV. Both run inside the
caller's transaction, so a failure leaves nothing behind.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import polars as pl
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    Float,
    Integer,
    SmallInteger,
    String,
    Table,
    Time,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from forceplan.errors import StoreError
from forceplan.store.tables import UTCDateTime

CHUNK_ROWS = 50_000
SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S%.6f"  # SQLAlchemy's SQLite DATETIME storage format


def polars_dtype(column_type: object) -> pl.DataType:
    """The Polars dtype that holds a column of this SQL type."""
    if isinstance(column_type, UTCDateTime):
        return pl.Datetime("us", "UTC")
    if isinstance(column_type, Boolean):
        return pl.Boolean()
    if isinstance(column_type, SmallInteger | Integer):
        return pl.Int64()
    if isinstance(column_type, Float):
        return pl.Float64()
    if isinstance(column_type, Date):
        return pl.Date()
    if isinstance(column_type, Time):
        return pl.Time()
    if isinstance(column_type, JSON | String):
        return pl.String()
    raise TypeError(f"no Polars dtype for {column_type!r}")


def frame_schema(table: Table) -> dict[str, pl.DataType]:
    """Column name → Polars dtype for a table (JSON columns hold JSON text)."""
    return {c.name: polars_dtype(c.type) for c in table.columns}


def conform(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Select the table's columns in order, cast to its dtypes, and add absent nullable ones."""
    schema = frame_schema(table)
    missing = [c.name for c in table.columns if c.name not in frame.columns and not c.nullable]
    if missing:
        raise StoreError(
            f"cannot load {table.name}: required column(s) missing: {', '.join(missing)}",
            hint="add the columns (docs/standard.md lists each record's fields)",
        )
    exprs = []
    for name, dtype in schema.items():
        if name in frame.columns:
            exprs.append(pl.col(name).cast(dtype))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(exprs)


def _wire_sqlite(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    exprs = []
    for column in table.columns:
        expr = pl.col(column.name)
        if isinstance(column.type, UTCDateTime):
            expr = expr.dt.convert_time_zone("UTC").dt.strftime(SQLITE_DATETIME_FORMAT)
        elif isinstance(column.type, Date):
            expr = expr.dt.strftime("%Y-%m-%d")
        elif isinstance(column.type, Time):
            expr = expr.dt.strftime("%H:%M:%S%.6f")
        elif isinstance(column.type, Boolean):
            expr = expr.cast(pl.Int8)
        exprs.append(expr)
    return frame.select(exprs)


def _wire_postgres(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    exprs = []
    for column in table.columns:
        expr = pl.col(column.name)
        if isinstance(column.type, UTCDateTime):
            expr = expr.dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00")
        exprs.append(expr)
    return frame.select(exprs)


def _chunks(frame: pl.DataFrame, rows: int) -> Iterator[pl.DataFrame]:
    yield from frame.iter_slices(n_rows=rows)


class BulkWriter:
    """Streams frames into one table: on PostgreSQL one ``COPY`` stays open across frames, so
    the server stores frame N while the caller prepares frame N+1."""

    def __init__(self, connection: Connection, table: Table) -> None:
        self.connection, self.table, self.rows = connection, table, 0
        self._copy = None
        self._cursor = None

    def __enter__(self) -> BulkWriter:
        if self.connection.dialect.name == "postgresql":
            columns = ", ".join(f'"{c.name}"' for c in self.table.columns)
            sql = f'COPY "{self.table.name}" ({columns}) FROM STDIN (FORMAT csv, NULL \'\\N\')'
            self._cursor = self.connection.connection.driver_connection.cursor()
            self._copy_manager = self._cursor.copy(sql)
            self._copy = self._copy_manager.__enter__()
        return self

    def write(self, frame: pl.DataFrame) -> None:
        if frame.height == 0:
            return
        if self._copy is None:
            insert_frame(self.connection, self.table, frame)
        else:
            wire = _wire_postgres(self.table, conform(self.table, frame))
            for chunk in _chunks(wire, CHUNK_ROWS):
                buffer = io.BytesIO()
                chunk.write_csv(buffer, include_header=False, null_value="\\N")
                self._copy.write(buffer.getvalue())
        self.rows += frame.height

    def __exit__(self, *exc: object) -> None:
        if self._copy is not None:
            self._copy_manager.__exit__(*exc)
            self._cursor.close()


def insert_frame(
    connection: Connection, table: Table, frame: pl.DataFrame, *, chunk_rows: int = CHUNK_ROWS
) -> int:
    """Insert every row of ``frame`` into ``table`` in the caller's transaction; count them."""
    if frame.height == 0:
        return 0
    frame = conform(table, frame)
    names = [c.name for c in table.columns]
    dialect = connection.dialect.name
    if dialect == "sqlite":
        wire = _wire_sqlite(table, frame)
        columns = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
        for chunk in _chunks(wire, chunk_rows):
            connection.exec_driver_sql(sql, list(chunk.iter_rows()))
    elif dialect == "postgresql":
        wire = _wire_postgres(table, frame)
        columns = ", ".join(f'"{n}"' for n in names)
        sql = f"COPY \"{table.name}\" ({columns}) FROM STDIN (FORMAT csv, NULL '\\N')"
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for chunk in _chunks(wire, chunk_rows):
                buffer = io.BytesIO()
                chunk.write_csv(buffer, include_header=False, null_value="\\N")
                copy.write(buffer.getvalue())
    else:  # pragma: no cover - make_engine refuses other databases
        raise StoreError(f"bulk load not supported on {dialect}")
    return frame.height


def iter_frames(
    connection: Connection, table: Table, *, columns: list[str] | None = None,
    batch_rows: int = CHUNK_ROWS,
) -> Iterator[pl.DataFrame]:
    """All rows of ``table`` in frames of at most ``batch_rows`` (bounded memory)."""
    chosen = [table.c[name] for name in columns] if columns else list(table.columns)
    schema = {c.name: polars_dtype(c.type) for c in chosen}
    result = connection.execute(select(*chosen).execution_options(yield_per=batch_rows))
    for rows in result.partitions(batch_rows):
        data = {name: [row[i] for row in rows] for i, name in enumerate(schema)}
        yield pl.DataFrame(data, schema=schema)


def read_frame(
    connection: Connection,
    table: Table,
    *where: ColumnElement[bool],
    columns: list[str] | None = None,
) -> pl.DataFrame:
    """Rows of ``table`` matching ``where`` as a frame with the table's dtypes."""
    chosen = [table.c[name] for name in columns] if columns else list(table.columns)
    result = connection.execute(select(*chosen).where(*where))
    schema = {c.name: polars_dtype(c.type) for c in chosen}
    rows = result.all()
    if not rows:
        return pl.DataFrame(schema=schema)
    data = {name: [row[i] for row in rows] for i, name in enumerate(schema)}
    for column in chosen:
        if isinstance(column.type, JSON):
            data[column.name] = [None if v is None else json.dumps(v) for v in data[column.name]]
    return pl.DataFrame(data, schema=schema)
