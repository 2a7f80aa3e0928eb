"""Dependencies shared by the API and the pages: the store, the settings, the signed-in
account (401 without a live session) and the CSRF check on every unsafe method (the
``X-CSRF-Token`` header from API clients, the ``csrf_token`` form field from pages)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from forceplan.config import Settings
from forceplan.services.accounts import (
    Account,
    ActiveSession,
    CsrfError,
    SignInRequiredError,
    resume_session,
)
from forceplan.services.jobs import JobRunner
from forceplan.services.signin import SignInLimiter
from forceplan.store import Database

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_jobs(request: Request) -> JobRunner:
    return request.app.state.jobs


def get_limiter(request: Request) -> SignInLimiter:
    return request.app.state.limiter


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
LimiterDep = Annotated[SignInLimiter, Depends(get_limiter)]


async def sent_csrf_token(request: Request) -> str | None:
    """The CSRF token sent with a request: the header, else a form field."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return sent


def tokens_match(sent: str | None, expected: str) -> bool:
    return bool(sent) and hmac.compare_digest(sent.encode(), expected.encode())


async def current_session(
    request: Request, database: DatabaseDep, settings: SettingsDep
) -> ActiveSession:
    """The live session of the request's cookie; refuses unsafe methods without its CSRF
    token."""
    token = request.cookies.get(settings.session_cookie_name)
    if not token:
        raise SignInRequiredError("you are not signed in", hint="sign in first")
    session = await run_in_threadpool(resume_session, database, settings, token)
    if request.method not in SAFE_METHODS and not tokens_match(
        await sent_csrf_token(request), session.csrf_token
    ):
        raise CsrfError(
            "the request did not carry this session's CSRF token",
            hint=f"send the {CSRF_HEADER} header (API) or reload the page and "
            "submit the form again",
        )
    request.state.session = session
    return session


def current_account(session: Annotated[ActiveSession, Depends(current_session)]) -> Account:
    return session.account


CurrentSession = Annotated[ActiveSession, Depends(current_session)]
CurrentUser = Annotated[Account, Depends(current_account)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
