"""/api/v1/auth, /api/v1/users, /api/v1/audit: signing in and out, accounts, the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from forceplan.api.deps import (
    CurrentSession,
    CurrentUser,
    DatabaseDep,
    LimiterDep,
    SettingsDep,
    client_address,
)
from forceplan.api.schemas import AccountIn, AccountOut, AuditOut, SessionOut, SignInIn
from forceplan.config import Settings
from forceplan.errors import ConfigurationError
from forceplan.services.access import require
from forceplan.services.accounts import (
    Account,
    NewSession,
    create_user,
    disable_user,
    end_session,
    list_users,
)
from forceplan.services.audit import audit_entries
from forceplan.services.signin import sign_in

router = APIRouter(tags=["accounts"])


def account_out(account: Account) -> AccountOut:
    return AccountOut(
        username=account.username,
        role=account.role,
        force_id=account.force_id,
        unit_id=account.unit_id,
        person_id=account.person_id,
        disabled=account.disabled,
    )


def set_session_cookie(response: Response, settings: Settings, session: NewSession) -> None:
    response.set_cookie(
        settings.session_cookie_name,
        session.token,
        max_age=settings.session_lifetime_minutes * 60,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        settings.session_cookie_name,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


def json_only(request: Request) -> None:
    """Sign-in takes JSON only: a cross-site form cannot send it (no login CSRF)."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise ConfigurationError(
            "sign-in takes a JSON body", hint="send Content-Type: application/json"
        )


@router.post(
    "/auth/signin",
    response_model=SessionOut,
    dependencies=[Depends(json_only)],
    responses={
        401: {"description": "Not accepted (same answer whatever the reason)"},
        429: {"description": "Too many failed attempts; see Retry-After"},
    },
)
def api_sign_in(
    body: SignInIn,
    request: Request,
    response: Response,
    database: DatabaseDep,
    settings: SettingsDep,
    limiter: LimiterDep,
) -> SessionOut:
    """Sign in with a local account; sets the session cookie and returns the CSRF token."""
    session = sign_in(
        database, settings, limiter, body.username, body.password, client_address(request)
    )
    set_session_cookie(response, settings, session)
    return SessionOut(
        account=account_out(session.account),
        csrf_token=session.csrf_token,
        expires_at=session.expires_at,
    )


@router.post("/auth/signout", status_code=204)
async def api_sign_out(
    request: Request, session: CurrentSession, database: DatabaseDep, settings: SettingsDep
) -> Response:
    """End this session (needs the X-CSRF-Token header)."""
    token = request.cookies[settings.session_cookie_name]
    await run_in_threadpool(end_session, database, token, session.account)
    response = Response(status_code=204)
    clear_session_cookie(response, settings)
    return response


@router.get("/auth/me", response_model=SessionOut)
def me(session: CurrentSession) -> SessionOut:
    """Who is signed in, and this session's CSRF token."""
    return SessionOut(
        account=account_out(session.account),
        csrf_token=session.csrf_token,
        expires_at=session.expires_at,
    )


@router.get("/users", response_model=list[AccountOut])
def users(user: CurrentUser, database: DatabaseDep) -> list[AccountOut]:
    """Accounts of your force (admin)."""
    require(user, "accounts")
    return [account_out(a) for a in list_users(database, user.force_id)]


@router.post("/users", response_model=AccountOut, status_code=201)
def add_user(
    body: AccountIn, user: CurrentUser, database: DatabaseDep, settings: SettingsDep
) -> AccountOut:
    """Create an account in your force (admin; audited)."""
    require(user, "accounts")
    return account_out(
        create_user(
            database,
            settings,
            body.username,
            body.password,
            body.role,
            user.force_id,
            body.unit_id,
            body.person_id,
            user.actor,
        )
    )


@router.post("/users/{username}/disable", response_model=AccountOut)
def disable(username: str, user: CurrentUser, database: DatabaseDep) -> AccountOut:
    """Disable an account of your force and end its sessions (admin; audited)."""
    require(user, "accounts")
    account = disable_user(database, username, user.actor)
    return account_out(account).model_copy(update={"disabled": True})


@router.get("/audit", response_model=list[AuditOut])
def audit(
    user: CurrentUser,
    database: DatabaseDep,
    action: Annotated[str | None, Query(description="Only this action, e.g. welfare.view")] = None,
    limit: int = 200,
) -> list[AuditOut]:
    """The latest audit records of your force, newest first (admin)."""
    require(user, "accounts")
    return [
        AuditOut(**e)
        for e in audit_entries(database, user.force_id, action, min(max(limit, 1), 1000))
    ]
