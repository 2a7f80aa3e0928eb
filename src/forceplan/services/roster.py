"""Use cases: build a unit's roster, keep it as a plan, edit and publish it without lost updates.

A plan is a roster before (and after) publication: its lines, its explanation and a version
number that every edit must quote. Publishing copies the lines into the duty roster
(``roster_assignments``, status published).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, and_, delete, func, insert, select, update

from forceplan.errors import ConfigurationError, ForceplanError, NotFoundError
from forceplan.roster.police import unit_problem
from forceplan.roster.problem import Roster, RosterProblem
from forceplan.roster.solve import RosterSolution, SolveOptions, SolveProgress, solve_roster
from forceplan.services import roster_inputs as inputs
from forceplan.services.roster_inputs import RosterRules, UnitContext
from forceplan.services.staffing import StaffingPolicy, staffing_requirement
from forceplan.standard.duty import ShiftDefinition
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.records import load_records

REQUIREMENT_HISTORY_DAYS = 84


class RosterConflictError(ForceplanError):
    """Someone else changed the plan since it was read (the version no longer matches)."""

    exit_code = 4


@dataclass
class RosterPlan:
    id: str
    force_id: str
    unit_id: str
    start_date: dt.date
    days: int
    status: str
    version: int
    roster: Roster  # person -> day index -> tour code or None
    summary: dict

    def date_of(self, day: int) -> dt.date:
        return self.start_date + dt.timedelta(days=day)


Tours = dict[str, tuple[int, int]]  # code -> (start minute, length in minutes)


def force_tours(database: Database, force_id: str) -> Tours:
    """The force's tours: code -> (local start minute, length in minutes)."""
    with database.read() as c:
        return {
            d.code: (d.start_minute, d.length_minutes)
            for d in load_records(c, ShiftDefinition, force_id)
        }


def force_timezone(database: Database, force_id: str) -> str:
    with database.read() as c:
        return c.execute(select(t.forces.c.timezone).where(t.forces.c.id == force_id)).scalar_one()


# --- the requirement ------------------------------------------------------------------------
def requirement_from_table(path: Path) -> list[float]:
    """A minimum-staffing table: CSV ``hour_of_week,officers`` (0 = Monday 00:00), 168 rows."""
    try:
        frame = pl.read_csv(path)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise ConfigurationError(f"{path}: {error}") from None
    missing = {"hour_of_week", "officers"} - set(frame.columns)
    if missing:
        raise ConfigurationError(
            f"{path}: missing column(s) {', '.join(sorted(missing))}",
            hint="the table needs hour_of_week (0-167, Monday 00:00 = 0) and officers",
        )
    need = [0.0] * 168
    for line, (hour, officers) in enumerate(
        frame.select("hour_of_week", "officers").iter_rows(), start=2
    ):
        if hour is None or not 0 <= int(hour) < 168 or officers is None or officers < 0:
            raise ConfigurationError(
                f"{path}, line {line}: hour_of_week must be 0-167 and officers at least 0",
                hint="fix the line and run again",
            )
        need[int(hour)] = float(officers)
    return need


def requirement_from_demand(database: Database, ctx: UnitContext, start: dt.date) -> list[float]:
    """Officers needed by hour of the week from the staffing model, over the 12 weeks of demand
    before the roster (or the latest 12 weeks held), shared out to this unit by its share of
    its BCU's rostered officers (incidents are recorded against areas, officers against teams)."""
    with database.read() as connection:
        units = {
            row["id"]: row
            for row in connection.execute(
                select(t.units).where(t.units.c.force_id == ctx.force_id)
            ).mappings()
        }
        last = connection.execute(
            select(func.max(t.incidents.c.received_at)).where(
                t.incidents.c.force_id == ctx.force_id
            )
        ).scalar()
    if last is None:
        raise NotFoundError(
            "no incidents to compute the requirement from",
            hint="import demand, or give a minimum-staffing table with --requirement FILE",
        )
    area = ctx.unit_id
    while units.get(area, {}).get("kind") not in ("bcu", None) and units[area]["parent_id"]:
        area = units[area]["parent_id"]
    end = min(start - dt.timedelta(days=1), last.date())
    report = staffing_requirement(
        database, ctx.force_id, area, end - dt.timedelta(days=REQUIREMENT_HISTORY_DAYS), end,
        StaffingPolicy(),
    )  # fmt: skip
    share = 1.0
    if area != ctx.unit_id:
        pool = inputs.unit_context(database, area, ctx.force_id, RosterRules(roles=("response",)))
        share = len(ctx.people) / max(1, len(pool.people))
    need = [0.0] * 168
    for hour, officers in report.by_hour.select("hour_of_week", "officers_needed").iter_rows():
        need[int(hour)] = float(officers) * share
    return need


