"""Use cases around a roster plan: check it, repair it after a change, export it, read its cover."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import polars as pl

from forceplan.errors import DataValidationError
from forceplan.roster.checker import Breach, check_roster
from forceplan.roster.police import unit_problem
from forceplan.roster.problem import MINUTES_PER_DAY, Roster, RosterProblem
from forceplan.roster.repair import (
    ChangedDay,
    ExtraCover,
    RosterChange,
    Unavailable,
    changed_days,
    repair_problem,
    repair_start,
)
from forceplan.roster.solve import SolveOptions, solve_roster
from forceplan.services import roster_inputs as inputs
from forceplan.services.roster import (
    RosterPlan,
    force_timezone,
    force_tours,
    load_plan,
    requirement_from_demand,
    save_plan,
    solution_summary,
)
from forceplan.services.roster_inputs import RosterRules
from forceplan.store import Database


def plan_problem(
    database: Database, plan: RosterPlan, rules: RosterRules | None = None, *, demand: bool = True
) -> RosterProblem:
    """The roster problem a plan answers (its unit, dates, people and rules, today's store)."""
    rules = rules or RosterRules()
    ctx = inputs.unit_context(database, plan.unit_id, plan.force_id, rules)
    need = requirement_from_demand(database, ctx, plan.start_date) if demand else []
    spec = inputs.unit_spec(database, ctx, plan.start_date, plan.days // 7, need, rules)
    return unit_problem(spec)


def check_plan(
    database: Database, plan_id: str, rules: RosterRules | None = None
) -> tuple[RosterPlan, list[Breach]]:
    plan = load_plan(database, plan_id)
    problem = plan_problem(database, plan, rules, demand=False)
    return plan, check_roster(problem, plan.roster)


def read_dated_roster(path: Path) -> tuple[dt.date, int, dict[str, dict[dt.date, str | None]]]:
    """A roster from another duty system: CSV ``person_id,date,shift_code`` (empty = rest)."""
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise DataValidationError(f"{path}: {error}", []) from None
    problems, lines = [], {}
    for n, row in enumerate(frame.iter_rows(named=True), start=2):
        person, raw = (row.get("person_id") or "").strip(), (row.get("date") or "").strip()
        try:
            date = dt.date.fromisoformat(raw)
        except ValueError:
            problems.append({"record": n, "field": "date", "value": raw,
                             "reason": "not a date (YYYY-MM-DD)"})  # fmt: skip
            continue
        if not person:
            problems.append({"record": n, "field": "person_id", "value": person,
                             "reason": "empty"})  # fmt: skip
            continue
        lines.setdefault(person, {})[date] = (row.get("shift_code") or "").strip() or None
    if problems or not lines:
        first = problems[0] if problems else {"record": 1, "field": "-", "reason": "no lines"}
        raise DataValidationError(
            f"{path.name}, line {first['record']}, field {first['field']}: {first['reason']}",
            problems,
            hint="columns person_id, date (YYYY-MM-DD), shift_code (empty for a rest day)",
        )
    dates = [d for days in lines.values() for d in days]
    start = min(dates)
    return start, (max(dates) - start).days + 1, lines


def check_file(
    database: Database, path: Path, unit: str, force: str | None = None,
    rules: RosterRules | None = None,
) -> tuple[RosterProblem, list[Breach]]:  # fmt: skip
    """Check an imported roster against the unit's people, tours, leave and the hard rules."""
    rules = rules or RosterRules()
    start, days, lines = read_dated_roster(path)
    ctx = inputs.unit_context(database, unit, force, rules)
    weeks = max(1, -(-days // 7))
    problem = unit_problem(inputs.unit_spec(database, ctx, start, weeks, [], rules))
    problem = dataclasses.replace(problem, days=days)
    roster: Roster = {
        person: {(d - start).days: code for d, code in dated.items()}
        for person, dated in lines.items()
    }
    return problem, check_roster(problem, roster)


def repair_plan(
    database: Database,
    plan_id: str,
    today: dt.date,
    *,
    sick: list[tuple[str, dt.date, dt.date]] = (),
    events: list[tuple[str, dt.datetime, float, int]] = (),
    rules: RosterRules | None = None,
    options: SolveOptions | None = None,
    on_progress=None,
) -> tuple[RosterPlan, list[ChangedDay]]:
    """The least-disruptive repair of a plan after sickness/leave (person, first, last day) and
    events (name, local start, hours, extra officers); kept as a new draft plan."""
    rules = rules or RosterRules()
    plan = load_plan(database, plan_id)
    problem = plan_problem(database, plan, rules)
    day = (today - plan.start_date).days
    unavailable = tuple(
        Unavailable(
            person, tuple(range((a - plan.start_date).days, (b - plan.start_date).days + 1))
        )
        for person, a, b in sick
    )
    extra = tuple(
        ExtraCover(name, (start.date() - plan.start_date).days * MINUTES_PER_DAY
                   + start.hour * 60 + start.minute, round(hours * 60), officers)
        for name, start, hours, officers in events
    )  # fmt: skip
    repaired_problem = repair_problem(problem, plan.roster, RosterChange(day, unavailable, extra))
    options = options or SolveOptions(time_limit_seconds=30)
    options = dataclasses.replace(options, hint=repair_start(repaired_problem))
    solution = solve_roster(repaired_problem, rules.config, options, on_progress)
    changes = changed_days(plan.roster, solution.roster, day)
    summary = solution_summary(solution) | {
        "repair_of": plan.id,
        "today": today.isoformat(),
        "changes": [
            dataclasses.asdict(c) | {"date": plan.date_of(c.day).isoformat()} for c in changes
        ],
    }
    new = save_plan(database, plan.force_id, plan.unit_id, repaired_problem, solution.roster,
                    summary)  # fmt: skip
    return new, changes


def cover_by_hour(plan: RosterPlan) -> pl.DataFrame:
    """Required against rostered officers for every hour of the plan (the cover graph)."""
    lines = plan.summary.get("explanation", {}).get("cover", [])
    hourly = [c for c in lines if c["key"].startswith("h")]
    return pl.DataFrame(
        {
            "hour": [int(c["key"][1:]) for c in hourly],
            "required": [c["requirement"] for c in hourly],
            "rostered": [c["on_duty"] for c in hourly],
        },
        schema={"hour": pl.Int64, "required": pl.Int64, "rostered": pl.Int64},
    )


def export_csv(plan: RosterPlan, path: Path) -> None:
    rows = [
        {"person_id": person, "date": plan.date_of(day).isoformat(), "shift_code": code or ""}
        for person, days in sorted(plan.roster.items())
        for day, code in sorted(days.items())
    ]
    pl.DataFrame(rows, schema={"person_id": pl.String, "date": pl.String,
                               "shift_code": pl.String}).write_csv(path)  # fmt: skip


def export_ics(
    plan: RosterPlan, person_id: str, tours: dict[str, tuple[int, int]], timezone: str
) -> bytes:
    """One officer's tours as an iCalendar feed (``tours``: code -> (start minute, length))."""
    zone = ZoneInfo(timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//forceplan//roster//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Duties {person_id}")
    for day, code in sorted(plan.roster.get(person_id, {}).items()):
        if code is None or code not in tours:
            continue
        start_minute, length = tours[code]
        date = plan.date_of(day)
        start = dt.datetime.combine(date, dt.time(start_minute // 60, start_minute % 60), zone)
        event = icalendar.Event()
        event.add("uid", f"{plan.id}-{person_id}-{date.isoformat()}@forceplan")
        event.add("summary", f"Duty {code}")
        event.add("dtstart", start)
        event.add(
            "dtend", (start.astimezone(dt.UTC) + dt.timedelta(minutes=length)).astimezone(zone)
        )
        event.add("dtstamp", dt.datetime.now(dt.UTC))
        calendar.add_component(event)
    return calendar.to_ical()


def write_calendars(database: Database, plan: RosterPlan, folder: Path) -> int:
    """One iCalendar file per officer of the plan in ``folder``; how many were written."""
    tours = force_tours(database, plan.force_id)
    zone = force_timezone(database, plan.force_id)
    folder.mkdir(parents=True, exist_ok=True)
    for person in sorted(plan.roster):
        (folder / f"{person}.ics").write_bytes(export_ics(plan, person, tours, zone))
    return len(plan.roster)


def most_penalised(
    plan: RosterPlan, officers: int = 10
) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """Officers carrying the most penalty: (officer, total, [(rule, penalty)] largest first)."""
    by_officer = plan.summary["explanation"]["by_officer"]
    ranked = sorted(by_officer.items(), key=lambda kv: -sum(kv[1].values()))[:officers]
    return [
        (officer, sum(rules.values()), sorted(rules.items(), key=lambda kv: -kv[1]))
        for officer, rules in ranked
    ]


def most_short_hours(plan: RosterPlan, hours: int = 10) -> list[tuple[dt.datetime, dict]]:
    """The cover periods most short of need, with when each starts (local wall clock)."""
    short = [c for c in plan.summary["explanation"]["cover"] if c["short"] > 0]
    start = dt.datetime.combine(plan.start_date, dt.time())
    return [
        (start + dt.timedelta(minutes=c["start_minute"] or 0), c)
        for c in sorted(short, key=lambda c: -c["short"])[:hours]
    ]
