"""Workforce benchmark: a 10-year projection with 1,000 Monte Carlo runs for a 5,000-officer
force (the demo force at West Yorkshire's size), counts per state drawn for all runs at once,
against a per-person simulation of the same model in the same run (each person draws their own
outcome every year; vectorised over people, one run at a time; run on a sample of runs and its
time extrapolated).

Target (workforce issue #9): 10 years × 1,000 runs × 5,000 officers in under 30 s; report the
ratio to the per-person simulation.

    .venv/bin/python bench/bench_workforce.py [--officers 5000] [--runs 1000] [--years 10]
                                              [--baseline-runs 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, peak_rss_mb, write_result
from forceplan.synth.organisation import generate_organisation
from forceplan.workforce import calibrate, project_monte_carlo
from forceplan.workforce.model import IntakePlan, WorkforceModel

AS_OF = dt.date(2025, 3, 31)


def people_frames(officers: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    org = generate_organisation(officers, AS_OF, np.random.default_rng(2025))
    people = pl.DataFrame([{
        "id": p.id, "kind": p.kind.value, "role": p.role.value,
        "rank": p.rank.value if p.rank else None, "service_start": p.service_start,
        "leaving_date": p.leaving_date, "contracted_hours_per_week": p.contracted_hours_per_week,
        "student_officer": p.student_officer, "tutor": p.tutor, "unit_id": p.unit_id,
        "birth_year": p.birth_year} for p in org.people])
    skills = pl.DataFrame([{"person_id": p.id, "code": s.code, "expires_on": s.expires_on}
                           for p in org.people for s in p.skills])
    return people, skills


def per_person(model: WorkforceModel, initial: np.ndarray, plan: IntakePlan, runs: int,
               rng: np.random.Generator) -> np.ndarray:
    """[run, year, group] headcount from simulating each person (plans with headcount targets
    and planned joiners, no tutor limit)."""
    cumulative = np.cumsum(model.transitions, axis=2)
    n_groups, last = len(model.groups), model.leaving.shape[1] - 1
    start_group, start_service = np.nonzero(np.round(initial).astype(np.int64))
    repeats = np.round(initial[start_group, start_service]).astype(np.int64)
    routes = [model.route(name) for name in plan.routes]
    out = np.zeros((runs, plan.years + 1, n_groups))
    for run in range(runs):
        group = np.repeat(start_group, repeats)
        service = np.repeat(start_service, repeats)
        out[run, 0] = np.bincount(group, minlength=n_groups)
        for year in range(plan.years):
            draw = rng.random(group.size)
            outcome = (draw[:, None] >= cumulative[group, service]).sum(axis=1)
            stays = outcome != 0
            moved = (outcome >= 1) & (outcome <= n_groups)
            group = np.where(moved, outcome - 1, group)[stays]
            service = np.minimum(service[stays] + 1, last)
            group, service = _join(model, plan, routes, year, group, service, rng)
            out[run, year + 1] = np.bincount(group, minlength=n_groups)
    return out


def _join(model: WorkforceModel, plan: IntakePlan, routes: list, year: int, group: np.ndarray,
          service: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    planned = np.floor(plan.joiners[year]).astype(np.int64)
    planned += rng.random(len(routes)) < plan.joiners[year] - planned
    counts = np.bincount(group, minlength=len(model.groups))
    for target in plan.targets:
        goal = target.headcount[year]
        if np.isnan(goal):
            continue
        have = counts[[model.index(x) for x in target.groups]].sum() + sum(
            planned[r] for r, route in enumerate(routes)
            if _lands(route) <= set(target.groups))
        mix = np.array([target.route_mix.get(name, 0.0) for name in plan.routes])
        planned += rng.multinomial(max(0, int(np.rint(goal - have))), mix / mix.sum())
    new_groups, new_service = [group], [service]
    for r, route in enumerate(routes):
        if planned[r] == 0:
            continue
        dests = [route.entry_group] if route.entry_group else list(route.destinations)
        shares = [1.0] if route.entry_group else list(route.destinations.values())
        landed = rng.choice(len(dests), size=planned[r], p=shares)
        new_groups.append(np.array([model.index(dests[k]) for k in landed], dtype=np.int64))
        new_service.append(np.full(planned[r], route.entry_service_years, dtype=np.int64))
    return np.concatenate(new_groups), np.concatenate(new_service)


def _lands(route) -> set[str]:  # type: ignore[no-untyped-def]
    return {route.entry_group} if route.entry_group else set(route.destinations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--baseline-runs", type=int, default=100)
    args = parser.parse_args()
    people, skills = people_frames(args.officers)
    began = time.perf_counter()
    calibration = calibrate(people, skills, AS_OF)
    calibrate_s = time.perf_counter() - began
    plan = calibration.plan(args.years)
    began = time.perf_counter()
    fast = project_monte_carlo(calibration.model, calibration.initial, plan, args.runs,
                               np.random.default_rng(1), AS_OF)
    fast_s = time.perf_counter() - began
    began = time.perf_counter()
    slow = per_person(calibration.model, calibration.initial, plan, args.baseline_runs,
                      np.random.default_rng(2))
    slow_sample_s = time.perf_counter() - began
    slow_s = slow_sample_s * args.runs / args.baseline_runs
    officers = [i for i, x in enumerate(calibration.model.groups) if x not in (
        "police_staff", "pcso")]
    fast_end = fast.headcount()[:, -1, officers].sum(axis=1)
    slow_end = slow[:, -1, officers].sum(axis=1)
    response = calibration.model.index("response")
    fast_response = fast.headcount()[:, -1, response].mean()
    slow_response = slow[:, -1, response].mean()
    result = {"officers": calibration.officers(), "people": people.height, "runs": args.runs,
              "years": args.years, "calibrate_s": round(calibrate_s, 2),
              "vectorised_s": round(fast_s, 2), "per_person_runs": args.baseline_runs,
              "per_person_sample_s": round(slow_sample_s, 2),
              "per_person_s_extrapolated": round(slow_s, 1), "ratio": round(slow_s / fast_s, 1),
              "officers_year_end_mean": round(float(fast_end.mean()), 1),
              "per_person_officers_year_end_mean": round(float(slow_end.mean()), 1),
              "response_year_end_mean": round(float(fast_response), 1),
              "per_person_response_year_end_mean": round(float(slow_response), 1),
              "peak_rss_mb": round(peak_rss_mb())}
    path = write_result("workforce", result)
    print(f"machine: {machine()}")
    print(f"vectorised: {args.years} years x {args.runs:,} runs for {result['officers']:,} "
          f"officers ({people.height:,} people) in {fast_s:.2f} s (target < 30 s); calibration "
          f"{calibrate_s:.2f} s; peak RSS {result['peak_rss_mb']} MB")
    print(f"per-person simulation: {slow_sample_s:.1f} s for {args.baseline_runs} runs, "
          f"{slow_s:.0f} s for {args.runs:,} extrapolated; vectorised is {result['ratio']}x "
          f"faster")
    print(f"agreement: response at year {args.years} {fast_response:.1f} vs "
          f"{slow_response:.1f} (per person)")
    print(f"written {path}")


if __name__ == "__main__":
    main()
