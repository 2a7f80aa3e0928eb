"""Ingest benchmark: import a 1-million-row incident CSV with a profile, against
pandas.read_csv + DataFrame.to_sql in the same run.

Targets (ingest issue): at least 100k rows/s into PostgreSQL and 50k rows/s into SQLite; report
the ratio to pandas and the peak RSS of both. ``--rows 10000000`` checks the streaming bound
(peak RSS under 2 GB). Each method runs in its own process so that peak RSS is its own.

    .venv/bin/python bench/bench_import.py [--rows 1000000] [--skip-pandas]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import machine, postgres_schema, write_result  # noqa: E402

TYPES = ["VIOL ASSAULT", "DOM ABUSE", "MH CRISIS", "ASB YOUTHS", "THEFT SHOP", "RTC DAMAGE",
         "CONCERN WELFARE", "ALARM"]


def _text(values: np.ndarray, fmt: str) -> pl.Series:
    return pl.Series(values.astype("datetime64[ms]")).dt.strftime(fmt)


def make_csv(path: Path, rows: int, seed: int = 1) -> None:
    """A realistic CAD-like export: one incident a row, local times, codes to map."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T00:00:00")
    # Exports come in time order, as CAD systems write them; ids follow the same order.
    received = start + np.sort(rng.integers(0, 365 * 24 * 3600 * 2, rows)).astype(
        "timedelta64[s]")
    response = rng.lognormal(3, 0.8, rows).astype(int).astype("timedelta64[s]") * 60
    on_scene = rng.lognormal(3.5, 0.8, rows).astype(int).astype("timedelta64[s]") * 60
    fmt = "%Y-%m-%d %H:%M:%S"
    frame = pl.DataFrame({
        "IncidentRef": [f"INC{i:09d}" for i in range(rows)],
        "Received": _text(received, fmt),
        "Arrived": _text(received + response, fmt),
        "Cleared": _text(received + response + on_scene, fmt),
        "Priority": rng.choice(["P1", "P2", "P3", "P4"], rows, p=[0.1, 0.45, 0.25, 0.2]),
        "CallType": rng.choice(TYPES, rows),
        "Source": rng.choice(["999", "101", "WEB", "SELF"], rows),
        "Area": rng.choice(["N", "C", "S"], rows),
        "Officers": rng.integers(1, 4, rows).astype(str),
        "Result": rng.choice(["Advice given", "Crime recorded", "No further action"], rows),
    })
    frame.write_csv(path)


def child_forceplan(csv: str, url: str) -> dict:
    from forceplan.ingest.importer import import_file
    from forceplan.ingest.profile import load_profile
    from forceplan.store import Database

    database = Database(url)
    database.upgrade()
    began = time.perf_counter()
    report = import_file(database, "incidents", Path(csv),
                         load_profile(HERE / "profiles" / "bench_cad.toml"))
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "accepted": report.accepted,
            "quarantined": report.quarantined}


def child_pandas(csv: str, url: str) -> dict:
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    began = time.perf_counter()
    frame = pd.read_csv(csv)
    frame.to_sql("pandas_incidents", engine, if_exists="replace", index=False,
                 chunksize=50_000)
    seconds = time.perf_counter() - began
    engine.dispose()
    return {"seconds": seconds, "accepted": len(frame), "quarantined": 0}


def run_child(kind: str, csv: Path, url: str) -> dict:
    code = (f"import sys, json; sys.path.insert(0, {str(HERE)!r}); "
            f"import bench_import as b, common; r = b.child_{kind}({str(csv)!r}, {url!r}); "
            "r['peak_rss_mb'] = common.peak_rss_mb(); print(json.dumps(r))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False, env={**os.environ, "PYTHONPATH": str(HERE)})
    if out.returncode:
        raise SystemExit(f"{kind} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(csv: Path, url: str, pandas_url: str, skip_pandas: bool) -> dict:
    ours = run_child("forceplan", csv, url)
    ours["rows_per_s"] = round(ours["accepted"] / ours["seconds"])
    entry = {"forceplan": ours}
    if not skip_pandas:
        theirs = run_child("pandas", csv, pandas_url)
        theirs["rows_per_s"] = round(theirs["accepted"] / theirs["seconds"])
        entry["pandas"] = theirs
        entry["ratio"] = round(ours["rows_per_s"] / theirs["rows_per_s"], 2)
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()
    results: dict = {"rows": args.rows}
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "incidents.csv"
        began = time.perf_counter()
        make_csv(csv, args.rows)
        results["csv_mb"] = round(csv.stat().st_size / 2**20)
        print(f"wrote {args.rows:,} rows ({results['csv_mb']} MB) in "
              f"{time.perf_counter() - began:.1f} s")
        with postgres_schema() as pg_url:
            targets = {"sqlite": (f"sqlite:///{folder}/fp.db", f"sqlite:///{folder}/pd.db")}
            if pg_url:
                targets["postgresql"] = (pg_url, pg_url)
            for name, (url, pandas_url) in targets.items():
                results[name] = compare(csv, url, pandas_url, args.skip_pandas)
    path = write_result(f"import_{args.rows}", results)
    print(f"machine: {machine()}")
    print(f"{'database':<12}{'method':<11}{'rows/s':>10}{'seconds':>9}{'peak RSS MB':>13}")
    for name in ("sqlite", "postgresql"):
        for method in ("forceplan", "pandas"):
            r = results.get(name, {}).get(method)
            if r:
                print(f"{name:<12}{method:<11}{r['rows_per_s']:>10,}{r['seconds']:>9.1f}"
                      f"{r['peak_rss_mb']:>13,.0f}")
        if "ratio" in results.get(name, {}):
            print(f"{'':<12}{'ratio':<11}{results[name]['ratio']:>10}x")
    print("targets: SQLite >= 50,000 rows/s, PostgreSQL >= 100,000 rows/s; written", path)


if __name__ == "__main__":
    main()
