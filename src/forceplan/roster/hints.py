"""Starting a CP-SAT roster model from a roster: hints, completing them, reading the roster back.

The solve (solve.py), the windows' scoring (windowed.py) and the tests share these.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from forceplan.roster.model import ModelContext
from forceplan.roster.problem import Roster


def add_hint(ctx: ModelContext, hint: Roster) -> None:
    for i, officer in enumerate(ctx.officers):
        days = hint.get(officer.id, {})
        for d in range(ctx.problem.days):
            code = days.get(d)
            for c, var in ctx.x[i][d].items():
                ctx.model.add_hint(var, c == code)


def solve_hinted(ctx: ModelContext, seconds: float) -> cp_model.CpSolver | None:
    """The model solved with its hinted variables fixed to the hint (mostly presolve, on one
    worker): the solver holding that roster, or None if it breaks a hard rule (or ``seconds``
    pass first). Scores a roster made outside the model, and completes a hint."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.fix_variables_to_their_hinted_value = True
    if solver.solve(ctx.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver


def complete_hint(ctx: ModelContext, seconds: float) -> bool:
    """Complete a hinted roster to every variable of the model (its cover counts, shortfalls
    and penalties), by solving the model with the roster's variables fixed to the hint for at
    most ``seconds``. True if the hint meets the hard rules and is now complete.

    CP-SAT does not complete a partial hint itself on rosters of thousands of officer-days: a
    window step of 17,143 hinted of 21,355 variables began from a roster its first-solution
    heuristic found (5,392) and ended its 5 s at 4,580, above the hint's own 4,572, so the
    step was wasted."""
    solver = solve_hinted(ctx, seconds)
    if solver is None:
        return False
    hint_solution(ctx, solver)
    return True


def hint_solution(ctx: ModelContext, solver: cp_model.CpSolver) -> None:
    """Hint every variable of the model with its value in ``solver``'s solution."""
    values = solver.response_proto.solution
    ctx.model.clear_hints()
    ctx.model.proto.solution_hint.vars.extend(range(len(values)))
    ctx.model.proto.solution_hint.values.extend(values)


def hint_counts(ctx: ModelContext, counts: dict) -> None:
    """Start the search from the relaxation's officers per tour and day."""
    for key, n in counts.items():
        var = ctx.counted(key)
        if var is not None:
            ctx.model.add_hint(var, n)


def read_roster(ctx: ModelContext, solver: cp_model.CpSolver) -> Roster:
    roster: Roster = {}
    for i, officer in enumerate(ctx.officers):
        days: dict[int, str | None] = {}
        for d in range(ctx.problem.days):
            days[d] = next((c for c, v in ctx.x[i][d].items() if solver.boolean_value(v)), None)
        roster[officer.id] = days
    return roster
