"""Rendering pages: Jinja2 templates (autoescaped), the navigation each role sees, and the
error page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from forceplan.services.access import can
from forceplan.services.accounts import ActiveSession

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
#: (path, label, capability) in the order of the menu.
NAV = [
    ("/", "Home", None),
    ("/me/roster", "My roster", "self_service"),
    ("/me/swaps", "Swaps", "self_service"),
    ("/me/overtime", "Overtime", "self_service"),
    ("/roster", "Rosters", "roster"),
    ("/approvals", "Approvals", "approvals"),
    ("/demand", "Demand", "demand"),
    ("/quality", "Data quality", "data_quality"),
    ("/welfare", "Welfare", "welfare"),
    ("/forecasts", "Forecasts", "forecasts"),
    ("/staffing", "Staffing", "staffing"),
    ("/workforce", "Workforce", "workforce"),
    ("/scenarios", "Scenarios", "scenarios"),
    ("/jobs", "Jobs", "jobs"),
    ("/audit", "Audit log", "accounts"),
]


def _number(value: Any, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


TEMPLATES.env.filters["n"] = _number


def page(
    request: Request,
    template: str,
    session: ActiveSession | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    account = session.account if session else None
    nav = [
        (path, label)
        for path, label, need in NAV
        if account and (need is None or can(account, need))
    ]
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "account": account,
            "nav": nav,
            "csrf_token": session.csrf_token if session else None,
            "path": request.url.path,
            **context,
        },
        status_code=status,
        headers=headers,
    )


def error_page(
    request: Request,
    status: int,
    message: str,
    hint: str | None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    session = getattr(request.state, "session", None)
    return page(
        request, "error.html", session, status, headers, code=status, message=message, hint=hint
    )
