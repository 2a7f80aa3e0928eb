"""`forceplan scenario run FILE`: scenarios against a baseline, compared with the same seed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from forceplan.cli_common import DatabaseOption, console, database, frame_table

scenario_app = typer.Typer(
    name="scenario",
    help="Scenarios: changes from a baseline, simulated and compared.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@scenario_app.callback()
def scenario() -> None:
    """Scenarios: changes from a baseline, simulated and compared (docs/scenarios.md)."""


@scenario_app.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="Scenario file (JSON, or YAML with PyYAML).")],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Folder for the comparison tables, summary and charts."
        ),
    ] = Path("scenarios"),
    workers: Annotated[
        int | None,
        typer.Option(help="Parallel workers (default: one per core; 1 runs in this process)."),
    ] = None,
    executor: Annotated[str, typer.Option(help="process (local processes) or ray.")] = "process",
    replications: Annotated[
        int | None, typer.Option(help="Replications (overrides the settings).")
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Simulation seed (overrides the settings).")
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Simulate the baseline and every scenario of FILE with one seed (paired comparison);
    write comparison.csv, scenarios.csv, cover_by_hour.csv, summary.json and charts."""
    from forceplan.scenario import make_executor
    from forceplan.services.scenario import run_scenario_file

    engine = make_executor(executor, workers)
    with console.status("Simulating the baseline and the scenarios…"):
        report = run_scenario_file(file, output, engine, replications, seed, database(database_url))
    table = (
        report["comparison"]
        .by_grade()
        .filter(pl.col("grade") <= 3)
        .select(
            "scenario",
            "grade",
            pl.col("incidents").round(0),
            pl.col("mean_response_minutes").round(1),
            pl.col("p90_response_minutes").round(1),
            pl.col("share_within_target").round(3),
            pl.col("share_within_target_vs_baseline").round(3).alias("change_vs_baseline"),
        )
    )
    console.print(frame_table("Share within target by scenario and grade", table, total_row=False))
    console.print(f"Comparison, summary and charts written to {output}")
