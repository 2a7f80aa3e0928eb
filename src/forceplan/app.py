"""The web app and API as one object, built from settings: ``create_app(settings)``.

No module-level engine: the store, the job runner and the sign-in limiter live on
``app.state`` and are made here. One exception handler maps forceplan's errors to HTTP (JSON
under /api, a page elsewhere; a page that needs sign-in redirects to it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forceplan import __version__
from forceplan.config import Settings, get_settings
from forceplan.errors import (
    AccessDeniedError,
    ConfigurationError,
    DataValidationError,
    ForceplanError,
    NotFoundError,
    StoreError,
)
from forceplan.services.accounts import SignInRequiredError, TooManySignInsError
from forceplan.services.jobs import JobRunner, interrupt_unfinished
from forceplan.services.roster import RosterConflictError
from forceplan.services.signin import SignInLimiter
from forceplan.services.warmup import start_warming
from forceplan.store import Database

STATIC = Path(__file__).parent / "web" / "static"
STATUS: list[tuple[type[ForceplanError], int]] = [
    (SignInRequiredError, 401),
    (AccessDeniedError, 403),  # includes CsrfError
    (NotFoundError, 404),
    (TooManySignInsError, 429),
    (RosterConflictError, 409),
    (DataValidationError, 422),
    (ConfigurationError, 422),
    (StoreError, 503),
]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
}


class SecurityHeaders:
    """Pure ASGI middleware (cheaper than ``@app.middleware``, which runs every response
    through a task and a stream): the security headers on every response, and
    ``Cache-Control: no-store`` on the API and on anything sent to a signed-in browser."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        no_store = scope["path"].startswith("/api/") or "cookie" in request_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers.append(name, value)
                if no_store and "cache-control" not in headers:
                    headers.append("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def status_of(exc: ForceplanError) -> int:
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 400)


async def forceplan_error(request: Request, exc: Exception) -> Response:
    """The one handler for our errors: message and hint, never a traceback."""
    assert isinstance(exc, ForceplanError)
    status = status_of(exc)
    headers = (
        {"Retry-After": str(exc.retry_after_seconds)}
        if isinstance(exc, TooManySignInsError)
        else None
    )
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.message, "hint": exc.hint}, status, headers)
    if status == 401:
        target = quote(
            request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe=""
        )
        return RedirectResponse(f"/signin?next={target}", 303)
    from forceplan.web.render import error_page

    return error_page(request, status, exc.message, exc.hint, headers)


async def unstorable_value(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold or compare (PostgreSQL: a NUL character in text, a
    number out of range) is bad input (422), not a server error."""
    problem = DataValidationError(
        "the request holds a value the store cannot keep or look up",
        [{"reason": str(getattr(exc, "orig", exc)).splitlines()[0]}],
        hint="remove control characters (such as NUL) and out-of-range numbers",
    )
    return await forceplan_error(request, problem)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for one store and one set of settings."""
    from forceplan.api import api_router
    from forceplan.api.roster import router as roster_api_router
    from forceplan.web.pages import pages_router
    from forceplan.web.roster_pages import roster_pages_router

    settings = settings or get_settings()
    database = Database(settings.database_url, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # sync routes run in anyio's thread pool: cap it near the core count (docs/web.md)
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        database.require_current()
        interrupt_unfinished(database)
        app.state.warming = start_warming(database) if settings.warm_cache_on_start else None
        yield
        if app.state.warming is not None:
            app.state.warming.stop.set()
        app.state.jobs.shutdown(wait=False)
        database.dispose()

    app = FastAPI(
        title="forceplan",
        version=__version__,
        lifespan=lifespan,
        description="Police resourcing: demand, capacity and welfare. Sign in at "
        "POST /api/v1/auth/signin; send the returned csrf_token as X-CSRF-Token "
        "with every POST.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.jobs = JobRunner(database, settings.job_workers)
    app.state.limiter = SignInLimiter.from_settings(settings)
    app.add_exception_handler(ForceplanError, forceplan_error)
    app.add_exception_handler(DataError, unstorable_value)

    app.add_middleware(SecurityHeaders)
    app.include_router(api_router)
    app.include_router(roster_api_router, prefix="/api/v1")
    app.include_router(pages_router)
    app.include_router(roster_pages_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
