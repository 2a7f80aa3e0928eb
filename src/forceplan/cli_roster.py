"""`forceplan roster`: build, check, repair, explain, publish and export rosters; solve the
Curtois & Qu benchmark instances with the same engine."""

from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from forceplan.cli_common import DatabaseOption, console, database, parse_date

roster_app = typer.Typer(
    name="roster", help="Rosters that meet demand and respect officers.", no_args_is_help=True
)

RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="TOML of limits, weights and minimum cover.")
]
TimeLimit = Annotated[float, typer.Option("--time-limit", help="Seconds the solver may take.")]
Workers = Annotated[int, typer.Option(help="Solver workers (threads).")]
Seed = Annotated[int, typer.Option(help="Random seed.")]
Deterministic = Annotated[
    bool,
    typer.Option(
        help="Same seed and workers give the same roster (slower: the limit is in CP-SAT's "
        "deterministic time)."
    ),
]

Lns = Annotated[
    bool | None,
    typer.Option(
        "--lns/--no-lns",
        help="Large-neighbourhood search once the full model stalls. Default: on for models of "
        "more than 5,000 officer-day-tour variables (e.g. 40 officers over 8 weeks), off for "
        "smaller ones. A long horizon built window by window is improved by it up to 200,000 "
        "variables, by windows above that or with --no-lns (docs/roster.md).",
        show_default=False,
    ),
]

Columns = Annotated[
    bool | None,
    typer.Option(
        "--columns/--no-columns",
        help="Start with column generation (each officer's roster a column of a linear "
        "programme, then diving and the search), where every rule but cover concerns one "
        "officer. Default: for such models of up to 100,000 officer-day-tour variables "
        "(docs/roster.md).",
        show_default=False,
    ),
]


@contextmanager
def solving(time_limit: float):
    """A progress bar over the time limit showing the incumbent objective and the bound."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("solving: no roster yet", total=time_limit)

        def update(step) -> None:
            progress.update(
                task,
                completed=min(step.elapsed_seconds, time_limit),
                description=step.describe(),
            )

        yield update
        progress.update(task, completed=time_limit)


def _options(
    time_limit: float,
    workers: int,
    seed: int,
    deterministic: bool = False,
    lns: bool | None = None,
    columns: bool | None = None,
):
    from forceplan.roster.solve import SolveOptions

    return SolveOptions(
        time_limit_seconds=time_limit, workers=workers, seed=seed, deterministic=deterministic,
        lns=lns, column_generation=columns,
    )  # fmt: skip


def _explanation_table(summary: dict, limit: int = 10) -> Table:
    explanation = summary["explanation"]
    table = Table(title="What the roster costs, by rule", title_justify="left", min_width=40)
    table.add_column("rule")
    table.add_column("penalty", justify="right")
    for name, cost in sorted(explanation["by_rule"].items(), key=lambda kv: -kv[1]):
        table.add_row(name, f"{cost:,}")
    table.add_row("[bold]total[/bold]", f"[bold]{explanation['total_penalty']:,}[/bold]")
    return table


def _print_summary(plan, summary: dict) -> None:
    console.print(
        f"Roster plan [bold]{plan.id}[/bold] ({plan.status}, version {plan.version}): "
        f"{plan.unit_id}, {len(plan.roster)} officers, {plan.start_date} for {plan.days} days"
    )
    console.print(
        f"Solver: {summary['status']}, objective {summary['objective']:,}, bound "
        f"{summary['bound']:,.0f} (gap {summary['gap']:.1%}) in {summary['wall_seconds']} s"
    )
    console.print(_explanation_table(summary))
    short = summary["explanation"]["uncovered_officer_hours"]
    console.print(f"Officer-hours below the requirement: {short:,.0f}")


@roster_app.command("build")
def build(
    unit: Annotated[str, typer.Option(help="Unit to roster (its response officers).")],
    date_from: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
    weeks: Annotated[int, typer.Option(help="Weeks to roster (4-13).")] = 8,
    force: Annotated[str | None, typer.Option(help="Force id (default: the only one).")] = None,
    requirement: Annotated[
        Path | None,
        typer.Option(help="Minimum-staffing CSV hour_of_week,officers (default: from demand)."),
    ] = None,
    rules: RulesOption = None,
    time_limit: TimeLimit = 60.0,
    workers: Workers = 2,
    seed: Seed = 0,
    deterministic: Deterministic = False,
    lns: Lns = None,
    columns: Columns = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="CSV of the roster.")
    ] = None,
    keep_published: Annotated[
        bool, typer.Option(help="Cost every change to days already published.")
    ] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Build a roster for a unit with CP-SAT, keep it as a draft plan and explain it."""
    from forceplan.services.roster import build_roster
    from forceplan.services.roster_inputs import load_rules
    from forceplan.services.roster_tools import export_csv

    db = database(database_url)
    with solving(time_limit) as update:
        plan, _, _ = build_roster(
            db, unit, parse_date(date_from, "--from"), weeks, force=force,
            rules=load_rules(rules), requirement=requirement,
            options=_options(time_limit, workers, seed, deterministic, lns, columns),
            on_progress=update, keep_published=keep_published,
        )  # fmt: skip
    _print_summary(plan, plan.summary)
    if output:
        export_csv(plan, output)
        console.print(f"Roster written to {output}")
    console.print(f"Next: forceplan roster explain {plan.id} | publish {plan.id} --version 1")


