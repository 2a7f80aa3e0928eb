"""The terminal shell: `forceplan --help`. Commands call services; no logic lives here."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from forceplan import __version__
from forceplan.cli_common import DatabaseOption, console, errors
from forceplan.cli_common import database as _database
from forceplan.cli_common import frame_table as _frame_table
from forceplan.cli_common import parse_date as _date
from forceplan.cli_common import progress as _progress
from forceplan.cli_forecast import forecast_app
from forceplan.cli_roster import roster_app
from forceplan.cli_scenario import scenario_app
from forceplan.cli_serve import serve
from forceplan.cli_simulate import simulate
from forceplan.cli_staffing import staffing_app
from forceplan.cli_users import users_app
from forceplan.cli_welfare import welfare_app
from forceplan.cli_workforce import workforce_app
from forceplan.errors import ForceplanError

app = typer.Typer(
    name="forceplan",
    help="Match police resources to demand while protecting officers' welfare.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Create and migrate the store.", no_args_is_help=True)
standard_app = typer.Typer(
    help="The open data standard: schemas and validation.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(standard_app, name="standard")

app.add_typer(forecast_app, name="forecast")
app.add_typer(roster_app, name="roster")
app.add_typer(scenario_app, name="scenario")
app.add_typer(staffing_app, name="staffing")
app.command("simulate")(simulate)
app.add_typer(welfare_app, name="welfare")
app.add_typer(workforce_app, name="workforce")
app.add_typer(users_app, name="users")
app.command("serve")(serve)


@app.command()
def version() -> None:
    """Print forceplan's version and the standard's version."""
    from forceplan.standard import STANDARD_VERSION

    console.print(f"forceplan {__version__} (Open Police Resourcing Standard {STANDARD_VERSION})")


@app.command("demo-data")
def demo_data(
    officers: Annotated[int, typer.Option(min=20, max=20_000, help="Officers in the force.")] = 600,
    years: Annotated[int, typer.Option(min=1, max=10, help="Years of history.")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same force.")] = 42,
    end: Annotated[str, typer.Option(help="Last day of history (YYYY-MM-DD).")] = "2026-03-31",
    database: DatabaseOption = None,
    summary: Annotated[bool, typer.Option(help="Print the store summary afterwards.")] = True,
) -> None:
    """Generate the synthetic demo force (Demoshire) and load it into the store."""
    from forceplan.services.demo import create_demo_force

    try:
        last_day = dt.date.fromisoformat(end)
    except ValueError:
        raise typer.BadParameter(
            f"{end!r} is not a date; use YYYY-MM-DD", param_hint="--end"
        ) from None
    db = _database(database)
    with _progress("generating") as update:
        result = create_demo_force(db, officers, years, seed, last_day, progress=update)
    total = sum(result.rows.values())
    console.print(
        f"[green]Loaded the demo force[/] {result.force_id} into {db.describe()}: "
        f"{total:,} rows, {result.start} to {result.end} "
        f"(generated in {result.generate_seconds:.1f} s, loaded in {result.load_seconds:.1f} s)."
    )
    if summary:
        _print_summary(db, result.force_id)


@app.command()
def summary(
    force: Annotated[str | None, typer.Option(help="Force code (default: the only one).")] = None,
    database: DatabaseOption = None,
) -> None:
    """Summarise the store: people by role and length of service, incidents by month and grade."""
    _print_summary(_database(database), force)


def _print_summary(db, force: str | None) -> None:
    from forceplan.services.summary import summarise_store

    result = summarise_store(db, force)
    console.print(f"\n[bold]{result.force_name}[/] ({result.force_id}), as of {result.as_of}")
    console.print(_frame_table("People by role and length of service", result.people_by_role))
    console.print(
        f"Frontline (response and neighbourhood) officers under 2 years' service: "
        f"[bold]{result.frontline_under_2_years_share:.0%}[/]"
    )
    console.print(_frame_table("Incidents by month and grade", result.incidents_by_month))
    rows = ", ".join(f"{name} {count:,}" for name, count in result.table_rows.items())
    console.print(f"[dim]Rows held: {rows}[/]")


@app.command("import")
def import_command(
    kind: Annotated[str | None, typer.Argument(
        help="What the file holds: incidents, rosters or absences.", show_default=False)] = None,
    file: Annotated[Path | None, typer.Argument(help="CSV, Parquet, .xlsx or .jsonl file.",
                                                show_default=False)] = None,
    profile: Annotated[str | None, typer.Option(
        "--profile", "-p", help="Mapping profile: a shipped name or a .toml file.")] = None,
    infer: Annotated[Path | None, typer.Option(
        "--infer", help="Print a draft profile for this file instead of importing.")] = None,
    again: Annotated[bool, typer.Option(help="Import a file already imported.")] = False,
    database: DatabaseOption = None,
) -> None:
    """Import a force export with a mapping profile; bad rows go to a quarantine."""
    from forceplan.services.imports import import_data, infer_profile

    if infer is not None:
        typer.echo(infer_profile(infer), nl=False)  # raw text: it is piped into files
        return
    if kind is None or file is None:
        raise typer.BadParameter("give KIND and FILE (or --infer FILE)", param_hint="KIND FILE")
    if profile is None:
        from forceplan.ingest.profile import shipped_profiles

        raise typer.BadParameter(
            f"choose a profile: one of {', '.join(shipped_profiles())}, or a .toml file "
            "(draft one with --infer FILE)", param_hint="--profile")
    db = _database(database)
    with _progress("importing") as update:
        report = import_data(db, kind, file, profile, again=again, progress=update)
    _print_import(report)


def _print_import(report) -> None:
    for note in report.notes:
        console.print(f"[yellow]{note}[/]")
    if report.already_imported:
        return
    table = Table(title=f"Imported {report.file} ({report.profile})", header_style="bold")
    for column in ("read", "excluded", "accepted", "new", "changed", "unchanged", "quarantined"):
        table.add_column(column, justify="right")
    table.add_row(*(f"{v:,}" for v in (report.rows_read, sum(report.excluded.values()),
                                       report.accepted, report.inserted, report.updated,
                                       report.unchanged, report.quarantined)))
    console.print(table)
    for reason, count in report.excluded.items():
        console.print(f"  excluded {count:,}: {reason}")
    for problem in report.quality.get("problems", [])[:8]:
        console.print(f"  quarantined {problem['rows']:,}: {problem['field']}: {problem['reason']}")
    if report.quarantine_csv:
        console.print(f"Quarantined rows, with line, field, value and reason: "
                      f"{report.quarantine_csv}")
    clocks = report.quality.get("clock_changes", {})
    if clocks.get("ambiguous") or clocks.get("nonexistent"):
        console.print(f"  clock changes: {clocks['ambiguous']:,} repeated local times "
                      f"({clocks['ambiguous_rule']}), {clocks['nonexistent']:,} missing ones "
                      f"({clocks['nonexistent_rule']})")
    console.print(f"Data quality score {report.quality.get('score')}/100 "
                  f"(forceplan quality --batch {report.batch_id} for the full report)")


@app.command()
def quality(
    output_format: Annotated[str, typer.Option(
        "--format", "-f", help="table, json or html.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    batch: Annotated[str | None, typer.Option(help="One import batch.")] = None,
    force: Annotated[str | None, typer.Option(help="Only this force's datasets.")] = None,
    database: DatabaseOption = None,
) -> None:
    """How far to trust each imported dataset: completeness, validity, duplicates, timeliness,
    outliers, consistency and an overall score with its reasons."""
    import json

    from forceplan.ingest.quality_html import render_quality_html
    from forceplan.services.imports import quality_reports

    if output_format not in ("table", "json", "html"):
        raise typer.BadParameter("choose table, json or html", param_hint="--format")
    datasets = quality_reports(_database(database), batch, force)
    if output_format == "json":
        text = json.dumps([d.__dict__ for d in datasets], indent=2, default=str)
    elif output_format == "html":
        text = render_quality_html([(f"{d.file_name} ({d.profile}, {d.finished_at})", d.report)
                                    for d in datasets])
    else:
        for d in datasets:
            _print_quality(d)
        return
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output}")
    else:
        typer.echo(text)  # raw: Rich would wrap long lines and break JSON


def _print_quality(dataset) -> None:
    report = dataset.report
    console.print(f"\n[bold]{dataset.file_name}[/] ({dataset.profile}, batch {dataset.batch_id})"
                  f": score [bold]{report['score']}[/]/100")
    for reason in report["reasons"]:
        console.print(f"  {reason}")
    table = Table(header_style="bold")
    for column in ("field", "complete", "valid", "invalid rows"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name, f in report["fields"].items():
        table.add_row(name, f"{f['completeness']:.1%}", f"{f['validity']:.1%}",
                      f"{f['invalid']:,}")
    console.print(table)
    for shift in report["timeliness"]["level_shifts"]:
        console.print(f"  level shift: weekly volume {shift['weekly_before']:,} → "
                      f"{shift['weekly_after']:,} from {shift['week_starting']}")
    for gap in report["timeliness"]["gaps"]:
        console.print(f"  gap: no records {gap['from']} to {gap['to']} ({gap['days']} days)")


@app.command()
def indicators(
    force: Annotated[str | None, typer.Option(help="Force code (default: the only one).")] = None,
    unit: Annotated[str | None, typer.Option(help="A unit (BCU or team) of the force.")] = None,
    group: Annotated[str | None, typer.Option(
        help="A region: all its forces, aggregates only, small counts withheld.")] = None,
    regions: Annotated[Path | None, typer.Option(
        help="TOML file naming each region's forces (default: Force.region).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
    output_format: Annotated[str, typer.Option("--format", "-f",
                                               help="table, json or csv.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Folder for CSV files and charts.")] = None,
    charts: Annotated[bool, typer.Option(help="Also draw charts (PNG and SVG).")] = False,
    parquet: Annotated[Path | None, typer.Option(help="Read incidents from Parquet history "
                                                 "(forceplan history export).")] = None,
    threshold: Annotated[int, typer.Option(help="Withhold counts below this in shared "
                                           "outputs.")] = 10,
    tipping_point: Annotated[float, typer.Option(help="Busy share of on-duty officers that "
                                                 "marks an hour past the tipping point.")] = 0.8,
    cost: Annotated[float, typer.Option(help="Cost of an officer-hour (£) where the rank is "
                                        "unknown.")] = 52.0,
    costs: Annotated[Path | None, typer.Option(
        help="TOML file of hourly cost by rank: [cost_per_hour] constable = 52.0")] = None,
    database: DatabaseOption = None,
) -> None:
    """Indicators of demand and capacity (docs/indicators.md) for a force, unit or region."""
    import json

    from forceplan.services.evidence import report_json, write_charts, write_tables
    from forceplan.services.indicators import compute_indicators, load_costs, load_regions

    if output_format not in ("table", "json", "csv"):
        raise typer.BadParameter("choose table, json or csv", param_hint="--format")
    with _progress("computing indicators") as update:
        update("computing indicators", 0.1)
        report = compute_indicators(
            _database(database), force=force, unit=unit, group=group,
            start=_date(date_from, "--from"), end=_date(date_to, "--to"), parquet=parquet,
            threshold=threshold, tipping_point=tipping_point, cost_per_officer_hour=cost,
            regions=load_regions(regions) if regions else None,
            cost_by_rank=load_costs(costs) if costs else None)
        update("done", 1.0)
    if output_format == "json":
        typer.echo(json.dumps(report_json(report), indent=2, default=str))
    elif output_format == "csv" or output:
        folder = output or Path("indicators")
        paths = write_tables(report, folder)
        console.print(f"Wrote {len(paths)} files to {folder}")
    if output_format == "table":
        _print_indicators(report)
    if charts:
        paths = write_charts(report, output or Path("indicators"))
        console.print(f"Drew {len(paths)} chart files in {output or Path('indicators')}")


def _print_indicators(report) -> None:
    s = report.summary
    console.print(f"\n[bold]{report.scope}[/], {report.period[0]} to {report.period[1]}"
                  + (f" (shared: counts under {report.threshold} withheld)" if report.shared
                     else ""))
    console.print(f"Incidents {s['incidents'] if s['incidents'] is not None else 'withheld'}"
                  f"; per 1,000 residents a year {s['per_1000_population_per_year']}; per "
                  f"officer FTE {s['per_officer_fte']}; officer-hours {s['officer_hours']:,}; "
                  f"hours of the week past the tipping point {s['hours_past_tipping_point']}")
    for name in ("demand_by_grade", "demand_by_category", "attendance_by_grade",
                 "abstraction_rates"):
        console.print(_frame_table(name.replace("_", " ").capitalize(), report.tables[name],
                                   total_row=False))
    from forceplan.services.evidence import displaced_totals

    console.print(_frame_table("Displaced demand (whole period)", displaced_totals(report),
                               total_row=False))


@app.command()
def displaced(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the pack.")] = Path(
        "evidence"),
    force: Annotated[str | None, typer.Option(help="Force code.")] = None,
    unit: Annotated[str | None, typer.Option(help="A unit of the force.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First day.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last day.")] = None,
    cost: Annotated[float, typer.Option(help="Cost of an officer-hour (£).")] = 52.0,
    shared: Annotated[bool, typer.Option(help="Withhold small counts (for partners).")] = True,
    database: DatabaseOption = None,
) -> None:
    """The displaced-demand evidence pack: CSV, charts and a summary for partner agencies."""
    from forceplan.services.evidence import evidence_pack
    from forceplan.services.indicators import compute_indicators, protect

    report = compute_indicators(_database(database), force=force, unit=unit,
                                start=_date(date_from, "--from"), end=_date(date_to, "--to"),
                                cost_per_officer_hour=cost)
    if shared:
        report.shared = True
        report = protect(report)
    paths = evidence_pack(report, output)
    console.print(f"Wrote the evidence pack ({len(paths)} files) to {output}:")
    console.print((output / "summary.md").read_text(), markup=False, highlight=False)


history_app = typer.Typer(help="Bulk history as Parquet.", no_args_is_help=True)
app.add_typer(history_app, name="history")


@history_app.command("export")
def history_export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the Parquet "
                                         "files.")] = Path("history"),
    database: DatabaseOption = None,
) -> None:
    """Write the store's incidents as Parquet partitioned by force and year."""
    from forceplan.services.history import export_incidents

    rows = export_incidents(_database(database), output)
    console.print(f"Wrote {rows:,} incidents to {output}")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    database: DatabaseOption = None,
) -> None:
    """Create the store or bring its schema up to date."""
    db = _database(database)
    db.upgrade(revision)
    console.print(f"[green]{db.describe()} is at revision {db.revision()}[/]")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision ('base' removes all).")],
    database: DatabaseOption = None,
) -> None:
    """Take the schema back to an earlier revision (data in removed tables is lost)."""
    db = _database(database)
    db.downgrade(revision)
    console.print(f"{db.describe()} is at revision {db.revision() or 'base (empty)'}")


