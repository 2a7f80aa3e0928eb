"""Which hard rules conflict when no roster meets them: CP-SAT's sufficient assumptions for
infeasibility, shrunk one rule at a time to a small conflicting set."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from forceplan.errors import InfeasibleRosterError
from forceplan.roster.model import RuleConfig, build_model
from forceplan.roster.problem import RosterProblem

if TYPE_CHECKING:
    from forceplan.roster.solve import SolveOptions


def _describe(key: tuple[str, str | None]) -> str:
    rule_name, officer_id = key
    return rule_name if officer_id is None else f"{rule_name} ({officer_id})"


def explain_infeasible(
    problem: RosterProblem, config: RuleConfig | None, options: SolveOptions
) -> InfeasibleRosterError:
    """Which hard rules conflict: CP-SAT's sufficient assumptions, shrunk one at a time."""
    conflict = _core(problem, config, options, None) or []  # None: no core found
    budget = time.perf_counter() + max(5.0, options.time_limit_seconds)
    for key in list(conflict):
        if len(conflict) <= 1 or time.perf_counter() > budget:
            break
        trial = [k for k in conflict if k != key]
        smaller = _core(problem, config, options, set(trial))
        if smaller is not None:
            conflict = smaller
    names = [_describe(k) for k in conflict] if conflict else []
    rules = sorted({k[0] for k in conflict or []})
    return InfeasibleRosterError(
        "No roster meets every hard rule. These rules conflict: "
        + (", ".join(names) if names else "(could not isolate them)"),
        rules,
        hint="Relax one of them (approve less leave, lower a minimum cover, allow a longer "
        "run), or add officers.",
    )


def _core(
    problem: RosterProblem,
    config: RuleConfig | None,
    options: SolveOptions,
    keep: set[tuple[str, str | None]] | None,
) -> list[tuple[str, str | None]] | None:
    """A set of (rule, officer) assumptions that is infeasible on its own, or None if the
    assumptions in ``keep`` are satisfiable together."""
    ctx = build_model(problem, config, explain=True)
    literals = [lit for lit, key in ctx.assumptions.items() if keep is None or key in keep]
    for lit, key in ctx.assumptions.items():
        if keep is not None and key not in keep:
            ctx.model.add(lit == 0)
    ctx.model.add_assumptions(literals)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # assumptions need a single worker
    solver.parameters.max_time_in_seconds = max(5.0, options.time_limit_seconds / 4)
    status = solver.solve(ctx.model)
    if status != cp_model.INFEASIBLE:
        return None
    core = solver.sufficient_assumptions_for_infeasibility()
    index_to_key = {lit.index: key for lit, key in ctx.assumptions.items()}
    return [index_to_key[i] for i in core if i in index_to_key]
