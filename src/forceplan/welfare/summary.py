"""The welfare summary: every welfare measure of an officer side by side, with the reasons in
words and alerts where a threshold is crossed. Never a bare score: a supervisor or occupational
health reads why, and decides what to do.

Thresholds live in ``WelfareThresholds``; each is a force's choice, with defaults documented
in docs/welfare.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

MEASURES: dict[str, pl.DataType] = {
    "tours": pl.Int64, "fatigue_risk_tours": pl.Int64, "hours_kss_8_plus": pl.Float64,
    "worst_peak_kss": pl.Float64, "working_time_breaches": pl.Int64,
    "working_time_detail": pl.List(pl.String), "good_practice_exceedances": pl.Int64,
    "good_practice_detail": pl.List(pl.String), "rest_days_cancelled": pl.Int64,
    "rdc_short_notice": pl.Int64, "rest_days_owed": pl.Int64, "overtime_hours": pl.Float64,
    "public_holidays_worked": pl.Int64, "remaining_days": pl.Float64,
    "bradford_factor": pl.Float64, "bradford_band": pl.String, "bradford_reason": pl.String,
    "pattern_flag": pl.Boolean, "pattern_reason": pl.String, "restricted_days": pl.Int64,
    "weighted_caseload": pl.Float64, "caseload_status": pl.String, "caseload_reason": pl.String,
    "traumatic_incidents": pl.Int64, "trim_referral": pl.Boolean, "trauma_reason": pl.String,
    "single_crewed_tours": pl.Int64, "crewing_recorded_tours": pl.Int64,
}
TEAM_COUNTS = ["officers", "officers_with_alerts", "fatigue_alerts", "working_time_alerts",
               "rest_day_alerts", "attendance_alerts", "caseload_alerts", "trim_referrals"]


@dataclass(frozen=True)
class WelfareThresholds:
    fatigue_risk_tours: int = 2  # tours reaching KSS ≥ 8 in the fatigue window
    rest_days_owed: int = 5
    rest_days_cancelled: int = 6
    overtime_hours: float = 100.0
    single_crewed_share: float = 0.75
    leave_unused_days: float = 10.0
    formal_bradford_bands: tuple[str, ...] = ("formal stage 1", "formal stage 2")


def _num(row: dict, key: str) -> float:
    value = row.get(key)
    return 0 if value is None else value


def reasons_and_alerts(row: dict, limits: WelfareThresholds) -> tuple[list[str], list[str]]:
    """Plain-words reasons for one officer, and the alerts among them."""
    reasons, alerts = [], []

    def add(text: str, alert: str | None = None) -> None:
        reasons.append(text)
        if alert:
            alerts.append(alert)

    if _num(row, "fatigue_risk_tours"):
        add(f"{row['fatigue_risk_tours']} tour(s) reaching sleepiness at a risk level "
            f"(KSS ≥ 8), {_num(row, 'hours_kss_8_plus'):.1f} h in all; worst KSS "
            f"{_num(row, 'worst_peak_kss'):.1f}",
            "fatigue" if row["fatigue_risk_tours"] >= limits.fatigue_risk_tours else None)
    if _num(row, "working_time_breaches"):
        detail = "; ".join((row.get("working_time_detail") or [])[:3])
        add(f"{row['working_time_breaches']} breach(es) of the Working Time Regulations: "
            f"{detail}", "working time")
    if _num(row, "good_practice_exceedances"):
        detail = "; ".join((row.get("good_practice_detail") or [])[:3])
        add(f"{row['good_practice_exceedances']} time(s) beyond HSE shift-design good "
            f"practice: {detail}")
    if _num(row, "rest_days_owed"):
        add(f"{row['rest_days_owed']} rest day(s) owed",
            "rest days owed" if row["rest_days_owed"] >= limits.rest_days_owed else None)
    if _num(row, "rest_days_cancelled"):
        add(f"{row['rest_days_cancelled']} rest day(s) cancelled "
            f"({_num(row, 'rdc_short_notice')} at under 15 days' notice)",
            "rest days cancelled" if row["rest_days_cancelled"] >= limits.rest_days_cancelled
            else None)
    if _num(row, "overtime_hours") >= limits.overtime_hours:
        add(f"{row['overtime_hours']:.0f} h overtime", "overtime")
    if row.get("bradford_reason"):
        add(row["bradford_reason"], "attendance support"
            if row.get("bradford_band") in limits.formal_bradford_bands else None)
    if row.get("pattern_flag"):
        add(row["pattern_reason"])
    if _num(row, "restricted_days"):
        add(f"{row['restricted_days']} day(s) on restricted or recuperative duties")
    if row.get("caseload_status") and row["caseload_status"] != "within":
        add(row["caseload_reason"], "caseload"
            if row["caseload_status"] == "over safe caseload" else None)
    if row.get("trauma_reason"):
        add(row["trauma_reason"], "TRiM referral" if row.get("trim_referral") else None)
    recorded = _num(row, "crewing_recorded_tours")
    if recorded and _num(row, "single_crewed_tours") / recorded >= limits.single_crewed_share:
        add(f"single-crewed on {row['single_crewed_tours']} of {recorded} tours")
    if _num(row, "remaining_days") >= limits.leave_unused_days:
        add(f"{row['remaining_days']:g} day(s) of annual leave not yet taken or booked")
    return reasons, alerts


def officer_summary(officers: pl.DataFrame, parts: list[pl.DataFrame],
                    limits: WelfareThresholds = WelfareThresholds()) -> pl.DataFrame:
    """One row per officer (``officers`` has force_id, person_id, unit_id and any names):
    each part (keyed by person_id) joined on, missing measures as nulls, then ``reasons``,
    ``alerts`` and ``alert_count``. Officers with alerts come first."""
    frame = officers
    for part in parts:
        frame = frame.join(part, on="person_id", how="left")
    for column, dtype in MEASURES.items():
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype).alias(column))
    worked = [reasons_and_alerts(row, limits) for row in frame.iter_rows(named=True)]
    return (frame.with_columns(
        reasons=pl.Series([r for r, _ in worked], dtype=pl.List(pl.String)),
        alerts=pl.Series([a for _, a in worked], dtype=pl.List(pl.String)))
        .with_columns(alert_count=pl.col("alerts").list.len())
        .sort(["alert_count", "person_id"], descending=[True, False]))


def team_summary(summary: pl.DataFrame) -> pl.DataFrame:
    """Totals per force and unit: how many officers, how many with each alert, rest days owed
    and cancelled, working-time breaches. No personal data: counts and sums only."""
    def has(alert: str) -> pl.Expr:
        return pl.col("alerts").list.contains(alert).sum()
    return (summary.group_by("force_id", "unit_id")
            .agg(officers=pl.len(), officers_with_alerts=(pl.col("alert_count") > 0).sum(),
                 fatigue_alerts=has("fatigue"), working_time_alerts=has("working time"),
                 rest_day_alerts=has("rest days owed"),
                 attendance_alerts=has("attendance support"), caseload_alerts=has("caseload"),
                 trim_referrals=has("TRiM referral"),
                 rest_days_owed=pl.col("rest_days_owed").sum(),
                 rest_days_cancelled=pl.col("rest_days_cancelled").sum(),
                 working_time_breaches=pl.col("working_time_breaches").sum(),
                 overtime_hours=pl.col("overtime_hours").sum().round(1))
            .sort("force_id", "unit_id"))
