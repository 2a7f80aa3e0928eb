"""The comparison of a sweep: each scenario against the baseline.

Scenarios share the baseline's simulation seed, so replication r of a scenario is paired with
replication r of the baseline; differences are taken per replication and their mean is given
with a t-based 95% interval (narrower than comparing two separate intervals).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from forceplan.simulate import mean_ci95

if TYPE_CHECKING:
    from forceplan.scenario.run import ScenarioOutcome

GRADE_METRICS = ("mean_response_minutes", "p90_response_minutes", "share_within_target")
COUNTS = ("incidents", "attended", "abandoned", "queued_at_end")
SCENARIO_METRICS = ("utilisation", "abandoned", "queued_at_end", "overtime_hours")


def _with_ci(prefix: str, values: list) -> dict:
    ci = mean_ci95(values)
    return {prefix: ci["mean"], f"{prefix}_ci95_low": ci["ci95_low"],
            f"{prefix}_ci95_high": ci["ci95_high"]}


def _paired(scenario: pl.DataFrame, baseline: pl.DataFrame, on: list[str], column: str
            ) -> list:
    joined = scenario.select(*on, column).join(
        baseline.select(*on, pl.col(column).alias("_base")), on=on, how="inner")
    return (joined[column] - joined["_base"]).to_list()


@dataclass
class Comparison:
    """Outcomes in run order, the baseline first."""

    outcomes: list[ScenarioOutcome]

    @property
    def baseline(self) -> ScenarioOutcome:
        return self.outcomes[0]

    def by_grade(self) -> pl.DataFrame:
        """Per scenario and grade: counts, response mean and p90, share within target (95%
        CI), and the paired difference from the baseline (95% CI)."""
        rows = []
        base = self.baseline.by_grade
        for outcome in self.outcomes:
            frame = outcome.by_grade
            for grade in sorted(frame["grade"].unique().to_list()):
                mine = frame.filter(pl.col("grade") == grade)
                row: dict = {"scenario": outcome.name, "grade": grade}
                row.update({c: mine[c].mean() for c in COUNTS})
                for metric in GRADE_METRICS:
                    row.update(_with_ci(metric, mine[metric].to_list()))
                for metric in GRADE_METRICS:
                    row.update(_with_ci(f"{metric}_vs_baseline", _paired(
                        mine, base.filter(pl.col("grade") == grade), ["replication"], metric)))
                rows.append(row)
        return pl.DataFrame(rows, infer_schema_length=None)

    def by_scenario(self) -> pl.DataFrame:
        """Per scenario: what the changes did (incidents, diverted, officers, tours) and the
        headline metrics (utilisation, abandoned, still waiting, overtime) against baseline."""
        rows = []
        base = self.baseline.replications
        for outcome in self.outcomes:
            diverted = sum(v for k, v in outcome.counts.items() if k.startswith("diverted_to_"))
            row: dict = {"scenario": outcome.name, "incidents": outcome.counts["incidents"],
                         "diverted": diverted, "officers": outcome.counts["officers"],
                         "tours": outcome.counts["tours"]}
            for metric in SCENARIO_METRICS:
                row.update(_with_ci(metric, outcome.replications[metric].to_list()))
                row.update(_with_ci(f"{metric}_vs_baseline", _paired(
                    outcome.replications, base, ["replication"], metric)))
            rows.append(row)
        return pl.DataFrame(rows, infer_schema_length=None)

    def table(self) -> pl.DataFrame:
        """The comparison table: per scenario and grade, with the scenario's utilisation and
        unattended (abandoned, still waiting at the end) beside it."""
        scenario = self.by_scenario().select(
            "scenario", *(pl.col(c).alias(f"scenario_{c}") for c in
                          ("utilisation", "utilisation_vs_baseline", "overtime_hours")))
        return self.by_grade().join(scenario, on="scenario", how="left", maintain_order="left")

    def profiles(self) -> pl.DataFrame:
        """Cover against demand by hour of day, stacked with a scenario column."""
        return pl.concat([o.profile.select(pl.lit(o.name).alias("scenario"), pl.all())
                          for o in self.outcomes], how="vertical_relaxed")

    def summary(self) -> dict:
        """JSON-able: each scenario's changes, counts, settings and metrics."""
        scenarios = self.by_scenario().to_dicts()
        grades = self.by_grade()
        return {"scenarios": [{
            "name": o.name, "changes": o.changes, "counts": o.counts, "config": o.config,
            "metrics": row,
            "by_grade": grades.filter(pl.col("scenario") == o.name).drop("scenario").to_dicts(),
        } for o, row in zip(self.outcomes, scenarios, strict=True)]}
