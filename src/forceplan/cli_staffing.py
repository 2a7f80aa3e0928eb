"""`forceplan staffing`: officers needed on duty by hour of the week, and the establishment;
`forceplan staffing check`: does a roster (built to the requirement, or the unit's own) meet
the targets in simulation?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from forceplan.cli_common import DatabaseOption, console, database, frame_table, parse_date

staffing_app = typer.Typer(
    name="staffing",
    help="Officers needed on duty, and whether a roster meets the targets.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
)


@staffing_app.callback(invoke_without_command=True)
def staffing(
    ctx: typer.Context,
    force: Annotated[str | None, typer.Option(help="Force id (default: the only one).")] = None,
    unit: Annotated[str | None, typer.Option(help="A unit and the units under it.")] = None,
    targets: Annotated[
        Path | None,
        typer.Option(
            help="TOML of attendance targets, travel, allowances, crewing and skills "
            "(docs/staffing.md)."
        ),
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="First day of demand (YYYY-MM-DD).")
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day of demand.")] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Folder for the tables (CSV) and the chart."),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Officers needed on duty each hour of the week to meet attendance targets (queueing with
    priorities, pointwise stationary approximation), with allowances and the establishment.
    `forceplan staffing check` replays a roster against the demand in the simulator."""
    if ctx.invoked_subcommand is not None:
        return
    from forceplan.charts.staffing import need_vs_on_duty
    from forceplan.services.staffing import load_policy, staffing_requirement

    policy = load_policy(targets)
    with console.status("Working out the requirement hour by hour…"):
        report = staffing_requirement(
            database(database_url),
            force,
            unit,
            parse_date(date_from, "--from"),
            parse_date(date_to, "--to"),
            policy,
        )
    s = report.summary
    console.print(
        f"[bold]Staffing requirement[/] {report.scope}, demand {report.period[0]} to "
        f"{report.period[1]} ({s['weeks_of_demand']} weeks)"
    )
    console.print(
        f"Officers needed on duty: {s['least_officers_needed']}–"
        f"{s['peak_officers_needed']} an hour, {s['officer_hours_needed_a_week']:,} "
        f"officer-hours a week; establishment needed {s['establishment_fte_needed']} "
        f"FTE at an abstraction rate of {s['abstraction_rate']:.1%} "
        f"(officers now: {s['officers_fte_now']} FTE)."
    )
    console.print(
        f"The current roster is short in {s['hours_short']} of 168 hours of the week "
        f"({s['officer_hours_short_a_week']:,} officer-hours a week)."
    )
    console.print(
        frame_table("Hours of the week furthest short", report.furthest_short(), total_row=False)
    )
    if output:
        output.mkdir(parents=True, exist_ok=True)
        report.by_hour.write_csv(output / "requirement_by_hour_of_week.csv")
        if report.by_skill.height:
            report.by_skill.write_csv(output / "requirement_by_skill.csv")
        need_vs_on_duty(report.by_hour, output, f"{report.scope}: officers needed and on duty")
        console.print(f"Tables and chart written to {output}")


@staffing_app.command("check")
def check(
    force: Annotated[str | None, typer.Option(help="Force id (default: the only one).")] = None,
    unit: Annotated[str | None, typer.Option(help="A unit and the units under it.")] = None,
    targets: Annotated[
        Path | None,
        typer.Option(
            help="TOML of attendance targets, travel, allowances and crewing (docs/staffing.md)."
        ),
    ] = None,
    roster: Annotated[
        str,
        typer.Option(
            help="requirement: a roster built hour by hour to the requirement; store: the "
            "unit's own roster from --from to --to."
        ),
    ] = "requirement",
    date_from: Annotated[
        str | None,
        typer.Option("--from", help="First day of demand (and of the roster with --roster store)."),
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day.")] = None,
    replications: Annotated[int, typer.Option(min=1, help="Replications.")] = 3,
    weeks: Annotated[int, typer.Option(min=1, help="Weeks simulated (--roster requirement).")] = 4,
    seed: Annotated[int, typer.Option(help="Seed of the demand and the simulation.")] = 1,
    database_url: DatabaseOption = None,
) -> None:
    """Replay demand drawn from the unit's arrival model against a roster in the simulator and
    set the share attended within target beside the analytic requirement and the target."""
    from forceplan.services.staffing import load_policy
    from forceplan.services.staffing_check import staffing_check

    if roster not in ("requirement", "store"):
        raise typer.BadParameter(f"{roster!r}: use requirement or store", param_hint="--roster")
    if roster == "store" and (date_from is None or date_to is None):
        raise typer.BadParameter("--roster store needs --from and --to", param_hint="--from/--to")
    policy = load_policy(targets)
    with console.status(f"Simulating {replications} replication(s) against the roster…"):
        report = staffing_check(
            database(database_url),
            force,
            unit,
            parse_date(date_from, "--from"),
            parse_date(date_to, "--to"),
            policy,
            replications,
            weeks,
            roster,
            seed,
        )
    what = (
        "a roster built to the requirement"
        if roster == "requirement"
        else "the roster in the store"
    )
    console.print(
        f"[bold]Staffing check[/] {report.scope}, {report.period[0]} to {report.period[1]}: {what}"
    )
    table = report.table.select(
        "grade",
        "target_minutes",
        "target_share",
        pl.col("analytic_share_worst_hour").round(3).alias("analytic_share"),
        pl.col("simulated_share_within").round(3).alias("simulated_share"),
        "meets_target",
        "officer_hours_a_week",
    )
    console.print(
        frame_table("Share attended within target: analytic and simulated", table, total_row=False)
    )
    met = bool(report.table["meets_target"].all())
    console.print(
        "Every target is met in simulation."
        if met
        else "[bold red]Some targets are not met in simulation.[/]"
    )
