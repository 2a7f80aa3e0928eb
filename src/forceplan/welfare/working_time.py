"""Working-time monitor: the Working Time Regulations 1998 and HSE shift-design limits, checked
on hours actually worked (or on any roster).

Rules (defaults in ``WorkingTimeRules``, cited in docs/rules.md):
- reg. 4: at most 48 hours a week on average over a rolling 17-week reference period. Days of
  leave and sickness are taken out of the reference period (reg. 4(6) replaces them with days
  after it; leaving them out of the denominator is the same average without looking ahead);
- reg. 10: 11 consecutive hours' rest in each 24 hours (between the end of one tour and the
  start of the next);
- reg. 11: 24 hours' uninterrupted rest in each 7-day period, or (the employer's choice)
  two 24-hour rests or one 48-hour rest in each 14 days. Weeks start on Monday 00:00 unless set;
- reg. 6: a night worker's normal hours average at most 8 in each 24 over the reference period;
  a night worker here is someone whose tours are at least a third night tours (at least 3
  hours between 23:00 and 06:00);
- HSE good practice (HSG256): at most ``max_consecutive_days`` working days and
  ``max_consecutive_nights`` nights in a row; tours at most ``max_tour_hours`` long.

Tours are ``person_id``, ``start``, ``end`` (datetimes; time-zone-aware instants give exact
hours across the clock changes; clock rules read the local wall time). A tour's hours belong to
the day it starts on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

NIGHT_START_HOUR = 23
NIGHT_END_HOUR = 6
BREACH_COLUMNS = {"person_id": pl.String, "rule": pl.String, "start": pl.Date,
                  "end": pl.Date, "value": pl.Float64, "limit": pl.Float64,
                  "detail": pl.String}
#: Breaches of the Working Time Regulations; the other rules are HSE good practice.
REGULATION_RULES = frozenset({"average_weekly_hours", "night_worker_hours", "daily_rest",
                              "weekly_rest"})


@dataclass(frozen=True)
class WorkingTimeRules:
    max_average_weekly_hours: float = 48.0
    reference_weeks: int = 17
    min_daily_rest_hours: float = 11.0
    weekly_rest_hours: float = 24.0
    allow_fortnightly_rest: bool = True
    week_starts_on: int = 0  # Monday
    night_worker_share: float = 1 / 3
    night_worker_daily_hours: float = 8.0
    max_consecutive_days: int = 7
    max_consecutive_nights: int = 4
    max_tour_hours: float = 12.0


def prepare(tours: pl.DataFrame) -> pl.DataFrame:
    """Sorted tours with hours, local duty date and the hours they spend in night time."""
    local = [pl.col(c).dt.replace_time_zone(None) if tours.schema[c].time_zone  # type: ignore
             else pl.col(c) for c in ("start", "end")] if tours.height else []
    frame = tours.sort("person_id", "start").with_columns(
        hours=(pl.col("end") - pl.col("start")).dt.total_seconds() / 3600,
        **({"_ls": local[0], "_le": local[1]} if local else {"_ls": "start", "_le": "end"}))
    # Night time 23:00-06:00: overlap of the tour with the night starting the evening before
    # and the one starting on the day (a tour is at most a day long).
    day = pl.col("_ls").dt.truncate("1d")
    overlap = pl.lit(0.0)
    for offset_days in (-1, 0):
        night_from = day + pl.duration(days=offset_days, hours=NIGHT_START_HOUR)
        night_to = night_from + pl.duration(hours=24 - NIGHT_START_HOUR + NIGHT_END_HOUR)
        seconds = (pl.min_horizontal(pl.col("_le"), night_to)
                   - pl.max_horizontal(pl.col("_ls"), night_from)).dt.total_seconds()
        overlap = overlap + pl.max_horizontal(seconds, 0) / 3600
    return frame.with_columns(date=pl.col("_ls").dt.date(), night_hours=overlap,
                              night=overlap >= 3).drop("_ls", "_le")


def daily_rest_breaches(tours: pl.DataFrame, rules: WorkingTimeRules) -> pl.DataFrame:
    """Reg. 10: less than 11 hours between the end of one tour and the start of the next."""
    gaps = tours.with_columns(
        gap=(pl.col("start") - pl.col("end").shift().over("person_id")).dt.total_seconds()
        / 3600, previous=pl.col("date").shift().over("person_id"))
    short = gaps.filter(pl.col("gap") < rules.min_daily_rest_hours)
    return short.select(
        "person_id", rule=pl.lit("daily_rest"), start="previous", end="date",
        value=pl.col("gap").round(2), limit=pl.lit(float(rules.min_daily_rest_hours)),
        detail=pl.when(pl.col("gap") < 0).then(
            pl.format("tours overlap by {} h (at least {} h rest between tours)",
                      (-pl.col("gap")).round(1), pl.lit(rules.min_daily_rest_hours)))
        .otherwise(pl.format("{} h rest between tours (at least {} h)", pl.col("gap").round(1),
                             pl.lit(rules.min_daily_rest_hours))))


def _reference_windows(tours: pl.DataFrame, rules: WorkingTimeRules,
                       absence_days: pl.DataFrame | None, since: dt.date) -> pl.DataFrame:
    """Hours and days off sick or on leave in the reference period ending on each duty date;
    only periods that lie wholly inside the data (from ``since``) are kept."""
    days = rules.reference_weeks * 7
    daily = tours.group_by("person_id", "date").agg(pl.col("hours").sum(),
                                                     pl.col("night").any())
    stamps = daily.select("person_id", "date").unique()
    if absence_days is not None and absence_days.height:
        marks = absence_days.select("person_id", "date", hours=pl.lit(0.0),
                                    night=pl.lit(False), absent=pl.lit(1))
        daily = pl.concat([daily.with_columns(absent=pl.lit(0)), marks], how="diagonal")
    else:
        daily = daily.with_columns(absent=pl.lit(0))
    rolled = (daily.group_by("person_id", "date").agg(pl.col("hours").sum(),
                                                       pl.col("absent").max())
              .sort("person_id", "date")
              .rolling("date", period=f"{days}d", group_by="person_id")
              .agg(pl.col("hours").sum().alias("window_hours"),
                   pl.col("absent").sum().alias("absent_days")))
    return (stamps.join(rolled, on=["person_id", "date"])
            .filter(pl.col("date") >= since + dt.timedelta(days=days - 1))
            .with_columns(working_days=pl.lit(days) - pl.col("absent_days")))


def _runs_of_breach(frame: pl.DataFrame, flag: pl.Expr, value: pl.Expr, rule: str,
                    limit: float, detail: str) -> pl.DataFrame:
    """One row per person summarising the duty dates on which a rolling limit is exceeded."""
    return (frame.filter(flag).group_by("person_id")
            .agg(start=pl.col("date").min(), end=pl.col("date").max(),
                 value=value.max().round(2), days=pl.len())
            .select("person_id", rule=pl.lit(rule), start="start", end="end", value="value",
                    limit=pl.lit(float(limit)),
                    detail=pl.format(detail, pl.col("value"), pl.col("days"))))


def average_hours_breaches(tours: pl.DataFrame, rules: WorkingTimeRules,
                           absence_days: pl.DataFrame | None = None) -> pl.DataFrame:
    """Reg. 4 (48-hour average week) and reg. 6 (night workers' 8 hours in 24)."""
    if tours.height == 0:
        return pl.DataFrame(schema=BREACH_COLUMNS)
    windows = _reference_windows(tours, rules, absence_days, tours["date"].min())
    weekly = pl.col("window_hours") / pl.max_horizontal(pl.col("working_days"), 1) * 7
    per_day = pl.col("window_hours") / pl.max_horizontal(pl.col("working_days") * 6 / 7, 1)
    night_workers = (tours.group_by("person_id")
                     .agg(share=pl.col("night").mean())
                     .filter(pl.col("share") >= rules.night_worker_share)["person_id"])
    weeks = rules.reference_weeks
    return pl.concat([
        _runs_of_breach(windows, weekly > rules.max_average_weekly_hours, weekly,
                        "average_weekly_hours", rules.max_average_weekly_hours,
                        f"{{}} h a week on average over {weeks} weeks (at most "
                        f"{rules.max_average_weekly_hours:g}); over the limit on {{}} duty days"),
        _runs_of_breach(windows.filter(pl.col("person_id").is_in(night_workers.implode())),
                        per_day > rules.night_worker_daily_hours, per_day,
                        "night_worker_hours", rules.night_worker_daily_hours,
                        f"night worker: {{}} h in 24 on average over {weeks} weeks (at most "
                        f"{rules.night_worker_daily_hours:g}); over on {{}} duty days"),
    ]).cast(BREACH_COLUMNS)  # type: ignore[arg-type]


def _blocks(tours: pl.DataFrame, days: int, rules: WorkingTimeRules) -> pl.DataFrame:
    """Each person's rest (time between tours, and before the first and after the last tour of
    the period) cut into fixed blocks of ``days`` days: the longest rest in each block and how
    many rests of at least the weekly-rest length it holds."""
    local = tours.with_columns(
        [pl.col(c).dt.replace_time_zone(None) for c in ("start", "end")
         if tours.schema[c].time_zone])  # type: ignore[attr-defined]
    first = local["start"].min().date()  # type: ignore[union-attr]
    anchor = dt.datetime.combine(first - dt.timedelta(days=(first.weekday()
                                                             - rules.week_starts_on) % 7),
                                 dt.time())
    span = dt.timedelta(days=days)
    last_block = (local["end"].max() - anchor) // span  # type: ignore[operator]
    period_end = anchor + span * (last_block + 1)
    rests = (local.select("person_id", "start", "end")
             .with_columns(rest_from=pl.col("end").shift().over("person_id")
                           .fill_null(anchor), rest_to=pl.col("start")))
    trailing = local.group_by("person_id").agg(rest_from=pl.col("end").max()).with_columns(
        rest_to=pl.lit(period_end))
    rests = pl.concat([rests.select("person_id", "rest_from", "rest_to"), trailing],
                      how="vertical_relaxed").filter(pl.col("rest_to") > pl.col("rest_from"))
    block = lambda c: ((pl.col(c) - pl.lit(anchor)).dt.total_seconds()  # noqa: E731
                       // span.total_seconds()).cast(pl.Int64)
    pieces = rests.with_columns(block=pl.int_ranges(block("rest_from"),
                                                    block("rest_to") + 1)).explode("block")
    block_start = pl.lit(anchor) + pl.duration(days=pl.col("block") * days)
    pieces = pieces.with_columns(hours=(pl.min_horizontal("rest_to", block_start + span)
                                        - pl.max_horizontal("rest_from", block_start))
                                 .dt.total_seconds() / 3600)
    per_block = pieces.group_by("person_id", "block").agg(
        longest=pl.col("hours").max(),
        rests=(pl.col("hours") >= rules.weekly_rest_hours).sum())
    every = (local.select("person_id").unique()
             .join(pl.DataFrame({"block": range(int(last_block) + 1)}), how="cross"))
    return (every.join(per_block, on=["person_id", "block"], how="left")
            .fill_null(0).with_columns(block_start=block_start.dt.date()))


def weekly_rest_breaches(tours: pl.DataFrame, rules: WorkingTimeRules) -> pl.DataFrame:
    """Reg. 11: 24 hours' rest in each 7 days, or 2 × 24 or 1 × 48 in each 14 days."""
    if tours.height == 0:
        return pl.DataFrame(schema=BREACH_COLUMNS)
    need = rules.weekly_rest_hours
    if rules.allow_fortnightly_rest:
        blocks = _blocks(tours, 14, rules).filter(
            (pl.col("longest") < 2 * need) & (pl.col("rests") < 2))
        detail = (f"no 48 h rest and fewer than two {need:g} h rests in the fortnight; "
                  "longest rest {} h")
        days = 14
    else:
        blocks = _blocks(tours, 7, rules).filter(pl.col("longest") < need)
        detail = f"no {need:g} h rest in the week; longest rest {{}} h"
        days = 7
    return blocks.select(
        "person_id", rule=pl.lit("weekly_rest"), start="block_start",
        end=pl.col("block_start") + pl.duration(days=days - 1),
        value=pl.col("longest").round(2), limit=pl.lit(float(need * (2 if days == 14 else 1))),
        detail=pl.format(detail, pl.col("longest").round(1))).cast(BREACH_COLUMNS)  # type: ignore[arg-type]


def _runs(dates: pl.DataFrame, limit: int, rule: str, what: str) -> pl.DataFrame:
    """Runs of consecutive dates per person longer than ``limit``."""
    runs = (dates.unique().sort("person_id", "date")
            .with_columns(run=((pl.col("date").diff().over("person_id")
                                != dt.timedelta(days=1)).fill_null(True)).cum_sum())
            .group_by("person_id", "run")
            .agg(start=pl.col("date").min(), end=pl.col("date").max(), length=pl.len())
            .filter(pl.col("length") > limit))
    return runs.select("person_id", rule=pl.lit(rule), start="start", end="end",
                       value=pl.col("length").cast(pl.Float64), limit=pl.lit(float(limit)),
                       detail=pl.format(f"{{}} {what} in a row (at most {limit})",
                                        pl.col("length"))).cast(BREACH_COLUMNS)  # type: ignore[arg-type]


def consecutive_breaches(tours: pl.DataFrame, rules: WorkingTimeRules) -> pl.DataFrame:
    """HSE good practice: consecutive working days, and consecutive nights."""
    return pl.concat([
        _runs(tours.select("person_id", "date"), rules.max_consecutive_days,
              "consecutive_days", "working days"),
        _runs(tours.filter("night").select("person_id", "date"), rules.max_consecutive_nights,
              "consecutive_nights", "nights"),
    ])


def long_tour_breaches(tours: pl.DataFrame, rules: WorkingTimeRules) -> pl.DataFrame:
    """HSE good practice: tours (with overtime) longer than ``max_tour_hours``."""
    return tours.filter(pl.col("hours") > rules.max_tour_hours).select(
        "person_id", rule=pl.lit("long_tour"), start="date", end="date",
        value=pl.col("hours").round(2), limit=pl.lit(float(rules.max_tour_hours)),
        detail=pl.format("a {} h tour (at most {} h)", pl.col("hours").round(1),
                         pl.lit(rules.max_tour_hours))).cast(BREACH_COLUMNS)  # type: ignore[arg-type]


def working_time_breaches(tours: pl.DataFrame, rules: WorkingTimeRules = WorkingTimeRules(),
                          absence_days: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every breach of every rule: person, rule, first and last date, value, limit, detail,
    and kind (``regulation`` for the Working Time Regulations, else ``good practice``).

    ``absence_days`` (``person_id``, ``date``) are days of leave or sickness, left out of the
    17-week average.
    """
    if tours.height == 0:
        return pl.DataFrame(schema={**BREACH_COLUMNS, "kind": pl.String})
    prepared = prepare(tours)
    return pl.concat([
        average_hours_breaches(prepared, rules, absence_days),
        daily_rest_breaches(prepared, rules).cast(BREACH_COLUMNS),  # type: ignore[arg-type]
        weekly_rest_breaches(prepared, rules),
        consecutive_breaches(prepared, rules),
        long_tour_breaches(prepared, rules),
    ]).sort("person_id", "start", "rule").with_columns(
        kind=pl.when(pl.col("rule").is_in(list(REGULATION_RULES)))
        .then(pl.lit("regulation")).otherwise(pl.lit("good practice")))
