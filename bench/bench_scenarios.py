"""Scenario sweep benchmark: 50 scenarios (headcount, sickness, demand growth, diversion) of one
unit over a month (synthetic incidents, a 6-on-4-off rota), run with one worker and with two
local processes in the same run; reports the speed-up.

Target (issue #6): a sweep of 50 scenarios scales with processes (report the speed-up on 2 cores).

    .venv/bin/python bench/bench_scenarios.py [--officers 200] [--replications 5]
        [--scenarios 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_simulate import CONFIG, TZ, duty_table
from common import machine, peak_rss_mb, write_result
from forceplan.scenario import BaselineInputs, ProcessExecutor, parse_spec, run_scenarios
from forceplan.synth.incidents import generate_incidents

FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 1, 31)


def sweep(count: int) -> list[dict]:
    """A grid of scenarios: headcount, sickness, growth and mental-health triage."""
    out = []
    for k in range(count):
        out.append({"name": f"s{k:02d}", "headcount_change_percent": -10 + 5 * (k % 5),
                    "sickness_rate_percent": 2 * (k // 5 % 5),
                    "demand_growth_percent": 5 * (k // 25),
                    "divert": [{"categories": ["mental_health"], "share": 0.1 * (k % 3),
                                "agency": "street triage"}]})
    return out


def month_inputs(officers: int, replications: int) -> BaselineInputs:
    incidents = generate_incidents(officers, FIRST, LAST, TZ, np.random.default_rng(1))
    duty = duty_table(officers).filter(
        pl.col("start") < pl.lit(dt.datetime(2025, 2, 1, tzinfo=dt.UTC)))
    config = dataclasses.replace(CONFIG, replications=replications)
    return BaselineInputs(incidents, duty, config)


def timed(spec, inputs, workers: int) -> tuple[float, object]:
    began = time.perf_counter()
    comparison = run_scenarios(spec, inputs, ProcessExecutor(workers))
    return time.perf_counter() - began, comparison


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--scenarios", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--replications", type=int, default=5)
    args = parser.parse_args()
    inputs = month_inputs(args.officers, args.replications)
    spec = parse_spec({"seed": 1, "baseline": {"incidents": "-", "duty": "-"},
                       "scenarios": sweep(args.scenarios)}, "bench")
    serial_s, serial = timed(spec, inputs, 1)
    parallel_s, parallel = timed(spec, inputs, args.workers)
    same = serial.table().equals(parallel.table())
    speed_up = serial_s / parallel_s
    print(f"machine: {machine()}")
    print(f"{args.scenarios} scenarios + baseline, {inputs.incidents.height:,} incidents, "
          f"{inputs.duty.height:,} tours each: 1 worker {serial_s:.1f} s, {args.workers} "
          f"workers {parallel_s:.1f} s, speed-up {speed_up:.2f}x; identical results: {same}")
    result = {"scenarios": args.scenarios, "incidents": inputs.incidents.height,
              "tours": inputs.duty.height, "workers": args.workers,
              "replications": args.replications,
              "serial_s": round(serial_s, 2), "parallel_s": round(parallel_s, 2),
              "speed_up": round(speed_up, 2), "identical_results": same,
              "peak_rss_mb": round(peak_rss_mb())}
    print(f"written {write_result('scenarios', result)}")


if __name__ == "__main__":
    main()
