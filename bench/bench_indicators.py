"""Indicators benchmark: every incident indicator for 43 synthetic forces × 1 year (about 10
million incidents) from Parquet history, against the same indicators in pandas, in one run.

Targets (indicators issue): under 30 s and 4 GB peak RSS, at least 5× faster than pandas.
Force sizes follow the Home Office officer FTE by force (2019) when ../shared/data is present.

    .venv/bin/python bench/bench_indicators.py [--incidents 10000000] [--skip-pandas]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import machine, write_result  # noqa: E402
from forceplan.demand import indicators as ind  # noqa: E402
from forceplan.demand.frames import with_local_time, with_officer_hours  # noqa: E402
from forceplan.services.history import write_partitioned  # noqa: E402
from forceplan.synth.calibration import INCIDENTS_PER_OFFICER_YEAR  # noqa: E402
from forceplan.synth.incidents import generate_incidents  # noqa: E402

WORKFORCE = HERE.parent.parent / "shared" / "data" / "uk_police_workforce" / (
    "officer_fte_by_force_2015_2019.csv")
TZ = "Europe/London"


def force_sizes() -> list[float]:
    if WORKFORCE.exists():
        table = pl.read_csv(WORKFORCE).filter(pl.col("Year") == 2019)
        sizes = sorted(table["FTE Count"].to_list(), reverse=True)[:43]
        if len(sizes) == 43:
            return sizes
    return list(np.random.default_rng(3).lognormal(7.7, 0.7, 43))


def build(folder: Path, total: int) -> int:
    sizes = np.array(force_sizes())
    scale = total / (sizes.sum() * INCIDENTS_PER_OFFICER_YEAR)
    rows = 0
    for number, fte in enumerate(sizes):
        rng = np.random.default_rng(number)
        frame = generate_incidents(max(20, int(fte * scale)), dt.date(2025, 1, 1),
                                   dt.date(2025, 12, 31), TZ, rng)
        frame = frame.with_columns(force_id=pl.lit(f"F{number + 1:02d}"))
        write_partitioned(frame, folder, 0)
        rows += frame.height
    return rows


COLUMNS = ["force_id", "id", "received_at", "channel", "category", "grade",
           "attendance_target_minutes", "first_arrival_at", "cleared_at", "officers_deployed",
           "attributed_agency", "caller_key"]


def polars_run(folder: str) -> dict:
    """Every force's indicators in one pass: the functions group by force_id as well."""
    began = time.perf_counter()
    history = pl.scan_parquet(Path(folder) / "**" / "*.parquet", hive_partitioning=True)
    history = history.select(COLUMNS).with_columns(pl.col("force_id").cast(pl.Categorical))
    frame = with_officer_hours(with_local_time(history, TZ)).drop("id").collect().lazy()
    keys = ("force_id",)
    tables = {f"by_{b}": ind.demand_by(frame, b, keys) for b in ind.BREAKDOWNS}
    tables["attendance"] = ind.attendance(frame, keys)
    tables["busy"] = ind.busy_by_hour_of_week(frame, TZ, 52.0, keys)
    tables["displaced"] = ind.displaced_demand(frame, 52.0, keys)
    tables["repeat_callers"] = ind.repeat_demand_table(frame, "caller_key", 3, keys)
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "forces": tables["by_grade"]["force_id"].n_unique(),
            "check": _check(tables, "F01")}


def _check(tables: dict, force: str) -> dict:
    def one(name: str) -> pl.DataFrame:
        return tables[name].filter(pl.col("force_id").cast(pl.String) == force)

    return {**{name: one(name).height for name in tables if name.startswith("by_")},
            "attendance": one("attendance").height,
            "busy": round(float(one("busy")["officers_busy"].sum()), 1),
            "displaced": int(one("displaced")["incidents"].sum()),
            "repeat_callers": int(one("repeat_callers")["keys"].sum())}


