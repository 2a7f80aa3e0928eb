"""Use cases: local accounts, signing in and out, and server-side sessions.

Passwords are kept only as argon2id hashes. A session is a random token in an HttpOnly
cookie; the store keeps only the token's SHA-256, with a CSRF token, an expiry and when it
was last used. Signing in gives the same answer, after the same work (one argon2 verify), for
an unknown user, a wrong password and a disabled account, so nobody can learn which accounts
exist. Every change to an account is written to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update

from forceplan.config import Settings
from forceplan.errors import AccessDeniedError, ConfigurationError, ForceplanError, NotFoundError
from forceplan.services.audit import CLI, Actor, record
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.welfare.access import ROLES as WELFARE_ROLES

ROLES = ("officer", "supervisor", "planner", "analyst", "welfare", "admin", "partner")
assert set(ROLES) == set(WELFARE_ROLES)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,199}$")
SIGN_IN_REFUSED = "username or password not accepted"
LAST_SEEN_EVERY = dt.timedelta(minutes=1)  # how often a session's last_seen_at is rewritten


class SignInRequiredError(ForceplanError):
    """No session, an expired one, or a sign-in that was not accepted (HTTP 401)."""


class TooManySignInsError(ForceplanError):
    """Too many failed sign-ins for this username or from this client (HTTP 429)."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            "too many failed sign-ins: wait before trying again",
            hint=f"try again in {retry_after_seconds} seconds",
        )
        self.retry_after_seconds = retry_after_seconds


class CsrfError(AccessDeniedError):
    """An unsafe request without the session's CSRF token (HTTP 403)."""


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    role: str
    force_id: str
    unit_id: str | None
    person_id: str | None
    disabled: bool
    created_at: dt.datetime

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.username, self.force_id)


@dataclass(frozen=True)
class NewSession:
    account: Account
    token: str  # goes in the cookie; only its hash is stored
    csrf_token: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class ActiveSession:
    account: Account
    csrf_token: str
    expires_at: dt.datetime


def password_hasher(settings: Settings) -> PasswordHasher:
    return _hasher(settings.password_hash_time_cost, settings.password_hash_memory_kib)


@lru_cache(maxsize=8)
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


@lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_kib: int) -> str:
    """A hash to verify against when there is no account, so refusals take the same time."""
    return _hasher(time_cost, memory_kib).hash(secrets.token_urlsafe(16))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _account(row) -> Account:
    return Account(
        row.id,
        row.username,
        row.role,
        row.force_id,
        row.unit_id,
        row.person_id,
        bool(row.disabled),
        row.created_at,
    )


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_password(password: str, settings: Settings) -> None:
    if len(password) < settings.password_min_length:
        raise ConfigurationError(
            f"the password is shorter than {settings.password_min_length} characters",
            hint="use a passphrase of several words",
        )


