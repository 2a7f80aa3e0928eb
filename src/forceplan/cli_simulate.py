"""`forceplan simulate`: replay incidents against who is on duty."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli_common import console, frame_table


def simulate(
    incidents: Annotated[Path, typer.Option(help="Incidents (CSV/Parquet, the standard's "
                                            "incident columns; received_at and grade at "
                                            "least).")],
    duty: Annotated[Path, typer.Option(help="Who is on duty: person_id, start, end "
                                       "(optional unit_id, skills).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Summary JSON (tables are "
                                         "written beside it).")],
    config: Annotated[Path | None, typer.Option(help="Settings (TOML/JSON, "
                                                "docs/simulate.md).")] = None,
    replications: Annotated[int | None, typer.Option(help="Replications (overrides the "
                                                     "settings).")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed (overrides the settings).")] = None,
) -> None:
    """Discrete-event simulation of the response: dispatch by grade, pre-emption, travel,
    several officers per incident, breaks; response times, queues, utilisation."""
    from forceplan.services.simulate import load_config, simulate_files

    settings = load_config(config, replications=replications, seed=seed)
    with console.status(f"Simulating {settings.replications} replication(s)…"):
        report = simulate_files(incidents, duty, settings, output)
    console.print(frame_table("Response by grade (mean over replications)",
                              report["by_grade_mean"],
                              total_row=False))
    console.print(f"Summary with 95% confidence intervals written to {output}")
