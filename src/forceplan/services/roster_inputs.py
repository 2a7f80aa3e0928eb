"""Load what a unit's roster needs from the store: people, tours, leave, bids, the published
roster, past nights and weekends for fairness, and the hourly requirement."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import and_, select

from forceplan.errors import ConfigurationError, NotFoundError
from forceplan.roster.model import RuleConfig
from forceplan.roster.police import CoverWeights, MinimumCover, UnitRosterSpec
from forceplan.roster.problem import Request, RuleSettings
from forceplan.services.indicators import resolve_scope
from forceplan.standard.duty import ShiftDefinition
from forceplan.standard.organisation import Person
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.records import load_records

#: Absences that take an officer off the roster (restricted duty changes what they may do
#: instead: see person restrictions).
LEAVE_KINDS_EXCLUDED = {"restricted_duty"}
ROSTERED_ROLES = ("response",)
FAIRNESS_LOOKBACK_DAYS = 84


@dataclass
class RosterRules:
    """A unit's rostering rules file (TOML, docs/roster.md): limits, weights, minimum cover."""

    settings: RuleSettings = field(default_factory=RuleSettings)
    config: RuleConfig = field(default_factory=RuleConfig)
    minimums: list[MinimumCover] = field(default_factory=list)
    weights: CoverWeights = field(default_factory=CoverWeights)
    tours: list[str] | None = None
    roles: tuple[str, ...] = ROSTERED_ROLES
    hours_tolerance: float = 10.0


def load_rules(path: Path | None) -> RosterRules:
    """Read a rules file; every key is optional (defaults: docs/rules.md)."""
    if path is None:
        return RosterRules()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigurationError(f"{path}: {error}", hint="see docs/roster.md") from None
    rules = RosterRules()
    try:
        limits = data.get("limits", {})
        rules.settings = replace(RuleSettings(), **limits)
        rules.config = RuleConfig(
            disabled=frozenset(data.get("disabled", [])),
            weights={k: int(v) for k, v in data.get("weights", {}).items()},
        )
        rules.config.active()  # refuses unknown rule names
        rules.minimums = [
            MinimumCover(
                int(m["officers"]), m.get("skill"), m.get("rank"),
                tuple(m["tours"]) if "tours" in m else None,
            )
            for m in data.get("minimum", [])
        ]  # fmt: skip
        cover = data.get("cover", {})
        rules.weights = CoverWeights(int(cover.get("under", 100)), int(cover.get("over", 2)))
        rules.tours = data.get("tours")
        rules.roles = tuple(data.get("roles", ROSTERED_ROLES))
        rules.hours_tolerance = float(data.get("hours_tolerance", 10.0))
    except (TypeError, ValueError, KeyError) as error:
        raise ConfigurationError(
            f"{path}: {error}", hint="see the rules file keys in docs/roster.md"
        ) from None
    return rules


@dataclass
class UnitContext:
    force_id: str
    unit_id: str
    timezone: str
    people: list[Person]
    tours: list[ShiftDefinition]


def unit_context(
    database: Database, unit: str, force: str | None, rules: RosterRules
) -> UnitContext:
    scope = resolve_scope(database, force, unit, None)
    force_id = scope.force_ids[0]
    family = set(scope.unit_ids or [])
    with database.read() as connection:
        people = [
            p
            for p in load_records(connection, Person, force_id)
            if p.unit_id in family and str(p.role) in rules.roles and p.kind == "officer"
        ]
        tours = load_records(connection, ShiftDefinition, force_id)
    if rules.tours:
        tours = [d for d in tours if d.code in rules.tours]
    if not people:
        raise NotFoundError(
            f"no officers in roles {', '.join(rules.roles)} in {unit}",
            hint="pick a unit with response officers, or set roles in the rules file",
        )
    if not tours:
        raise NotFoundError(f"no shift definitions for {force_id}", hint="import shifts first")
    people.sort(key=lambda p: p.id)
    return UnitContext(force_id, unit, scope.timezone, people, tours)


