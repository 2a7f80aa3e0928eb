"""`forceplan serve`: the web app and API under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from forceplan.cli_common import DatabaseOption, errors


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    database_url: DatabaseOption = None,
    warm: Annotated[
        bool,
        typer.Option(help="Compute the force-level dashboards in the background at start-up."),
    ] = True,
) -> None:
    """Run the web app and the REST API (/api/v1, reference at /api/v1/docs)."""
    import uvicorn

    from forceplan.app import create_app
    from forceplan.config import get_settings

    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    settings = settings.model_copy(update={"warm_cache_on_start": warm})
    if not settings.cookie_secure and host not in ("127.0.0.1", "localhost", "::1"):
        errors.print(
            "[yellow]Warning:[/] cookies are not marked Secure and the server "
            f"listens on {host}: use HTTPS (a reverse proxy) and leave "
            "FORCEPLAN_COOKIE_SECURE on outside loopback development."
        )
    if settings.cookie_secure and host in ("127.0.0.1", "localhost", "::1"):
        errors.print(
            "[dim]Cookies are Secure: browsers send them only over HTTPS. For "
            "plain-HTTP development on loopback set FORCEPLAN_COOKIE_SECURE=false.[/]"
        )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", proxy_headers=False)
