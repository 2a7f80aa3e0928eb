"""`forceplan users add|list|disable|link|demo`: local accounts for the web app and API."""

from __future__ import annotations

import secrets
import sys
from typing import Annotated

import typer
from rich.table import Table

from forceplan.cli_common import DatabaseOption, console, database

users_app = typer.Typer(
    help="Accounts for the web app and API (docs/web.md).", no_args_is_help=True
)


def _settings(url: str | None):
    from forceplan.config import get_settings

    settings = get_settings()
    return settings.model_copy(update={"database_url": url}) if url else settings


def _password(from_stdin: bool) -> str:
    """From the first line of standard input, or prompted twice (never echoed)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Sign-in name (letters, digits, . _ @ -).")],
    role: Annotated[
        str,
        typer.Option(
            help="officer, supervisor, planner, analyst, welfare "
            "(occupational health), admin or partner."
        ),
    ],
    force: Annotated[str, typer.Option(help="The account's force.")],
    unit: Annotated[
        str | None, typer.Option(help="Scope: this unit and the units under it (supervisors).")
    ] = None,
    person: Annotated[
        str | None, typer.Option(help="The holder's own person id (officers must have one).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    oidc_subject: Annotated[
        str | None,
        typer.Option(help="Link to this directory identity (the ID token's sub claim)."),
    ] = None,
    oidc_issuer: Annotated[
        str | None, typer.Option(help="The directory's issuer (default: FORCEPLAN_OIDC_ISSUER).")
    ] = None,
    no_password: Annotated[
        bool,
        typer.Option(
            "--no-password",
            help="Directory sign-in only: a random password nobody knows (needs --oidc-subject).",
        ),
    ] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Create an account (the password is prompted for, or read from standard input)."""
    from forceplan.errors import ConfigurationError
    from forceplan.services.accounts import create_user

    if no_password and not oidc_subject:
        raise ConfigurationError(
            "--no-password needs --oidc-subject", hint="or give the account a password"
        )
    db = database(database_url)
    db.require_current()
    settings = _settings(database_url)
    password = secrets.token_urlsafe(32) if no_password else _password(password_stdin)
    account = create_user(
        db,
        settings,
        username,
        password,
        role,
        force,
        unit,
        person,
        oidc_issuer=oidc_issuer or settings.oidc_issuer,
        oidc_subject=oidc_subject,
    )
    console.print(
        f"Created [bold]{account.username}[/] ({account.role}, {account.force_id}"
        f"{', ' + account.unit_id if account.unit_id else ''})."
    )


@users_app.command("list")
def users_list(
    force: Annotated[str | None, typer.Option(help="Only this force's accounts.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """List accounts (never their passwords)."""
    from forceplan.services.accounts import list_users

    db = database(database_url)
    db.require_current()
    table = Table(header_style="bold")
    for column in ("username", "role", "force", "unit", "person", "state", "created"):
        table.add_column(column)
    for a in list_users(db, force):
        table.add_row(
            a.username,
            a.role,
            a.force_id,
            a.unit_id or "",
            a.person_id or "",
            "disabled" if a.disabled else "active",
            f"{a.created_at:%Y-%m-%d}",
        )
    console.print(table)


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="The account to disable.")],
    database_url: DatabaseOption = None,
) -> None:
    """Disable an account and end its sessions (kept for the audit trail)."""
    from forceplan.services.accounts import disable_user

    db = database(database_url)
    db.require_current()
    account = disable_user(db, username)
    console.print(f"Disabled [bold]{account.username}[/]; its sessions have ended.")


@users_app.command("link")
def users_link(
    username: Annotated[str, typer.Argument(help="The account to link.")],
    oidc_subject: Annotated[
        str | None,
        typer.Option(help="The directory identity (the ID token's sub claim) to link."),
    ] = None,
    oidc_issuer: Annotated[
        str | None, typer.Option(help="The directory's issuer (default: FORCEPLAN_OIDC_ISSUER).")
    ] = None,
    unlink: Annotated[
        bool, typer.Option("--unlink", help="Remove the account's directory link.")
    ] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Link an account to a directory identity for OIDC sign-in (or --unlink it)."""
    from forceplan.errors import ConfigurationError
    from forceplan.services.accounts import link_oidc_subject

    if unlink == bool(oidc_subject):
        raise ConfigurationError(
            "give either --oidc-subject or --unlink", hint="forceplan users link --help"
        )
    db = database(database_url)
    db.require_current()
    issuer = oidc_issuer or _settings(database_url).oidc_issuer
    account = link_oidc_subject(db, username, issuer, oidc_subject)
    if unlink:
        console.print(f"[bold]{account.username}[/] is no longer linked to a directory identity.")
    else:
        console.print(f"Linked [bold]{account.username}[/] to {oidc_subject} at {issuer}.")


@users_app.command("demo")
def users_demo(
    force: Annotated[str, typer.Option(help="The demo force.")] = "DEMO",
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the demo password from standard input (default: a random one, printed).",
        ),
    ] = False,
    database_url: DatabaseOption = None,
) -> None:
    """One demo account per role in the demo force, and how to sign in."""
    from forceplan.services.access import create_demo_accounts

    db = database(database_url)
    db.require_current()
    chosen = _password(True) if password_stdin else None
    accounts, password = create_demo_accounts(db, _settings(database_url), force, chosen)
    table = Table(title="Demo accounts", title_justify="left", header_style="bold")
    for column in ("username", "role", "unit", "person"):
        table.add_column(column)
    for a in accounts:
        table.add_row(a.username, a.role, a.unit_id or "", a.person_id or "")
    console.print(table)
    if chosen is None:
        console.print(f"Password for every demo account: [bold]{password}[/]")
    console.print(
        "Sign in: [bold]FORCEPLAN_COOKIE_SECURE=false forceplan serve[/] then open "
        "http://127.0.0.1:8000/ (plain HTTP on loopback only: see docs/web.md)."
    )
