"""Use case: signing in with a local account, rate-limited per username and per client.

Failed attempts are counted in memory, per process (``forceplan serve`` runs one), over a
sliding window; once a username or a client address reaches its limit, further attempts are
refused with the seconds to wait (HTTP 429, Retry-After) before any password is checked.
Unknown usernames are counted like real ones, so the limit does not reveal which exist.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from forceplan.config import Settings
from forceplan.services.accounts import (
    SIGN_IN_REFUSED,
    NewSession,
    SignInRequiredError,
    TooManySignInsError,
    normalise_username,
    start_session,
    verify_credentials,
)
from forceplan.services.audit import Actor, record_event
from forceplan.store import Database


class SignInLimiter:
    """Failed sign-ins per username and per client within a sliding window."""

    def __init__(
        self,
        per_username: int,
        per_client: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {"user": per_username, "client": per_client}
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInLimiter:
        return cls(
            settings.signin_max_failures,
            settings.signin_max_failures_per_client,
            settings.signin_window_seconds,
        )

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, username: str, client: str) -> int | None:
        """Seconds to wait before another attempt, or None if one is allowed now."""
        now = self.clock()
        waits = []
        with self._lock:
            for kind, value in (("user", username), ("client", client)):
                times = self._recent((kind, value), now)
                if len(times) >= self.limits[kind]:
                    waits.append(times[len(times) - self.limits[kind]] + self.window - now)
        return max(1, int(max(waits)) + 1) if waits else None

    def failed(self, username: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (("user", username), ("client", client)):
                self._recent(key, now).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(("user", username), None)


def sign_in(
    database: Database,
    settings: Settings,
    limiter: SignInLimiter,
    username: str,
    password: str,
    client: str,
) -> NewSession:
    """A new session for the right username and password of an enabled account.

    Refusals are the same for an unknown user, a wrong password and a disabled account."""
    name = normalise_username(username)
    wait = limiter.retry_after(name, client)
    if wait is not None:
        raise TooManySignInsError(wait)
    account = verify_credentials(database, settings, name, password)
    if account is None:
        limiter.failed(name, client)
        record_event(
            database,
            Actor(None, name[:200], None),
            "signin.refused",
            "session",
            None,
            {"client": client},
        )
        raise SignInRequiredError(SIGN_IN_REFUSED, hint="check your username and password")
    limiter.succeeded(name)
    return start_session(database, settings, account, client)
