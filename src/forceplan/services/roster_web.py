"""Use cases behind the roster pages and API: who may see or change a unit's roster plan, the
plan as a grid with its cover, edits without lost updates, publication, and builds and repairs
as background jobs. Every change is written to the audit log.

Who may do what (docs/web.md, Rosters):
- planner, admin: every unit of their force: view, build, edit, publish, repair, check;
- supervisor: the units they supervise and those under them: view, check, and start a repair
  (a repair is a new draft: only a planner publishes it);
- officer: their own line of a plan that includes them, and the unit's cover (not personal);
- analyst: the cover only (required against rostered by hour), no officer's line;
- welfare, partner: nothing (403).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import polars as pl
from sqlalchemy import select

from forceplan.errors import AccessDeniedError, ConfigurationError, NotFoundError
from forceplan.roster.problem import hours_on_duty
from forceplan.roster.solve import SolveOptions, SolveProgress
from forceplan.services.access import units_under
from forceplan.services.accounts import Account
from forceplan.services.audit import record, record_event
from forceplan.services.cache import Derived, cache_for
from forceplan.services.jobs import JobContext, Work
from forceplan.services.plan_cache import PlanSnapshot, plan_snapshot
from forceplan.services.roster import (
    RosterConflictError,
    RosterPlan,
    Tours,
    build_roster,
    force_tours,
    load_plan,
    publish_plan,
    update_plan,
)
from forceplan.services.roster_inputs import RosterRules
from forceplan.services.roster_tools import check_plan, repair_plan
from forceplan.store import Database
from forceplan.store import tables as t

EDITORS = frozenset({"planner", "admin"})
NO_ROSTER = frozenset({"welfare", "partner"})
Cell = tuple[str, dt.date]  # (person, date)
T = TypeVar("T")


class RosterEditConflict(RosterConflictError):
    """A stale edit: carries the plan's current version and, per edited cell, your value, the
    value you saw (when sent) and the value now, so the editor can merge or reload."""

    def __init__(self, message: str, current_version: int, conflicts: list[dict[str, Any]],
                 hint: str | None = None) -> None:  # fmt: skip
        super().__init__(message, hint=hint)
        self.current_version = current_version
        self.conflicts = conflicts


# --- access ---------------------------------------------------------------------------------
def _refuse(message: str) -> AccessDeniedError:
    return AccessDeniedError(message, hint="ask a planner if your work needs it")


def unit_view(database: Database, account: Account, unit_id: str) -> str:
    """What this account sees of a unit's roster: 'all' lines, its 'own' line, or 'cover'."""
    if account.role in NO_ROSTER:
        raise _refuse(f"the {account.role} role does not see rosters")
    if account.role in EDITORS:
        return "all"
    if account.role == "analyst":
        return "cover"
    if account.role == "supervisor":
        if account.unit_id and unit_id in units_under(database, account.force_id, account.unit_id):
            return "all"
        raise _refuse(f"unit {unit_id!r} is not one you supervise")
    return "own"


def require_editor(database: Database, account: Account, unit_id: str) -> None:
    if account.role not in EDITORS:
        raise _refuse(f"the {account.role} role may not build, edit or publish rosters")
    _unit(database, account.force_id, unit_id)


def require_repairer(database: Database, account: Account, unit_id: str) -> None:
    """Planners and admins; supervisors for the units they supervise."""
    if account.role in EDITORS:
        _unit(database, account.force_id, unit_id)
    elif account.role != "supervisor" or unit_view(database, account, unit_id) != "all":
        raise _refuse(f"the {account.role} role may not repair rosters")


def _unit(database: Database, force_id: str, unit_id: str) -> dict[str, Any]:
    u = t.units.c
    with database.read() as c:
        row = c.execute(select(t.units).where(u.force_id == force_id, u.id == unit_id)).first()
    if row is None:
        raise NotFoundError(f"no unit {unit_id!r} in {force_id}", hint="check the unit's code")
    return dict(row._mapping)


def snapshot_for(database: Database, account: Account, plan_id: str) -> tuple[PlanSnapshot, str]:
    """The plan as it is now (read once per version: plan_cache.py) and what the account
    sees of it; 404 outside the account's force. The plan is shared: do not change it."""
    snapshot = plan_snapshot(database, plan_id)
    plan = snapshot.plan
    if plan.force_id != account.force_id:
        raise NotFoundError(f"no roster plan {plan_id}", hint="list the plans of your unit")
    view = unit_view(database, account, plan.unit_id)
    if view == "own" and account.person_id not in plan.roster:
        raise _refuse("you are not on this roster")
    return snapshot, view