# --- build ----------------------------------------------------------------------------------
def unit_roster_problem(
    database: Database,
    unit: str,
    start: dt.date,
    weeks: int,
    *,
    force: str | None = None,
    rules: RosterRules | None = None,
    requirement: Path | None = None,
) -> tuple[UnitContext, RosterProblem]:
    if not 4 <= weeks <= 13:
        raise ConfigurationError(
            f"--weeks {weeks}: a roster covers 4 to 13 weeks", hint="pick a horizon in range"
        )
    rules = rules or RosterRules()
    ctx = inputs.unit_context(database, unit, force, rules)
    need = (
        requirement_from_table(requirement)
        if requirement
        else requirement_from_demand(database, ctx, start)
    )
    spec = inputs.unit_spec(database, ctx, start, weeks, need, rules)
    return ctx, unit_problem(spec)


def build_roster(
    database: Database,
    unit: str,
    start: dt.date,
    weeks: int,
    *,
    force: str | None = None,
    rules: RosterRules | None = None,
    requirement: Path | None = None,
    options: SolveOptions | None = None,
    on_progress: Callable[[SolveProgress], None] | None = None,
    created_by: str | None = None,
    keep_published: bool = False,
) -> tuple[RosterPlan, RosterProblem, RosterSolution]:
    """Solve the unit's roster and keep it as a draft plan. Days already published are a
    starting point; with ``keep_published`` every change to them also costs (stability)."""
    rules = rules or RosterRules()
    ctx, problem = unit_roster_problem(
        database, unit, start, weeks, force=force, rules=rules, requirement=requirement
    )
    config = rules.config
    if not keep_published:
        config = dataclasses.replace(config, disabled=config.disabled | {"stability"})
    options = options or SolveOptions()
    if problem.published and options.hint is None:
        options = dataclasses.replace(options, hint=dict(problem.published))
    solution = solve_roster(problem, config, options, on_progress)
    summary = solution_summary(solution)
    plan = save_plan(database, ctx.force_id, unit, problem, solution.roster, summary, created_by)
    return plan, problem, solution


def solution_summary(solution: RosterSolution) -> dict:
    return {
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": round(solution.gap, 4),
        "wall_seconds": round(solution.wall_seconds, 1),
        "explanation": solution.explanation.as_dict(),
    }


# --- plans in the store ---------------------------------------------------------------------
def save_plan(
    database: Database,
    force_id: str,
    unit: str,
    problem: RosterProblem,
    roster: Roster,
    summary: dict,
    created_by: str | None = None,
) -> RosterPlan:
    assert problem.start_date is not None
    plan_id = uuid.uuid4().hex
    now = dt.datetime.now(dt.UTC)
    with database.transaction() as connection:
        connection.execute(
            insert(t.roster_plans).values(
                id=plan_id, force_id=force_id, unit_id=unit, start_date=problem.start_date,
                days=problem.days, status="draft", version=1, created_at=now, updated_at=now,
                created_by=created_by, objective=summary.get("objective"),
                bound=summary.get("bound"), summary=summary,
            )
        )  # fmt: skip
        rows = [
            {"plan_id": plan_id, "person_id": person, "date": problem.date_of(day),
             "shift_code": code}
            for person, days in roster.items()
            for day, code in days.items()
        ]  # fmt: skip
        if rows:
            connection.execute(insert(t.roster_plan_lines), rows)
    return load_plan(database, plan_id)


