"""Welfare indicators benchmark: working-time breaches, the rest-day ledger and sickness
(spells, Bradford factor) for a 5,000-officer force over a year of worked shifts, vectorised,
against a per-shift pure-Python loop over a sample of officers in the same run (its officers/s
extrapolated). Fatigue has its own benchmark (bench_fatigue.py).

Target (welfare issue): under 10 s; report the ratio to the loop.

    .venv/bin/python bench/bench_welfare.py [--officers 5000] [--baseline-officers 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, peak_rss_mb, write_result
from forceplan.standard.calendar import public_holidays
from forceplan.welfare.absence import bradford_factors, sickness_spells
from forceplan.welfare.ledger import rest_day_ledger
from forceplan.welfare.working_time import working_time_breaches

TOURS = {"E": (7, 10), "L": (15, 10), "N": (22, 9)}
ROTA = "EELLNNRRRR"
FIRST = dt.date(2025, 1, 1)
DAYS = 365


def force_year(officers: int, seed: int = 1) -> tuple[pl.DataFrame, ...]:
    """A year of a 6-on-4-off rota with rest days cancelled, overtime and sickness."""
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(officers), DAYS)
    day = np.tile(np.arange(DAYS), officers)
    code = np.array(list(ROTA))[(day + 2 * (person % 5)) % 10]
    rdc = (code == "R") & (rng.random(code.size) < 0.02)
    code = np.where(rdc, "E", code)
    working = code != "R"
    overtime = np.where(working & (rng.random(code.size) < 0.1), rng.choice([30, 60, 120],
                                                                           code.size), 0)
    ids = np.char.add("P", np.char.zfill(np.arange(officers).astype(str), 5))
    roster = pl.DataFrame({
        "person_id": ids[person], "date": pl.Series(np.datetime64(FIRST) + day).cast(pl.Date),
        "shift_code": pl.Series(code).replace("R", None), "status": "worked",
        "rest_day_cancelled": rdc,
        "rdc_notice_days": pl.Series(np.where(rdc, rng.integers(1, 30, code.size), -1)
                                     ).replace(-1, None),
        "replacement_rest_day": False, "overtime_minutes": overtime})
    hours = {c: h for c, (_s, h) in TOURS.items()}
    roster = roster.with_columns(
        tour_hours=pl.col("shift_code").replace_strict(hours, default=None,
                                                       return_dtype=pl.Float64))
    starts = {c: s for c, (s, _h) in TOURS.items()}
    tours = roster.filter(pl.col("shift_code").is_not_null()).with_columns(
        start=pl.col("date").cast(pl.Datetime("us")) + pl.duration(
            hours=pl.col("shift_code").replace_strict(starts, return_dtype=pl.Int64)))
    tours = tours.with_columns(end=pl.col("start") + pl.duration(
        minutes=(pl.col("tour_hours") * 60).cast(pl.Int64) + pl.col("overtime_minutes")))
    people = pl.DataFrame({"id": ids, "rank": "constable", "contracted_hours_per_week": 40.0,
                           "service_start": dt.date(2015, 1, 1)})
    n_sick = officers * 2
    start = np.datetime64(FIRST) + rng.integers(0, DAYS - 10, n_sick)
    absences = pl.DataFrame({
        "person_id": ids[rng.integers(0, officers, n_sick)], "kind": "sickness",
        "start": pl.Series(start).cast(pl.Date),
        "end": pl.Series(start + rng.integers(0, 6, n_sick)).cast(pl.Date),
        "status": "approved", "hours_per_day": None})
    return roster, tours, people, absences


def vectorised(roster, tours, people, absences) -> dict:
    breaches = working_time_breaches(tours.select("person_id", "start", "end"))
    holidays = public_holidays(FIRST, FIRST + dt.timedelta(days=DAYS - 1))
    ledger = rest_day_ledger(roster, people, absences, holidays, FIRST,
                             FIRST + dt.timedelta(days=DAYS - 1), dt.date(2025, 12, 31))
    non_working = roster.filter(pl.col("shift_code").is_null()).select("person_id", "date")
    bradford = bradford_factors(sickness_spells(absences, non_working), dt.date(2025, 12, 31))
    return {"breaches": breaches, "ledger": ledger["summary"], "bradford": bradford}


def loop_baseline(tours: pl.DataFrame, roster: pl.DataFrame) -> dict[str, dict[str, int]]:
    """The same checks, one shift at a time in plain Python: 11-hour rest, rolling 17-week
    average, consecutive days, and rest-day compensation."""
    by_person: dict[str, list[tuple]] = defaultdict(list)
    for row in tours.select("person_id", "date", "start", "end").iter_rows():
        by_person[row[0]].append(row[1:])
    short_rests, average_breaches, long_runs = {}, {}, {}
    for person, shifts in by_person.items():
        shifts.sort()
        short_rests[person] = sum(
            1 for a, b in pairwise(shifts)
            if (b[1] - a[2]).total_seconds() / 3600 < 11)
        daily: dict[dt.date, float] = defaultdict(float)
        for day, start, end in shifts:
            daily[day] += (end - start).total_seconds() / 3600
        flagged, first = 0, shifts[0][0]
        for day, _s, _e in shifts:
            if (day - first).days >= 118:
                total = sum(daily.get(day - dt.timedelta(days=k), 0.0) for k in range(119))
                flagged += total / 17 > 48
        average_breaches[person] = flagged
        run, worst, previous = 0, 0, None
        for day, _s, _e in shifts:
            run = run + 1 if previous and (day - previous).days == 1 else 1
            worst, previous = max(worst, run), day
        long_runs[person] = worst
    compensation: dict[str, float] = defaultdict(float)
    for person, notice, hours in roster.filter("rest_day_cancelled").select(
            "person_id", "rdc_notice_days", "tour_hours").iter_rows():
        if notice < 15:
            compensation[person] += max(hours, 4) * 1.5
    return {"short_rests": short_rests, "average": average_breaches, "runs": long_runs,
            "compensation": dict(compensation)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=5000)
    parser.add_argument("--baseline-officers", type=int, default=200)
    args = parser.parse_args()
    roster, tours, people, absences = force_year(args.officers)
    began = time.perf_counter()
    out = vectorised(roster, tours, people, absences)
    fast = time.perf_counter() - began
    sample_ids = people["id"].head(args.baseline_officers).implode()
    sample_tours = tours.filter(pl.col("person_id").is_in(sample_ids))
    sample_roster = roster.filter(pl.col("person_id").is_in(sample_ids))
    began = time.perf_counter()
    slow = loop_baseline(sample_tours, sample_roster)
    slow_seconds = time.perf_counter() - began
    mine = out["breaches"].filter(pl.col("rule") == "daily_rest").group_by("person_id").len()
    agree = all(slow["short_rests"][p] == n for p, n in mine.filter(
        pl.col("person_id").is_in(sample_ids)).iter_rows())
    total_short = sum(slow["short_rests"].values())
    sample_short = mine.filter(pl.col("person_id").is_in(sample_ids))["len"].sum()
    fast_rate = args.officers / fast
    slow_rate = args.baseline_officers / slow_seconds
    result = {"officers": args.officers, "tours": tours.height, "roster_lines": roster.height,
              "vectorised_s": round(fast, 2), "loop_officers_per_s": round(slow_rate, 1),
              "vectorised_officers_per_s": round(fast_rate), "loop_sample": args.baseline_officers,
              "ratio": round(fast_rate / slow_rate, 1), "breaches": out["breaches"].height,
              "daily_rest_agrees": agree and total_short == sample_short,
              "peak_rss_mb": round(peak_rss_mb())}
    path = write_result("welfare", result)
    print(f"machine: {machine()}")
    print(f"vectorised: {args.officers:,} officers, {tours.height:,} worked tours, "
          f"{roster.height:,} roster lines in {fast:.1f} s (target < 10 s); "
          f"{out['breaches'].height:,} breaches; peak RSS {result['peak_rss_mb']} MB")
    print(f"pure-Python loop: {slow_rate:,.1f} officers/s on {args.baseline_officers} officers "
          f"(≈ {args.officers / slow_rate:,.0f} s for the force); vectorised is "
          f"{result['ratio']}x faster; daily-rest breaches agree: {result['daily_rest_agrees']}")
    print(f"written {path}")


if __name__ == "__main__":
    main()
