"""A secret calendar feed URL per account, for phone calendars that subscribe to a URL and
cannot send a session cookie.

The token is 256 random bits, shown once when it is made; the store keeps only its SHA-256
(``calendar_feeds``, one row per account). Making a new one replaces the old; revoking
deletes it. The feed answers only while the account is enabled and still linked to an
officer; it serves the same tours as *my roster* (``roster_self.my_calendar``). Creation and
revocation are audited (``calendar_feed.create``, ``calendar_feed.revoke``).
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, insert, select

from forceplan.errors import NotFoundError
from forceplan.services.accounts import Account, token_hash
from forceplan.services.audit import record
from forceplan.services.roster_self import my_calendar, person_of
from forceplan.store import Database
from forceplan.store import tables as t

FEED_PATH = "/api/v1/calendar/{token}.ics"


def feed_created_at(database: Database, account: Account) -> dt.datetime | None:
    """When this account's current feed URL was made (None: no feed)."""
    f = t.calendar_feeds.c
    with database.read() as c:
        return c.execute(select(f.created_at).where(f.user_id == account.id)).scalar()


def create_feed(database: Database, account: Account) -> str:
    """A new secret feed token for this account (the old one stops working). Returns the
    token: it cannot be shown again."""
    person_of(account)
    token = secrets.token_urlsafe(32)
    f = t.calendar_feeds.c
    with database.transaction() as c:
        replaced = c.execute(delete(t.calendar_feeds).where(f.user_id == account.id)).rowcount
        c.execute(
            insert(t.calendar_feeds).values(
                user_id=account.id, token_hash=token_hash(token), created_at=dt.datetime.now(dt.UTC)
            )
        )
        record(c, account.actor, "calendar_feed.create", "calendar_feed", account.id,
               {"replaced": bool(replaced)})  # fmt: skip
    return token


def revoke_feed(database: Database, account: Account) -> None:
    f = t.calendar_feeds.c
    with database.transaction() as c:
        if c.execute(delete(t.calendar_feeds).where(f.user_id == account.id)).rowcount != 1:
            raise NotFoundError("you have no calendar feed", hint="make one first")
        record(c, account.actor, "calendar_feed.revoke", "calendar_feed", account.id)


def feed_account(database: Database, token: str) -> Account:
    """The enabled account a feed token belongs to (404 for any other token)."""
    u, f = t.users.c, t.calendar_feeds.c
    query = (select(u.id, u.username, u.role, u.force_id, u.unit_id, u.person_id, u.disabled,
                    u.created_at)
             .join(t.calendar_feeds, f.user_id == u.id)
             .where(f.token_hash == token_hash(token)))  # fmt: skip
    with database.read() as c:
        row = c.execute(query).first()
    if row is None or row.disabled:
        raise NotFoundError("no such calendar feed", hint="make a new feed URL on my roster")
    return Account(row.id, row.username, row.role, row.force_id, row.unit_id, row.person_id,
                   bool(row.disabled), row.created_at)  # fmt: skip


def feed_calendar(database: Database, token: str) -> bytes:
    """The tours of the feed's officer as iCalendar."""
    return my_calendar(database, feed_account(database, token))
