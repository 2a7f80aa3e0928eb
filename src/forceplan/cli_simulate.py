"""`forceplan simulate`: replay incidents against who is on duty, from two files or from the
store for a unit and period."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli_common import DatabaseOption, console, database, frame_table, parse_date


def _mode(
    incidents: Path | None,
    duty: Path | None,
    unit: str | None,
    date_from: str | None,
    date_to: str | None,
) -> str:
    """ "files" or "store"; a mix of the two, or half of either, is refused by name."""
    files = [o for o, v in (("--incidents", incidents), ("--duty", duty)) if v is not None]
    store = [
        o for o, v in (("--unit", unit), ("--from", date_from), ("--to", date_to)) if v is not None
    ]
    if files and store:
        raise typer.BadParameter(
            f"give either files ({', '.join(files)}) or the store ({', '.join(store)}), not both",
            param_hint="--incidents/--duty or --unit/--from/--to",
        )
    if files and len(files) < 2:
        raise typer.BadParameter(
            "the file mode needs both --incidents and --duty", param_hint="--incidents/--duty"
        )
    if store and (date_from is None or date_to is None):
        raise typer.BadParameter(
            "the store mode needs --from and --to (and usually --unit)", param_hint="--from/--to"
        )
    if not files and not store:
        raise typer.BadParameter(
            "say what to simulate: --incidents FILE --duty FILE, or --unit U --from DATE --to DATE",
            param_hint="--incidents/--duty or --unit/--from/--to",
        )
    return "files" if files else "store"


def simulate(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Summary JSON (tables are written beside it).")
    ],
    incidents: Annotated[
        Path | None,
        typer.Option(
            help="Incidents (CSV/Parquet, the "
            "standard's incident columns; received_at "
            "and grade at least)."
        ),
    ] = None,
    duty: Annotated[
        Path | None,
        typer.Option(help="Who is on duty: person_id, start, end (optional unit_id, skills)."),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            help="Store mode: a unit and the units under it "
            "(its incidents and its officers' roster)."
        ),
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Store mode: first day (YYYY-MM-DD).")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Store mode: last day (YYYY-MM-DD).")
    ] = None,
    force: Annotated[
        str | None, typer.Option(help="Store mode: force id (default: the only one).")
    ] = None,
    config: Annotated[
        Path | None, typer.Option(help="Settings (TOML/JSON, docs/simulate.md).")
    ] = None,
    replications: Annotated[
        int | None, typer.Option(help="Replications (overrides the settings).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed (overrides the settings).")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Discrete-event simulation of the response: dispatch by grade, pre-emption, travel,
    several officers per incident, skills, breaks; response times, queues, utilisation."""
    from forceplan.services.simulate import load_config, simulate_files, simulate_store

    mode = _mode(incidents, duty, unit, date_from, date_to)
    settings = load_config(config, replications=replications, seed=seed)
    with console.status(f"Simulating {settings.replications} replication(s)…"):
        if mode == "files":
            report = simulate_files(incidents, duty, settings, output)
        else:
            report = simulate_store(
                database(database_url),
                unit,
                parse_date(date_from, "--from"),
                parse_date(date_to, "--to"),
                settings,
                output,
                force,
            )
    if mode == "store":
        console.print(
            f"[bold]{report['scope']}[/]: {report['incidents']:,} incidents, "
            f"{report['officers']:,} officers on {report['tours']:,} tours"
        )
    console.print(
        frame_table(
            "Response by grade (mean over replications)", report["by_grade_mean"], total_row=False
        )
    )
    console.print(f"Summary with 95% confidence intervals written to {output}")
