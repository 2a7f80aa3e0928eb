"""Traumatic incidents attended per officer, with flags for a TRiM referral.

TRiM (Trauma Risk Management) is the peer-led process many UK forces use after potentially
traumatic incidents. Which incident categories count as traumatic, how many exposures within
how many days should prompt a referral, and which categories prompt one on their own are each
force's occupational health policy: ``TraumaRules`` carries forceplan's defaults and every one is
configurable.

Exposure is counted per incident: an officer deployed twice to the same incident was exposed
once (at their first deployment to it). Only deployments within the period asked for are
counted, so a window is never filled from before ``start``; to catch windows that cross into
the period, start ``window_days`` earlier.

Trauma exposure is special-category personal data: it stays in the force's own store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from forceplan.standard import IncidentCategory

DEPLOYMENT_COLUMNS = ("person_id", "incident_id", "dispatched_at", "category")

#: Categories counted as potentially traumatic by default: deaths, sexual offences and harm to
#: children. Violence, domestic abuse, mental-health crises and collisions are everyday response
#: work at category level (a response officer attends several a week), so counting all of them
#: flags everyone; a force that records severity maps the serious ones onto these categories or
#: adds them to its own list.
DEFAULT_TRAUMATIC_CATEGORIES: frozenset[str] = frozenset(
    {
        IncidentCategory.SUDDEN_DEATH.value,
        IncidentCategory.SEXUAL_OFFENCE.value,
        IncidentCategory.CHILD_PROTECTION.value,
    }
)


@dataclass(frozen=True)
class TraumaRules:
    """What counts as trauma exposure and when to flag a TRiM referral (force policy).

    - ``categories``: incident categories counted as traumatic (``DEFAULT_TRAUMATIC_CATEGORIES``);
      a force sets its own policy, or maps only the traumatic part of a category onto it at
      import (e.g. road traffic collisions only when fatal or serious, where it records that).
    - ``window_days``: length of the rolling window, in days (default 90).
    - ``trim_threshold``: exposures within one window that prompt a referral (default 25, a
      forceplan default, not a national figure: a response officer attends a sudden death or a
      child-protection or sexual-offence call most weeks, and a flag on everyone helps nobody;
      in the demo force it flags about the most-exposed fifth of response officers).
    - ``immediate_categories``: categories where a single exposure prompts a referral (default
      none; e.g. a force may refer after every sudden death of a child).
    """

    categories: frozenset[str] = DEFAULT_TRAUMATIC_CATEGORIES
    window_days: int = 90
    trim_threshold: int = 25
    immediate_categories: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        known = {c.value for c in IncidentCategory}
        unknown = sorted((set(self.categories) | set(self.immediate_categories)) - known)
        if unknown:
            raise ValueError(f"categories: not incident categories of the standard: {unknown}")
        if self.window_days < 1:
            raise ValueError("window_days: must be at least 1")
        if self.trim_threshold < 1:
            raise ValueError("trim_threshold: must be at least 1")


DEFAULT_RULES = TraumaRules()

OUTPUT_COLUMNS = (
    "person_id",
    "exposures",
    "by_category",
    "max_in_window",
    "first_exposure_at",
    "last_exposure_at",
    "trim_referral",
    "reason",
)


def _in_period(column: pl.Expr, dtype: pl.DataType, start: dt.date, end: dt.date) -> pl.Expr:
    """``start <= column <= end``; dates are whole days in the column's own time zone."""
    if not isinstance(start, dt.datetime) and not isinstance(end, dt.datetime):
        return column.dt.date().is_between(start, end, closed="both")
    zone = getattr(dtype, "time_zone", None)

    def bound(value: dt.date, last: bool) -> pl.Expr:
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time.max if last else dt.time.min)
        literal = pl.lit(value)
        if value.tzinfo is None and zone is not None:
            return literal.dt.replace_time_zone(zone)
        if value.tzinfo is not None:
            return literal.dt.convert_time_zone(zone or "UTC")
        return literal

    return column.is_between(bound(start, False), bound(end, True), closed="both")