@roster_app.command("list")
def list_plans(
    unit: Annotated[str | None, typer.Option(help="Only this unit's plans.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Roster plans held, newest first."""
    from forceplan.services.roster import list_plans as plans

    table = Table("id", "unit", "start", "days", "status", "version", "objective")
    for p in plans(database(database_url), unit):
        table.add_row(p["id"], p["unit_id"], str(p["start_date"]), str(p["days"]), p["status"],
                      str(p["version"]), f"{p['objective'] or 0:,}")  # fmt: skip
    console.print(table)


@roster_app.command("explain")
def explain(
    plan_id: Annotated[str, typer.Argument(help="Roster plan id.")],
    officers: Annotated[int, typer.Option(help="Officers to list (most penalised first).")] = 10,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="JSON of it all.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Why the roster is as it is: penalty per rule, per officer and per day; uncovered hours."""
    from forceplan.services.roster import load_plan
    from forceplan.services.roster_tools import most_penalised, most_short_hours

    plan = load_plan(database(database_url), plan_id)
    _print_summary(plan, plan.summary)
    table = Table("officer", "penalty", "by rule", title="Officers carrying the most penalty")
    for officer, total, rules in most_penalised(plan, officers):
        table.add_row(officer, f"{total:,}", ", ".join(f"{k} {v:,}" for k, v in rules))
    console.print(table)
    table = Table("when", "required", "rostered", "short", title="Hours most short of need")
    for when, c in most_short_hours(plan):
        table.add_row(f"{when:%a %d %b %H:00}", str(c["requirement"]), str(c["on_duty"]),
                      str(c["short"]))  # fmt: skip
    console.print(table)
    for change in plan.summary.get("changes", []):
        console.print(_change_line(change))
    if output:
        output.write_text(json.dumps(plan.summary, indent=2, default=str), encoding="utf-8")


def _change_line(change: dict) -> str:
    text = (f"{change['officer_id']} {change['date']}: {change['published'] or 'rest'} -> "
            f"{change['repaired'] or 'rest'}")  # fmt: skip
    if change["rest_day_cancelled"]:
        text += f" [bold]rest day cancelled[/bold], {change['notice_days']} days' notice: "
        text += change["compensation"]
    return text


@roster_app.command("check")
def check(
    roster_file: Annotated[
        Path | None, typer.Argument(help="CSV person_id,date,shift_code from any duty system.")
    ] = None,
    unit: Annotated[str | None, typer.Option(help="Unit whose people and rules apply.")] = None,
    plan: Annotated[str | None, typer.Option(help="Check a roster plan instead of a file.")] = None,
    force: Annotated[str | None, typer.Option(help="Force id.")] = None,
    rules: RulesOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Check a roster against the hard rules; list each breach with person, dates and rule."""
    from forceplan.services.roster_inputs import load_rules
    from forceplan.services.roster_tools import check_file, check_plan

    db = database(database_url)
    if plan:
        _, breaches = check_plan(db, plan, load_rules(rules))
    elif roster_file and unit:
        _, breaches = check_file(db, roster_file, unit, force, load_rules(rules))
    else:
        raise typer.BadParameter("give a roster file and --unit, or --plan ID")
    if not breaches:
        console.print("[green]No breaches of the hard rules.[/green]")
        return
    table = Table("rule", "officer", "message", title=f"{len(breaches)} breaches")
    for b in breaches:
        table.add_row(b.rule, b.officer_id or "-", b.message)
    console.print(table)
    raise typer.Exit(2)


@roster_app.command("repair")
def repair(
    plan_id: Annotated[str, typer.Argument(help="Roster plan to repair.")],
    today: Annotated[str, typer.Option(help="Today (days before it stay as they were).")],
    sick: Annotated[
        list[str],
        typer.Option(help="PERSON:FIRST[:LAST] unavailable (sickness, leave); repeatable."),
    ] = (),
    event: Annotated[
        list[str],
        typer.Option(help="NAME:YYYY-MM-DDTHH:MM:HOURS:OFFICERS more officers; repeatable."),
    ] = (),
    rules: RulesOption = None,
    time_limit: TimeLimit = 30.0,
    workers: Workers = 2,
    seed: Seed = 0,
    deterministic: Deterministic = False,
    lns: Lns = None,
    database_url: DatabaseOption = None,
) -> None:
    """The least-disruptive repair after sickness, leave or an event; rest days cancelled only
    as a last resort, costed per Police Regulations."""
    from forceplan.services.roster_inputs import load_rules
    from forceplan.services.roster_tools import repair_plan

    absent = [_sick(s) for s in sick]
    events = [_event(e) for e in event]
    with solving(time_limit) as update:
        new, changes = repair_plan(
            database(database_url), plan_id, parse_date(today, "--today"), sick=absent,
            events=events, rules=load_rules(rules),
            options=_options(time_limit, workers, seed, deterministic, lns), on_progress=update,
        )  # fmt: skip
    _print_summary(new, new.summary)
    console.print(f"{len(changes)} officer-days changed:")
    for change in new.summary["changes"]:
        console.print("  " + _change_line(change))


def _sick(text: str) -> tuple[str, dt.date, dt.date]:
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise typer.BadParameter(f"--sick {text}: use PERSON:FIRST[:LAST] (dates YYYY-MM-DD)")
    first = parse_date(parts[1], "--sick")
    return parts[0], first, parse_date(parts[2], "--sick") if len(parts) == 3 else first


def _event(text: str) -> tuple[str, dt.datetime, float, int]:
    try:
        name, rest = text.split(":", 1)
        when, hours, officers = rest.rsplit(":", 2)
        return name, dt.datetime.fromisoformat(when), float(hours), int(officers)
    except ValueError:
        raise typer.BadParameter(
            f"--event {text}: use NAME:YYYY-MM-DDTHH:MM:HOURS:OFFICERS"
        ) from None


@roster_app.command("publish")
def publish(
    plan_id: Annotated[str, typer.Argument(help="Roster plan to publish.")],
    version: Annotated[int, typer.Option(help="The version you checked (guards lost updates).")],
    database_url: DatabaseOption = None,
) -> None:
    """Publish a plan into the duty roster (officers see it; later changes are re-rosters)."""
    from forceplan.services.roster import publish_plan

    plan = publish_plan(database(database_url), plan_id, version)
    console.print(f"Published plan {plan.id} (now version {plan.version}).")


@roster_app.command("export")
def export(
    plan_id: Annotated[str, typer.Argument(help="Roster plan.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV file, or a folder for ICS.")],
    ics: Annotated[bool, typer.Option(help="One iCalendar file per officer.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Export a plan as CSV, or as iCalendar files per officer for their phones."""
    from forceplan.services.roster import load_plan
    from forceplan.services.roster_tools import export_csv, write_calendars

    db = database(database_url)
    plan = load_plan(db, plan_id)
    if not ics:
        export_csv(plan, output)
        console.print(f"Roster written to {output}")
        return
    written = write_calendars(db, plan, output)
    console.print(f"{written} calendars written to {output}")


@roster_app.command("benchmark")
def benchmark(
    instance: Annotated[Path, typer.Argument(help="A Curtois & Qu instance file.")],
    time_limit: TimeLimit = 60.0,
    workers: Workers = 2,
    seed: Seed = 0,
    lns: Lns = None,
    columns: Columns = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="CSV employee,day,shift.")
    ] = None,
) -> None:
    """Solve a Curtois & Qu instance, validate it with the checker, print the objective."""
    from forceplan.roster.checker import check_roster, roster_penalty
    from forceplan.roster.curtois import BENCHMARK_RULES, read_instance
    from forceplan.roster.io import write_roster
    from forceplan.roster.solve import solve_roster

    problem = read_instance(instance)
    options = _options(time_limit, workers, seed, lns=lns, columns=columns)
    with solving(time_limit) as update:
        solution = solve_roster(problem, BENCHMARK_RULES, options, update)
    breaches = check_roster(problem, solution.roster)
    checked = roster_penalty(problem, solution.roster).total
    console.print(
        f"{problem.name}: objective {solution.objective} (checker: {checked}), bound "
        f"{solution.bound:.0f}, {solution.status}, {solution.wall_seconds:.1f} s, "
        f"{len(breaches)} breaches"
    )
    if output:
        write_roster(output, solution.roster, benchmark=True)
    if breaches or checked != solution.objective:
        raise typer.Exit(2)
