"""Fatigue benchmark: KSS for about a million tours (5,000 officers, a year of a 6-on-4-off
rota), vectorised across officers, against a per-shift pure-Python loop over the same sleep
timeline (run on a sample of officers; its tours/s is extrapolated) in the same run.

Target (welfare issue): 1 million shifts in under 10 s; report the ratio to the loop.

    .venv/bin/python bench/bench_fatigue.py [--officers 5000] [--baseline-officers 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, peak_rss_mb, write_result
from forceplan.welfare.fatigue import PARAMETERS as P
from forceplan.welfare.shifts import SleepRules, fatigue_by_shift, timeline

TOURS = {"E": (7, 10), "L": (15, 10), "N": (22, 9)}
ROTA = "EELLNNRRRR"


def rota_tours(officers: int, days: int = 365) -> pl.DataFrame:
    start = dt.datetime(2025, 1, 1)
    people, starts, ends = [], [], []
    for officer in range(officers):
        for day in range(days):
            code = ROTA[(day + 2 * (officer % 5)) % 10]
            if code == "R":
                continue
            hour, length = TOURS[code]
            begin = start + dt.timedelta(days=day, hours=hour)
            people.append(f"P{officer:05d}")
            starts.append(begin)
            ends.append(begin + dt.timedelta(hours=length))
    return pl.DataFrame({"person_id": people, "start": starts, "end": ends})


def loop_baseline(asleep: np.ndarray, rows: np.ndarray, first: np.ndarray, last: np.ndarray,
                  step: float) -> list[tuple[float, float]]:
    """The model step by step for one officer at a time, then each shift's peak and mean,
    in plain Python floats (sleep crossing bl within a step is taken at the step's end)."""
    scores: list[list[float]] = []
    for officer in range(asleep.shape[0]):
        s, awake_for, out = P.s0, 0.0, []
        for k in range(asleep.shape[1]):
            tod = (k * step) % 24
            if asleep[officer, k]:
                out.append(math.nan)
                rate = P.g * (P.bl - P.ha)
                s = min(P.bl, s + rate * step) if s < P.bl else P.ha - (P.ha - s) * math.exp(
                    P.g * step)
                awake_for = 0.0
            else:
                alert = (s + P.cm + P.ca * math.cos(2 * math.pi * (tod - P.p) / 24)
                         + P.um + P.ua * math.cos(2 * math.pi * (tod - P.p - 3) / 12)
                         + P.wc * math.exp(P.wd * awake_for))
                out.append(min(9.0, max(1.0, 10.6 - 0.6 * alert)))
                s = P.la + (s - P.la) * math.exp(P.d * step)
                awake_for += step
        scores.append(out)
    results = []
    for row, a, b in zip(rows, first, last, strict=True):
        window = [v for v in scores[row][a:b] if not math.isnan(v)]
        results.append((max(window), sum(window) / len(window)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=5000)
    parser.add_argument("--baseline-officers", type=int, default=20)
    args = parser.parse_args()
    tours = rota_tours(args.officers)
    began = time.perf_counter()
    scored = fatigue_by_shift(tours, SleepRules())
    fast = time.perf_counter() - began
    sample = tours.filter(pl.col("person_id").is_in(
        [f"P{i:05d}" for i in range(args.baseline_officers)]))
    small = timeline(sample, SleepRules())
    began = time.perf_counter()
    slow = loop_baseline(small.asleep, small.rows, small.first, small.last, small.step_hours)
    slow_seconds = time.perf_counter() - began
    vector_small = fatigue_by_shift(sample, SleepRules())["peak_kss"]
    worst = max(abs(a - b) for (a, _m), b in zip(slow, vector_small, strict=True))
    fast_rate = tours.height / fast
    slow_rate = sample.height / slow_seconds
    assert scored.height == tours.height
    result = {"tours": tours.height, "officers": args.officers, "vectorised_s": round(fast, 2),
              "vectorised_tours_per_s": round(fast_rate), "loop_tours_per_s": round(slow_rate),
              "loop_sample_tours": sample.height, "ratio": round(fast_rate / slow_rate, 1),
              "max_peak_difference": worst, "peak_rss_mb": round(peak_rss_mb())}
    path = write_result("fatigue", result)
    print(f"machine: {machine()}")
    print(f"vectorised: {tours.height:,} tours in {fast:.1f} s ({fast_rate:,.0f} tours/s; "
          f"target 1M in < 10 s); peak RSS {result['peak_rss_mb']} MB")
    print(f"pure-Python loop: {slow_rate:,.0f} tours/s on {sample.height:,} tours; "
          f"vectorised is {result['ratio']}x faster; results agree within {worst:.2e} KSS")
    print(f"written {path}")


if __name__ == "__main__":
    main()
