"""Indicators of demand and capacity for a force, a unit, or a region of forces."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy import select

from forceplan.demand import indicators as ind
from forceplan.demand.disclosure import DEFAULT_THRESHOLD, suppress, suppress_total
from forceplan.demand.frames import with_local_time, with_officer_hours
from forceplan.errors import ConfigurationError, NotFoundError
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import read_frame

#: Default cost of an officer-hour (£): constable pay, on-costs and overheads; configurable.
DEFAULT_COST_PER_OFFICER_HOUR = 52.0
#: Hourly cost by rank (£, pay with on-costs and overheads, 2025/26 scales, rounded);
#: override with a costs file. Police staff and unknown ranks use the default.
DEFAULT_COST_BY_RANK = {
    "constable": 52.0, "sergeant": 66.0, "inspector": 78.0, "chief_inspector": 88.0,
    "superintendent": 110.0, "chief_superintendent": 125.0,
}
RESPONDING_ROLES = ("response", "neighbourhood")


@dataclass
class Scope:
    force_ids: list[str]
    timezone: str
    label: str
    population: int | None
    unit_ids: list[str] | None = None  # incident areas and their teams
    shared: bool = False  # leaves the force: aggregates only, small counts suppressed


@dataclass
class IndicatorReport:
    scope: str
    period: tuple[str, str]
    shared: bool
    threshold: int
    summary: dict[str, Any]
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)


def load_regions(path: Path) -> dict[str, list[str]]:
    """A regions file: ``[regions]`` then ``"North East" = ["CLE", "DUR", "NOR"]``."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        regions = data["regions"]
        return {str(k): [str(f) for f in v] for k, v in regions.items()}
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigurationError(
            f"cannot read regions from {path}: {exc}",
            hint='write a [regions] table: "North East" = ["CLE", "DUR", "NOR"]') from exc


def load_costs(path: Path) -> dict[str, float]:
    """A costs file: ``[cost_per_hour]`` then ``constable = 52.0`` and so on, by rank."""
    import tomllib

    from forceplan.standard import Rank

    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))["cost_per_hour"]
        costs = {str(k): float(v) for k, v in table.items()}
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError,
            AttributeError) as exc:
        raise ConfigurationError(f"cannot read costs from {path}: {exc}",
                                 hint="write a [cost_per_hour] table: constable = 52.0") from exc
    unknown = sorted(set(costs) - {r.value for r in Rank})
    if unknown:
        raise ConfigurationError(f"{path}: unknown rank(s) {', '.join(unknown)}",
                                 hint=f"ranks: {', '.join(r.value for r in Rank)}")
    return costs


def resolve_scope(database: Database, force: str | None, unit: str | None,
                  group: str | None, regions: dict[str, list[str]] | None = None) -> Scope:
    """Who the indicators are for. A region is a named list of forces: from ``regions`` when
    given, else every force whose ``Force.region`` is that name."""
    with database.read() as connection:
        forces = connection.execute(select(t.forces)).mappings().all()
        if not forces:
            raise NotFoundError("the store holds no force", hint="run forceplan demo-data or "
                                "import data first")
        if group:
            members = (regions or {}).get(group)
            chosen = [f for f in forces if (f["id"] in members if members is not None
                                            else f["region"] == group)]
            if not chosen:
                known = sorted(set(regions or {}) | {f["region"] for f in forces if f["region"]})
                raise NotFoundError(f"no forces held for region {group!r}",
                                    hint=f"regions: {', '.join(known) or 'none'}")
            population = sum(f["population"] or 0 for f in chosen) or None
            return Scope([f["id"] for f in chosen], chosen[0]["timezone"], f"region {group}",
                         population, shared=True)
        chosen = [f for f in forces if force in (None, f["id"])]
        if not chosen:
            raise NotFoundError(f"no force {force!r}",
                                hint=f"forces held: {', '.join(f['id'] for f in forces)}")
        if force is None and len(chosen) > 1:
            raise NotFoundError("the store holds several forces: say which",
                                hint=f"--force one of {', '.join(f['id'] for f in chosen)}, "
                                "or --group REGION")
        the = chosen[0]
        if unit is None:
            return Scope([the["id"]], the["timezone"], the["name"], the["population"])
        units = connection.execute(select(t.units).where(t.units.c.force_id == the["id"])
                                   ).mappings().all()
    known = {u["id"]: u for u in units}
    if unit not in known:
        raise NotFoundError(f"no unit {unit!r} in {the['id']}",
                            hint=f"units: {', '.join(sorted(known))}")
    family = {unit} | {u for u in known if _descends(u, unit, known)}
    return Scope([the["id"]], the["timezone"], f"{the['name']}: {known[unit]['name']}",
                 known[unit]["population"], unit_ids=sorted(family))


def _descends(unit: str, ancestor: str, units: dict) -> bool:
    parent = units[unit]["parent_id"]
    seen = set()
    while parent and parent not in seen:
        if parent == ancestor:
            return True
        seen.add(parent)
        parent = units.get(parent, {}).get("parent_id")
    return False


