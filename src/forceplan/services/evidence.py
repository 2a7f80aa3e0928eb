"""Writing indicator outputs: CSV and JSON files, charts, and the displaced-demand evidence
pack a force can take to its partners."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from forceplan.charts import figures
from forceplan.services.indicators import IndicatorReport


def write_tables(report: IndicatorReport, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in report.tables.items():
        path = folder / f"{name}.csv"
        table.write_csv(path)
        paths.append(path)
    summary = folder / "summary.json"
    summary.write_text(json.dumps(report_json(report), indent=2, default=str) + "\n")
    return [*paths, summary]


def report_json(report: IndicatorReport) -> dict:
    return {"scope": report.scope, "period": report.period, "shared": report.shared,
            "suppression_threshold": report.threshold if report.shared else None,
            "summary": report.summary,
            "tables": {k: v.to_dicts() for k, v in report.tables.items()}}


def write_charts(report: IndicatorReport, folder: Path) -> list[Path]:
    balance = report.tables["balance_by_hour_of_week"]
    paths = figures.hour_of_week_heatmap(balance, "officers_busy",
                                         "Officers busy on incidents (average)", folder,
                                         "demand_heatmap", "Reds")
    paths += figures.hour_of_week_heatmap(balance, "officers_on_duty",
                                          "Officers on duty (average)", folder,
                                          "capacity_heatmap", "Blues")
    paths += figures.hour_of_week_heatmap(balance, "ratio", "Demand / capacity", folder,
                                          "ratio_heatmap", "magma_r")
    paths += figures.demand_vs_capacity(balance, folder, report.summary["tipping_point"])
    displaced = report.tables["displaced_demand"].drop_nulls("officer_hours")
    if displaced.height:
        paths += figures.displaced_by_agency(displaced, folder)
    return paths


def evidence_pack(report: IndicatorReport, folder: Path) -> list[Path]:
    """CSV, charts and a short summary of demand displaced from partner agencies."""
    folder.mkdir(parents=True, exist_ok=True)
    displaced = report.tables["displaced_demand"]
    csv = folder / "displaced_demand_by_agency_and_month.csv"
    displaced.write_csv(csv)
    paths = [csv]
    if displaced.drop_nulls("officer_hours").height:
        paths += figures.displaced_by_agency(displaced.drop_nulls("officer_hours"), folder)
    text = folder / "summary.md"
    text.write_text(summary_text(report), encoding="utf-8")
    return [*paths, text]


def displaced_totals(report: IndicatorReport) -> pl.DataFrame:
    """Displaced demand over the whole period by agency (withheld months counted)."""
    return (report.tables["displaced_demand"].group_by("attributed_agency").agg(
        pl.col("incidents").sum(), pl.col("officer_hours").sum(), pl.col("cost").sum(),
        pl.col("incidents").null_count().alias("withheld"))
        .sort("officer_hours", descending=True, nulls_last=True))


def summary_text(report: IndicatorReport) -> str:
    by_agency = displaced_totals(report)
    total_hours = report.summary["officer_hours"] or 0
    rate = report.summary["cost_per_officer_hour"]
    lines = [
        f"# Demand displaced from partner agencies: {report.scope}",
        "",
        f"Period {report.period[0]} to {report.period[1]}. Officer-hours are each deployed "
        f"officer's time on scene (docs/indicators.md, W1); cost is those hours at the hourly "
        f"cost of each officer's rank (£{rate:,.0f} where the rank is not known).",
        "",
        "| agency | incidents | officer-hours | cost (£) | share of all officer-hours |",
        "|---|---|---|---|---|",
    ]
    for agency, incidents, hours, cost, withheld in by_agency.iter_rows():
        share = f"{hours / total_hours:.1%}" if hours and total_hours else "–"
        note = " (some months withheld)" if withheld else ""
        lines.append(f"| {agency.replace('_', ' ')}{note} | {incidents or 0:,} | "
                     f"{hours or 0:,.0f} | {cost or 0:,.0f} | {share} |")
    top = by_agency.drop_nulls("officer_hours").head(1)
    if top.height:
        agency, _n, hours, cost, _w = top.row(0)
        lines += ["", f"The largest share is {agency.replace('_', ' ')} demand: "
                  f"{hours:,.0f} officer-hours, about {hours / 1650:,.1f} full-time officers' "
                  f"working year (1,650 productive hours), costing £{cost:,.0f}."]
    if report.shared:
        lines += ["", f"Counts under {report.threshold} are withheld (with enough others that "
                  "they cannot be worked out from totals)."]
    return "\n".join(lines) + "\n"
