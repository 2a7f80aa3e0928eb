"""Scenario files: parsing, errors that name the file and key, and what each change does."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forceplan.errors import ConfigurationError
from forceplan.workforce import defaults as d
from forceplan.workforce import scenarios as sc
from forceplan.workforce.planning import apply_scenario, project_scenarios
from forceplan.workforce.projection import project_expected
from forceplan.workforce.report import scenario_comparison
from forceplan.workforce.scenarios import (
    Scenario,
    ScenarioError,
    Surge,
    load_scenario,
    parse_scenario,
)
from tests.workforce import AS_OF, people_frame, person

SOURCE = "plans/surge.toml"


def example_from_docstring() -> str:
    """The scenario file shown in the module's docstring (so the documentation stays true)."""
    lines = sc.__doc__.split("::", 1)[1].split("Errors name", 1)[0].splitlines()
    return "\n".join(re.sub(r"\s+#.*$", "", line[4:]) for line in lines)


@pytest.fixture(scope="module")
def calibration():  # type: ignore[no-untyped-def]
    from forceplan.workforce.calibration import calibrate

    rows = [person(f"R{i}", start=AS_OF.replace(year=2025 - i % 30), tutor=i % 4 == 0)
            for i in range(2000)]
    rows += [person(f"N{i}", role="neighbourhood", start=AS_OF.replace(year=2020))
             for i in range(500)]
    rows += [person(f"T{i}", student=True, start=AS_OF.replace(year=2024)) for i in range(300)]
    return calibrate(people_frame(rows), None, AS_OF)


def test_the_documented_example_parses() -> None:
    s = parse_scenario(example_from_docstring(), SOURCE)
    assert s.name == "Neighbourhood surge"
    assert s.freeze_years == (1, 2) and s.intake_multiplier == 1.0
    assert s.surge == Surge(13000.0, 0.035, (1, 2, 3), "neighbourhood", "dhep")
    assert s.leaving_multiplier == 0.8 and s.retention_service_years == (0, 4)
    assert s.specialist_draw_multiplier == 1.2
    assert s.specialist_draw_by_role == {"investigation": 1.5}
    assert s.pension_age_change_years == 2
    assert s.route_changes == {"pcda": {"pass_rate": 0.85, "programme_years": 3, "share": 0.4}}
    assert s.students_per_tutor == 2 and s.limit_intake_by_tutors is True


def test_an_empty_file_is_the_baseline_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "steady.toml"
    path.write_text("")
    assert load_scenario(path) == Scenario("steady")


@pytest.mark.parametrize(("text", "where"), [
    ("[recruitment]\nfreeze = [1]\n", "[recruitment] freeze: unknown key"),
    ("[recruitment]\nfreeze_years = 2\n", "[recruitment] freeze_years: must be a list"),
    ("[recruitment]\nfreeze_years = [0]\n", "[recruitment] freeze_years: must be between 1"),
    ("[retention]\nleaving_multiplier = 'low'\n", "[retention] leaving_multiplier: must be a "),
    ("[retention]\nfrom_service_years = 5\nto_service_years = 2\n",
     "[retention] to_service_years: must not be below"),
    ("[surge]\nrole = 'cid'\n", "[surge] role: must be one of"),
    ("[surge]\nroute = 'transferee'\n", "[surge] route: must be an entry route with a"),
    ("[surge]\nforce_share = 2\n", "[surge] force_share: must be between 0 and 1"),
    ("[specialist_draw.roles]\ncustody = 2\n", "[specialist_draw.roles] custody: unknown key"),
    ("[pension]\nage_change_years = 1.5\n", "[pension] age_change_years: must be a whole"),
    ("[routes.apprentice]\nshare = 1\n", "[routes.apprentice]: unknown officer entry route"),
    ("[routes.transferee]\npass_rate = 0.5\n", "[routes.transferee] pass_rate: unknown key"),
    ("[tutors]\nlimit_intake = 'yes'\n", "[tutors] limit_intake: must be true or false"),
    ("[budget]\ncap = 1\n", "[budget]: unknown section"),
    ("name = 3\n", "[top level] name: must be text"),
    ("title = 'x'\n", "[top level] title: unknown key"),
    ("[recruitment\n", "not valid TOML"),
])
def test_errors_name_the_file_section_and_key(text: str, where: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, SOURCE)
    assert str(caught.value).startswith(f"{SOURCE}: ")
    assert where in caught.value.message
    assert caught.value.hint and isinstance(caught.value, ConfigurationError)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["recruitment", "surge", "retention", "promotion", "pension", "tutors"]),
       st.from_regex(r"\A[a-z][a-z_]{0,15}\Z"), st.integers(-5, 5))