def load_plan(database: Database, plan_id: str) -> RosterPlan:
    with database.read() as connection:
        row = (
            connection.execute(select(t.roster_plans).where(t.roster_plans.c.id == plan_id))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFoundError(f"no roster plan {plan_id}", hint="forceplan roster list")
        lines = (
            connection.execute(
                select(t.roster_plan_lines).where(t.roster_plan_lines.c.plan_id == plan_id)
            )
            .mappings()
            .all()
        )
    roster: Roster = {}
    for line in lines:
        day = (line["date"] - row["start_date"]).days
        roster.setdefault(line["person_id"], {})[day] = line["shift_code"]
    return RosterPlan(
        row["id"], row["force_id"], row["unit_id"], row["start_date"], row["days"],
        row["status"], row["version"], roster, row["summary"],
    )  # fmt: skip


def list_plans(database: Database, unit: str | None = None, force: str | None = None) -> list[dict]:
    p = t.roster_plans.c
    query = select(p.id, p.force_id, p.unit_id, p.start_date, p.days, p.status, p.version,
                   p.objective, p.created_at).order_by(p.created_at.desc())  # fmt: skip
    if unit:
        query = query.where(p.unit_id == unit)
    if force:
        query = query.where(p.force_id == force)
    with database.read() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def _bump(connection, plan: RosterPlan, expected_version: int, status: str | None = None) -> int:
    """Move the plan to the next version if it is still at ``expected_version``."""
    values = {"version": expected_version + 1, "updated_at": dt.datetime.now(dt.UTC)}
    if status:
        values["status"] = status
    result = connection.execute(
        update(t.roster_plans)
        .where(and_(t.roster_plans.c.id == plan.id, t.roster_plans.c.version == expected_version))
        .values(**values)
    )
    if result.rowcount != 1:
        raise RosterConflictError(
            f"roster plan {plan.id} changed since you opened it (you had version "
            f"{expected_version}, it is now at version {plan.version})",
            hint="reload the plan to see the other changes, then make yours again",
        )
    return expected_version + 1


def update_plan(
    database: Database,
    plan_id: str,
    expected_version: int,
    changes: Iterable[tuple[str, dt.date, str | None]],
    audit: Callable[[Connection, int], None] | None = None,
) -> RosterPlan:
    """Apply (person, date, tour) edits if nobody else has changed the plan since
    ``expected_version``; otherwise RosterConflictError and nothing is written. ``audit`` is
    called inside the same transaction with the new version."""
    plan = load_plan(database, plan_id)
    changes = list(changes)
    for person, date, _ in changes:
        if person not in plan.roster or not 0 <= (date - plan.start_date).days < plan.days:
            raise ConfigurationError(
                f"{person} on {date}: not a line of roster plan {plan_id}",
                hint="edit only people and dates the plan covers",
            )
    with database.transaction() as connection:
        version = _bump(connection, plan, expected_version)
        if audit is not None:
            audit(connection, version)
        for person, date, code in changes:
            connection.execute(
                update(t.roster_plan_lines)
                .where(and_(t.roster_plan_lines.c.plan_id == plan_id,
                            t.roster_plan_lines.c.person_id == person,
                            t.roster_plan_lines.c.date == date))
                .values(shift_code=code)
            )  # fmt: skip
    return load_plan(database, plan_id)


def publish_plan(
    database: Database,
    plan_id: str,
    expected_version: int,
    audit: Callable[[Connection, int], None] | None = None,
) -> RosterPlan:
    """Copy the plan into the duty roster as published lines (replacing planned or published
    lines for those people and days; worked days are never overwritten). ``audit`` is called
    inside the same transaction with the new version."""
    plan = load_plan(database, plan_id)
    last = plan.date_of(plan.days - 1)
    r = t.roster_assignments.c
    with database.transaction() as connection:
        version = _bump(connection, plan, expected_version, status="published")
        if audit is not None:
            audit(connection, version)
        people = list(plan.roster)
        worked = {
            (row.person_id, row.date)
            for row in connection.execute(
                select(r.person_id, r.date).where(
                    and_(r.force_id == plan.force_id, r.person_id.in_(people),
                         r.date >= plan.start_date, r.date <= last, r.status == "worked")
                )
            )
        }  # fmt: skip
        connection.execute(
            delete(t.roster_assignments).where(
                and_(r.force_id == plan.force_id, r.person_id.in_(people),
                     r.date >= plan.start_date, r.date <= last, r.status != "worked")
            )
        )  # fmt: skip
        cancelled = {
            (c["officer_id"], c["day"]): c["notice_days"]
            for c in plan.summary.get("changes", [])
            if c["rest_day_cancelled"]
        }
        rows = [
            {"force_id": plan.force_id, "person_id": person, "date": plan.date_of(day),
             "shift_code": code, "status": "published", "unit_id": None,
             "rest_day_cancelled": (person, day) in cancelled,
             "rdc_notice_days": cancelled.get((person, day)),
             "replacement_rest_day": False, "overtime_minutes": 0, "single_crewed": None}
            for person, days in plan.roster.items()
            for day, code in days.items()
            if (person, plan.date_of(day)) not in worked
        ]  # fmt: skip
        if rows:
            connection.execute(insert(t.roster_assignments), rows)
    return load_plan(database, plan_id)