@db_app.command("current")
def db_current(database: DatabaseOption = None) -> None:
    """Show the schema revision of the store."""
    from forceplan.store.migrate import head_revision

    db = _database(database)
    current = db.revision()
    state = "up to date" if current == head_revision() else f"latest is {head_revision()}"
    console.print(f"{db.describe()}: revision {current or 'none'} ({state})")


@standard_app.command("schema")
def standard_schema(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the schemas.")],
) -> None:
    """Write one JSON Schema file per record of the standard."""
    from forceplan.standard import write_json_schemas

    paths = write_json_schemas(output)
    console.print(f"Wrote {len(paths)} schemas to {output}: " + ", ".join(p.name for p in paths))


@standard_app.command("docs")
def standard_docs(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (replacing its generated section) instead of printing.",
        ),
    ] = None,
) -> None:
    """Print the field-by-field reference of the standard (Markdown), or refresh a file's copy."""
    from forceplan.services.standard import refresh_reference
    from forceplan.standard.reference import render_reference

    if output is None:
        typer.echo(render_reference())
    else:
        refresh_reference(output)
        console.print(f"Refreshed the standard's reference in {output}")


@standard_app.command("validate")
def standard_validate(
    record: Annotated[str, typer.Argument(help="Record type, e.g. person or incident.")],
    file: Annotated[Path, typer.Argument(help="JSON Lines file, one record per line.")],
) -> None:
    """Check a JSON Lines file of records against the standard; list every problem."""
    from forceplan.services.standard import validate_jsonl

    report = validate_jsonl(record, file)
    if report.problems:
        table = Table(title=f"{len(report.problems)} problem(s) in {file}", header_style="bold")
        for column in ("line", "field", "value", "reason"):
            table.add_column(column)
        for p in report.problems[:200]:
            table.add_row(
                str(p.get("line", "")), str(p["field"]), repr(p.get("value"))[:40], str(p["reason"])
            )
        errors.print(table)
        errors.print(f"[red]{report.invalid} of {report.total} record(s) are invalid.[/]")
        raise typer.Exit(1)
    console.print(f"[green]All {report.total} {record} record(s) in {file} are valid.[/]")


def main() -> None:
    """Entry point: user mistakes end with a message and a hint, never a traceback."""
    try:
        app()
    except ForceplanError as exc:
        errors.print(f"[bold red]Error:[/] {escape(exc.message)}")
        if exc.hint:
            errors.print(f"[yellow]What to do:[/] {escape(exc.hint)}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        errors.print("[red]Interrupted: nothing was left half-written.[/]")
        sys.exit(130)


if __name__ == "__main__":
    main()