def plan_for(database: Database, account: Account, plan_id: str) -> tuple[RosterPlan, str]:
    """The plan (404 outside the account's force) and what the account sees of it."""
    snapshot, view = snapshot_for(database, account, plan_id)
    return snapshot.plan, view


def unit_rules(database: Database, force_id: str, unit_id: str) -> RosterRules:
    """A team is rostered in its own role (a neighbourhood team's officers); a BCU or a team
    without a role, its response officers."""
    role = _unit(database, force_id, unit_id).get("role")
    return RosterRules(roles=(role,)) if role else RosterRules()


# --- reading --------------------------------------------------------------------------------
def plans_of(database: Database, account: Account, unit: str | None = None) -> list[dict]:
    """The plans the account may open, newest first (an officer: those with their line)."""
    p = t.roster_plans.c
    query = (
        select(p.id, p.unit_id, p.start_date, p.days, p.status, p.version, p.objective,
               p.created_at, p.created_by, p.updated_at)
        .where(p.force_id == account.force_id)
        .order_by(p.created_at.desc())
    )  # fmt: skip
    if unit:
        unit_view(database, account, unit)
        _unit(database, account.force_id, unit)
        query = query.where(p.unit_id == unit)
    if account.role in NO_ROSTER:
        raise _refuse(f"the {account.role} role does not see rosters")
    if account.role == "officer":
        lines = t.roster_plan_lines.c
        mine = select(lines.plan_id).where(lines.person_id == account.person_id).distinct()
        query = query.where(p.id.in_(mine))
    with database.read() as c:
        rows = [dict(r) for r in c.execute(query).mappings()]
    if account.role == "supervisor":
        allowed = units_under(database, account.force_id, account.unit_id or "")
        rows = [r for r in rows if r["unit_id"] in allowed]
    return rows


def hours_of(tour: tuple[int, int], day: int) -> range:
    """The hours of the plan (0 = first day 00:00) a tour on ``day`` is on duty in: the
    optimiser's rule (at least half of the hour, ``roster.problem.hours_on_duty``)."""
    return hours_on_duty(day * 1440 + tour[0], tour[1])


def plan_cover(plan: RosterPlan, tours: Tours, without: Iterable[Cell] = ()) -> pl.DataFrame:
    """Required against rostered officers for every hour of the plan, from its current lines
    (so edits show at once). ``without``: (person, date) tours to take away — the column
    ``rostered_without`` shows the cover if they were not worked (a leave request's effect)."""
    hours = plan.days * 24
    required = [0] * hours
    for line in plan.summary.get("explanation", {}).get("cover", []):
        if line["key"].startswith("h") and 0 <= int(line["key"][1:]) < hours:
            required[int(line["key"][1:])] = int(line["requirement"])
    rostered, taken = [0] * hours, [0] * hours
    away = {(person, (date - plan.start_date).days) for person, date in without}
    for person, days in plan.roster.items():
        for day, code in days.items():
            if code is None or code not in tours:
                continue
            for hour in hours_of(tours[code], day):
                if hour < hours:
                    rostered[hour] += 1
                    taken[hour] += (person, day) in away
    start = dt.datetime.combine(plan.start_date, dt.time())
    return pl.DataFrame({
        "hour": list(range(hours)),
        "starts_at": [start + dt.timedelta(hours=h) for h in range(hours)],
        "required": required,
        "rostered": rostered,
        "rostered_without": [r - x for r, x in zip(rostered, taken, strict=True)],
    })  # fmt: skip


@dataclass
class GridLine:
    person_id: str
    name: str | None
    cells: list[str | None]


@dataclass
class RosterGrid:
    plan: RosterPlan
    view: str  # all | own | cover
    dates: list[dt.date]
    lines: list[GridLine]
    tours: Tours
    cover: pl.DataFrame
    can_edit: bool
    can_repair: bool
    summary: dict[str, Any] = field(default_factory=dict)
    derived: Derived = field(default_factory=Derived, repr=False)

    @property
    def shown(self) -> tuple[tuple[str, str | None], ...]:
        """Who is shown, with their names: with the view, what a rendering of the grid
        depends on besides the plan version and tours (part of every ``memo`` key)."""
        return tuple((line.person_id, line.name) for line in self.lines)

    def memo(self, name: tuple, make: Callable[[], T]) -> T:
        """``make()`` once per plan version and tours (a chart, a serialised grid): the
        caller names everything else the value depends on, such as the view."""
        return self.derived.get((*name, tuple(sorted(self.tours.items()))), make)