def test_any_unknown_key_is_refused_by_name(section: str, key: str, value: int) -> None:
    known = {"recruitment": {"intake_multiplier", "extra_officers_per_year", "freeze_years",
                             "officer_target_change"},
             "surge": {"national_officers", "force_share", "years", "role", "route"},
             "retention": {"leaving_multiplier", "from_service_years", "to_service_years"},
             "promotion": {"multiplier"}, "pension": {"age_change_years"},
             "tutors": {"students_per_tutor", "limit_intake"}}
    text = f"[{section}]\n{key} = {value}\n"
    if key in known[section]:
        try:
            parse_scenario(text, SOURCE)
        except ScenarioError as exc:  # a known key may still have a bad value: named too
            assert f"[{section}] {key}:" in exc.message
        return
    with pytest.raises(ScenarioError, match=re.escape(f"[{section}] {key}: unknown key")):
        parse_scenario(text, SOURCE)


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "nope.toml")


def expected(calibration, scenario: Scenario, years: int = 6, policy: str = "maintain"):  # type: ignore[no-untyped-def]
    model, plan, initial = apply_scenario(calibration.model, calibration.plan(years, policy),
                                          calibration.initial, scenario,
                                          calibration.officer_route_mix)
    return project_expected(model, initial, plan)


def officers(p) -> np.ndarray:  # type: ignore[no-untyped-def]
    rows = [p.model.index(x) for x in p.model.groups if x not in ("police_staff", "pcso")]
    return p.headcount()[0][:, rows].sum(axis=1)


def test_a_recruitment_freeze_stops_officer_joiners_in_its_years(calibration) -> None:  # type: ignore[no-untyped-def]
    frozen = expected(calibration, Scenario("freeze", freeze_years=(1, 2)))
    officer_rows = [frozen.model.index(x) for x in frozen.model.groups
                    if x not in ("police_staff", "pcso")]
    joiners = frozen.joiners[0][:, officer_rows].sum(axis=1)
    assert joiners[0] == 0 and joiners[1] == 0 and joiners[2] > 0
    heads = officers(frozen)
    assert heads[2] < heads[1] < heads[0] and heads[3] == pytest.approx(heads[0])


def test_retention_and_pension_age_cut_leavers(calibration) -> None:  # type: ignore[no-untyped-def]
    base = expected(calibration, sc.BASELINE, policy="recent")
    kept = expected(calibration, Scenario("kept", leaving_multiplier=0.5,
                                          retention_service_years=(0, 4)), policy="recent")
    assert kept.leavers.sum() < base.leavers.sum()
    assert officers(kept)[-1] > officers(base)[-1]
    later = apply_scenario(calibration.model, calibration.plan(2), calibration.initial,
                           Scenario("later", pension_age_change_years=3),
                           calibration.officer_route_mix)[0]
    curve, shifted = calibration.model.leaving[5], later.leaving[5]
    first = d.RETIREMENT_FROM_SERVICE_YEARS
    assert shifted[first + 3] == curve[first] and shifted[first + 8] == curve[first + 5]
    assert np.array_equal(shifted[:first], curve[:first])
    assert later.leaving[calibration.model.index("police_staff")].tolist() == (
        calibration.model.leaving[calibration.model.index("police_staff")].tolist())


