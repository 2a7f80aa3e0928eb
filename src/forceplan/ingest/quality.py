"""How far to trust a dataset: completeness, validity, duplicates, timeliness (gaps and level
shifts in the daily series), outliers and internal consistency, with an overall score and the
reasons behind it. Gathered chunk by chunk during an import, so it costs no second pass."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from forceplan.ingest.readers import LINE

DAY_MINUTES = 24 * 60
#: (field, reason fragment) → dimension, for problems raised by the checks.
CONSISTENCY_FIELDS = {"first_arrival_at", "cleared_at", "end", "officers_deployed",
                      "source_agency", "rdc_notice_days", "shift_code", "overtime_minutes"}


@dataclass
class QualityCollector:
    record: str
    timezone: str
    mapped_fields: frozenset[str] = frozenset()
    source_columns: dict[str, list[int]] = field(default_factory=dict)  # name → [nulls, rows]
    accepted: int = 0
    field_nulls: Counter = field(default_factory=Counter)
    problems: Counter = field(default_factory=Counter)  # (field, reason) → count
    daily: Counter = field(default_factory=Counter)
    long_on_scene: int = 0
    long_response: int = 0
    duplicates: int = 0

    def add_source(self, frame: pl.DataFrame) -> None:
        nulls = frame.null_count().row(0, named=True)
        for name, count in nulls.items():
            if name == LINE:
                continue
            entry = self.source_columns.setdefault(name, [0, 0])
            entry[0] += int(count)
            entry[1] += frame.height

    def add_accepted(self, frame: pl.DataFrame, sign: int = 1) -> None:
        """Count accepted rows in (``sign=-1``: out again, when a later check drops them)."""
        self.accepted += sign * frame.height
        for name, count in frame.null_count().row(0, named=True).items():
            if name != LINE:
                self.field_nulls[name] += sign * int(count)
        if self.record == "incident" and frame.height:
            local = pl.col("received_at").dt.convert_time_zone(self.timezone).dt.date()
            days = frame.group_by(local.alias("d")).len()
            for day, count in days.iter_rows():
                self.daily[day] += sign * count
            if not {"cleared_at", "first_arrival_at"} <= set(frame.columns):
                return
            minutes = frame.select(
                ((pl.col("cleared_at") - pl.col("first_arrival_at")).dt.total_minutes()
                 > DAY_MINUTES).sum().alias("scene"),
                ((pl.col("first_arrival_at") - pl.col("received_at")).dt.total_minutes()
                 > DAY_MINUTES).sum().alias("response"),
            ).row(0)
            self.long_on_scene += sign * int(minutes[0] or 0)
            self.long_response += sign * int(minutes[1] or 0)

    def add_problems(self, problems: pl.DataFrame) -> None:
        for key, count in _pairs(problems):
            self.problems[key] += count

    def report(self, rows_read: int, quarantined: int, excluded: dict[str, int],
               dst: dict[str, int], caveats: list[str]) -> dict:
        considered = self.accepted + quarantined
        fields = {}
        for name, nulls in sorted(self.field_nulls.items()):
            if self.mapped_fields and name not in self.mapped_fields:
                continue
            bad = sum(c for (f, _r), c in self.problems.items() if f == name)
            fields[name] = {
                "completeness": _share(self.accepted - nulls, self.accepted),
                "validity": _share(considered - bad, considered),
                "invalid": bad,
            }
        columns = {name: {"completeness": _share(rows - nulls, rows)}
                   for name, (nulls, rows) in sorted(self.source_columns.items())}
        timeliness = timeliness_checks(self.daily)
        consistency = sum(c for (f, r), c in self.problems.items()
                          if f in CONSISTENCY_FIELDS and ("before" in r or "only for" in r
                                                          or "at least" in r or "required when"
                                                          in r or "must" in r or "name the" in r))
        outliers = {
            "negative_time_on_task": sum(c for (f, r), c in self.problems.items()
                                         if f == "cleared_at" and "first_arrival_at" in r),
            "time_on_task_over_24h": self.long_on_scene,
            "response_over_24h": self.long_response,
        }
        problems = [{"field": f, "reason": r, "rows": c}
                    for (f, r), c in self.problems.most_common()]
        score, reasons = overall_score(considered, quarantined, fields, self.duplicates,
                                       timeliness, outliers, consistency)
        return {
            "record": self.record, "rows_read": rows_read, "excluded": excluded,
            "accepted": self.accepted, "quarantined": quarantined,
            "duplicates": self.duplicates, "consistency_breaks": consistency,
            "fields": fields, "source_columns": columns, "problems": problems,
            "timeliness": timeliness, "outliers": outliers, "clock_changes": dst,
            "score": score, "reasons": reasons, "caveats": caveats,
        }


def _pairs(problems: pl.DataFrame) -> list[tuple[tuple[str, str], int]]:
    counts = problems.group_by("field", "reason").len()
    return [((f, r), n) for f, r, n in counts.iter_rows()]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def timeliness_checks(daily: Counter) -> dict[str, Any]:
    """Days with no records inside the span, and the biggest level shift in weekly volume."""
    if not daily:
        return {"first_day": None, "last_day": None, "gaps": [], "level_shifts": [],
                "daily": []}
    first, last = min(daily), max(daily)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    counts = np.array([daily.get(d, 0) for d in days], dtype=float)
    gaps = _runs([d for d, c in zip(days, counts, strict=True) if c == 0])
    return {
        "first_day": first.isoformat(), "last_day": last.isoformat(),
        "gaps": gaps, "level_shifts": level_shifts(days, counts),
        "daily": [[d.isoformat(), int(c)] for d, c in zip(days, counts, strict=True)],
    }


def _runs(days: list[dt.date]) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    for day in days:
        if runs and (day - dt.date.fromisoformat(runs[-1]["to"])).days == 1:
            runs[-1]["to"] = day.isoformat()
            runs[-1]["days"] += 1
        else:
            runs.append({"from": day.isoformat(), "to": day.isoformat(), "days": 1})
    return runs


def level_shifts(days: list[dt.date], counts: np.ndarray, min_weeks: int = 3,
                 min_change: float = 0.2) -> list[dict[str, Any]]:
    """The single strongest step change in weekly volume (complete weeks from the first day),
    reported when the means either side differ by at least 20% and clearly beyond the weeks'
    week-to-week noise (t > 4)."""
    weeks = len(counts) // 7
    if weeks < 2 * min_weeks:
        return []
    weekly = counts[: weeks * 7].reshape(weeks, 7).sum(axis=1)
    best = None
    for split in range(min_weeks, weeks - min_weeks + 1):
        before, after = weekly[:split], weekly[split:]
        noise = np.sqrt(before.var(ddof=1) / len(before) + after.var(ddof=1) / len(after)) + 1e-9
        t = abs(after.mean() - before.mean()) / noise
        if best is None or t > best[0]:
            best = (t, split, before.mean(), after.mean())
    t, split, mean_before, mean_after = best
    change = (mean_after - mean_before) / max(mean_before, 1e-9)
    if abs(change) < min_change or t < 4:
        return []
    return [{"week_starting": days[split * 7].isoformat(),
             "weekly_before": round(float(mean_before), 1),
             "weekly_after": round(float(mean_after), 1), "change": round(float(change), 3),
             "t": round(float(t), 1)}]


def overall_score(considered: int, quarantined: int, fields: dict, duplicates: int,
                  timeliness: dict, outliers: dict, consistency: int) -> tuple[int, list[str]]:
    """100 less documented deductions; every deduction is given as a reason."""
    score = 100.0
    reasons: list[str] = []

    def deduct(points: float, reason: str) -> None:
        nonlocal score
        if points >= 0.5:
            score -= points
            reasons.append(f"-{points:.0f}: {reason}")

    if considered:
        rate = quarantined / considered
        deduct(min(30, 100 * rate * 3), f"{quarantined:,} of {considered:,} rows "
               f"({rate:.1%}) failed checks and were quarantined")
        deduct(min(10, 100 * duplicates / considered * 5),
               f"{duplicates:,} repeated identifiers")
        deduct(min(10, 100 * consistency / considered * 2),
               f"{consistency:,} rows break internal consistency (e.g. cleared before arrival)")
    thin = {n: f["completeness"] for n, f in fields.items() if f["completeness"] < 0.9}
    for name, share in sorted(thin.items(), key=lambda x: x[1])[:5]:
        deduct(min(8, (0.9 - share) * 20), f"{name} is only {share:.0%} complete")
    gap_days = sum(g["days"] for g in timeliness.get("gaps", []))
    deduct(min(15, gap_days * 3), f"{gap_days} day(s) with no records inside the span")
    for shift in timeliness.get("level_shifts", []):
        deduct(10, f"weekly volume changed by {shift['change']:+.0%} from the week starting "
               f"{shift['week_starting']}: check for a change in recording or coverage")
    long = outliers.get("time_on_task_over_24h", 0) + outliers.get("response_over_24h", 0)
    if considered:
        deduct(min(5, 100 * long / considered), f"{long:,} rows with over 24 hours on scene "
               "or to arrive (kept, flagged)")
    if not reasons:
        reasons.append("no problems found")
    return max(0, round(score)), reasons
