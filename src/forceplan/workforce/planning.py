"""Applying scenarios to a calibrated model and projecting them side by side.

What each scenario key changes (scenarios.py lists the keys):

- retention: officers' leaving rates × ``leaving_multiplier`` in the service range;
- pension: officers' leaving curve from ``defaults.RETIREMENT_FROM_SERVICE_YEARS`` moves by the
  change in years (a year of pension age is taken as a year of service);
- specialist draw and promotion: the national default move rates × the multipliers;
- routes: pass rates, programme lengths and shares of officer recruits (shares rescaled to 1);
- recruitment: planned officer joiners × ``intake_multiplier`` (under the "maintain" policy there
  are none: the target decides), plus ``extra_officers_per_year``; the officer headcount target
  moves by ``officer_target_change`` and rises by the extra recruits (so they are extra under
  either policy); in ``freeze_years`` no officer joins (planned or top-up), and a "maintain"
  target recruits the gap back in the first year after the freeze;
- surge: ``national_officers`` × the force's share (default: its officers over England and Wales
  officers) join through a copy of ``route`` whose students are confirmed into ``role``, spread
  evenly over ``years``; the officer headcount target rises with them so they are extra;
- tutors: students per tutor, and whether tutor capacity limits intake.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np

from forceplan.workforce import defaults as d
from forceplan.workforce import groups as g
from forceplan.workforce.calibration import Calibration
from forceplan.workforce.model import EntryRoute, IntakePlan, Move, WorkforceModel, align
from forceplan.workforce.projection import Projection, project_expected, project_monte_carlo
from forceplan.workforce.scenarios import BASELINE, HINT, Scenario, ScenarioError, Surge

OFFICERS_TARGET = "officers"


def apply_scenario(model: WorkforceModel, plan: IntakePlan, initial: np.ndarray,
                   scenario: Scenario, officer_mix: Mapping[str, float],
                   national_officers: float = d.NATIONAL_OFFICER_FTE[2025],
                   ) -> tuple[WorkforceModel, IntakePlan, np.ndarray]:
    """The model, plan and starting state with the scenario's changes (see the module
    docstring). A surge adds a student group, so the starting state gains an empty row."""
    force_officers = float(sum(initial[i].sum() for i in _officer_rows(model)))
    before = model.groups
    try:
        model = _rates(model, scenario)
        mix = _mix(officer_mix, scenario)
        model, plan = _routes(model, plan, scenario, officer_mix, mix)
        plan = _recruitment(plan, scenario, mix)
        if scenario.surge is not None:
            share = scenario.surge.force_share
            if share is None:
                share = force_officers / national_officers
            model, plan = _surge(model, plan, scenario.surge, share)
        plan = _freeze(model, plan, scenario.freeze_years)
        if scenario.limit_intake_by_tutors is not None:
            plan = plan.replace(tutor_capacity_limits_intake=scenario.limit_intake_by_tutors)
    except ValueError as exc:
        raise ScenarioError(f"scenario {scenario.name!r}: {exc}", HINT) from exc
    return model, plan, align(initial, before, model.groups)


def project_scenarios(calibration: Calibration, scenarios: Sequence[Scenario], years: int, *,
                      runs: int = 0, rng: np.random.Generator | None = None,
                      policy: str = "maintain") -> dict[str, Projection]:
    """The baseline and each scenario, projected ``years`` ahead: expected flows when
    ``runs`` is 0, else ``runs`` Monte Carlo runs each (independent child generators)."""
    chosen = [BASELINE, *scenarios]
    names = [s.name for s in chosen]
    if len(set(names)) != len(names):
        raise ScenarioError(f"scenario names must differ: {', '.join(names)}", HINT)
    if runs and rng is None:
        raise ValueError("rng: Monte Carlo runs need a seeded numpy Generator")
    children = rng.spawn(len(chosen)) if runs and rng is not None else [None] * len(chosen)
    out: dict[str, Projection] = {}
    for scenario, child in zip(chosen, children, strict=True):
        model, plan, initial = apply_scenario(
            calibration.model, calibration.plan(years, policy), calibration.initial, scenario,
            calibration.officer_route_mix)
        if runs and child is not None:
            out[scenario.name] = project_monte_carlo(model, initial, plan, runs, child,
                                                     calibration.as_of)
        else:
            out[scenario.name] = project_expected(model, initial, plan, calibration.as_of)
    return out


def _officer_rows(model: WorkforceModel) -> list[int]:
    return [i for i, x in enumerate(model.groups) if g.is_officer(x)]


def _rates(model: WorkforceModel, s: Scenario) -> WorkforceModel:
    leaving = model.leaving.copy()
    rows = _officer_rows(model)
    low, high = s.retention_service_years
    leaving[rows, low : high + 1] = np.minimum(leaving[rows, low : high + 1]
                                               * s.leaving_multiplier, 1.0)
    if s.pension_age_change_years:
        leaving[rows] = _shift_retirement(leaving[rows], s.pension_age_change_years)
    moves = tuple(_scaled(m, s) for m in model.moves)
    tutors = s.students_per_tutor if s.students_per_tutor is not None else (
        model.students_per_tutor)
    return model.replace(leaving=leaving, moves=moves, students_per_tutor=tutors)


def _shift_retirement(curves: np.ndarray, years: int) -> np.ndarray:
    """Leaving from the retirement service year on, ``years`` later (earlier if negative)."""
    first = d.RETIREMENT_FROM_SERVICE_YEARS + min(0, years)
    out = curves.copy()
    for s in range(max(first, 0), curves.shape[1]):
        out[:, s] = curves[:, int(np.clip(s - years, 0, curves.shape[1] - 1))]
    return out


def _scaled(move: Move, s: Scenario) -> Move:
    factor = 1.0
    if move.kind == d.SPECIALIST_DRAW:
        factor = s.specialist_draw_multiplier * s.specialist_draw_by_role.get(move.to_group, 1.0)
    elif move.kind == d.PROMOTION:
        factor = s.promotion_multiplier
    if factor == 1.0:
        return move
    rate = move.rate * factor
    if rate > 1:
        raise ValueError(f"{move.kind} {move.from_group} → {move.to_group} would be {rate:.2f} "
                         "a year, above 1: use a smaller multiplier")
    return dataclasses.replace(move, rate=rate)


def _mix(officer_mix: Mapping[str, float], s: Scenario) -> dict[str, float]:
    mix = dict(officer_mix)
    for name, change in s.route_changes.items():
        if "share" in change:
            mix[name] = change["share"]
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("route shares add up to 0: give at least one route a share")
    return {name: share / total for name, share in mix.items() if share > 0}


def _routes(model: WorkforceModel, plan: IntakePlan, s: Scenario, old_mix: Mapping[str, float],
            mix: Mapping[str, float]) -> tuple[WorkforceModel, IntakePlan]:
    routes = []
    for route in model.routes:
        change = s.route_changes.get(route.name, {})
        keep = {k: v for k, v in change.items() if k in ("pass_rate", "programme_years")}
        routes.append(dataclasses.replace(route, **keep) if keep else route)  # type: ignore[arg-type]
    model = model.replace(routes=tuple(routes))
    joiners = plan.joiners.copy()
    old = [plan.routes.index(r) for r in old_mix if r in plan.routes]
    total = joiners[:, old].sum(axis=1)
    joiners[:, old] = 0.0
    for name, share in mix.items():
        joiners[:, plan.routes.index(name)] += total * share
    targets = tuple(dataclasses.replace(t, route_mix=dict(mix)) if t.name == OFFICERS_TARGET
                    else t for t in plan.targets)
    return model, plan.replace(joiners=joiners, targets=targets)


def _recruitment(plan: IntakePlan, s: Scenario, mix: Mapping[str, float]) -> IntakePlan:
    joiners = plan.joiners.copy()
    for name, share in mix.items():
        r = plan.routes.index(name)
        joiners[:, r] = joiners[:, r] * s.intake_multiplier + s.extra_officers_per_year * share
    extra = s.officer_target_change + s.extra_officers_per_year * np.arange(1, plan.years + 1)
    targets = tuple(dataclasses.replace(t, headcount=t.headcount + extra)
                    if t.name == OFFICERS_TARGET else t for t in plan.targets)
    return plan.replace(joiners=joiners, targets=targets)


def _surge(model: WorkforceModel, plan: IntakePlan, surge: Surge,
           share: float) -> tuple[WorkforceModel, IntakePlan]:
    base = model.route(surge.route)
    name = f"surge_{surge.role}"
    route = EntryRoute(name, base.programme_years, base.pass_rate, {surge.role: 1.0},
                       base.entry_service_years, base.tutored)
    model = model.with_route(route, like=base.name)
    per_year = np.zeros(plan.years)
    rows = [y - 1 for y in surge.years if y <= plan.years]
    per_year[rows] = surge.national_officers * share / len(surge.years)
    officers = tuple(x for x in model.groups if g.is_officer(x))
    targets = tuple(
        dataclasses.replace(t, groups=officers, headcount=t.headcount + np.cumsum(per_year))
        if t.name == OFFICERS_TARGET else t for t in plan.targets)
    joiners = np.column_stack([plan.joiners, per_year])
    return model, IntakePlan((*plan.routes, name), joiners, targets,
                             plan.tutor_capacity_limits_intake)


def _freeze(model: WorkforceModel, plan: IntakePlan, years: tuple[int, ...]) -> IntakePlan:
    if not years:
        return plan
    officer_routes = [r for r, name in enumerate(plan.routes)
                      if all(g.is_officer(x) for x in _lands(model.route(name)))]
    joiners = plan.joiners.copy()
    rows = [y - 1 for y in years if y <= plan.years]
    joiners[np.ix_(rows, officer_routes)] = 0.0
    targets = []
    for t in plan.targets:
        if t.name == OFFICERS_TARGET:
            headcount = t.headcount.copy()
            headcount[rows] = np.nan
            t = dataclasses.replace(t, headcount=headcount)
        targets.append(t)
    return plan.replace(joiners=joiners, targets=tuple(targets))


def _lands(route: EntryRoute) -> set[str]:
    return {route.entry_group} if route.entry_group else set(route.destinations)
