"""Projections: conservation, ageing, Monte Carlo against expected flows, targets and tutors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.workforce import groups as g
from forceplan.workforce.model import (
    SERVICE_YEARS,
    HeadcountTarget,
    IntakePlan,
    Move,
    fixed_intake,
    no_intake,
)
from forceplan.workforce.projection import Projection, project_expected, project_monte_carlo
from tests.workforce import default_calibration, state, toy_model

CALIBRATION = default_calibration()
MODEL = CALIBRATION.model


def balance(p: Projection) -> np.ndarray:
    """start + joiners − leavers + transfers in − transfers out − end, per run, year, group."""
    heads = p.headcount()
    return (heads[:, :-1] + p.joiners - p.leavers + p.transfers_in() - p.transfers_out()
            - heads[:, 1:])


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[np.ndarray, IntakePlan]:
    """A random starting force (whole people) and a random plan for the national model."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    size = draw(st.sampled_from([0, 5, 200, 3000]))
    initial = rng.multinomial(size, np.full(MODEL.leaving.size, 1 / MODEL.leaving.size))
    initial = initial.reshape(MODEL.leaving.shape).astype(np.float64)
    years = draw(st.integers(1, 6))
    routes = tuple(r.name for r in MODEL.routes)
    joiners = rng.uniform(0, draw(st.sampled_from([0.0, 3.0, 40.0])), (years, len(routes)))
    targets = ()
    if draw(st.booleans()):
        officers = tuple(x for x in MODEL.groups if g.is_officer(x))
        goal = np.full(years, float(size) * draw(st.floats(0.5, 1.5)))
        goal[rng.random(years) < 0.3] = np.nan
        targets = (HeadcountTarget("officers", officers, goal, {"dhep": 0.6, "pcda": 0.4}),)
    plan = IntakePlan(routes, joiners, targets, tutor_capacity_limits_intake=draw(st.booleans()))
    return initial, plan


@settings(max_examples=60, deadline=None)
@given(scenarios(), st.integers(1, 40))
def test_every_group_balances_every_year(case: tuple[np.ndarray, IntakePlan], runs: int) -> None:
    initial, plan = case
    expected = project_expected(MODEL, initial, plan)
    sampled = project_monte_carlo(MODEL, initial, plan, runs, np.random.default_rng(runs))
    assert np.allclose(balance(expected), 0.0, atol=1e-8)
    assert np.array_equal(balance(sampled), np.zeros_like(balance(sampled)))
    assert sampled.counts.min() >= 0
    assert np.all(expected.counts >= -1e-9)
    # moves never change the force's size, and nobody moves into a student group
    heads = sampled.headcount().sum(axis=2)
    assert np.array_equal(np.diff(heads, axis=1),
                          sampled.joiners.sum(axis=2) - sampled.leavers.sum(axis=2))
    students = [MODEL.index(x) for x in MODEL.groups if g.is_student(x)]
    assert sampled.transfers_in()[:, :, students].sum() == 0


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12))
def test_without_leaving_moves_or_recruits_the_force_only_ages(seed: int, years: int) -> None:
    model = toy_model(leaving=0.0, routes=())
    rng = np.random.default_rng(seed)
    initial = rng.integers(0, 30, (len(model.groups), SERVICE_YEARS)).astype(np.float64)
    plan = no_intake(model, years)
    for p in (project_expected(model, initial, plan),
              project_monte_carlo(model, initial, plan, 3, rng)):
        for t in range(years + 1):
            aged = np.zeros_like(initial)
            aged[:, t:] = initial[:, : SERVICE_YEARS - t]
            aged[:, -1] += initial[:, SERVICE_YEARS - t :].sum(axis=1) if t else 0.0
            assert np.array_equal(p.counts[:, t], np.broadcast_to(aged, p.counts[:, t].shape))
        assert p.leavers.sum() == 0 and p.joiners.sum() == 0 and p.moves.sum() == 0


def test_monte_carlo_mean_converges_to_the_expected_projection() -> None:
    initial = np.round(CALIBRATION.initial)
    people = {(grp, s): 40 for grp in ("response", "investigation", "sergeant") for s in range(30)}
    initial = state(MODEL, people | {("student_pcda", 0): 60, ("police_staff", 5): 80})
    plan = fixed_intake(MODEL, 8, {"pcda": 25.5, "dhep": 30.25, "detective": 4.0,
                                   "police_staff": 7.5})
    expected = project_expected(MODEL, initial, plan).headcount()[0]
    runs = project_monte_carlo(MODEL, initial, plan, 4000, np.random.default_rng(11)).headcount()
    error = runs.mean(axis=0) - expected
    standard_error = runs.std(axis=0) / np.sqrt(runs.shape[0])
    assert np.all(np.abs(error) <= 4.5 * standard_error + 1e-9)
    assert abs(error[-1].sum()) < 0.002 * expected[-1].sum()
    # and the spread is real: Monte Carlo runs differ
    assert runs[:, -1].sum(axis=1).std() > 1.0


