"""The model's transition probabilities, its checks, and the national defaults."""

from __future__ import annotations

import numpy as np
import pytest

from forceplan.workforce import defaults as d
from forceplan.workforce import groups as g
from forceplan.workforce.model import (
    SERVICE_YEARS,
    EntryRoute,
    Move,
    align,
    fixed_intake,
    maintain_headcount,
)
from forceplan.workforce.projection import project_expected
from tests.workforce import default_calibration, default_routes, state, toy_model

MODEL = default_calibration().model


def test_every_state_leaves_moves_or_stays_with_total_probability_one() -> None:
    p = MODEL.transitions
    assert p.shape == (len(MODEL.groups), SERVICE_YEARS, len(MODEL.groups) + 1)
    assert np.all(p >= 0) and np.all(p.sum(axis=2) <= 1 + 1e-12)
    assert np.all(p[:, :, 0] >= MODEL.leaving - 1e-12)  # students who fail leave as well
    assert np.all(p[:, -1, 0] == 1.0)  # by default nobody serves on past 40 years


def test_students_finish_with_the_pass_rate_and_the_rest_leave() -> None:
    model = toy_model(leaving=0.1)
    route = model.route("pcda")
    row = model.transitions[model.index("student_pcda")]
    done = route.completion_service_year
    assert done == 2
    assert row[0, 1:].sum() == 0 and row[0, 0] == pytest.approx(0.1)  # in training
    assert row[done, 0] == pytest.approx(0.1 + 0.9 * (1 - route.pass_rate))
    assert row[done, 1 + model.index("response")] == pytest.approx(0.9 * route.pass_rate * 0.8)
    assert row[done, 1:].sum() + row[done, 0] == pytest.approx(1.0)


def test_move_rates_apply_to_those_who_stay() -> None:
    model = toy_model(leaving=0.2, moves=[Move("response", "sergeant", 0.5, 4)])
    row = model.transitions[model.index("response")]
    assert row[3, 1 + model.index("sergeant")] == 0
    assert row[4, 1 + model.index("sergeant")] == pytest.approx(0.8 * 0.5)


def test_impossible_models_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="moves out of response at 2 years"):
        toy_model(moves=[Move("response", "firearms", 0.7, 2), Move("response", "sergeant", 0.7)])
    with pytest.raises(ValueError, match="unknown group"):
        toy_model(moves=[Move("response", "dog_section", 0.1)])
    with pytest.raises(ValueError, match="student group"):
        toy_model(moves=[Move("response", "student_pcda", 0.1)])
    with pytest.raises(ValueError, match="must change group"):
        Move("response", "response", 0.1)
    with pytest.raises(ValueError, match="add up to 1"):
        EntryRoute("x", 2, 0.9, {"response": 0.5})
    with pytest.raises(ValueError, match="probabilities"):
        toy_model(leaving=1.5)


def test_a_new_route_adds_a_student_group_like_its_template() -> None:
    model = toy_model(leaving=np.linspace(0, 0.4, SERVICE_YEARS))
    surge = EntryRoute("surge", 2, 0.9, {"neighbourhood": 1.0})
    grown = model.with_route(surge, like="dhep")
    assert grown.groups.index("student_surge") < grown.groups.index(g.RESPONSE)
    assert np.array_equal(grown.leaving[grown.index("student_surge")],
                          model.leaving[model.index("student_dhep")])
    initial = state(model, {("response", 3): 7})
    moved = align(initial, model.groups, grown.groups)
    assert moved[grown.index("response"), 3] == 7 and moved.sum() == 7
    with pytest.raises(ValueError, match="lost"):
        align(moved, grown.groups, model.groups)


def test_plans_check_their_routes_and_shapes() -> None:
    with pytest.raises(ValueError, match="unknown route"):
        fixed_intake(MODEL, 3, {"apprentice": 5})
    plan = maintain_headcount(MODEL, state(MODEL, {("response", 5): 10, ("police_staff", 5): 3}),
                              2, {"dhep": 1.0})
    assert [t.name for t in plan.targets] == ["officers", "police_staff", "pcso"]
    assert plan.targets[0].headcount.tolist() == [10.0, 10.0]


def test_national_defaults_give_about_the_national_turnover() -> None:
    """At equilibrium under the defaults, officer turnover is near 6.2% a year (DOMAIN.md)."""
    routes = default_routes()
    model = toy_model(leaving=MODEL.leaving, moves=MODEL.moves, routes=routes)
    years = 60
    mix = {r.name: r.share for r in d.ROUTES if r.share > 0}
    plan = fixed_intake(model, years, {name: 1000 * share for name, share in mix.items()})
    p = project_expected(model, state(model, {}), plan)
    officers = [model.index(x) for x in model.groups if g.is_officer(x)]
    heads = p.headcount()[0][:, officers].sum(axis=1)
    turnover = p.leavers[0, -1, officers].sum() / heads[-2]
    assert 0.05 < turnover < 0.075
    candidates = d.CANDIDATES_PER_RECRUIT
    assert candidates == pytest.approx(3.16, abs=0.01)