def utc_period(start: dt.date | None, end: dt.date | None, timezone: str) -> tuple[dt.datetime,
                                                                                dt.datetime]:
    zone = ZoneInfo(timezone)
    low = dt.datetime.combine(start or dt.date(1900, 1, 1), dt.time(), zone)
    high = dt.datetime.combine((end or dt.date(2999, 12, 30)) + dt.timedelta(days=1),
                               dt.time(), zone)
    return low.astimezone(dt.UTC), high.astimezone(dt.UTC)


def load_deployments(database: Database, scope: Scope, low: dt.datetime, high: dt.datetime,
                     cost_by_rank: dict[str, float]) -> pl.LazyFrame:
    """Deployments in the period with each officer's hourly cost by rank."""
    d, p = t.deployments, t.people
    with database.read() as connection:
        deployments = read_frame(connection, d, d.c.force_id.in_(scope.force_ids),
                                 d.c.dispatched_at >= low, d.c.dispatched_at < high
                                 + dt.timedelta(days=2))
        ranks = read_frame(connection, p, p.c.force_id.in_(scope.force_ids),
                           columns=["force_id", "id", "rank"])
    rates = ranks.select("force_id", pl.col("id").alias("person_id"),
                         pl.col("rank").replace_strict(cost_by_rank, default=None,
                                                       return_dtype=pl.Float64)
                         .alias("cost_per_hour"))
    return deployments.join(rates, on=["force_id", "person_id"], how="left").lazy()


def load_incidents(database: Database, scope: Scope, low: dt.datetime,
                   high: dt.datetime, parquet: Path | None = None) -> pl.LazyFrame:
    """Incidents of the scope and period, from the store or from Parquet history."""
    if parquet is not None:
        frame = pl.scan_parquet(parquet / "**" / "*.parquet", hive_partitioning=True)
        frame = frame.filter(pl.col("force_id").is_in(scope.force_ids),
                             pl.col("received_at") >= low, pl.col("received_at") < high)
    else:
        i = t.incidents
        with database.read() as connection:
            frame = read_frame(connection, i, i.c.force_id.in_(scope.force_ids),
                               i.c.received_at >= low, i.c.received_at < high).lazy()
    if scope.unit_ids:
        frame = frame.filter(pl.col("unit_id").is_in(scope.unit_ids))
    return frame


def worked_tours(database: Database, scope: Scope, low: dt.datetime, high: dt.datetime
           ) -> tuple[pl.LazyFrame, pl.DataFrame, float]:
    """Worked tours of responding officers (start UTC, hours), hours lost to absences by kind,
    and the officers' total FTE."""
    with database.read() as connection:
        people = read_frame(connection, t.people, t.people.c.force_id.in_(scope.force_ids),
                            columns=["force_id", "id", "role", "kind", "unit_id",
                                     "contracted_hours_per_week"])
        shifts = read_frame(connection, t.shift_definitions,
                            t.shift_definitions.c.force_id.in_(scope.force_ids))
        r = t.roster_assignments
        roster = read_frame(connection, r, r.c.force_id.in_(scope.force_ids),
                            r.c.date >= (low - dt.timedelta(days=1)).date(),
                            r.c.date <= high.date(), r.c.shift_code.is_not(None),
                            columns=["force_id", "person_id", "date", "shift_code", "status"])
        a = t.absences
        absences = read_frame(connection, a, a.c.force_id.in_(scope.force_ids),
                              columns=["force_id", "person_id", "kind", "start", "end"])
    officers = people.filter(pl.col("kind") == "officer")
    if scope.unit_ids:
        officers = officers.filter(pl.col("unit_id").is_in(scope.unit_ids))
    fte = float(officers["contracted_hours_per_week"].sum() or 0) / 40
    responders = officers.filter(pl.col("role").is_in(RESPONDING_ROLES)).select(
        "force_id", pl.col("id").alias("person_id"))
    start = (pl.col("date").cast(pl.Datetime("us")) + pl.duration(
        minutes=pl.col("start").dt.hour().cast(pl.Int64) * 60 + pl.col("start").dt.minute()
    )).dt.replace_time_zone(scope.timezone, ambiguous="earliest", non_existent="null")
    tours = (roster.join(responders, on=["force_id", "person_id"])
             .join(shifts.select("force_id", pl.col("code").alias("shift_code"), "start",
                                 "length_minutes"), on=["force_id", "shift_code"])
             .with_columns(start=start.dt.convert_time_zone("UTC"),
                           hours=pl.col("length_minutes") / 60)
             .filter(pl.col("start") >= low, pl.col("start") < high))
    lost = (tours.filter(pl.col("status") == "cancelled")
            .join(absences.rename({"start": "absence_start", "end": "absence_end"}),
                  on=["force_id", "person_id"])
            .filter(pl.col("date") >= pl.col("absence_start"),
                    pl.col("date") <= pl.col("absence_end"))
            .unique(["person_id", "date"]).select("kind", "hours"))
    rostered = float(tours.filter(pl.col("status").is_in(["worked", "cancelled"]))["hours"].sum())
    worked = tours.filter(pl.col("status") == "worked").select("start", "hours")
    return worked.lazy(), ind.abstraction_rates(rostered, lost).with_columns(
        rostered_hours=pl.lit(round(rostered, 1))), fte


