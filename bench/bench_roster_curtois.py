"""Curtois & Qu shift scheduling benchmark through forceplan's roster engine.

Each instance is parsed into the same RosterProblem the police rosters use, solved by the same
CP-SAT model (only the benchmark's rules switched on), validated by the independent checker,
and compared with the best-known objective (and Gurobi's 60-minute value where published)
from best_known.csv: that table is the baseline.

Targets (issue #7, this 2-core machine): best-known on Instances 1-7 and 9-11 within 60 s;
at most 1% gap on 8, 12, 14, 16 within 300 s; at most 5% on 13, 15, 19, 21, 23 within 600 s.

    .venv/bin/python bench/bench_roster_curtois.py [Instance1 ...] [--scale 0.5] [--workers 2]
        [--lns {on,off,both}] [--columns {on,off,auto}] [--subsolvers max_lp]

``--columns`` starts with column generation (roster/colgen.py) on, off, or (``auto``, the
default) where the solver would by itself (solve.uses_column_generation).

``--subsolvers`` names CP-SAT's full-problem subsolvers to run first (the engine's default,
``max_lp``); ``--subsolvers ""`` gives CP-SAT's own portfolio, for comparison.

``--lns both`` solves each instance with and without the large-neighbourhood search, one after
the other, so the two are compared under the same machine load. ``--lns auto`` (the default)
uses it for the instances given 300 s or more (tiers 2 and 3), where it found much better
rosters, and in the 60 s tier only for models of more than ``LNS_VARIABLES`` officer-day-tour
variables: since session 14's neighbourhood it did much better on Instance11 (3,449 and 3,443
against 3,560 and 3,589), was mixed on Instances 9 and 10, and worse on the small Instances 5
and 6, which the full model alone solves outright (bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import add_subsolvers_option, machine, write_result
from forceplan.errors import InfeasibleRosterError
from forceplan.roster.checker import check_roster, roster_penalty
from forceplan.roster.curtois import BENCHMARK_RULES, read_instance
from forceplan.roster.solve import (
    LNS_VARIABLES,
    SolveOptions,
    solve_roster,
    uses_column_generation,
)
from forceplan.roster.windows import should_decompose, variables

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "curtois_shift_scheduling"
TIER = {**{n: (60, 0.0) for n in (1, 2, 3, 4, 5, 6, 7, 9, 10, 11)},
        **{n: (300, 0.01) for n in (8, 12, 14, 16)},
        **{n: (600, 0.05) for n in (13, 15, 17, 18, 19, 20, 21, 22, 23, 24)}}  # fmt: skip


def best_known() -> dict[str, dict[str, str]]:
    with (DATA / "best_known.csv").open() as handle:
        return {row["instance"]: row for row in csv.DictReader(handle)}


def auto_lns(name: str) -> bool | None:
    """Whether ``--lns auto`` uses the large-neighbourhood search for an instance: always in
    the 300 s and 600 s tiers, in the 60 s tier as the solver's default does (models of more than
    solve.LNS_VARIABLES variables: Instance11 has 5,712; Instance10 3,752 and Instance9 3,136,
    where two runs each with LNS were mixed). A long horizon the windows take (Instances 21
    and 23) is left to the solver (None), which improves the windows' roster with the search
    over the full model only when that model is small enough (windowed.searches_full_model)."""
    problem = read_instance(DATA / f"{name}.txt")
    if should_decompose(problem, BENCHMARK_RULES):
        return None
    return tier(name)[0] >= 300 or variables(problem) > LNS_VARIABLES


def tier(name: str) -> tuple[float, float]:
    """The instance's time limit (s) and allowed gap to best-known (issue #7's tiers)."""
    return TIER.get(int(name.removeprefix("Instance")), (600, 0.05))


def run(
    name: str,
    scale: float,
    workers: int,
    deterministic: bool,
    lns: bool | None,
    subsolvers: tuple[str, ...],
    columns: bool | None = None,
) -> dict:
    limit, allowed_gap = tier(name)
    limit *= scale
    problem = read_instance(DATA / f"{name}.txt")
    started = time.perf_counter()
    options = SolveOptions(time_limit_seconds=limit, workers=workers, seed=0,
                           deterministic=deterministic, lns=lns,
                           subsolvers=subsolvers, column_generation=columns)  # fmt: skip
    try:
        solution = solve_roster(problem, BENCHMARK_RULES, options)
    except InfeasibleRosterError as error:  # no roster within the limit: a failed row
        wall = round(time.perf_counter() - started, 1)
        return {"instance": name, "lns": lns, "time_limit_s": limit, "objective": None,
                "best_known": int(best_known()[name]["best_known"]), "gap_to_best": None,
                "target_gap": allowed_gap, "met": False, "seconds_to_final": None,
                "wall_s": wall, "error": error.message}  # fmt: skip
    wall = time.perf_counter() - started
    breaches = check_roster(problem, solution.roster)
    checked = roster_penalty(problem, solution.roster).total
    known = best_known()[name]
    best = int(known["best_known"])
    gap = (solution.objective - best) / best
    reached = next(
        (p.elapsed_seconds for p in solution.progress if p.objective <= solution.objective),
        None,
    )
    return {
        "instance": name,
        "lns": lns,
        "columns": uses_column_generation(problem, BENCHMARK_RULES, options),
        "time_limit_s": limit,
        "objective": solution.objective,
        "checker_objective": checked,
        "breaches": len(breaches),
        "best_known": best,
        "gurobi_60min": known.get("gurobi_60min") or None,
        "lower_bound_found": round(solution.bound, 1),
        "gap_to_best": round(gap, 4),
        "target_gap": allowed_gap,
        "met": gap <= allowed_gap + 1e-9 and not breaches and checked == solution.objective,
        "seconds_to_final": round(reached, 1) if reached is not None else None,
        "wall_s": round(wall, 1),
    }


def _print_row(row: dict) -> None:
    name, lns = row["instance"], {True: "on", False: "off", None: "auto"}[row["lns"]]
    if row["objective"] is None:
        print(f"{name:<11} {lns:<4} {row['time_limit_s']:>6.0f} no roster: {row['error']}",
              flush=True)  # fmt: skip
        return
    print(f"{name:<11} {lns:<4} {row['time_limit_s']:>6.0f} {row['objective']:>7} "
          f"{row['best_known']:>7} {row['gap_to_best']:>7.2%} {row['target_gap']:>6.0%} "
          f"{row['seconds_to_final'] or 0:>7.1f} {row['wall_s']:>6.1f} {row['load']:>5.1f} "
          f"{'yes' if row['met'] else 'NO'}  bound {row['lower_bound_found']:,.0f}"
          f"{' (columns)' if row['columns'] else ''}", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instances", nargs="*")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every time limit")
    parser.add_argument("--workers", type=int, default=2)
    add_subsolvers_option(parser)
    parser.add_argument("--deterministic", action="store_true")
    parser.add_argument("--lns", choices=("on", "off", "both", "auto"), default="auto",
                        help="large-neighbourhood search after the first roster")  # fmt: skip
    parser.add_argument("--columns", choices=("on", "off", "auto"), default="auto",
                        help="column generation first (roster/colgen.py)")  # fmt: skip
    args = parser.parse_args()
    fixed = {"on": [True], "off": [False], "both": [False, True]}
    names = args.instances or sorted(
        (p.stem for p in DATA.glob("Instance*.txt")), key=lambda s: int(s[8:])
    )
    rows = []
    print(f"{'instance':<11} {'lns':<4} {'limit':>6} {'obj':>7} {'best':>7} {'gap':>7} "
          f"{'target':>6} {'t_final':>7} {'wall':>6} {'load':>5} met")  # fmt: skip
    columns = {"on": True, "off": False, "auto": None}[args.columns]
    for name in names:
        for lns in fixed.get(args.lns, [auto_lns(name)]):
            given = (args.scale, args.workers, args.deterministic, lns, args.subsolvers)
            rows.append(run(name, *given, columns))
            rows[-1]["load"] = os.getloadavg()[0]  # the machine's 1-minute load at the end
            _print_row(rows[-1])
    met = sum(r["met"] for r in rows)
    print(f"{met}/{len(rows)} runs meet their target ({machine()})")
    settings = {"scale": args.scale, "workers": args.workers, "deterministic": args.deterministic,
                "lns": args.lns, "columns": args.columns,
                "subsolvers": list(args.subsolvers)}  # fmt: skip
    write_result("roster_curtois", {**settings, "rows": rows})


if __name__ == "__main__":
    main()
