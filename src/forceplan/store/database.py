"""The store as one object: an engine, its schema state and transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from forceplan.config import Settings, get_settings
from forceplan.errors import StoreError
from forceplan.store import migrate
from forceplan.store.engine import make_engine


class Database:
    """forceplan's store at one URL. Every write goes through :meth:`transaction`."""

    def __init__(self, url: str | None = None, settings: Settings | None = None) -> None:
        settings = settings or get_settings()
        self.url = url or settings.database_url
        self.engine: Engine = make_engine(
            self.url,
            echo=settings.echo_sql,
            busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            pool_size=settings.database_pool_size,
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def upgrade(self, revision: str = "head") -> None:
        try:
            migrate.upgrade(self.engine, revision)
        except OperationalError as exc:
            raise StoreError(
                f"cannot reach the database {self.describe()}: {exc.orig}",
                hint="check FORCEPLAN_DATABASE_URL / --database and that the server is running",
            ) from exc

    def downgrade(self, revision: str = "base") -> None:
        migrate.downgrade(self.engine, revision)

    def revision(self) -> str | None:
        try:
            return migrate.current_revision(self.engine)
        except OperationalError as exc:
            raise StoreError(
                f"cannot reach the database {self.describe()}: {exc.orig}",
                hint="check FORCEPLAN_DATABASE_URL / --database and that the server is running",
            ) from exc

    def require_current(self) -> None:
        """Refuse to work on a store whose schema is missing or out of date."""
        current, head = self.revision(), migrate.head_revision()
        if current != head:
            state = "has no forceplan schema" if current is None else f"is at revision {current}"
            raise StoreError(
                f"the database {self.describe()} {state}; this forceplan needs {head}",
                hint="run `forceplan db upgrade` (or `forceplan demo-data` to create a demo store)",
            )

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction: everything inside commits together or not at all."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except (SQLAlchemyError, psycopg.Error, sqlite3.Error) as exc:
            raise StoreError(
                f"the database refused the change and nothing was written: {exc.__class__.__name__}"
                f": {getattr(exc, 'orig', exc)}",
                hint="check the data against docs/standard.md; the store is as it was before",
            ) from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()