def leave_days(
    database: Database, ctx: UnitContext, start: dt.date, end: dt.date
) -> dict[str, set[dt.date]]:
    ids = [p.id for p in ctx.people]
    out: dict[str, set[dt.date]] = defaultdict(set)
    a = t.absences.c
    query = select(a.person_id, a.start, a.end, a.kind).where(
        and_(a.force_id == ctx.force_id, a.person_id.in_(ids), a.status == "approved",
             a.start <= end, a.end >= start)
    )  # fmt: skip
    with database.read() as connection:
        for row in connection.execute(query).mappings():
            if row["kind"] in LEAVE_KINDS_EXCLUDED:
                continue
            day = max(row["start"], start)
            while day <= min(row["end"], end):
                out[row["person_id"]].add(day)
                day += dt.timedelta(days=1)
    return out


def published_roster(
    database: Database, ctx: UnitContext, start: dt.date, days: int
) -> dict[str, dict[int, str | None]]:
    r = t.roster_assignments.c
    end = start + dt.timedelta(days=days - 1)
    ids = [p.id for p in ctx.people]
    query = select(r.person_id, r.date, r.shift_code).where(
        and_(r.force_id == ctx.force_id, r.person_id.in_(ids), r.date >= start, r.date <= end,
             r.status.in_(["published", "worked"]))
    )  # fmt: skip
    out: dict[str, dict[int, str | None]] = defaultdict(dict)
    with database.read() as connection:
        for row in connection.execute(query).mappings():
            out[row["person_id"]][(row["date"] - start).days] = row["shift_code"]
    return dict(out)


def prior_counts(database: Database, ctx: UnitContext, start: dt.date) -> dict[str, dict[str, int]]:
    """Nights and weekend days each officer worked in the 12 weeks before the roster."""
    nights = {d.code for d in ctx.tours if d.is_night}
    r = t.roster_assignments.c
    low = start - dt.timedelta(days=FAIRNESS_LOOKBACK_DAYS)
    query = select(r.person_id, r.date, r.shift_code).where(
        and_(r.force_id == ctx.force_id, r.person_id.in_([p.id for p in ctx.people]),
             r.date >= low, r.date < start, r.shift_code.is_not(None))
    )  # fmt: skip
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"nights": 0, "weekends": 0})
    with database.read() as connection:
        for row in connection.execute(query).mappings():
            counts = out[row["person_id"]]
            counts["nights"] += row["shift_code"] in nights
            counts["weekends"] += row["date"].weekday() >= 5
    if not out:
        return {}
    # only differences matter for fairness: count from the least loaded officer
    least = {k: min(c[k] for c in out.values()) for k in ("nights", "weekends")}
    return {p: {k: c[k] - least[k] for k in c} for p, c in out.items()}


def requests(database: Database, ctx: UnitContext, start: dt.date, days: int) -> list[Request]:
    q = t.roster_requests.c
    end = start + dt.timedelta(days=days - 1)
    query = select(q.person_id, q.date, q.shift_code, q.wants, q.weight).where(
        and_(q.force_id == ctx.force_id, q.person_id.in_([p.id for p in ctx.people]),
             q.date >= start, q.date <= end)
    )  # fmt: skip
    with database.read() as connection:
        return [
            Request(row["person_id"], (row["date"] - start).days, row["shift_code"],
                    int(row["weight"]), on=row["wants"] == "work")
            for row in connection.execute(query).mappings()
            if row["wants"] == "off" or row["shift_code"] is not None
        ]  # fmt: skip


def unit_spec(
    database: Database,
    ctx: UnitContext,
    start: dt.date,
    weeks: int,
    need: list[float],
    rules: RosterRules,
) -> UnitRosterSpec:
    days = weeks * 7
    end = start + dt.timedelta(days=days - 1)
    return UnitRosterSpec(
        start_date=start,
        weeks=weeks,
        tours=ctx.tours,
        people=ctx.people,
        requirement_by_hour_of_week=need,
        leave=leave_days(database, ctx, start, end),
        minimums=rules.minimums,
        requests=requests(database, ctx, start, days),
        published=published_roster(database, ctx, start, days),
        prior_counts=prior_counts(database, ctx, start),
        settings=rules.settings,
        weights=rules.weights,
        hours_tolerance=rules.hours_tolerance,
    )