def _check_scope(
    connection, force_id: str, unit_id: str | None, person_id: str | None
) -> str | None:
    """Refuse an unknown force, unit or person; return the person's unit (if any)."""
    if connection.execute(select(t.forces.c.id).where(t.forces.c.id == force_id)).first() is None:
        raise NotFoundError(
            f"no force {force_id!r} in the store",
            hint="load the force first (forceplan demo-data or import)",
        )
    if (
        unit_id
        and connection.execute(
            select(t.units.c.id).where(t.units.c.force_id == force_id, t.units.c.id == unit_id)
        ).first()
        is None
    ):
        raise NotFoundError(f"no unit {unit_id!r} in {force_id}", hint="check --unit")
    if not person_id:
        return None
    row = connection.execute(
        select(t.people.c.unit_id).where(
            t.people.c.force_id == force_id, t.people.c.id == person_id
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no person {person_id!r} in {force_id}", hint="check --person")
    return row.unit_id


def create_user(
    database: Database,
    settings: Settings,
    username: str,
    password: str,
    role: str,
    force_id: str,
    unit_id: str | None = None,
    person_id: str | None = None,
    actor: Actor = CLI,
    oidc_issuer: str | None = None,
    oidc_subject: str | None = None,
) -> Account:
    """A new local account. Officers need their person record; supervisors a unit (their
    person record's unit when not given). With ``oidc_issuer`` and ``oidc_subject`` the
    account is also linked to that directory identity (see ``link_oidc_subject``)."""
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise ConfigurationError(
            f"username {username!r} is not allowed",
            hint="2-200 characters: letters, digits, . _ @ -",
        )
    if role not in ROLES:
        raise ConfigurationError(f"unknown role {role!r}", hint=f"one of {', '.join(ROLES)}")
    check_password(password, settings)
    hashed = password_hasher(settings).hash(password)
    with database.transaction() as connection:
        person_unit = _check_scope(connection, force_id, unit_id, person_id)
        unit_id = unit_id or (person_unit if role == "supervisor" else None)
        if role == "officer" and not person_id:
            raise ConfigurationError(
                "an officer's account needs their person record",
                hint="give --person with the officer's person id",
            )
        if role == "supervisor" and not unit_id:
            raise ConfigurationError(
                "a supervisor's account needs the unit they supervise",
                hint="give --unit (or --person of someone with a unit)",
            )
        if connection.execute(select(t.users.c.id).where(t.users.c.username == name)).first():
            raise ConfigurationError(
                f"there is already an account {name!r}", hint="choose another username"
            )
        if oidc_subject:
            _check_oidc_free(connection, _oidc_pair(oidc_issuer, oidc_subject), None)
        account = Account(
            uuid.uuid4().hex,
            name,
            role,
            force_id,
            unit_id,
            person_id,
            False,
            dt.datetime.now(dt.UTC),
        )
        connection.execute(
            insert(t.users).values(
                id=account.id,
                username=name,
                password_hash=hashed,
                role=role,
                force_id=force_id,
                unit_id=unit_id,
                person_id=person_id,
                disabled=False,
                created_at=account.created_at,
                oidc_issuer=oidc_issuer if oidc_subject else None,
                oidc_subject=oidc_subject or None,
            )
        )
        detail = {"role": role, "unit_id": unit_id, "person_id": person_id}
        if oidc_subject:
            detail |= {"oidc_issuer": oidc_issuer, "oidc_subject": oidc_subject}
        record(connection, actor, "user.create", "user", name, detail, force_id)
    return account


def list_users(database: Database, force_id: str | None = None) -> list[Account]:
    query = select(t.users).order_by(t.users.c.force_id, t.users.c.username)
    if force_id:
        query = query.where(t.users.c.force_id == force_id)
    with database.read() as connection:
        return [_account(row) for row in connection.execute(query)]


def disable_user(database: Database, username: str, actor: Actor = CLI) -> Account:
    """Disable an account and end its sessions (the account and its audit trail stay)."""
    name = normalise_username(username)
    with database.transaction() as connection:
        row = connection.execute(select(t.users).where(t.users.c.username == name)).first()
        if row is None or (actor.force_id and row.force_id != actor.force_id):
            raise NotFoundError(f"no account {name!r}", hint="forceplan users list")
        connection.execute(update(t.users).where(t.users.c.id == row.id).values(disabled=True))
        connection.execute(delete(t.sessions).where(t.sessions.c.user_id == row.id))
        record(connection, actor, "user.disable", "user", name, {}, row.force_id)
    return _account(row)


def set_password(
    database: Database, settings: Settings, username: str, password: str, actor: Actor = CLI
) -> None:
    """Replace an account's password and end its sessions."""
    check_password(password, settings)
    hashed = password_hasher(settings).hash(password)
    name = normalise_username(username)
    with database.transaction() as connection:
        row = connection.execute(select(t.users).where(t.users.c.username == name)).first()
        if row is None:
            raise NotFoundError(f"no account {name!r}", hint="forceplan users list")
        connection.execute(
            update(t.users)
            .where(t.users.c.id == row.id)
            .values(password_hash=hashed, disabled=False)
        )
        connection.execute(delete(t.sessions).where(t.sessions.c.user_id == row.id))
        record(connection, actor, "user.password", "user", name, {}, row.force_id)


def verify_credentials(
    database: Database, settings: Settings, username: str, password: str
) -> Account | None:
    """The account if the password is right and the account enabled; None otherwise.

    Exactly one argon2 verification runs whatever the outcome (against a dummy hash for an
    unknown username), so the time taken does not tell which accounts exist."""
    name = normalise_username(username)
    with database.read() as connection:
        row = connection.execute(select(t.users).where(t.users.c.username == name)).first()
    hasher = password_hasher(settings)
    stored = (
        row.password_hash
        if row is not None
        else _dummy_hash(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    )
    try:
        hasher.verify(stored, password)
        matched = True
    except (VerificationError, InvalidHashError):
        matched = False
    if row is None or not matched or row.disabled:
        return None
    if hasher.check_needs_rehash(row.password_hash):
        with database.transaction() as connection:
            connection.execute(
                update(t.users)
                .where(t.users.c.id == row.id)
                .values(password_hash=hasher.hash(password))
            )
    return _account(row)


def start_session(
    database: Database,
    settings: Settings,
    account: Account,
    client: str | None,
    method: str | None = None,
) -> NewSession:
    """A new server-side session for a signed-in account (sign-in audited with it; ``method``
    is recorded when it is not the password, e.g. "oidc")."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC)
    expires = now + dt.timedelta(minutes=settings.session_lifetime_minutes)
    with database.transaction() as connection:
        connection.execute(delete(t.sessions).where(t.sessions.c.expires_at < now))
        connection.execute(
            insert(t.sessions).values(
                token_hash=token_hash(token),
                user_id=account.id,
                csrf_token=csrf,
                created_at=now,
                expires_at=expires,
                last_seen_at=now,
                client=(client or "")[:200],
            )
        )
        detail = {"client": client} | ({"method": method} if method else {})
        record(connection, account.actor, "signin", "session", None, detail)
    return NewSession(account, token, csrf, expires)


def resume_session(database: Database, settings: Settings, token: str) -> ActiveSession:
    """The session a cookie's token names, if it is live and its account enabled."""
    now = dt.datetime.now(dt.UTC)
    s, u = t.sessions, t.users
    with database.read() as connection:
        row = connection.execute(
            select(
                s.c.token_hash,
                s.c.csrf_token,
                s.c.expires_at,
                s.c.last_seen_at,
                u.c.id,
                u.c.username,
                u.c.role,
                u.c.force_id,
                u.c.unit_id,
                u.c.person_id,
                u.c.disabled,
                u.c.created_at,
            )
            .join(u, u.c.id == s.c.user_id)
            .where(s.c.token_hash == token_hash(token))
        ).first()
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    if row is None or row.disabled or row.expires_at <= now or row.last_seen_at + idle <= now:
        raise SignInRequiredError(
            "you are not signed in, or your session has ended", hint="sign in again"
        )
    if now - row.last_seen_at >= LAST_SEEN_EVERY:
        with database.transaction() as connection:
            connection.execute(
                update(s).where(s.c.token_hash == row.token_hash).values(last_seen_at=now)
            )
    return ActiveSession(_account(row), row.csrf_token, row.expires_at)


def end_session(database: Database, token: str, account: Account) -> None:
    with database.transaction() as connection:
        connection.execute(delete(t.sessions).where(t.sessions.c.token_hash == token_hash(token)))
        record(connection, account.actor, "signout", "session", None, {})


# --- directory (OIDC) identities -------------------------------------------------------------
def _oidc_pair(issuer: str | None, subject: str) -> tuple[str, str]:
    if not issuer:
        raise ConfigurationError(
            "no OIDC issuer to link the subject to",
            hint="set FORCEPLAN_OIDC_ISSUER (or give --oidc-issuer)",
        )
    if not subject.strip() or len(subject) > 255 or len(issuer) > 500:
        raise ConfigurationError(
            "the OIDC subject must be 1-255 characters (the issuer at most 500)",
            hint="copy the sub claim of the user's ID token",
        )
    return issuer, subject


def _check_oidc_free(connection, pair: tuple[str, str], user_id: str | None) -> None:
    u = t.users
    row = connection.execute(
        select(u.c.id, u.c.username).where(u.c.oidc_issuer == pair[0], u.c.oidc_subject == pair[1])
    ).first()
    if row is not None and row.id != user_id:
        raise ConfigurationError(
            f"that directory identity is already linked to the account {row.username!r}",
            hint="unlink it there first (forceplan users link USERNAME --unlink)",
        )


def link_oidc_subject(
    database: Database,
    username: str,
    issuer: str | None,
    subject: str | None,
    actor: Actor = CLI,
) -> Account:
    """Link an account to a directory identity (the ID token's iss and sub), or unlink it
    (``subject`` None). Audited; one identity links to at most one account."""
    name = normalise_username(username)
    with database.transaction() as connection:
        row = connection.execute(select(t.users).where(t.users.c.username == name)).first()
        if row is None or (actor.force_id and row.force_id != actor.force_id):
            raise NotFoundError(f"no account {name!r}", hint="forceplan users list")
        pair = _oidc_pair(issuer, subject) if subject else (None, None)
        if subject:
            _check_oidc_free(connection, pair, row.id)
        connection.execute(
            update(t.users)
            .where(t.users.c.id == row.id)
            .values(oidc_issuer=pair[0], oidc_subject=pair[1])
        )
        action = "user.oidc_link" if subject else "user.oidc_unlink"
        detail = {"oidc_issuer": pair[0], "oidc_subject": pair[1]} if subject else {}
        record(connection, actor, action, "user", name, detail, row.force_id)
    return _account(row)


def oidc_account(database: Database, issuer: str, subject: str) -> Account | None:
    """The account linked to a directory identity (enabled or not), or None."""
    u = t.users
    with database.read() as connection:
        row = connection.execute(
            select(u).where(u.c.oidc_issuer == issuer, u.c.oidc_subject == subject)
        ).first()
    return _account(row) if row is not None else None