def _names(database: Database, force_id: str, ids: list[str]) -> dict[str, str | None]:
    p = t.people.c
    with database.read() as c:
        rows = c.execute(select(p.id, p.display_name).where(p.force_id == force_id,
                                                            p.id.in_(ids))).all()  # fmt: skip
    return {r.id: r.display_name for r in rows}


def cached_tours(database: Database, force_id: str) -> Tours:
    """The force's tours, read again when its data changes (cache.py)."""
    return cache_for(database).get(
        database, force_id, ("tours",), lambda: force_tours(database, force_id)
    )


def roster_grid(database: Database, account: Account, plan_id: str) -> RosterGrid:
    """A plan as people × dates, with its cover by hour, as this account may see it."""
    snapshot, view = snapshot_for(database, account, plan_id)
    plan = snapshot.plan
    tours = cached_tours(database, plan.force_id)
    people = {"all": sorted(plan.roster), "own": [account.person_id], "cover": []}[view]
    names = _names(database, plan.force_id, people)
    lines = [
        GridLine(p, names.get(p), [plan.roster[p].get(d) for d in range(plan.days)]) for p in people
    ]
    summary = {k: v for k, v in plan.summary.items() if k != "explanation"}
    tours_key = tuple(sorted(tours.items()))
    cover = snapshot.derived.get(("cover", tours_key), lambda: plan_cover(plan, tours))
    return RosterGrid(
        plan, view, [plan.date_of(d) for d in range(plan.days)], lines, tours, cover,
        account.role in EDITORS,
        account.role in EDITORS or (account.role == "supervisor" and view == "all"), summary,
        snapshot.derived,
    )  # fmt: skip


def roster_breaches(
    database: Database, account: Account, plan_id: str
) -> tuple[int, list[dict[str, Any]]]:
    """The plan's version and the hard rules it breaks now (person, dates, rule), for
    editors and supervisors."""
    plan, view = plan_for(database, account, plan_id)
    if view != "all":
        raise _refuse("only planners and supervisors check a roster")
    _, breaches = check_plan(database, plan_id, unit_rules(database, plan.force_id, plan.unit_id))
    return plan.version, [
        {"rule": b.rule, "person_id": b.officer_id,
         "dates": [plan.date_of(d) for d in b.days], "message": b.message}
        for b in breaches
    ]  # fmt: skip


# --- changing -------------------------------------------------------------------------------
def _conflicts(
    plan: RosterPlan, changes: list[tuple[str, dt.date, str | None]], seen: dict[Cell, str | None]
) -> list[dict[str, Any]]:
    out = []
    for person, date, code in changes:
        now = plan.roster.get(person, {}).get((date - plan.start_date).days)
        entry = {"person_id": person, "date": date, "yours": code, "current": now}
        if (person, date) in seen:
            entry["seen"] = seen[(person, date)]
            if now == seen[(person, date)]:
                continue  # nobody else changed this cell: no conflict here
        out.append(entry)
    return out


def edit_roster(
    database: Database,
    account: Account,
    plan_id: str,
    expected_version: int,
    changes: list[tuple[str, dt.date, str | None]],
    seen: dict[Cell, str | None] | None = None,
) -> RosterPlan:
    """Apply cell edits if the plan is still at ``expected_version``; otherwise
    RosterEditConflict (nothing written) listing the cells that changed under you."""
    plan, _ = plan_for(database, account, plan_id)
    require_editor(database, account, plan.unit_id)
    tours = force_tours(database, plan.force_id)
    bad = sorted({c for _, _, c in changes if c is not None and c not in tours})
    if bad:
        raise ConfigurationError(
            f"unknown tour code(s) {', '.join(bad)}",
            hint=f"use one of {', '.join(sorted(tours))}, or empty for a rest day",
        )
    detail = {
        "unit_id": plan.unit_id, "from_version": expected_version,
        "changes": [{"person_id": p, "date": d.isoformat(), "shift_code": c}
                    for p, d, c in changes],
    }  # fmt: skip

    def audit(connection, version: int) -> None:
        record(connection, account.actor, "roster.edit", "roster_plan", plan_id,
               detail | {"to_version": version})  # fmt: skip

    try:
        new = update_plan(database, plan_id, expected_version, changes, audit)
    except RosterConflictError:
        current = load_plan(database, plan_id)
        raise RosterEditConflict(
            f"someone else changed this roster since you opened it: you had version "
            f"{expected_version}, it is now at version {current.version}; nothing was saved",
            current.version,
            _conflicts(current, changes, seen or {}),
            hint="compare your values with the current ones, then reload, or apply yours "
            "again on the current version",
        ) from None
    return new


