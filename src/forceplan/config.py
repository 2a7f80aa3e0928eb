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

    # --- The web app and API (`forceplan serve`, docs/web.md) ---
    session_cookie_name: str = Field("forceplan_session", description="Name of the session "
                                     "cookie (HttpOnly, SameSite=Lax).")
    session_lifetime_minutes: int = Field(
        480, ge=5, description="A session ends this long after sign-in (default: one 8-hour "
        "tour) or after session_idle_minutes without a request, whichever comes first.")
    session_idle_minutes: int = Field(60, ge=1, description="Idle time that ends a session.")
    cookie_secure: bool = Field(
        True, description="Send cookies only over HTTPS. Turn off ONLY for plain-HTTP "
        "development on 127.0.0.1 (FORCEPLAN_COOKIE_SECURE=false).")
    signin_max_failures: int = Field(
        5, ge=1, description="Failed sign-ins allowed per username within signin_window_seconds "
        "before further attempts get 429 Too Many Requests.")
    signin_max_failures_per_client: int = Field(
        20, ge=1, description="Failed sign-ins allowed per client address within the window.")
    signin_window_seconds: int = Field(900, ge=1, description="Sign-in rate-limit window.")
    password_min_length: int = Field(12, ge=8, description="Shortest password accepted.")
    password_hash_time_cost: int = Field(3, ge=1, description="argon2id passes (time cost).")
    password_hash_memory_kib: int = Field(65_536, ge=1024,
                                          description="argon2id memory per hash, in KiB.")
    job_workers: int = Field(2, ge=1, description="Background threads running long jobs.")
    warm_cache_on_start: bool = Field(
        False, description="Compute the force-level dashboards in the background when the "
        "server starts (forceplan serve turns it on; --no-warm off).")
    request_threads: int = Field(
        8, ge=1, description="Threads serving requests at once (more only add contention on a "
        "few cores; requests beyond them queue).")
    database_pool_size: int = Field(
        10, ge=1, description="Connections kept open to PostgreSQL (at least request_threads "
        "plus job_workers, so connections are not opened and closed under load).")
    oidc_issuer: str | None = Field(
        None, description="OIDC sign-in (docs/web.md): the force directory's issuer URL, "
        "exactly as its ID tokens' iss claim (e.g. https://login.microsoftonline.com/<tenant>"
        "/v2.0 or https://sso.example.police.uk/realms/force). Unset: local accounts only.")
    oidc_client_id: str | None = Field(None, description="OIDC client id registered for "
                                       "forceplan at the directory.")
    oidc_client_secret: str | None = Field(None, description="OIDC client secret (a "
                                           "confidential client); unset for a public client.")
    oidc_redirect_url: str | None = Field(
        None, description="The callback URL registered at the directory, e.g. "
        "https://forceplan.example/signin/oidc/callback. Unset: derived from the request "
        "(set it when forceplan runs behind a proxy).")
    oidc_discovery_ttl_seconds: int = Field(
        3600, ge=0, description="How long the directory's discovery document and signing "
        "keys are cached (an unknown key id refreshes the keys at once).")
    oidc_timeout_seconds: float = Field(
        10.0, gt=0, description="Time allowed for each request to the directory.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings (cached; tests build their own ``Settings``)."""
    return Settings()
