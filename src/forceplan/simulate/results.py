"""Results of a response simulation as Polars frames, plus a JSON-able summary with t-based 95%
confidence intervals across replications."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from forceplan.simulate.engine import STATUS_NAMES, Demand, Outcome
from forceplan.simulate.prepare import US_PER_MINUTE, Prepared
from forceplan.standard.demand import DEFAULT_ATTENDANCE_TARGET_MINUTES

#: Two-sided 95% Student t quantiles by degrees of freedom (1-30), then the large-sample limit.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
         2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
         2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def t_quantile_975(df: int) -> float:
    if df <= 30:
        return _T975[df - 1]
    return 1.96 + 2.4 / df  # within 0.005 of the exact value beyond 30 degrees of freedom


def mean_ci95(values: list[float]) -> dict[str, float | None]:
    """Mean with a t-based 95% interval (None when there is a single replication)."""
    clean = [v for v in values if v is not None and not math.isnan(v)]
    if not clean:
        return {"mean": None, "ci95_low": None, "ci95_high": None}
    mean = float(np.mean(clean))
    if len(clean) < 2:
        return {"mean": mean, "ci95_low": None, "ci95_high": None}
    half = t_quantile_975(len(clean) - 1) * float(np.std(clean, ddof=1)) / math.sqrt(len(clean))
    return {"mean": mean, "ci95_low": mean - half, "ci95_high": mean + half}


def _targets(p: Prepared) -> np.ndarray:
    defaults = np.array([np.nan] + [DEFAULT_ATTENDANCE_TARGET_MINUTES[g] or np.nan
                                    for g in DEFAULT_ATTENDANCE_TARGET_MINUTES], float)
    default = defaults[np.clip(p.grade, 0, 4)]
    if "attendance_target_minutes" not in p.incidents.columns:
        return default
    given = p.incidents["attendance_target_minutes"].cast(pl.Float64).fill_null(np.nan)
    return np.where(np.isnan(given.to_numpy()), default, given.to_numpy())


def incident_frame(p: Prepared, demand: Demand, out: Outcome, replication: int) -> pl.DataFrame:
    wait = out.dispatched_minutes - p.received
    response = wait + demand.travel_minutes
    target = _targets(p)
    deployable = out.status != 0
    within = np.where(np.isnan(response), False, response <= target)
    frame = pl.DataFrame({
        "replication": replication,
        "received_at": p.incidents["received_at"],
        "grade": p.grade,
        "category": p.category.astype(str),
        "unit_id": p.unit.astype(str),
        "status": np.array(STATUS_NAMES)[out.status],
        "officers_needed": p.need,
        "officers_sent": out.officers_sent,
        "travel_minutes": demand.travel_minutes,
        "time_on_task_minutes": demand.time_on_task_minutes,
        "wait_minutes": wait,
        "response_minutes": response,
        "attendance_target_minutes": target,
        "within_target": pl.Series(within).set(pl.Series(~deployable | np.isnan(target)), None),
        "times_preempted": out.times_preempted,
    }, nan_to_null=True)
    if "id" in p.incidents.columns:
        frame = frame.insert_column(1, p.incidents["id"])
    return frame


def by_grade(incidents: pl.DataFrame) -> pl.DataFrame:
    """Per replication and grade: counts by outcome, response mean/p50/p90, share in target."""
    response = pl.col("response_minutes")
    return incidents.group_by("replication", "grade").agg(
        incidents=pl.len(),
        **{name: (pl.col("status") == name).sum() for name in STATUS_NAMES},
        mean_response_minutes=response.mean(),
        p50_response_minutes=response.quantile(0.5, "linear"),
        p90_response_minutes=response.quantile(0.9, "linear"),
        mean_wait_minutes=pl.col("wait_minutes").mean(),
        share_within_target=pl.col("within_target").mean(),
    ).sort("replication", "grade")


def hourly_frame(p: Prepared, out: Outcome, replication: int) -> pl.DataFrame:
    columns = ["hour_index", "waiting_grade_1", "waiting_grade_2", "waiting_grade_3",
               "waiting_grade_4", "officers_free", "officers_on_duty"]
    frame = pl.DataFrame(out.hourly, schema=columns, orient="row")
    hour = pl.from_epoch(pl.lit(p.t0_us) + pl.col("hour_index") * 60 * US_PER_MINUTE, "us")
    hour = hour.dt.replace_time_zone("UTC").dt.convert_time_zone(p.time_zone) if (
        p.time_zone) else hour
    return frame.select(pl.lit(replication).alias("replication"), hour.alias("hour"),
                        pl.exclude("hour_index"))


def utilisation_frame(p: Prepared, out: Outcome, replication: int) -> pl.DataFrame:
    """Per officer: rostered, busy, break and overtime minutes; busy share of time on duty."""
    duty = p.duty_arrays
    tours = pl.DataFrame({
        "person_id": p.duty["person_id"].cast(pl.String),
        "rostered_minutes": duty.end_minutes - duty.start_minutes,
        "busy_minutes": out.busy_minutes, "break_minutes": out.break_minutes,
        "overtime_minutes": out.overtime_minutes, "missed_breaks": out.missed_breaks})
    per_person = tours.group_by("person_id").agg(pl.len().alias("tours"), pl.exclude("person_id")
                                                 .sum())
    return per_person.with_columns(
        replication=pl.lit(replication),
        utilisation=pl.col("busy_minutes") / (pl.col("rostered_minutes")
                                              + pl.col("overtime_minutes")),
    ).sort("person_id")


def replication_metrics(grades: pl.DataFrame, people: pl.DataFrame) -> dict[str, float]:
    """The headline numbers of one replication (names used in the summary)."""
    metrics: dict[str, float] = {}
    for row in grades.iter_rows(named=True):
        g = row["grade"]
        for key in ("mean_response_minutes", "p90_response_minutes", "share_within_target"):
            metrics[f"grade_{g}_{key}"] = row[key]
        for key in ("attended", "abandoned", "queued_at_end"):
            metrics[f"grade_{g}_{key}"] = row[key]
    busy = people["busy_minutes"].sum()
    available = people["rostered_minutes"].sum() + people["overtime_minutes"].sum()
    metrics["utilisation"] = busy / available if available else math.nan
    metrics["abandoned"] = float(grades["abandoned"].sum())
    metrics["queued_at_end"] = float(grades["queued_at_end"].sum())
    metrics["overtime_hours"] = people["overtime_minutes"].sum() / 60
    return metrics


@dataclass
class SimulationResult:
    """Frames stacked over replications (column ``replication``), seeds and the summary."""

    incidents: pl.DataFrame
    by_grade: pl.DataFrame
    hourly: pl.DataFrame
    utilisation: pl.DataFrame
    replications: pl.DataFrame
    config: dict
    seeds: list[int]

    def summary(self) -> dict:
        """JSON-able: mean and 95% CI of each headline metric over replications."""
        metrics = {c: mean_ci95(self.replications[c].to_list())
                   for c in self.replications.columns if c != "replication"}
        return {"replications": self.replications.height, "seed": self.config["seed"],
                "seeds": self.seeds, "config": self.config, "metrics": metrics}
