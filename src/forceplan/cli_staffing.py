"""`forceplan staffing`: officers needed on duty by hour of the week, and the establishment."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli_common import DatabaseOption, console, database, frame_table, parse_date


def staffing(
    force: Annotated[str | None, typer.Option(help="Force id (default: the only one).")] = None,
    unit: Annotated[str | None, typer.Option(help="A unit and the units under it.")] = None,
    targets: Annotated[Path | None, typer.Option(
        help="TOML of attendance targets, travel, allowances, crewing and skills "
             "(docs/staffing.md).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day of demand "
                                                  "(YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day of demand.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Folder for the "
                                                "tables (CSV) and the chart.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Officers needed on duty each hour of the week to meet attendance targets (queueing with
    priorities, pointwise stationary approximation), with allowances and the establishment."""
    from forceplan.charts.staffing import need_vs_on_duty
    from forceplan.services.staffing import load_policy, staffing_requirement

    policy = load_policy(targets)
    with console.status("Working out the requirement hour by hour…"):
        report = staffing_requirement(database(database_url), force, unit,
                                      parse_date(date_from, "--from"),
                                      parse_date(date_to, "--to"), policy)
    s = report.summary
    console.print(f"[bold]Staffing requirement[/] {report.scope}, demand {report.period[0]} to "
                  f"{report.period[1]} ({s['weeks_of_demand']} weeks)")
    console.print(f"Officers needed on duty: {s['least_officers_needed']}–"
                  f"{s['peak_officers_needed']} an hour, {s['officer_hours_needed_a_week']:,} "
                  f"officer-hours a week; establishment needed {s['establishment_fte_needed']} "
                  f"FTE at an abstraction rate of {s['abstraction_rate']:.1%} "
                  f"(officers now: {s['officers_fte_now']} FTE).")
    console.print(f"The current roster is short in {s['hours_short']} of 168 hours of the week "
                  f"({s['officer_hours_short_a_week']:,} officer-hours a week).")
    console.print(frame_table("Hours of the week furthest short", report.furthest_short(),
                              total_row=False))
    if output:
        output.mkdir(parents=True, exist_ok=True)
        report.by_hour.write_csv(output / "requirement_by_hour_of_week.csv")
        if report.by_skill.height:
            report.by_skill.write_csv(output / "requirement_by_skill.csv")
        need_vs_on_duty(report.by_hour, output, f"{report.scope}: officers needed and on duty")
        console.print(f"Tables and chart written to {output}")