def compute_indicators(
    database: Database, *, force: str | None = None, unit: str | None = None,
    group: str | None = None, start: dt.date | None = None, end: dt.date | None = None,
    parquet: Path | None = None, threshold: int = DEFAULT_THRESHOLD,
    tipping_point: float = 0.8, cost_per_officer_hour: float = DEFAULT_COST_PER_OFFICER_HOUR,
    repeat_threshold: int = 3, regions: dict[str, list[str]] | None = None,
    cost_by_rank: dict[str, float] | None = None,
) -> IndicatorReport:
    """Every indicator of docs/indicators.md for one scope and period."""
    database.require_current()
    scope = resolve_scope(database, force, unit, group, regions)
    low, high = utc_period(start, end, scope.timezone)
    rates = {**DEFAULT_COST_BY_RANK, **(cost_by_rank or {})}
    deployments = load_deployments(database, scope, low, high, rates)
    incidents = with_officer_hours(with_local_time(
        load_incidents(database, scope, low, high, parquet), scope.timezone),
        deployments, cost_per_officer_hour)
    incidents = incidents.collect().lazy()  # computed once, used by every indicator
    span = incidents.select(pl.col("received_at").min().alias("a"),
                            pl.col("received_at").max().alias("b")).collect().row(0)
    if span[0] is None:
        raise NotFoundError(f"no incidents for {scope.label} in the period",
                            hint="check --from/--to, --unit or the data imported")
    first = max(low, span[0])
    last = min(high, span[1] + dt.timedelta(seconds=1))
    weeks = (last - first).total_seconds() / (7 * 86400)
    tours, abstractions, fte = worked_tours(database, scope, first, last)
    tables = {f"demand_by_{b}": ind.demand_by(incidents, b) for b in ind.BREAKDOWNS}
    tables["attendance_by_grade"] = ind.attendance(incidents)
    busy = ind.busy_by_hour_of_week(incidents, scope.timezone, weeks)
    on_duty = ind.on_duty_by_hour_of_week(tours, scope.timezone, weeks)
    tables["balance_by_hour_of_week"] = ind.balance(busy, on_duty, tipping_point)
    tables["abstraction_rates"] = abstractions
    tables["displaced_demand"] = ind.displaced_demand(incidents, cost_per_officer_hour)
    rules = incidents.group_by("officer_hours_rule").len().collect()
    summary = {
        **ind.demand_rates(incidents, scope.population, fte or None),
        "officer_hours": round(float(incidents.select(pl.col("officer_hours").sum())
                                     .collect().item()), 1),
        "officer_hours_rule": dict(rules.iter_rows()),
        "officers_fte": round(fte, 1),
        "weeks": round(weeks, 2),
        "hours_past_tipping_point": int(tables["balance_by_hour_of_week"]
                                        ["past_tipping_point"].sum()),
        "tipping_point": tipping_point,
        "repeat_callers": ind.repeat_demand(incidents, "caller_key", repeat_threshold),
        "repeat_locations": ind.repeat_demand(incidents, "location_key", repeat_threshold),
        "cost_per_officer_hour": cost_per_officer_hour,
    }
    zone = ZoneInfo(scope.timezone)
    period = (first.astimezone(zone).date().isoformat(),
              (last - dt.timedelta(seconds=1)).astimezone(zone).date().isoformat())
    report = IndicatorReport(scope.label, period, scope.shared, threshold, summary, tables)
    return protect(report) if scope.shared else report


def protect(report: IndicatorReport) -> IndicatorReport:
    """Aggregates only, small counts withheld (docs/indicators.md, Disclosure control)."""
    threshold = report.threshold
    for name, table in list(report.tables.items()):
        if name.startswith("demand_by_"):
            report.tables[name] = suppress(table, "incidents", dependent=["officer_hours"],
                                           threshold=threshold)
        elif name == "attendance_by_grade":
            report.tables[name] = suppress(
                table, "incidents", threshold=threshold,
                dependent=["attended", "unattended", "within_target_share",
                           "median_response_minutes", "p90_response_minutes"])
        elif name == "displaced_demand":
            report.tables[name] = suppress(
                table, "incidents", lines=(("attributed_agency",), ("month",)),
                dependent=["officer_hours", "cost"], threshold=threshold)
    for key in ("repeat_callers", "repeat_locations"):
        counts = report.summary[key]
        if (counts["keys"] or 0) < threshold:
            report.summary[key] = {k: None for k in counts}
    report.summary["incidents"] = suppress_total(report.summary["incidents"], threshold)
    return report
