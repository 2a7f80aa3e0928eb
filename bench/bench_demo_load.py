"""Foundation benchmark: generate one force-year and load it; bulk insert vs row-by-row ORM.

Target (foundation issue): ~600 officers and ~250,000 incidents generated and loaded into SQLite
in under 30 s on the 2-core machine; bulk inserts at least 10x the rows/s of a naive row-by-row
ORM insert, on SQLite and on PostgreSQL (set FORCEPLAN_TEST_POSTGRES_URL or
FORCEPLAN_BENCH_POSTGRES_URL; `eval "$(scripts/start-postgres.sh)"` starts one).

    .venv/bin/python bench/bench_demo_load.py [--baseline-rows 5000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from sqlalchemy.orm import Session, registry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, peak_rss_mb, postgres_schema, write_result
from forceplan.services.demo import load_demo_force
from forceplan.standard import Force
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import insert_frame
from forceplan.store.records import save_records
from forceplan.synth.generate import generate_demo_force


class IncidentRow:
    """A plain ORM class over the incidents table, for the naive baseline."""


registry().map_imperatively(IncidentRow, t.incidents)


def orm_row_by_row(database: Database, frame: pl.DataFrame) -> float:
    """Baseline: one ORM object added and flushed (one INSERT) per row; rows per second."""
    rows = frame.to_dicts()
    began = time.perf_counter()
    with Session(database.engine) as session, session.begin():
        for row in rows:
            obj = IncidentRow()
            for key, value in row.items():
                setattr(obj, key, value)
            session.add(obj)
            session.flush()
    return len(rows) / (time.perf_counter() - began)


def bulk(database: Database, frame: pl.DataFrame) -> float:
    began = time.perf_counter()
    with database.transaction() as connection:
        insert_frame(connection, t.incidents, frame)
    return frame.height / (time.perf_counter() - began)


def compare(database: Database, incidents: pl.DataFrame, baseline_rows: int) -> dict:
    with database.transaction() as connection:
        save_records(connection, [Force(id="DEMO", name="Bench"), Force(id="DEMO2", name="B")])
    sample = incidents.head(baseline_rows).with_columns(force_id=pl.lit("DEMO2"))
    orm = orm_row_by_row(database, sample)
    fast = bulk(database, incidents)
    return {"bulk_rows_per_s": round(fast), "orm_rows_per_s": round(orm),
            "ratio": round(fast / orm, 1), "bulk_rows": incidents.height,
            "baseline_rows": sample.height}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=600)
    parser.add_argument("--baseline-rows", type=int, default=5000)
    args = parser.parse_args()

    began = time.perf_counter()
    demo = generate_demo_force(officers=args.officers, years=1, seed=42)
    generated = time.perf_counter() - began
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.db")
        database.upgrade()
        began = time.perf_counter()
        rows = load_demo_force(database, demo)
        loaded = time.perf_counter() - began
        database.dispose()
        total_rows = sum(rows.values())
        incidents = demo.frames["incidents"]
        sqlite_db = Database(f"sqlite:///{folder}/compare.db")
        sqlite_db.upgrade()
        sqlite = compare(sqlite_db, incidents, args.baseline_rows)
        sqlite_db.dispose()
    result = {
        "officers": args.officers, "incidents": incidents.height, "rows_loaded": total_rows,
        "generate_s": round(generated, 2), "load_sqlite_s": round(loaded, 2),
        "generate_and_load_s": round(generated + loaded, 2), "target_s": 30,
        "sqlite": sqlite,
    }
    with postgres_schema() as pg_url:
        if pg_url:
            database = Database(pg_url)
            database.upgrade()
            result["postgresql"] = compare(database, incidents, args.baseline_rows)
            database.dispose()
    result["peak_rss_mb"] = round(peak_rss_mb())
    path = write_result("demo_load", result)

    print(f"machine: {machine()}")
    print(f"force-year: {args.officers} officers, {incidents.height:,} incidents, "
          f"{total_rows:,} rows; generate {generated:.1f} s + load into SQLite {loaded:.1f} s = "
          f"{generated + loaded:.1f} s (target < 30 s)")
    print(f"{'database':<12}{'bulk rows/s':>14}{'ORM rows/s':>14}{'ratio':>8}  (target >= 10x)")
    for name in ("sqlite", "postgresql"):
        if name in result:
            r = result[name]
            print(f"{name:<12}{r['bulk_rows_per_s']:>14,}{r['orm_rows_per_s']:>14,}"
                  f"{r['ratio']:>7}x")
    if "postgresql" not in result:
        print("postgresql  skipped: set FORCEPLAN_TEST_POSTGRES_URL (scripts/start-postgres.sh)")
    print(f"peak RSS {result['peak_rss_mb']} MB; written {path}")


if __name__ == "__main__":
    main()
