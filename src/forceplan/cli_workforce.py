"""`forceplan workforce ...`: projections of the workforce for a Force Management Statement."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli_common import (
    DatabaseOption,
    console,
    database,
    frame_table,
    parse_date,
    progress,
)

workforce_app = typer.Typer(
    help="Workforce planning: progression, experience mix, four-year projections.",
    no_args_is_help=True)

ForceOption = Annotated[str | None, typer.Option(help="Force id (default: the only one).")]
AsOfOption = Annotated[str | None, typer.Option(
    help="Date to calibrate and project from (YYYY-MM-DD; default: the latest joining or "
         "leaving date in the records).")]
WindowOption = Annotated[int, typer.Option(
    min=1, max=20, help="Years of records before the as-of date to fit leaving rates on.")]
EvidenceOption = Annotated[float, typer.Option(
    min=0, help="Person-years a service band needs before its own leaving rate is used.")]


@workforce_app.command("project")
def workforce_project(
    force: ForceOption = None,
    years: Annotated[int, typer.Option(min=1, max=10, help="Years ahead (1-10).")] = 4,
    runs: Annotated[int, typer.Option(
        min=0, max=100_000, help="Monte Carlo runs for the intervals (0: expected only).")
    ] = 1_000,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same runs.")] = 42,
    scenario: Annotated[list[Path] | None, typer.Option(
        help="A scenario TOML file to compare with the baseline (repeat for several; "
             "docs/workforce.md).")] = None,
    as_of: AsOfOption = None,
    recruitment: Annotated[str, typer.Option(
        help="Baseline recruitment: maintain (replace leavers to keep today's headcounts) or "
             "recent (the mean intake of the window every year).")] = "maintain",
    window_years: WindowOption = 5,
    min_person_years: EvidenceOption = 200.0,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Folder for the FMS output: CSVs, summary.md, report.json, "
                               "charts.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Project the workforce: headcount, FTE, experience mix, tutors and pay cost with 80% and
    95% intervals, and scenarios side by side."""
    from forceplan.services.workforce import (
        WorkforceRequest,
        project_workforce,
        write_workforce_report,
    )

    request = WorkforceRequest(force, years, runs, seed, tuple(scenario or ()),
                               parse_date(as_of, "--as-of"), recruitment, window_years,
                               min_person_years)
    db = database(database_url)
    with progress("projecting") as update:
        report = project_workforce(db, request, update)
    console.print(f"[bold]Workforce projection[/] {report.force_name} ({report.force_id}), as "
                  f"at {report.as_of}: {report.officers_in_post:,} officers in post; "
                  f"{years} year(s), {runs:,} runs, seed {seed}, recruitment {recruitment}")
    _print_tables(report)
    for note in report.notes:
        console.print(f"• {note}")
    console.print("Rates and the evidence behind each: forceplan workforce rates")
    if output:
        written = write_workforce_report(report, output)
        console.print(f"[green]Wrote {len(written)} files to {output}[/] (summary.md, "
                      "report.json, a CSV per table, charts/)")


def _print_tables(report) -> None:
    from forceplan.services.workforce import INTERVALS, headline_years, interval_grid

    years, runs = report.request.years, report.request.runs
    tables, shown = report.tables, headline_years(years)
    caption = INTERVALS if runs else "expected flows only"
    heads = tables["headcount_and_fte"]
    _grid("Headcount by role", interval_grid(heads.filter(heads["measure"] == "headcount"),
                                             years=shown), caption)
    mix = tables["experience_mix"]
    _grid("Experience mix: share with under 2 and under 5 years' service", interval_grid(
        mix.filter(mix["role"].is_in(["frontline", "officers"])), ("measure", "role"),
        years=shown), caption)
    _grid("Tutors and first-year students",
          interval_grid(tables["tutors"], ("measure",), years=shown), caption)
    pay = tables["pay_cost"]
    _grid("Pay cost (£ a year with on-costs)", interval_grid(
        pay.filter(pay["role"].is_in(["officers", "workforce"])), years=shown), caption)
    if report.scenarios:
        _grid(f"Scenarios side by side at the end of year {years}", interval_grid(
            tables["scenario_comparison"], ("measure", "role"), columns="scenario",
            years=[years]), caption)


def _grid(title: str, grid, caption: str) -> None:
    table = frame_table(title, grid, total_row=False)
    table.caption = caption
    console.print(table)


@workforce_app.command("rates")
def workforce_rates(
    force: ForceOption = None,
    as_of: AsOfOption = None,
    parameter: Annotated[str | None, typer.Option(
        help="Only this parameter: leaving, intake, route_share, pass_rate, promotion, …")
    ] = None,
    window_years: WindowOption = 5,
    min_person_years: EvidenceOption = 200.0,
    database_url: DatabaseOption = None,
) -> None:
    """The fitted rates with their source and the person-years (and events) behind each."""
    from forceplan.services.workforce import rates_table
    from forceplan.services.workforce import workforce_rates as fitted

    found = fitted(database(database_url), force, parse_date(as_of, "--as-of"),
                   window_years, min_person_years)
    cal = found.calibration
    shown = rates_table(cal.rates, parameter)
    rates = cal.rates.filter(cal.rates["parameter"].is_in(shown["parameter"].unique().implode()))
    console.print(f"[bold]Workforce rates[/] {found.force_name} ({found.force_id}), as at "
                  f"{cal.as_of} ({found.as_of_source}); leaving fitted over the "
                  f"{window_years} years before, where a band has {min_person_years:g}+ "
                  "person-years and the records hold leavers")
    console.print(frame_table("Rates (source: force records or national default)", shown,
                              total_row=False))
    notes = rates.filter(rates["note"].is_not_null()).select("parameter", "group", "note")
    notes = notes.fill_null("")
    console.print(frame_table("Notes", notes.unique(maintain_order=True), total_row=False))
    console.print(frame_table("Joiners by year", cal.intake_by_year))
