"""Forecast benchmark, two parts.

Accuracy: the police calls of shared/data/us_ecc_cad_2025 as hourly counts, a rolling-origin
backtest with a 1-week horizon from the last 8 weekly origins: MASE (scaled by the in-sample
weekly seasonal naive), MAE relative to the seasonal naive forecast, and 80%/95% coverage.
Targets (forecasting issue): MASE ≤ 0.85; 80% intervals covering 75–85%.

Speed: an 8-week hourly forecast for 43 synthetic forces × 20 categories (about 860 series,
one year of history) against the seasonal-naive forecast of the same series in the same run.
Target: under 120 s on 2 cores.

    .venv/bin/python bench/bench_forecast.py [--skip-speed] [--skip-accuracy] [--jobs 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_indicators import force_sizes  # noqa: E402
from common import machine, peak_rss_mb, write_result  # noqa: E402
from forceplan.forecast.backtest import backtest, origins, summary  # noqa: E402
from forceplan.forecast.engine import ForecastSettings, forecast_series  # noqa: E402
from forceplan.synth.calibration import INCIDENTS_PER_OFFICER_YEAR  # noqa: E402
from forceplan.synth.incidents import generate_incidents  # noqa: E402

ECC = HERE.parent.parent / "shared" / "data" / "us_ecc_cad_2025" / "cad_2025_weeks35_46.csv"
TZ = "Europe/London"


def ecc_hourly() -> pl.DataFrame:
    """Police calls per local hour (fire, EMS and priority-8 off-duty details left out, as
    the shipped import profile does); hours with no call count zero."""
    raw = pl.read_csv(ECC, infer_schema=False,
                      columns=["Agency", "Priority_Number", "Response_Date"])
    calls = raw.filter((pl.col("Agency") == "POLICE") & (pl.col("Priority_Number") != "8"))
    hours = calls.select(ds=pl.col("Response_Date").str.to_datetime("%Y-%m-%d %H:%M:%S%.f")
                         .dt.truncate("1h")).group_by("ds").len()
    grid = pl.DataFrame({"ds": pl.datetime_range(hours["ds"].min(), hours["ds"].max(), "1h",
                                                 eager=True)})
    return (grid.join(hours, on="ds", how="left")
            .select(unique_id=pl.lit("ecc_police"), ds="ds",
                    y=pl.col("len").fill_null(0).cast(pl.Float64)))


def synthetic_series(total_incidents: int = 2_000_000) -> pl.DataFrame:
    """Hourly incident counts by force × category for 43 synthetic forces, a year each."""
    sizes = np.array(force_sizes())
    scale = total_incidents / (sizes.sum() * INCIDENTS_PER_OFFICER_YEAR)
    frames = []
    for number, fte in enumerate(sizes):
        incidents = generate_incidents(max(20, int(fte * scale)), dt.date(2025, 1, 1),
                                       dt.date(2025, 12, 31), TZ, np.random.default_rng(number))
        local = incidents.select(
            "category", ds=pl.col("received_at").dt.convert_time_zone(TZ)
            .dt.replace_time_zone(None).dt.truncate("1h"))
        frames.append(local.group_by("category", "ds").len().with_columns(
            force=pl.lit(f"F{number + 1:02d}")))
    counts = pl.concat(frames)
    top = counts.group_by("category").agg(pl.col("len").sum()).sort("len", descending=True)
    counts = counts.filter(pl.col("category").is_in(top["category"].head(20).implode()))
    grid = (counts.select("force", "category").unique()
            .join(pl.DataFrame({"ds": pl.datetime_range(dt.datetime(2025, 1, 1),
                                                        dt.datetime(2025, 12, 31, 23), "1h",
                                                        eager=True)}), how="cross"))
    return (grid.join(counts, on=["force", "category", "ds"], how="left")
            .select(unique_id=pl.concat_str("force", "category", separator="/"), ds="ds",
                    y=pl.col("len").fill_null(0).cast(pl.Float64))
            .sort("unique_id", "ds"))


def accuracy() -> dict:
    series = ecc_hourly()
    settings = ForecastSettings(freq="1h", horizon=168)
    cuts = origins(series, "1h", 168, 8)
    began = time.perf_counter()
    result = backtest(series, settings, cuts)
    figures = summary(result)
    figures["seconds"] = round(time.perf_counter() - began, 1)
    figures["origins"] = len(cuts)
    figures["models"] = result["points"]["model"].value_counts().to_dicts()
    return figures


def speed(jobs: int) -> dict:
    series = synthetic_series()
    ids = series["unique_id"].n_unique()
    settings = ForecastSettings(freq="1h", horizon=8 * 168, n_jobs=jobs)
    began = time.perf_counter()
    result = forecast_series(series, settings)
    seconds = time.perf_counter() - began
    began = time.perf_counter()
    last_week = series.group_by("unique_id", maintain_order=True).tail(168)
    naive = last_week.group_by("unique_id", maintain_order=True).agg(
        pl.concat_list([pl.col("y")] * 8))  # last week, eight times
    naive_seconds = time.perf_counter() - began
    assert result.forecasts["unique_id"].n_unique() == ids == naive.height
    assert (result.forecasts["yhat"] >= 0).all()
    return {"series": ids, "history_hours": 8760, "horizon_hours": 8 * 168,
            "seconds": round(seconds, 1), "seasonal_naive_seconds": round(naive_seconds, 3),
            "routes": result.models["note"].value_counts().to_dicts(),
            "models": result.models["model"].value_counts().to_dicts()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    out: dict = {"machine": machine()}
    print(f"machine: {machine()}")
    if not args.skip_accuracy and ECC.exists():
        out["accuracy"] = accuracy()
        a = out["accuracy"]
        print(f"accuracy (us_ecc police calls, hourly, {a['origins']} weekly origins): MASE "
              f"{a['mase']} (target ≤ 0.85), MAE relative to seasonal naive "
              f"{a['relative_mae']}, 80% coverage {a['coverage_80']} (target 0.75–0.85), 95% "
              f"coverage {a['coverage_95']}, in {a['seconds']} s")
    if not args.skip_speed:
        out["speed"] = speed(args.jobs)
        s = out["speed"]
        print(f"speed: {s['series']} series × 8 weeks hourly in {s['seconds']} s (target "
              f"< 120 s); seasonal naive {s['seasonal_naive_seconds']} s; routes {s['routes']}")
    out["peak_rss_mb"] = round(peak_rss_mb())
    print(f"written {write_result('forecast', out)}")


if __name__ == "__main__":
    main()
