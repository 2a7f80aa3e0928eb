"""Response simulation benchmark: one synthetic force-year (about 250,000 incidents, about 600
officers on a 6-on-4-off rota of earlies, lates and nights in three BCUs) through the fast
event engine, against a straightforward SimPy model of the same system in the same run.

Both models: dispatch by grade then received time within each BCU, lognormal travel by grade,
time on task from the incidents' own history, several officers per incident, a 45-minute
refreshment break when free after 4 hours, officers finish their job after the tour ends.
Pre-emption and abandonment are off so that the two models describe the same system.

Target (issue #6): under 20 s on one core; report the ratio to SimPy.

    .venv/bin/python bench/bench_simulate.py [--officers 600] [--skip-simpy]
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, peak_rss_mb, write_result
from forceplan.simulate import SimulationConfig, TimeOnTaskModel, TravelModel
from forceplan.simulate.engine import ResponseEngine, Rules
from forceplan.simulate.prepare import draw_demand, prepare
from forceplan.simulate.results import by_grade, incident_frame
from forceplan.synth.incidents import generate_incidents
from forceplan.synth.organisation import BCUS

TZ = "Europe/London"
TOURS = {"E": (7, 10), "L": (15, 10), "N": (22, 9)}
ROTA = "EELLNNRRRR"
FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
CONFIG = SimulationConfig(
    travel=TravelModel(kind="lognormal", by_grade={1: (8.0, 0.5), 2: (15.0, 0.6),
                                                   3: (20.0, 0.6)}),
    time_on_task=TimeOnTaskModel(source="history"),
    preempt_grades=frozenset(), abandon_after_hours=None, seed=1)


def duty_table(officers: int, seed: int = 1) -> pl.DataFrame:
    """A year of tours: officers spread over the BCUs, five teams offset on the rota."""
    rng = np.random.default_rng(seed)
    unit = rng.choice([b[0] for b in BCUS], officers, p=[b[2] for b in BCUS])
    days = (LAST - FIRST).days + 2  # one day before, for nights running into the year
    person, day = np.repeat(np.arange(officers), days), np.tile(np.arange(days) - 1, officers)
    code = np.array(list(ROTA))[(day + 2 * (person % 5)) % 10]
    tours = pl.DataFrame({"person": person, "day": day, "code": code,
                          "unit_id": unit[person]}).filter(
        pl.col("code") != "R")
    starts = {c: s for c, (s, _h) in TOURS.items()}
    hours = {c: h for c, (_s, h) in TOURS.items()}
    local = (pl.lit(FIRST).cast(pl.Datetime("us")) + pl.duration(days=pl.col("day"))
             + pl.duration(hours=pl.col("code").replace_strict(starts, return_dtype=pl.Int64)))
    start = local.dt.replace_time_zone(TZ, ambiguous="earliest", non_existent="null")
    return tours.with_columns(start=start).drop_nulls("start").select(
        person_id=pl.format("P{}", pl.col("person")),
        start=pl.col("start").dt.convert_time_zone("UTC"),
        end=pl.col("start").dt.convert_time_zone("UTC") + pl.duration(
            hours=pl.col("code").replace_strict(hours, return_dtype=pl.Int64)),
        unit_id="unit_id")


def fast_run(incidents: pl.DataFrame, duty: pl.DataFrame) -> dict:
    began = time.perf_counter()
    prepared = prepare(incidents, duty, CONFIG)
    demand = draw_demand(prepared, CONFIG, np.random.default_rng(CONFIG.seed).spawn(1)[0])
    outcome = ResponseEngine(demand, prepared.duty_arrays,
                             Rules(frozenset(), CONFIG.break_minutes,
                                   CONFIG.break_after_minutes)).run()
    grades = by_grade(incident_frame(prepared, demand, outcome, 0))
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "prepared": prepared, "demand": demand, "grades": grades}


def simpy_run(prepared, demand) -> dict:
    """The same system written the usual SimPy way: one process per tour of duty, one for the
    calls, and idle officers waiting on an event the dispatcher triggers with a job."""
    import simpy

    env = simpy.Environment()
    pools = int(max(prepared.pool.max(), prepared.duty_arrays.pool.max())) + 1
    queue: list[list] = [[] for _ in range(pools)]
    idle: list[list] = [[] for _ in range(pools)]
    need = demand.officers_needed.copy()
    dispatched = np.full(len(need), np.nan)

    def call_arrives():
        for i, t in enumerate(demand.received_minutes.tolist()):
            yield env.timeout(t - env.now)
            pool = demand.pool[i]
            while need[i] > 0 and idle[pool]:
                need[i] -= 1
                idle[pool].pop(0)[1].succeed(i)
            if need[i] > 0:
                heapq.heappush(queue[pool], (demand.grade[i], t, i))

    def take(pool):
        q = queue[pool]
        if not q:
            return None
        i = q[0][2]
        need[i] -= 1
        if need[i] == 0:
            heapq.heappop(q)
        return i

    def tour_of_duty(s, start, end, pool):
        yield env.timeout(start - env.now)
        break_due, had_break = start + CONFIG.break_after_minutes, False
        while env.now < end:
            grade_one_waiting = bool(queue[pool]) and queue[pool][0][0] == 1
            if not had_break and env.now >= break_due and not grade_one_waiting:
                had_break = True
                if env.now + CONFIG.break_minutes <= end:
                    yield env.timeout(CONFIG.break_minutes)
                    continue
            job = take(pool)
            if job is None:
                wake = env.event()
                idle[pool].append((s, wake))
                until = end if had_break else min(end, break_due)
                yield wake | env.timeout(until - env.now)
                if not wake.triggered:
                    idle[pool].remove((s, wake))
                    continue
                job = wake.value
            if np.isnan(dispatched[job]):
                dispatched[job] = env.now
            yield env.timeout(demand.travel_minutes[job] + demand.time_on_task_minutes[job])

    env.process(call_arrives())
    d = prepared.duty_arrays
    for s, (a, b, p) in enumerate(zip(d.start_minutes.tolist(), d.end_minutes.tolist(),
                                      d.pool.tolist(), strict=True)):
        env.process(tour_of_duty(s, a, b, p))
    began = time.perf_counter()
    env.run()
    seconds = time.perf_counter() - began
    response = dispatched - demand.received_minutes + demand.travel_minutes
    means = {g: float(np.nanmean(response[demand.grade == g])) for g in (1, 2, 3)}
    return {"seconds": seconds, "mean_response": means}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=600)
    parser.add_argument("--skip-simpy", action="store_true")
    args = parser.parse_args()
    incidents = generate_incidents(args.officers, FIRST, LAST, TZ, np.random.default_rng(1))
    duty = duty_table(args.officers)
    fast = fast_run(incidents, duty)
    grades = fast["grades"]
    mine = dict(grades.select("grade", "mean_response_minutes").iter_rows())
    result = {"incidents": incidents.height, "officers": args.officers, "tours": duty.height,
              "engine_s": round(fast["seconds"], 2),
              "mean_response_minutes": {g: round(v, 1) for g, v in mine.items() if v},
              "simpy": None}
    print(f"machine: {machine()}")
    print(f"engine: {incidents.height:,} incidents, {args.officers} officers, {duty.height:,} "
          f"tours in {fast['seconds']:.1f} s (target < 20 s)")
    print(grades.select("grade", "attended", "mean_response_minutes", "p90_response_minutes",
                        "share_within_target"))
    try:
        import simpy
    except ImportError:
        simpy = None
        print("SimPy is not installed: the baseline was not run (pip install simpy).")
    if simpy is not None and not args.skip_simpy:
        slow = simpy_run(fast["prepared"], fast["demand"])
        ratio = slow["seconds"] / fast["seconds"]
        result["simpy"] = {"version": simpy.__version__, "seconds": round(slow["seconds"], 2),
                           "ratio": round(ratio, 1), "mean_response_minutes": {
                               g: round(v, 1) for g, v in slow["mean_response"].items()}}
        print(f"SimPy {simpy.__version__}: {slow['seconds']:.1f} s; the engine is {ratio:.1f}x "
              f"faster; SimPy mean response by grade {result['simpy']['mean_response_minutes']}")
    result["peak_rss_mb"] = round(peak_rss_mb())
    print(f"written {write_result('simulate', result)}")


if __name__ == "__main__":
    main()
