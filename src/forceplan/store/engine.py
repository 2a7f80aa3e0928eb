"""Connecting to the store: SQLite by default (WAL mode), PostgreSQL in production."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from forceplan.errors import ConfigurationError


def normalise_url(url: str) -> str:
    """Accept the URL forms people paste (``postgres://``, ``postgresql://``) and a bare path."""
    if "://" not in url:
        return f"sqlite:///{url}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def make_engine(
    url: str, *, echo: bool = False, busy_timeout_ms: int = 30_000, pool_size: int = 10
) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigurationError(
            f"cannot read the database URL {url!r}",
            hint="use sqlite:///path/to/file.db or postgresql+psycopg://user:pass@host/db",
        ) from exc
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().resolve().parent
            if not folder.is_dir():
                raise ConfigurationError(
                    f"the folder for the SQLite file {parsed.database!r} does not exist",
                    hint=f"create {folder} or choose another path",
                )
        kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000}
        engine = create_engine(parsed, **kwargs)
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
        kwargs["pool_size"] = pool_size
        kwargs["max_overflow"] = pool_size
        return create_engine(parsed, **kwargs)
    raise ConfigurationError(
        f"unsupported database {parsed.get_backend_name()!r}",
        hint="forceplan supports SQLite and PostgreSQL",
    )


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the driver) manage transactions, so BEGIN covers every statement.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")
