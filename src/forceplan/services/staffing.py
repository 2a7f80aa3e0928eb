"""Use case: the staffing requirement of a force or unit from its recorded demand.

Arrival rates by hour of the week, grade and category, time on task and officers per incident
come from the incidents of the period (officer-hours by the rule of docs/indicators.md, W1);
abstraction rates and the officers actually on duty come from the worked tours of the same
period (as the indicators count them), so the requirement sits beside what the roster
delivers now.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from forceplan.demand.frames import with_local_time, with_officer_hours
from forceplan.demand.indicators import on_duty_by_hour_of_week
from forceplan.errors import ConfigurationError, NotFoundError
from forceplan.services.indicators import (
    load_incidents,
    resolve_scope,
    utc_period,
    worked_tours,
)
from forceplan.staffing.requirement import (
    GradeTarget,
    StaffingRules,
    establishment_fte,
    lognormal_quantiles,
    requirement_by_hour,
)
from forceplan.store import Database


@dataclass(frozen=True)
class StaffingPolicy:
    rules: StaffingRules = field(default_factory=StaffingRules)
    double_crewed: tuple[str, ...] = ()  # categories always sent two officers
    skills: dict[str, tuple[str, ...]] = field(default_factory=dict)  # skill → categories


@dataclass
class StaffingReport:
    scope: str
    period: tuple[str, str]
    by_hour: pl.DataFrame  # hour_of_week, need, on duty now, gap, shares
    by_skill: pl.DataFrame  # skill, hour_of_week, skilled_officers_needed
    summary: dict

    def furthest_short(self, hours: int = 10) -> pl.DataFrame:
        """The hours of the week where the roster falls furthest below the need."""
        return self.by_hour.sort("gap").head(hours).select(
            "hour_of_week", pl.col("arrivals_per_hour").round(2),
            pl.col("busy_officers").round(1), "officers_needed",
            pl.col("on_duty_now").round(1), pl.col("gap").round(1))


def load_policy(path: Path | None) -> StaffingPolicy:
    """Targets, travel, allowances, crewing and skills from a TOML file (docs/staffing.md)."""
    if path is None:
        return StaffingPolicy()
    try:
        data = tomllib.loads(path.read_text())
        rules = StaffingRules()
        if "targets" in data:
            rules = replace(rules, targets=tuple(
                GradeTarget(int(t["grade"]), float(t["minutes"]), float(t.get("share", 0.9)))
                for t in data["targets"]))
        if travel := data.get("travel"):
            rules = replace(rules, travel_minutes=tuple(
                travel["minutes"] if "minutes" in travel else lognormal_quantiles(
                    float(travel["median_minutes"]), float(travel.get("spread", 0.35)))))
        if allow := data.get("allowances"):
            rules = replace(
                rules, proactive_share=float(allow.get("proactive_share",
                                                       rules.proactive_share)),
                admin_share=float(allow.get("admin_minutes_per_hour",
                                            rules.admin_share * 60)) / 60,
                break_share=float(allow.get("break_minutes_per_tour", 45))
                / (60 * float(allow.get("tour_hours", 10))))
        crewing = tuple(data.get("crewing", {}).get("double", ()))
        skills = {k: tuple(v) for k, v in data.get("skills", {}).items()}
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"{path}: cannot read the staffing targets: {exc}",
                                 hint="see docs/staffing.md for the file's keys") from None
    return StaffingPolicy(rules, crewing, skills)


def demand_arrivals(database: Database, force: str | None, unit: str | None,
                    start: dt.date | None, end: dt.date | None,
                    policy: StaffingPolicy) -> tuple[pl.DataFrame, float, tuple]:
    """Mean arrivals per hour of the week by grade and category (grades 1-3: grade 4 is not
    deployed), with time on task and officers per incident; the weeks observed; and the first
    and last incident received."""
    scope = resolve_scope(database, force, unit, None)
    low, high = utc_period(start, end, scope.timezone)
    incidents = with_officer_hours(with_local_time(
        load_incidents(database, scope, low, high), scope.timezone)).collect()
    if incidents.height == 0:
        raise NotFoundError(f"no incidents for {scope.label} in the period",
                            hint="check --from/--to, --unit or the data imported")
    span = incidents.select(first=pl.col("received_at").min(),
                            last=pl.col("received_at").max()).row(0)
    weeks = max((span[1] - span[0]).total_seconds() / (7 * 86400), 1 / 7)
    sent = incidents.filter((pl.col("grade") < 4) & (pl.col("officers_deployed") > 0))
    per_category = sent.group_by("category").agg(
        task_hours=pl.col("officer_hours").sum() / pl.col("officers_deployed").sum(),
        officers=pl.col("officers_deployed").mean())
    per_category = per_category.with_columns(
        officers=pl.when(pl.col("category").is_in(list(policy.double_crewed)))
        .then(pl.max_horizontal("officers", 2.0)).otherwise("officers"))
    counts = (sent.group_by("hour_of_week", "grade", "category").len()
              .with_columns(per_hour=pl.col("len") / weeks).drop("len"))
    return counts.join(per_category, on="category"), weeks, span


def staffing_requirement(database: Database, force: str | None = None,
                         unit: str | None = None, start: dt.date | None = None,
                         end: dt.date | None = None, policy: StaffingPolicy = StaffingPolicy()
                         ) -> StaffingReport:
    """Officers needed on duty by hour of the week, the establishment that delivers them, and
    how the current roster compares."""
    arrivals, weeks, span = demand_arrivals(database, force, unit, start, end, policy)
    need = requirement_by_hour(arrivals, policy.rules)
    scope = resolve_scope(database, force, unit, None)
    low, high = utc_period(start, end, scope.timezone)
    first, last = max(low, span[0]), min(high, span[1] + dt.timedelta(seconds=1))
    tours, rates, officers_fte = worked_tours(database, scope, first, last)
    abstraction = float(rates["rate"].sum() or 0.0) if rates.height else 0.0
    on_duty = on_duty_by_hour_of_week(tours, scope.timezone, (last - first).total_seconds()
                                      / (7 * 86400)).select(
        "hour_of_week", on_duty_now=pl.col("officers_on_duty"))
    by_hour = (need.join(on_duty.with_columns(pl.col("hour_of_week").cast(pl.Int64)),
                         on="hour_of_week", how="left")
               .with_columns(gap=pl.col("on_duty_now") - pl.col("officers_needed")))
    skills = []
    for skill, categories in policy.skills.items():
        subset = arrivals.filter(pl.col("category").is_in(list(categories)))
        if subset.height:
            skilled = requirement_by_hour(subset, policy.rules).select(
                "hour_of_week", skilled_officers_needed="crews_needed")
            skills.append(skilled.with_columns(skill=pl.lit(skill)))
    fte = establishment_fte(need, min(abstraction, 0.95), policy.rules)
    summary = {
        "weeks_of_demand": round(weeks, 1),
        "peak_officers_needed": int(need["officers_needed"].max()),
        "least_officers_needed": int(need["officers_needed"].min()),
        "officer_hours_needed_a_week": int(need["officers_needed"].sum()),
        "abstraction_rate": round(abstraction, 4),
        "establishment_fte_needed": round(fte, 1),
        "officers_fte_now": round(officers_fte, 1),
        "hours_short": int((by_hour["gap"] < 0).sum()),
        "officer_hours_short_a_week": round(float(by_hour.filter(pl.col("gap") < 0)["gap"]
                                                  .sum() * -1), 1),
    }
    zone = ZoneInfo(scope.timezone)
    period = (first.astimezone(zone).date().isoformat(),
              (last - dt.timedelta(seconds=1)).astimezone(zone).date().isoformat())
    return StaffingReport(scope.label, period, by_hour,
                          pl.concat(skills) if skills else pl.DataFrame(), summary)