def publish_roster(
    database: Database, account: Account, plan_id: str, expected_version: int
) -> RosterPlan:
    """Publish the plan as the duty roster (version checked); audited."""
    plan, _ = plan_for(database, account, plan_id)
    require_editor(database, account, plan.unit_id)

    def audit(connection, version: int) -> None:
        record(connection, account.actor, "roster.publish", "roster_plan", plan_id,
               {"unit_id": plan.unit_id, "version": version})  # fmt: skip

    try:
        new = publish_plan(database, plan_id, expected_version, audit)
    except RosterConflictError:
        current = load_plan(database, plan_id)
        raise RosterEditConflict(
            f"someone else changed this roster since you opened it (you had version "
            f"{expected_version}, it is now at version {current.version}); it was not published",
            current.version, [], hint="reload the roster, check it, and publish again",
        ) from None  # fmt: skip
    return new


# --- jobs -----------------------------------------------------------------------------------
def _progress(context: JobContext, time_limit_seconds: float):
    def report(step: SolveProgress) -> None:
        context.progress(
            step.describe(),
            min(0.99, step.elapsed_seconds / max(time_limit_seconds, 0.1)),
        )

    return report


def build_work(
    database: Database, account: Account, unit: str, start: dt.date, weeks: int,
    time_limit_seconds: float = 30.0, seed: int = 0,
) -> Work:  # fmt: skip
    """The work of a roster build job (checked now: only editors of the unit)."""
    require_editor(database, account, unit)
    rules = unit_rules(database, account.force_id, unit)
    options = SolveOptions(time_limit_seconds=time_limit_seconds, seed=seed)

    def work(context: JobContext) -> dict[str, Any]:
        context.progress("reading the unit, its leave and requests", 0.0)
        plan, _, solution = build_roster(
            database, unit, start, weeks, force=account.force_id, rules=rules, options=options,
            on_progress=_progress(context, time_limit_seconds), created_by=account.username,
        )  # fmt: skip
        result = {"plan_id": plan.id, "unit_id": unit, "status": solution.status,
                  "objective": solution.objective, "bound": solution.bound,
                  "gap": round(solution.gap, 4)}  # fmt: skip
        record_event(database, account.actor, "roster.build", "roster_plan", plan.id, result)
        return result

    return work


def repair_work(
    database: Database, account: Account, plan_id: str, today: dt.date,
    sick: list[tuple[str, dt.date, dt.date]], events: list[tuple[str, dt.datetime, float, int]],
    time_limit_seconds: float = 30.0,
) -> Work:  # fmt: skip
    """The work of a repair job: the least-disruptive new draft after sickness or an event."""
    plan, _ = plan_for(database, account, plan_id)
    require_repairer(database, account, plan.unit_id)
    unknown = sorted({p for p, _, _ in sick} - set(plan.roster))
    if unknown or not (sick or events):
        raise ConfigurationError(
            f"not on this roster: {', '.join(unknown)}" if unknown else "nothing to repair",
            hint="name officers on the roster who are sick, or an event needing officers",
        )
    rules = unit_rules(database, plan.force_id, plan.unit_id)
    options = SolveOptions(time_limit_seconds=time_limit_seconds)

    def work(context: JobContext) -> dict[str, Any]:
        context.progress("reading the plan and the change", 0.0)
        new, changes = repair_plan(
            database, plan_id, today, sick=sick, events=events, rules=rules, options=options,
            on_progress=_progress(context, time_limit_seconds),
        )  # fmt: skip
        result = {
            "plan_id": new.id, "repair_of": plan_id, "unit_id": plan.unit_id,
            "changes": [dataclasses.asdict(c) | {"date": plan.date_of(c.day).isoformat()}
                        for c in changes],
        }  # fmt: skip
        record_event(database, account.actor, "roster.repair", "roster_plan", new.id, result)
        return result

    return work