def pandas_run(folder: str) -> dict:
    """The same indicators, one pass over every force, in pandas."""
    import pandas as pd

    began = time.perf_counter()
    frame = pd.read_parquet(folder, columns=[c for c in COLUMNS if c != "force_id"] +
                            ["force_id"])
    frame["force_id"] = frame["force_id"].astype(str)
    local = frame["received_at"].dt.tz_convert(TZ)
    frame["day"], frame["month"] = local.dt.date, local.dt.strftime("%Y-%m")
    frame["hour_of_week"] = local.dt.weekday * 24 + local.dt.hour
    scene = (frame["cleared_at"] - frame["first_arrival_at"]).dt.total_seconds() / 3600
    scene = scene.where(scene >= 0).clip(0, 24)
    median = scene.groupby([frame["force_id"], frame["category"]]).transform("median").fillna(0)
    hours = scene.fillna(median) * frame["officers_deployed"]
    frame["officer_hours"] = hours.where(frame["officers_deployed"] > 0, 0.0)
    tables = {}
    for b in ("hour_of_week", "day", "month", "category", "grade", "channel"):
        tables[f"by_{b}"] = frame.groupby(["force_id", b]).agg(
            incidents=("id", "size"), officer_hours=("officer_hours", "sum")).reset_index()
    frame["minutes"] = (frame["first_arrival_at"] - frame["received_at"]).dt.total_seconds() / 60
    frame["within"] = frame["minutes"] <= frame["attendance_target_minutes"]
    tables["attendance"] = frame.groupby(["force_id", "grade"]).agg(
        n=("id", "size"), within=("within", "sum"), median=("minutes", "median"),
        p90=("minutes", lambda s: s.quantile(0.9))).reset_index()
    busy = frame[frame["officer_hours"] > 0]
    start = busy["first_arrival_at"].fillna(busy["received_at"])
    h0 = start.dt.floor("h")
    end = busy["cleared_at"].fillna(start + pd.Timedelta(hours=1))
    n = np.ceil((end - h0).dt.total_seconds() / 3600).clip(1, 24).astype(int).to_numpy()
    first = h0.dt.tz_convert(TZ)
    how0 = (first.dt.weekday * 24 + first.dt.hour).to_numpy()
    rep = np.repeat(np.arange(len(busy)), n)
    k = np.arange(len(rep)) - np.repeat(np.cumsum(n) - n, n)
    tables["busy"] = pd.DataFrame({
        "force_id": busy["force_id"].to_numpy()[rep], "hour_of_week": (how0[rep] + k) % 168,
        "share": (busy["officer_hours"].to_numpy() / n)[rep],
    }).groupby(["force_id", "hour_of_week"])["share"].sum().div(52).reset_index(
        name="officers_busy")
    displaced = frame[frame["attributed_agency"].notna()]
    tables["displaced"] = displaced.groupby(["force_id", "attributed_agency", "month"]).agg(
        incidents=("id", "size"), officer_hours=("officer_hours", "sum")).reset_index()
    callers = frame.groupby(["force_id", "caller_key"]).size().reset_index(name="n")
    tables["repeat_callers"] = callers[callers["n"] >= 3].groupby("force_id").size() \
        .reset_index(name="keys")
    seconds = time.perf_counter() - began
    tables = {name: pl.from_pandas(table) for name, table in tables.items()}
    return {"seconds": seconds, "forces": tables["by_grade"]["force_id"].n_unique(),
            "check": _check(tables, "F01")}


def run_child(kind: str, folder: Path) -> dict:
    code = (f"import sys, json; sys.path.insert(0, {str(HERE)!r}); import bench_indicators "
            f"as b, common; r = b.{kind}_run({str(folder)!r}); r['peak_rss_mb'] = "
            "common.peak_rss_mb(); print(json.dumps(r, default=float))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000_000)
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        rows = build(Path(folder), args.incidents)
        print(f"built {rows:,} incidents for 43 forces in {time.perf_counter() - began:.0f} s")
        ours = run_child("polars", Path(folder))
        result = {"incidents": rows, "forces": 43, "forceplan": ours}
        if not args.skip_pandas:
            theirs = run_child("pandas", Path(folder))
            result["pandas"] = theirs
            result["ratio"] = round(theirs["seconds"] / ours["seconds"], 1)
    path = write_result("indicators", result)
    print(f"machine: {machine()}")
    print(f"forceplan (Polars): {ours['seconds']:.1f} s, peak RSS {ours['peak_rss_mb']:,.0f} MB"
          " (targets < 30 s, < 4,096 MB)")
    if "pandas" in result:
        print(f"pandas:             {result['pandas']['seconds']:.1f} s, peak RSS "
              f"{result['pandas']['peak_rss_mb']:,.0f} MB; forceplan is {result['ratio']}x "
              "faster (target >= 5x)")
    print(f"written {path}")


if __name__ == "__main__":
    main()
