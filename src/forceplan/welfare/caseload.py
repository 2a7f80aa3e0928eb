"""Investigators' caseloads weighted by complexity, against a safe caseload, and suggestions of
who could take a new case without going over it.

A case's ``complexity_weight`` says how much work it is (1.0 = a typical volume-crime case, as in
the standard's ``Case`` record). An investigator's weighted caseload is the sum of the weights of
their open cases on a day. The safe caseload is a figure each force sets for itself (there is no
national standard); ``CaseloadRules`` carries forceplan's default and scales it pro rata for
part-time investigators.

Cases allocated to someone who is not in the investigators frame are not counted: the frame says
whose caseloads are being looked at (a unit, a department, the force).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from forceplan.standard import FULL_TIME_HOURS_PER_WEEK

CASE_COLUMNS = ("id", "complexity_weight", "investigator_id", "opened_on", "closed_on")
INVESTIGATOR_COLUMNS = ("person_id", "unit_id", "skills", "contracted_hours_per_week", "available")
LOAD_COLUMNS = (
    "person_id",
    "unit_id",
    "open_cases",
    "weighted_caseload",
    "safe_limit",
    "load_ratio",
    "status",
    "reason",
)
SUGGESTION_COLUMNS = (
    "person_id",
    "unit_id",
    "weighted_caseload",
    "load_after",
    "safe_limit",
    "within_limit",
    "reason",
)
OVER = "over safe caseload"
NEAR = "near safe caseload"
WITHIN = "within"


@dataclass(frozen=True)
class CaseloadRules:
    """Thresholds for caseloads; every value is force policy and configurable.

    - ``safe_weighted_caseload``: weighted cases a full-time investigator can safely carry.
      12.0 is forceplan's default, not a national figure: each force sets its own (often per
      unit, e.g. lower in a public protection unit). It is scaled pro rata by
      ``contracted_hours_per_week / full_time_hours_per_week``.
    - ``warning_share``: share of the safe caseload from which a caseload is reported as
      "near safe caseload" (0.9 = at 90%).
    - ``full_time_hours_per_week``: the full-time week the safe caseload is set for (40 hours,
      the standard's ``FULL_TIME_HOURS_PER_WEEK``).
    """

    safe_weighted_caseload: float = 12.0
    warning_share: float = 0.9
    full_time_hours_per_week: float = FULL_TIME_HOURS_PER_WEEK

    def __post_init__(self) -> None:
        if self.safe_weighted_caseload <= 0:
            raise ValueError("safe_weighted_caseload: must be more than 0")
        if not 0 < self.warning_share <= 1:
            raise ValueError("warning_share: must be more than 0 and at most 1")
        if self.full_time_hours_per_week <= 0:
            raise ValueError("full_time_hours_per_week: must be more than 0")


DEFAULT_RULES = CaseloadRules()


def _require(frame: pl.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}")


def _number(expr: pl.Expr) -> pl.Expr:
    """A weight as readable text: 12.0, 15.5, 1.25."""
    return expr.round(2).cast(pl.String)


def _check_investigators(investigators: pl.DataFrame) -> None:
    _require(investigators, INVESTIGATOR_COLUMNS, "investigators")
    duplicated = investigators.filter(pl.col("person_id").is_duplicated())["person_id"].unique()
    if len(duplicated):
        raise ValueError(f"investigators: person_id repeated: {', '.join(duplicated.sort())}")
    hours = pl.col("contracted_hours_per_week")
    bad = investigators.filter(hours.is_null() | (hours <= 0))["person_id"]
    if len(bad):
        raise ValueError(
            f"investigators: contracted_hours_per_week missing or not above 0 for {', '.join(bad)}"
        )


def caseloads(
    cases: pl.DataFrame,
    investigators: pl.DataFrame,
    as_of: dt.date,
    rules: CaseloadRules = DEFAULT_RULES,
) -> pl.DataFrame:
    """Each investigator's open cases and weighted caseload on ``as_of`` against their safe limit.

    A case is open on ``as_of`` when it opened on or before that day and is not closed, or closes
    after it. Every investigator gets a row, with 0 if they hold no open case. Columns:
    person_id, unit_id, open_cases, weighted_caseload, safe_limit, load_ratio, status
    ("over safe caseload" above the limit, "near safe caseload" from ``warning_share`` of it,
    else "within") and reason; the most loaded (by ratio) first.
    """
    _require(cases, CASE_COLUMNS, "cases")
    _check_investigators(investigators)
    open_on_day = (pl.col("opened_on") <= as_of) & (
        pl.col("closed_on").is_null() | (pl.col("closed_on") > as_of)
    )
    held = (
        cases.filter(open_on_day & pl.col("investigator_id").is_not_null())
        .group_by("investigator_id")
        .agg(
            pl.len().cast(pl.Int64).alias("open_cases"),
            pl.col("complexity_weight").cast(pl.Float64).sum().alias("weighted_caseload"),
        )
    )
    share = pl.col("contracted_hours_per_week").cast(pl.Float64) / rules.full_time_hours_per_week
    loads = (
        investigators.select("person_id", "unit_id", "contracted_hours_per_week")
        .join(held, left_on="person_id", right_on="investigator_id", how="left")
        .with_columns(
            pl.col("open_cases").fill_null(0),
            pl.col("weighted_caseload").fill_null(0.0),
            (rules.safe_weighted_caseload * share).alias("safe_limit"),
        )
        .with_columns((pl.col("weighted_caseload") / pl.col("safe_limit")).alias("load_ratio"))
    )
    return (
        loads.with_columns(*_status_and_reason(rules.warning_share))
        .select(LOAD_COLUMNS)
        .sort(["load_ratio", "person_id"], descending=[True, False])
    )


def _status_and_reason(warning_share: float) -> tuple[pl.Expr, pl.Expr]:
    ratio = pl.col("load_ratio")
    status = (
        pl.when(ratio > 1)
        .then(pl.lit(OVER))
        .when(ratio >= warning_share)
        .then(pl.lit(NEAR))
        .otherwise(pl.lit(WITHIN))
    )
    reason = pl.format(
        "{} open case{} weighing {} against a safe caseload of {}",
        pl.col("open_cases"),
        pl.when(pl.col("open_cases") == 1).then(pl.lit("")).otherwise(pl.lit("s")),
        _number(pl.col("weighted_caseload")),
        _number(pl.col("safe_limit")),
    )
    return status.alias("status"), reason.alias("reason")


def _holds_all(skills: list[str]) -> pl.Expr:
    if not skills:
        return pl.lit(True)
    return pl.all_horizontal([pl.col("skills").list.contains(s).fill_null(False) for s in skills])


def _no_candidate_message(skills: list[str], investigators: pl.DataFrame) -> str:
    available = investigators.filter(pl.col("available").fill_null(False))
    held = set(available["skills"].explode().drop_nulls().to_list())
    missing = [s for s in skills if s not in held]
    if missing:
        away = investigators.filter(~pl.col("available").fill_null(False) & _holds_all(missing))[
            "person_id"
        ]
        note = f" (held by unavailable investigator(s) {', '.join(away)})" if len(away) else ""
        return f"No available investigator holds the skill(s): {', '.join(missing)}{note}"
    return f"No single available investigator holds all of: {', '.join(skills)}"


def suggest_allocation(
    case_weight: float,
    required_skills: Iterable[str],
    loads: pl.DataFrame,
    investigators: pl.DataFrame,
    rules: CaseloadRules = DEFAULT_RULES,
    top: int = 5,
) -> pl.DataFrame:
    """Who could take a new case of ``case_weight``, best first (at most ``top`` rows).

    Only available investigators who hold every one of ``required_skills`` are candidates.
    Those who stay within their safe limit after taking the case come first, the one left with
    the most headroom first (ties broken by person_id); anyone who would go over follows, the
    least over first, marked ``within_limit`` False with a reason to escalate to a supervisor.
    ``loads`` is the output of ``caseloads``. Columns: person_id, unit_id, weighted_caseload,
    load_after, safe_limit, within_limit, reason. The limits come from ``loads``; ``rules``
    gives the warning share, so a reason says when the case would leave someone near their limit.

    Raises ValueError when no available investigator holds the skills (naming them).
    """
    if case_weight <= 0:
        raise ValueError("case_weight: must be more than 0")
    if top < 1:
        raise ValueError("top: must be at least 1")
    _check_investigators(investigators)
    _require(loads, ("person_id", "weighted_caseload", "safe_limit"), "loads")
    skills = sorted(set(required_skills))
    qualified = investigators.filter(pl.col("available").fill_null(False) & _holds_all(skills))
    if qualified.is_empty():
        raise ValueError(_no_candidate_message(skills, investigators))
    candidates = qualified.select("person_id", "unit_id").join(
        loads.select("person_id", "weighted_caseload", "safe_limit"), on="person_id", how="left"
    )
    unknown = candidates.filter(pl.col("safe_limit").is_null())["person_id"]
    if len(unknown):
        raise ValueError(
            f"loads: no caseload for {', '.join(unknown)}; compute loads with caseloads() "
            "over the same investigators"
        )
    return _rank(candidates, case_weight, rules.warning_share).head(top)


def _rank(candidates: pl.DataFrame, case_weight: float, warning_share: float) -> pl.DataFrame:
    after = pl.col("load_after")
    limit = pl.col("safe_limit")
    ranked = candidates.with_columns(
        (pl.col("weighted_caseload") + case_weight).alias("load_after")
    ).with_columns(
        (after <= limit + 1e-9).alias("within_limit"),
        (limit - after).alias("_headroom"),
    )
    added = pl.format(
        "caseload {} + {} = {}",
        _number(pl.col("weighted_caseload")),
        pl.lit(round(case_weight, 2)).cast(pl.String),
        _number(after),
    )
    near = pl.when(after >= warning_share * limit).then(
        pl.lit("; near safe caseload after allocation")
    )
    fits = pl.format(
        "{} of a safe caseload of {} ({} headroom left){}",
        added,
        _number(limit),
        _number(pl.col("_headroom")),
        near.otherwise(pl.lit("")),
    )
    exceeds = pl.format(
        "{} would exceed the safe caseload of {} by {}: escalate to a supervisor before allocating",
        added,
        _number(limit),
        _number(-pl.col("_headroom")),
    )
    return (
        ranked.with_columns(
            pl.when(pl.col("within_limit")).then(fits).otherwise(exceeds).alias("reason")
        )
        .sort(["within_limit", "_headroom", "person_id"], descending=[True, True, False])
        .select(SUGGESTION_COLUMNS)
    )
