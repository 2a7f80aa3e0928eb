"""Settings: one place for every knob and its default.

Every setting can be given in the environment as ``FORCEPLAN_<NAME>`` (for example
``FORCEPLAN_DATABASE_URL``) or in a ``.env`` file in the working directory.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///forceplan.db"


class Settings(BaseSettings):
    """forceplan's settings, read from the environment with safe defaults."""

    model_config = SettingsConfigDict(env_prefix="FORCEPLAN_", env_file=".env", extra="ignore")

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL of the store. Default: a SQLite file forceplan.db in the "
        "working directory. PostgreSQL: postgresql+psycopg://user:password@host/db",
    )
    timezone: str = Field(
        "Europe/London", description="Time zone of the force: local times are read in it."
    )
    sqlite_busy_timeout_ms: int = Field(
        30_000, description="How long a SQLite writer waits for a lock before giving up."
    )
    echo_sql: bool = Field(False, description="Log every SQL statement (debugging only).")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings (cached; tests build their own ``Settings``)."""
    return Settings()
