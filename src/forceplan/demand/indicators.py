"""The indicator catalogue (docs/indicators.md), each a function of standard frames.

Every function takes Polars LazyFrames in the standard's columns and returns a DataFrame, so the
same code runs on the store and on Parquet history.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from forceplan.demand.frames import HOURS_PER_WEEK

BREAKDOWNS = ("hour_of_week", "day", "month", "category", "grade", "channel")


def demand_by(incidents: pl.LazyFrame, by: str, keys: Sequence[str] = ()) -> pl.DataFrame:
    """D1-D6: incidents and officer-hours by one breakdown (within each of ``keys``, e.g.
    ``("force_id",)`` for every force of a region in one pass)."""
    return (incidents.group_by(*keys, by).agg(pl.len().alias("incidents"),
                                              pl.col("officer_hours").sum().round(1))
            .sort(*keys, by).collect())


def demand_rates(incidents: pl.LazyFrame, population: int | None,
                 officers_fte: float | None) -> dict[str, float | None]:
    """D7-D8: incidents per 1,000 population and per officer FTE, over the period."""
    totals = incidents.select(pl.len().alias("n"), pl.col("day").min().alias("first"),
                              pl.col("day").max().alias("last")).collect().row(0, named=True)
    days = ((totals["last"] - totals["first"]).days + 1) if totals["first"] else 0
    n = totals["n"]
    return {
        "incidents": n, "days": days,
        "per_1000_population": round(1000 * n / population, 2) if population else None,
        "per_1000_population_per_year": round(1000 * n / population * 365.25 / days, 2)
        if population and days else None,
        "per_officer_fte": round(n / officers_fte, 2) if officers_fte else None,
    }


def attendance(incidents: pl.LazyFrame, keys: Sequence[str] = ()) -> pl.DataFrame:
    """S1-S4: by grade, share attended within target, median and 90th percentile response
    minutes (attended incidents only), and unattended demand (grades 1-3 with no arrival)."""
    minutes = (pl.col("first_arrival_at") - pl.col("received_at")).dt.total_seconds() / 60
    within = minutes <= pl.col("attendance_target_minutes")
    return (incidents.group_by(*keys, "grade").agg(
        pl.len().alias("incidents"),
        pl.col("first_arrival_at").is_not_null().sum().alias("attended"),
        (pl.col("first_arrival_at").is_null() & (pl.col("grade") < 4)).sum().alias(
            "unattended"),
        pl.when(pl.col("attendance_target_minutes").is_not_null().sum() > 0)
        .then(within.sum() / pl.col("attendance_target_minutes").is_not_null().sum())
        .round(4).alias("within_target_share"),
        minutes.median().round(1).alias("median_response_minutes"),
        minutes.quantile(0.9, interpolation="linear").round(1).alias("p90_response_minutes"),
    ).sort(*keys, "grade").collect())


def busy_by_hour_of_week(incidents: pl.LazyFrame, timezone: str, weeks: float,
                         keys: Sequence[str] = ()) -> pl.DataFrame:
    """B1: average officers busy on incidents in each hour of the week.

    Each incident's officer-hours are spread evenly over the clock hours from first arrival
    (received, if no arrival) to clear (capped at 24 h), in local time.
    """
    start = pl.coalesce("first_arrival_at", "received_at")
    end = pl.coalesce("cleared_at", start + pl.duration(hours=1))
    hour0 = start.dt.truncate("1h")
    spans = incidents.filter(pl.col("officer_hours") > 0).select(
        *keys, pl.col("officer_hours"), hour0.alias("h0"),
        ((end - hour0).dt.total_seconds() / 3600).ceil().clip(1, 24).cast(pl.Int64)
        .alias("n"))
    # Local hour of week of the first hour, once per incident; later hours step on from it
    # (a tour across a clock change is off by an hour for that one night: accepted).
    first = pl.col("h0").dt.convert_time_zone(timezone)
    exploded = spans.with_columns(
        how0=(first.dt.weekday().cast(pl.Int32) - 1) * 24 + first.dt.hour().cast(pl.Int32),
        share=pl.col("officer_hours") / pl.col("n"),
    ).with_columns(k=pl.int_ranges(0, "n")).explode("k")
    result = (exploded.group_by(*keys, ((pl.col("how0") + pl.col("k")) % HOURS_PER_WEEK)
                                .cast(pl.Int32).alias("hour_of_week"))
              .agg((pl.col("share").sum() / max(weeks, 1e-9)).round(2).alias("officers_busy"))
              .collect())
    return result.pipe(_all_hours, "officers_busy") if not keys else result.sort(
        *keys, "hour_of_week")


def _all_hours(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    hours = pl.DataFrame({"hour_of_week": pl.int_range(0, HOURS_PER_WEEK, eager=True)
                          .cast(pl.Int32)})
    return hours.join(frame.with_columns(pl.col("hour_of_week").cast(pl.Int32)),
                      on="hour_of_week", how="left").with_columns(pl.col(column).fill_null(0.0))


def on_duty_by_hour_of_week(tours: pl.LazyFrame, timezone: str, weeks: float) -> pl.DataFrame:
    """C1: average officers on duty (rostered tours worked, absences already taken out) in each
    hour of the week. ``tours`` has ``start`` (UTC) and ``hours`` per tour."""
    spans = tours.select(pl.col("start").dt.truncate("1h").alias("h0"),
                         pl.col("hours").ceil().cast(pl.Int64).alias("n"))
    exploded = spans.with_columns(k=pl.int_ranges(0, "n")).explode("k").with_columns(
        local=(pl.col("h0") + pl.duration(hours="k")).dt.convert_time_zone(timezone))
    return (exploded.group_by(
        ((pl.col("local").dt.weekday().cast(pl.Int32) - 1) * 24
         + pl.col("local").dt.hour().cast(pl.Int32)).alias("hour_of_week"))
        .agg((pl.len() / max(weeks, 1e-9)).round(2).alias("officers_on_duty"))
        .collect().pipe(_all_hours, "officers_on_duty"))


def balance(busy: pl.DataFrame, on_duty: pl.DataFrame, tipping_point: float) -> pl.DataFrame:
    """B2: demand / capacity by hour of the week, and the hours past the tipping point."""
    joined = busy.join(on_duty, on="hour_of_week", how="full", coalesce=True).with_columns(
        pl.col("hour_of_week").cast(pl.Int32),
        pl.col("officers_busy", "officers_on_duty").fill_null(0.0))
    return joined.with_columns(
        ratio=pl.when(pl.col("officers_on_duty") > 0)
        .then(pl.col("officers_busy") / pl.col("officers_on_duty")).round(3),
        past_tipping_point=pl.col("officers_busy")
        > tipping_point * pl.col("officers_on_duty"),
    ).sort("hour_of_week")


def abstraction_rates(rostered_hours: float, absences: pl.DataFrame) -> pl.DataFrame:
    """C2: hours lost to each kind of absence as a share of rostered hours. ``absences`` has
    ``kind`` and ``hours`` (rostered hours that the absence removed)."""
    lost = absences.group_by("kind").agg(pl.col("hours").sum().round(1).alias("hours_lost"))
    return lost.with_columns(
        rate=(pl.col("hours_lost") / rostered_hours).round(4) if rostered_hours else pl.lit(None)
    ).sort("hours_lost", descending=True)


def displaced_demand(incidents: pl.LazyFrame, cost_per_officer_hour: float,
                     keys: Sequence[str] = ()) -> pl.DataFrame:
    """X1: incidents, officer-hours and cost of demand attributed to partner agencies, by
    agency and month. Cost is the incidents' ``officer_cost`` (by rank, from deployments) when
    present, else officer-hours × ``cost_per_officer_hour``."""
    names = incidents.collect_schema().names()
    cost = (pl.col("officer_cost").sum() if "officer_cost" in names
            else pl.col("officer_hours").sum() * cost_per_officer_hour)
    return (incidents.filter(pl.col("attributed_agency").is_not_null())
            .group_by(*keys, "attributed_agency", "month").agg(
                pl.len().alias("incidents"),
                pl.col("officer_hours").sum().round(1).alias("officer_hours"),
                cost.round(0).alias("cost"))
            .sort(*keys, "attributed_agency", "month").collect())


def repeat_demand_table(incidents: pl.LazyFrame, key: str, threshold: int,
                        keys: Sequence[str] = ()) -> pl.DataFrame:
    """X2-X3 within each of ``keys``: callers or locations with at least ``threshold``
    incidents, their incidents and officer-hours, and their share of incidents with a key."""
    per = (incidents.filter(pl.col(key).is_not_null()).group_by(*keys, key)
           .agg(pl.len().alias("n"), pl.col("officer_hours").sum().alias("h")))
    repeat = pl.col("n") >= threshold
    if not keys:
        per = per.with_columns(_all=pl.lit(0))
    table = per.group_by(*(keys or ["_all"])).agg(
        repeat.sum().alias("keys"),
        pl.col("n").filter(repeat).sum().alias("incidents"),
        pl.col("h").filter(repeat).sum().round(1).alias("officer_hours"),
        (pl.col("n").filter(repeat).sum() / pl.col("n").sum()).round(4)
        .alias("share_of_keyed_incidents"),
    ).collect()
    return table.drop("_all") if not keys else table.sort(*keys)


def repeat_demand(incidents: pl.LazyFrame, key: str, threshold: int) -> dict[str, float]:
    """X2-X3 for the whole scope, as figures."""
    table = repeat_demand_table(incidents, key, threshold)
    if table.height == 0:
        return {"keys": 0, "incidents": 0, "officer_hours": 0.0,
                "share_of_keyed_incidents": 0.0}
    row = table.row(0, named=True)
    return {"keys": int(row["keys"]), "incidents": int(row["incidents"]),
            "officer_hours": float(row["officer_hours"] or 0.0),
            "share_of_keyed_incidents": float(row["share_of_keyed_incidents"] or 0.0)}
