"""`forceplan welfare ...`: fatigue for any roster file, and the welfare summary of the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from forceplan.cli_common import DatabaseOption, console, database, frame_table, parse_date

welfare_app = typer.Typer(
    help="Officer welfare: fatigue, working time, rest days, absence, caseload, trauma.",
    no_args_is_help=True)


@welfare_app.command("fatigue")
def welfare_fatigue(
    roster: Annotated[Path, typer.Option(help="CSV of tours: person_id, start, end "
                                         "(local times).")],
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write the per-tour table (CSV).")] = None,
    commute: Annotated[int, typer.Option(help="Minutes of commute each way.")] = 45,
) -> None:
    """Sleepiness (KSS, Three-Process Model) for every tour of a roster."""
    from forceplan.services.welfare import fatigue_for_roster

    table = fatigue_for_roster(roster, commute)
    if output:
        table.write_csv(output)
        console.print(f"Wrote {table.height:,} tours to {output}")
    console.print(frame_table("Fatigue by tour (KSS 7+: sleepy, 8+: risk)", table.head(50),
                              total_row=False))
    worst = table.sort("peak_kss", descending=True).head(1)
    if worst.height:
        console.print(f"Highest peak KSS {worst['peak_kss'][0]} ({worst['person_id'][0]}, "
                      f"tour starting {worst['start'][0]})")


ROLE_HELP = ("Whose view: welfare (occupational health: everyone), supervisor (their units), "
             "officer (their own), or planner/analyst/admin (team totals, small counts hidden).")


@welfare_app.command("summary")
def welfare_summary(
    role: Annotated[str, typer.Option(help=ROLE_HELP)] = "welfare",
    person: Annotated[str | None, typer.Option(
        help="The viewer's own person id (needed for officer and supervisor).")] = None,
    force: Annotated[str | None, typer.Option(help="Force id (default: the only one).")] = None,
    unit: Annotated[str | None, typer.Option(help="Only this unit and the units under it.")
                    ] = None,
    as_of: Annotated[str | None, typer.Option(
        help="Day to report at (YYYY-MM-DD; default: the last day with worked tours).")] = None,
    months: Annotated[int, typer.Option(help="Length of the period, in months.")] = 12,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the officers' (or teams') table: .csv or .json.")] = None,
    limit: Annotated[int, typer.Option(help="Officers shown on screen.")] = 25,
    database_url: DatabaseOption = None,
) -> None:
    """Per officer and team: fatigue, working time, rest days, overtime, absence, caseload and
    trauma exposure, with the reasons for every alert. Personal data only for those allowed."""
    from forceplan.services.welfare_summary import resolve_force, viewer_for
    from forceplan.services.welfare_summary import welfare_summary as build

    db = database(database_url)
    force_id = resolve_force(db, force)
    viewer = viewer_for(db, force_id, role, person)
    with console.status("Working out welfare measures…"):
        report = build(db, viewer, force_id, unit, parse_date(as_of, "--as-of"), months)
    first, last = report.period
    console.print(f"[bold]Welfare summary[/] {force_id}{' / ' + unit if unit else ''}, "
                  f"{first} to {last} (as at {report.as_of}), as seen by: {role}")
    if report.officers.height:
        _print_officers(report.officers, limit)
    if report.teams.height:
        columns = ["unit_id", "officers", "officers_with_alerts", "fatigue_alerts",
                   "working_time_alerts", "rest_day_alerts", "attendance_alerts",
                   "caseload_alerts", "trim_referrals", "rest_days_owed"]
        console.print(frame_table("Teams", report.teams.select(columns)))
    if output:
        table = report.officers if report.officers.height else report.teams
        _write(table, output)
        console.print(f"Wrote {table.height:,} rows to {output}")


def _print_officers(officers, limit: int) -> None:
    flagged = officers.filter(officers["alert_count"] > 0)
    table = Table(title=f"{flagged.height:,} of {officers.height:,} officer(s) with alerts",
                  title_justify="left", header_style="bold", show_lines=True)
    for column in ("person", "unit", "alerts", "reasons"):
        table.add_column(column)
    shown = flagged if flagged.height else officers
    for row in shown.head(limit).iter_rows(named=True):
        table.add_row(f"{row['person_id']}\n{row.get('name') or ''}", row["unit_id"] or "",
                      ", ".join(row["alerts"]) or "none",
                      "\n".join(f"• {r}" for r in row["reasons"]) or "nothing to note")
    console.print(table)
    if shown.height > limit:
        console.print(f"… and {shown.height - limit:,} more (use --limit or --output)")


def _write(frame, path: Path) -> None:
    if path.suffix.lower() == ".json":
        path.write_text(frame.write_json())
    else:
        flat = frame.with_columns([frame[c].list.join(" | ") for c, d in frame.schema.items()
                                   if str(d).startswith("List")])
        flat.write_csv(path)


@welfare_app.command("allocate")
def welfare_allocate(
    weight: Annotated[float, typer.Option(help="The new case's complexity weight "
                                          "(1.0 = a typical volume crime).")] = 1.0,
    skill: Annotated[list[str] | None, typer.Option(
        help="A skill the investigator must hold (repeat for several).")] = None,
    force: Annotated[str | None, typer.Option(help="Force id (default: the only one).")] = None,
    unit: Annotated[str | None, typer.Option(help="Only investigators of this unit.")] = None,
    as_of: Annotated[str | None, typer.Option(help="Day of allocation (default today).")
                     ] = None,
    top: Annotated[int, typer.Option(help="How many suggestions.")] = 5,
    database_url: DatabaseOption = None,
) -> None:
    """Who could take a new case without going over their safe caseload."""
    from forceplan.services.welfare_summary import suggest_investigators

    found = suggest_investigators(database(database_url), force, weight, skill or [], unit,
                                  parse_date(as_of, "--as-of"), top)
    console.print(frame_table(f"Suggested investigators for a case of weight {weight:g}",
                              found.select("person_id", "unit_id", "weighted_caseload",
                                           "load_after", "safe_limit", "within_limit",
                                           "reason"), total_row=False))