def test_a_stronger_specialist_draw_moves_officers_out_of_response(calibration) -> None:  # type: ignore[no-untyped-def]
    base = expected(calibration, sc.BASELINE)
    drawn = expected(calibration, Scenario("draw", specialist_draw_multiplier=1.5,
                                           specialist_draw_by_role={"investigation": 2.0}))
    response, cid = base.model.index("response"), base.model.index("investigation")
    assert drawn.headcount()[0, -1, response] < base.headcount()[0, -1, response]
    assert drawn.headcount()[0, -1, cid] > base.headcount()[0, -1, cid]
    with pytest.raises(ScenarioError, match="above 1"):
        expected(calibration, Scenario("absurd", specialist_draw_multiplier=99.0))


def test_a_surge_adds_our_share_of_13000_to_neighbourhood(calibration) -> None:  # type: ignore[no-untyped-def]
    base = expected(calibration, sc.BASELINE)
    surge = expected(calibration, Scenario("surge", surge=Surge(years=(1, 2))))
    share = calibration.officers() / d.NATIONAL_OFFICER_FTE[2025]
    extra = 13000 * share
    assert officers(surge)[2] - officers(base)[2] == pytest.approx(extra)
    assert "student_surge_neighbourhood" in surge.model.groups
    nhood = surge.model.index("neighbourhood")
    gained = surge.headcount()[0, -1, nhood] - base.headcount()[0, -1, nhood]
    assert gained > 0.7 * extra


def test_route_changes_and_tutor_limits_reach_the_plan(calibration) -> None:  # type: ignore[no-untyped-def]
    scenario = Scenario("routes", route_changes={"pcda": {"share": 0.0},
                                                 "dhep": {"pass_rate": 0.5}},
                        students_per_tutor=0.1, limit_intake_by_tutors=True)
    model, plan, _ = apply_scenario(calibration.model, calibration.plan(3, "recent"),
                                    calibration.initial, scenario, calibration.officer_route_mix)
    assert model.route("dhep").pass_rate == 0.5 and model.students_per_tutor == 0.1
    assert plan.joiners[:, plan.routes.index("pcda")].sum() == 0
    assert plan.tutor_capacity_limits_intake
    total = sum(calibration.recent_intake[r] for r in calibration.officer_route_mix)
    mix_routes = [plan.routes.index(r) for r in calibration.officer_route_mix]
    assert plan.joiners[0, mix_routes].sum() == pytest.approx(total)


def test_scenarios_project_side_by_side(calibration) -> None:  # type: ignore[no-untyped-def]
    chosen = [Scenario("freeze", freeze_years=(1,)), Scenario("surge", surge=Surge())]
    runs = project_scenarios(calibration, chosen, 4, runs=20, rng=np.random.default_rng(1))
    assert list(runs) == ["baseline", "freeze", "surge"]
    table = scenario_comparison(runs)
    assert table["scenario"].unique(maintain_order=True).to_list() == list(runs)
    final = table.filter((pl.col("year") == 4) & (pl.col("unique_id") == "headcount:officers"))
    values = dict(zip(final["scenario"], final["y"], strict=True))
    assert values["surge"] > values["baseline"]
    with pytest.raises(ScenarioError, match="must differ"):
        project_scenarios(calibration, [Scenario("baseline")], 2)


def test_extra_recruits_are_extra_under_either_policy(calibration) -> None:  # type: ignore[no-untyped-def]
    extra = Scenario("extra", extra_officers_per_year=50.0)
    for policy in ("maintain", "recent"):
        base = officers(expected(calibration, sc.BASELINE, policy=policy))
        more = officers(expected(calibration, extra, policy=policy))
        assert more[1] - base[1] == pytest.approx(50.0)
        assert more[-1] > base[-1] + 100
