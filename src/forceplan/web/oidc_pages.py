"""Directory (OIDC) sign-in pages: GET /signin/oidc sends the browser to the force directory,
GET /signin/oidc/callback takes it back and starts the session (services/oidc.py). Both
answer 404 unless FORCEPLAN_OIDC_ISSUER and FORCEPLAN_OIDC_CLIENT_ID are set. Every failure
is a page saying what went wrong and what to do, never a traceback."""

from __future__ import annotations

import threading

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from forceplan.api.auth import set_session_cookie
from forceplan.api.deps import DatabaseDep, LimiterDep, SettingsDep, client_address
from forceplan.errors import NotFoundError
from forceplan.services import oidc
from forceplan.services.accounts import SignInRequiredError, TooManySignInsError
from forceplan.web.pages import _safe_next, _signin_form
from forceplan.web.render import page

router = APIRouter(include_in_schema=False)
BINDING_COOKIE = "forceplan_oidc"
COOKIE_PATH = "/signin/oidc"
_flows_lock = threading.Lock()


def _flows(request: Request) -> oidc.PendingSignIns:
    """The app's pending directory sign-ins (made on first use)."""
    state = request.app.state
    with _flows_lock:
        if getattr(state, "oidc_flows", None) is None:
            state.oidc_flows = oidc.PendingSignIns()
    return state.oidc_flows


def _require_configured(settings) -> None:
    if not oidc.configured(settings):
        raise NotFoundError(
            "directory sign-in is not configured on this server",
            hint="sign in with your local account",
        )


def _failed(
    request: Request, exc: oidc.DirectorySignInError | TooManySignInsError, next_path: str
) -> HTMLResponse:
    status = 429 if isinstance(exc, TooManySignInsError) else exc.status
    headers = (
        {"Retry-After": str(exc.retry_after_seconds)}
        if isinstance(exc, TooManySignInsError)
        else None
    )
    response = page(
        request,
        "oidc_error.html",
        None,
        status,
        headers,
        code=status,
        message=exc.message,
        hint=exc.hint,
        next_path=next_path,
    )
    response.delete_cookie(BINDING_COOKIE, path=COOKIE_PATH)
    return response


@router.get("/signin/oidc", response_class=HTMLResponse)
def oidc_start(
    request: Request, settings: SettingsDep, limiter: LimiterDep, next: str | None = None
) -> Response:
    _require_configured(settings)
    target = _safe_next(next)
    redirect_uri = settings.oidc_redirect_url or str(request.url_for("oidc_callback"))
    try:
        oidc.check_limit(limiter, client_address(request))
        url, binding = oidc.begin(settings, _flows(request), redirect_uri, target)
    except (oidc.DirectorySignInError, TooManySignInsError) as exc:
        return _failed(request, exc, target)
    response = RedirectResponse(url, 303)
    response.set_cookie(
        BINDING_COOKIE,
        binding,
        max_age=oidc.FLOW_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",  # sent on the directory's top-level redirect back to us
        secure=settings.cookie_secure,
    )
    return response


@router.get("/signin/oidc/callback", response_class=HTMLResponse, name="oidc_callback")
def oidc_callback(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    limiter: LimiterDep,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
    error_description: str | None = None,
) -> Response:
    _require_configured(settings)
    client = client_address(request)
    binding = request.cookies.get(BINDING_COOKIE)
    next_path = "/"
    try:
        oidc.check_limit(limiter, client)
        flow = oidc.take_flow(_flows(request), state, binding)
        next_path = flow.next_path
        if error:
            said = f"{error[:100]}: {error_description[:300]}" if error_description else error
            oidc.refuse(database, None, client, f"directory error: {said}")
            raise oidc.DirectorySignInError(
                f"the force directory did not sign you in ({said})",
                hint="try again; if the directory refuses you, ask its administrators "
                "whether your directory account may use forceplan",
            )
        if not code:
            raise oidc.DirectorySignInError(
                "the directory sent no sign-in code", hint="start again from the sign-in page"
            )
        claims = oidc.finish(settings, flow, code)
        session = oidc.sign_in_linked(database, settings, limiter, claims, client)
    except SignInRequiredError as exc:  # no enabled account linked: as a wrong password
        response = _signin_form(request, settings, next_path, 401, exc.message.capitalize() + ".")
        response.delete_cookie(BINDING_COOKIE, path=COOKIE_PATH)
        return response
    except TooManySignInsError as exc:
        return _failed(request, exc, next_path)
    except oidc.DirectoryUnavailableError as exc:
        return _failed(request, exc, next_path)
    except oidc.DirectorySignInError as exc:
        if not error:  # a refused state or token: audited and counted like a failed sign-in
            oidc.refuse(database, limiter, client, exc.message)
        return _failed(request, exc, next_path)
    response = RedirectResponse(_safe_next(next_path), 303)
    set_session_cookie(response, settings, session)
    response.delete_cookie(BINDING_COOKIE, path=COOKIE_PATH)
    return response