def traumatic_exposures(
    deployments: pl.DataFrame, start: dt.date, end: dt.date, rules: TraumaRules = DEFAULT_RULES
) -> pl.DataFrame:
    """One row per officer and traumatic incident attended in [start, end]: person_id,
    incident_id, category, exposed_at (the officer's first deployment to it)."""
    missing = [c for c in DEPLOYMENT_COLUMNS if c not in deployments.columns]
    if missing:
        raise ValueError(f"deployments: missing column(s) {', '.join(missing)}")
    when = pl.col("dispatched_at")
    return (
        deployments.filter(
            pl.col("person_id").is_not_null()
            & pl.col("category").cast(pl.String).is_in(sorted(rules.categories))
            & _in_period(when, deployments.schema["dispatched_at"], start, end)
        )
        .sort(when)
        .group_by("person_id", "incident_id", maintain_order=True)
        .agg(pl.col("category").first().cast(pl.String), when.first().alias("exposed_at"))
        .sort("person_id", "exposed_at", "incident_id")
    )


def _max_in_window(seen: pl.DataFrame, window_days: int) -> pl.DataFrame:
    """Largest number of exposures in any window of ``window_days`` ending at an exposure."""
    return (
        seen.rolling("exposed_at", period=f"{window_days}d", closed="right", group_by="person_id")
        .agg(pl.len().alias("in_window"))
        .group_by("person_id")
        .agg(pl.col("in_window").max().cast(pl.Int64).alias("max_in_window"))
    )


def _by_category(seen: pl.DataFrame) -> pl.DataFrame:
    """ "sudden_death 3, child_protection 2": counts per category, most first."""
    return (
        seen.group_by("person_id", "category")
        .agg(pl.len().alias("n"))
        .sort(["person_id", "n", "category"], descending=[False, True, False])
        .group_by("person_id", maintain_order=True)
        .agg(pl.format("{} {}", "category", "n").str.join(", ").alias("by_category"))
    )


def trauma_exposure(
    deployments: pl.DataFrame, start: dt.date, end: dt.date, rules: TraumaRules = DEFAULT_RULES
) -> pl.DataFrame:
    """Traumatic incidents each officer attended in [start, end] and whether to refer to TRiM.

    ``deployments`` needs person_id (rows without one are units, skipped), incident_id,
    dispatched_at and the incident's category. ``start``/``end`` are dates (whole days, in
    dispatched_at's time zone) or datetimes. One row per officer with at least one exposure:
    person_id, exposures (distinct incidents), by_category, max_in_window (most exposures in
    any ``window_days`` ending at an exposure), first_exposure_at, last_exposure_at,
    trim_referral (max_in_window reaches ``trim_threshold``, or any exposure in an immediate
    category) and reason; referrals first, then the most exposed.
    """
    seen = traumatic_exposures(deployments, start, end, rules)
    immediate = sorted(rules.immediate_categories)
    per_officer = seen.group_by("person_id").agg(
        pl.len().cast(pl.Int64).alias("exposures"),
        pl.col("exposed_at").min().alias("first_exposure_at"),
        pl.col("exposed_at").max().alias("last_exposure_at"),
        pl.col("category")
        .filter(pl.col("category").is_in(immediate))
        .unique()
        .sort()
        .str.join(", ")
        .alias("_immediate"),
    )
    table = (
        per_officer.join(_max_in_window(seen, rules.window_days), on="person_id")
        .join(_by_category(seen), on="person_id")
        .with_columns(
            (
                (pl.col("max_in_window") >= rules.trim_threshold) | (pl.col("_immediate") != "")
            ).alias("trim_referral")
        )
    )
    return (
        table.with_columns(_reason(rules).alias("reason"))
        .select(OUTPUT_COLUMNS)
        .sort(
            ["trim_referral", "max_in_window", "exposures", "person_id"],
            descending=[True, True, True, False],
        )
    )


def _reason(rules: TraumaRules) -> pl.Expr:
    count = pl.col("max_in_window")
    window = pl.format(
        "{} traumatic incident{} within {} days (TRiM referral at {}); {} in the period: {}",
        count,
        pl.when(count == 1).then(pl.lit("")).otherwise(pl.lit("s")),
        pl.lit(rules.window_days),
        pl.lit(rules.trim_threshold),
        pl.col("exposures"),
        pl.col("by_category"),
    )
    return (
        pl.when(pl.col("_immediate") != "")
        .then(pl.format("immediate TRiM referral after {}; {}", pl.col("_immediate"), window))
        .otherwise(window)
    )
