"""Common preparation of incident frames for the indicators (see docs/indicators.md)."""

from __future__ import annotations

import polars as pl

HOURS_PER_WEEK = 168
#: Cap on the time on task credited to one officer for one incident (outliers are flagged by
#: the quality report; a day is the most an indicator will count).
MAX_ON_TASK_HOURS = 24.0


def with_local_time(incidents: pl.LazyFrame, timezone: str) -> pl.LazyFrame:
    """Adds local ``day``, ``month`` (YYYY-MM), ``hour`` and ``hour_of_week`` (Monday 00:00 = 0).

    The local wall-clock time is worked out once (time-zone rules are the costly part) and the
    fields are read from it.
    """
    wall = pl.col("_wall")
    hour = wall.dt.hour().cast(pl.Int32)
    return incidents.with_columns(
        _wall=pl.col("received_at").dt.convert_time_zone(timezone).dt.replace_time_zone(None)
    ).with_columns(
        day=wall.dt.date(),
        month=pl.concat_str([wall.dt.year().cast(pl.String), pl.lit("-"),
                             wall.dt.month().cast(pl.String).str.zfill(2)]),
        hour=hour,
        hour_of_week=(wall.dt.weekday().cast(pl.Int32) - 1) * 24 + hour,
    ).drop("_wall")


def with_officer_hours(incidents: pl.LazyFrame, deployments: pl.LazyFrame | None = None,
                       cost_per_hour: float = 0.0) -> pl.LazyFrame:
    """Adds ``officer_hours``, ``officer_hours_rule`` and ``officer_cost`` to each incident.

    Cost: deployment hours × the hourly cost of each officer's rank where deployments carry a
    ``cost_per_hour`` column, else officer-hours × ``cost_per_hour``.

    Rule (in order): the sum over its deployments of cleared − arrived (dispatched when the
    arrival is missing); else (cleared − first arrival) × officers deployed; else the median time
    on task of its category × officers deployed (``imputed``). Grade 4 and incidents with no
    officer deployed count zero. Each officer's time is capped at 24 hours.
    """
    scene = ((pl.col("cleared_at") - pl.col("first_arrival_at")).dt.total_seconds() / 3600)
    scene = pl.when(scene >= 0).then(scene.clip(0, MAX_ON_TASK_HOURS))
    frame = incidents.with_columns(_scene_hours=scene).with_columns(
        _median_hours=pl.col("_scene_hours").median().over("force_id", "category"))
    officers = pl.col("officers_deployed").cast(pl.Float64)
    estimate = (pl.when(pl.col("_scene_hours").is_not_null())
                .then(pl.col("_scene_hours") * officers)
                .otherwise(pl.col("_median_hours").fill_null(0.0) * officers))
    rule = (pl.when(officers == 0).then(pl.lit("none"))
            .when(pl.col("_scene_hours").is_not_null()).then(pl.lit("incident"))
            .otherwise(pl.lit("imputed")))
    if deployments is not None:
        start = pl.coalesce("arrived_at", "dispatched_at")
        rate = (pl.col("cost_per_hour") if "cost_per_hour" in deployments.collect_schema()
                .names() else pl.lit(cost_per_hour)).fill_null(cost_per_hour)
        per = deployments.select(
            pl.col("force_id"), pl.col("incident_id").alias("id"),
            ((pl.col("cleared_at") - start).dt.total_seconds() / 3600)
            .clip(0, MAX_ON_TASK_HOURS).alias("_hours"), rate.alias("_rate"),
        ).group_by("force_id", "id").agg(
            pl.col("_hours").sum().alias("_deployed_hours"),
            (pl.col("_hours") * pl.col("_rate")).sum().alias("_deployed_cost"))
        frame = frame.join(per, on=["force_id", "id"], how="left")
        estimate = pl.coalesce("_deployed_hours", estimate)
        rule = pl.when(pl.col("_deployed_hours").is_not_null()).then(
            pl.lit("deployments")).otherwise(rule)
    frame = frame.with_columns(
        officer_hours=pl.when(officers == 0).then(0.0).otherwise(estimate),
        officer_hours_rule=rule,
    )
    cost = pl.col("officer_hours") * cost_per_hour
    if deployments is not None:
        cost = pl.coalesce("_deployed_cost", cost)
    return frame.with_columns(officer_cost=cost).drop(
        ["_scene_hours", "_median_hours",
         *(["_deployed_hours", "_deployed_cost"] if deployments is not None else [])])