def test_monte_carlo_runs_are_reproducible_from_the_seed() -> None:
    initial = state(MODEL, {("response", 3): 500, ("student_dhep", 0): 50})
    plan = fixed_intake(MODEL, 5, {"dhep": 20.5})
    first = project_monte_carlo(MODEL, initial, plan, 50, np.random.default_rng(7))
    again = project_monte_carlo(MODEL, initial, plan, 50, np.random.default_rng(7))
    other = project_monte_carlo(MODEL, initial, plan, 50, np.random.default_rng(8))
    assert np.array_equal(first.counts, again.counts)
    assert not np.array_equal(first.counts, other.counts)
    replay = np.random.default_rng()
    replay.bit_generator.state = first.random_state
    assert np.array_equal(project_monte_carlo(MODEL, initial, plan, 50, replay).counts,
                          first.counts)


def test_students_are_confirmed_at_the_end_of_their_programme() -> None:
    model = toy_model(leaving=0.0)
    plan = fixed_intake(model, 4, {"dhep": 100.0, "pcda": 10.0})
    plan = plan.replace(joiners=plan.joiners * np.array([[1.0]] + [[0.0]] * 3))
    p = project_expected(model, state(model, {}), plan)
    heads = p.headcount()[0]
    dhep, pcda = model.index("student_dhep"), model.index("student_pcda")
    response, neighbourhood = model.index("response"), model.index("neighbourhood")
    assert heads[1, dhep] == 100 and heads[2, dhep] == 100 and heads[3, dhep] == 0
    assert heads[3, pcda] == 10 and heads[4, pcda] == 0
    # DHEP: 95% pass, 80/20 response/neighbourhood; the rest leave at the end of year 3
    assert heads[3, response] == pytest.approx(100 * 0.95 * 0.8)
    assert heads[3, neighbourhood] == pytest.approx(100 * 0.95 * 0.2)
    assert p.leavers[0, 2, dhep] == pytest.approx(5.0)
    assert p.counts[0, 3, response, 2] == pytest.approx(76.0)  # with 2 years' service


def test_headcount_target_is_met_every_year() -> None:
    initial = state(MODEL, {(x, s): 10 for x in ("response", "investigation") for s in range(35)})
    officers = tuple(x for x in MODEL.groups if g.is_officer(x))
    target = HeadcountTarget("officers", officers, np.full(6, 750.0), {"dhep": 1.0})
    plan = no_intake(MODEL, 6).replace(targets=(target,))
    for p in (project_expected(MODEL, initial, plan),
              project_monte_carlo(MODEL, initial, plan, 30, np.random.default_rng(2))):
        officer_rows = [MODEL.index(x) for x in officers]
        assert np.allclose(p.headcount()[:, 1:, officer_rows].sum(axis=2), 750.0)
        assert np.all(p.joiners[:, :, MODEL.index("student_dhep")] > 0)


def test_tutor_capacity_limits_intake_and_records_the_rest() -> None:
    model = toy_model(leaving=0.0, tutor_share=0.5, students_per_tutor=1.0)
    initial = state(model, {("response", 10): 40})  # 20 tutors
    plan = fixed_intake(model, 1, {"dhep": 30.0, "pcda": 20.0, "transferee": 5.0},
                        tutor_capacity_limits_intake=True)
    for p in (project_expected(model, initial, plan),
              project_monte_carlo(model, initial, plan, 20, np.random.default_rng(4))):
        students = p.first_year_students()[:, 1]
        assert np.allclose(students, 20.0)
        assert np.allclose(p.deferred_intake[:, 0], 30.0)
        assert np.allclose(p.joiners[:, 0, model.index("response")], 5.0)  # not tutored
    loose = project_expected(model, initial, plan.replace(tutor_capacity_limits_intake=False))
    assert loose.first_year_students()[0, 1] == pytest.approx(50.0)
    assert loose.deferred_intake.sum() == 0


def test_moves_follow_eligibility_by_service() -> None:
    move = Move("response", "firearms", 0.5, min_service_years=3, max_service_years=5)
    model = toy_model(leaving=0.0, moves=[move], routes=())
    initial = state(model, {("response", s): 100 for s in range(8)})
    p = project_expected(model, initial, no_intake(model, 1))
    moved = p.counts[0, 1, model.index("firearms")]
    assert moved[4:7].tolist() == [50.0, 50.0, 50.0]  # from service years 3-5, a year older
    assert moved.sum() == 150.0


def test_bad_inputs_are_refused() -> None:
    plan = no_intake(MODEL, 2)
    with pytest.raises(ValueError, match="shape"):
        project_expected(MODEL, np.zeros((3, 3)), plan)
    with pytest.raises(ValueError, match="whole numbers"):
        project_monte_carlo(MODEL, np.full(MODEL.leaving.shape, 0.5), plan, 2,
                            np.random.default_rng(0))
    with pytest.raises(ValueError, match="runs"):
        project_monte_carlo(MODEL, np.zeros(MODEL.leaving.shape), plan, 0,
                            np.random.default_rng(0))
    with pytest.raises(ValueError, match="unknown route"):
        project_expected(MODEL, np.zeros(MODEL.leaving.shape),
                         IntakePlan(("nope",), np.zeros((1, 1))))
