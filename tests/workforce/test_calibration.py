"""Calibration from people records: known rates come back; defaults fill what data cannot."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from forceplan.workforce import defaults as d
from forceplan.workforce import fitting
from forceplan.workforce import groups as g
from forceplan.workforce.calibration import FORCE, calibrate
from forceplan.workforce.projection import project_expected
from tests.conftest import shared_data
from tests.workforce import AS_OF, people_frame, person, skills_frame

TRUE_LEAVING = {"0": 0.12, "1": 0.09, "2-4": 0.06, "5-9": 0.04, "10-19": 0.03, "20-24": 0.035,
                "25-29": 0.08, "30-34": 0.3, "35-39": 0.5, "40+": 1.0}


def synthetic_history(intake: list[int], leaving: dict[str, float], rng: np.random.Generator,
                      kind: str = "officer") -> pl.DataFrame:
    """Recruits in each 12-month period before AS_OF (``intake[k]``: k years ago), each leaving
    with the constant annual probability of their service band (exact continuous hazard)."""
    hazard = np.array([-np.log(max(1e-12, 1.0 - leaving[g.band_of(s)]))
                       for s in range(g.MAX_SERVICE_YEARS + 1)])
    starts, served = [], []
    for ago, n in enumerate(intake):
        end, begin = fitting.window_start(AS_OF, ago), fitting.window_start(AS_OF, ago + 1)
        offset_days = rng.integers(0, (end - begin).days, n)  # in (begin, end]
        starts += [end - dt.timedelta(days=int(x)) for x in offset_days]
        length = np.full(n, np.inf)
        for s, h in enumerate(hazard):
            wait = rng.exponential(1.0, n) / h if np.isfinite(h) and h > 0 else np.zeros(n)
            leave = np.isinf(length) & (wait < 1.0)
            length[leave] = s + wait[leave]
        served += list(length)
    rows = []
    for i, (start, years) in enumerate(zip(starts, served, strict=True)):
        left = start + dt.timedelta(days=max(0, int(years * g.DAYS_PER_YEAR) - 1))
        rows.append(person(f"{kind[0]}{i}", kind=kind, start=start,
                           left=left if left < AS_OF else None))
    return people_frame(rows)


@pytest.fixture(scope="module")
def history() -> pl.DataFrame:
    rng = np.random.default_rng(2024)
    officers = synthetic_history([600 + 10 * (k % 7) for k in range(45)], TRUE_LEAVING, rng)
    staff = synthetic_history([150] * 45, {k: min(1.0, 2 * v) for k, v in TRUE_LEAVING.items()},
                              rng, kind="staff")
    return pl.concat([officers, staff])


def test_calibration_recovers_leaving_rates_from_a_history_generated_with_them(
        history: pl.DataFrame) -> None:
    calibration = calibrate(history, None, AS_OF, window_years=5)
    leaving = calibration.rates.filter(pl.col("parameter") == "leaving")
    fitted = leaving.filter(pl.col("source") == FORCE)
    officers = fitted.filter(pl.col("group") == "officers")
    assert set(officers["service_band"]) >= {"0", "1", "2-4", "5-9", "10-19", "20-24", "25-29"}
    assert set(fitted.filter(pl.col("group") == "police_staff")["service_band"]) >= {"0", "1"}
    for row in fitted.iter_rows(named=True):
        truth = TRUE_LEAVING[row["service_band"]] * (2 if row["group"] == "police_staff" else 1)
        true_hazard = -np.log(1 - truth)
        fitted_hazard = -np.log(1 - row["value"])
        tolerance = 4 * np.sqrt(true_hazard / row["person_years"])  # 4 standard errors
        assert abs(fitted_hazard - true_hazard) < tolerance, row
    # the model's officer curve is the fitted one, for every officer group
    response = calibration.model.leaving[calibration.model.index("response")]
    assert response[0] == pytest.approx(officers.filter(pl.col("service_band") == "0")["value"][0])


def test_calibration_recovers_intake_by_year(history: pl.DataFrame) -> None:
    calibration = calibrate(history, None, AS_OF, window_years=5)
    officers = calibration.intake_by_year.filter(pl.col("workforce") == "officers")
    assert officers["joiners"].to_list() == [600 + 10 * (k % 7) for k in range(5)]
    assert officers["year_ending"][1] == dt.date(2024, 3, 31)
    expected = sum(600 + 10 * (k % 7) for k in range(5)) / 5
    assert sum(calibration.recent_intake[r] for r in calibration.officer_route_mix) == (
        pytest.approx(expected))
    assert calibration.recent_intake["police_staff"] == pytest.approx(150)


def test_records_without_leavers_fall_back_to_national_defaults(history: pl.DataFrame) -> None:
    in_post_only = history.filter(pl.col("leaving_date").is_null())
    rates = calibrate(in_post_only, None, AS_OF).rates
    leaving = rates.filter((pl.col("parameter") == "leaving") & (pl.col("group") == "officers"))
    assert set(leaving["source"]) == {d.NATIONAL}
    assert leaving["value"].to_list() == list(d.OFFICER_LEAVING.values())
    assert all("no leavers" in note for note in leaving["note"])
    assert leaving.filter(pl.col("service_band") == "0")["person_years"][0] > 100


def test_every_rate_says_where_it_comes_from_and_what_supports_it(
        history: pl.DataFrame) -> None:
    rates = calibrate(history, None, AS_OF).rates
    assert set(rates["source"]) == {FORCE, d.NATIONAL}
    assert rates["value"].is_not_null().all()
    parameters = set(rates["parameter"])
    assert parameters >= {"leaving", "intake", "promotion", "specialist draw", "lateral move",
                          "pass_rate", "route_share", "programme_years", "fte_per_head",
                          "tutor_share", "on_cost_share"}
    promotions = rates.filter(pl.col("parameter") == "promotion")
    assert set(promotions["source"]) == {d.NATIONAL} and promotions["person_years"].is_null().all()
    leaving = rates.filter(pl.col("parameter") == "leaving")
    assert leaving["person_years"].is_not_null().all() and leaving["events"].is_not_null().all()
    assert leaving.height == 3 * len(g.SERVICE_BANDS)  # officers, police staff, PCSOs


def test_starting_state_mix_fte_and_tutors_come_from_people_in_post() -> None:
    start = dt.date(2020, 1, 1)
    rows = [person(f"R{i}", start=start, tutor=i < 10, hours=40 if i % 2 else 20)
            for i in range(40)]
    rows += [person("S1", rank="sergeant", start=dt.date(2010, 1, 1)),
             person("I1", rank="chief_inspector", role="management", start=dt.date(2000, 1, 1)),
             person("C1", role="custody"),
             person("T1", student=True, start=dt.date(2019, 6, 1)),  # 5 years: completes now
             person("X1", kind="special", rank="constable"),
             person("L1", left=dt.date(2024, 1, 1)),
             person("F1", start=dt.date(2026, 1, 1)),
             person("P1", kind="pcso", role="neighbourhood")]
    calibration = calibrate(people_frame(rows), None, AS_OF)
    model, initial = calibration.model, calibration.initial
    assert initial.sum() == 45
    assert initial[model.index("response"), 5] == 40
    assert initial[model.index("sergeant"), 15] == 1
    assert initial[model.index("inspector_and_above"), 25] == 1
    assert initial[model.index("operational_support"), 10] == 1
    assert initial[model.index("pcso"), 10] == 1
    pcda = model.route("pcda")
    assert initial[model.index("student_pcda"), pcda.completion_service_year] == 1
    assert model.fte_per_head[model.index("response")] == pytest.approx(0.75)
    assert model.tutor_share == pytest.approx(0.25)
    assert calibration.officers() == 44
    inspector_pay = model.annual_cost_gbp[model.index("inspector_and_above"), 0]
    assert inspector_pay == pytest.approx(d.DEFAULT_PAY.rank_gbp("chief_inspector") * 1.45)
    constable = model.annual_cost_gbp[model.index("response")]
    assert constable[0] < constable[3] < constable[6] == constable[30]


def test_skills_held_count_valid_lapsed_and_expiring_accreditations() -> None:
    rows = [person(f"F{i}", role="firearms") for i in range(4)]
    skills = skills_frame([
        ("F0", "firearms_afo", AS_OF + dt.timedelta(days=100)),
        ("F1", "firearms_afo", AS_OF + dt.timedelta(days=500)),
        ("F2", "firearms_afo", AS_OF - dt.timedelta(days=1)),
        ("F3", "first_aid", None),
        ("ZZ", "taser", None),  # not in post: ignored
    ])
    held = calibrate(people_frame(rows), skills, AS_OF).skills
    afo = held.filter(pl.col("code") == "firearms_afo").row(0, named=True)
    assert (afo["people"], afo["holders"], afo["lapsed"], afo["expiring_within_year"]) == (
        4, 2, 1, 1)
    assert afo["holder_share"] == 0.5 and afo["annual_expiry_share"] == 0.5
    assert "taser" not in held["code"].to_list()


def test_leavers_are_counted_in_the_band_they_left_from() -> None:
    rows = [person("A", start=dt.date(2020, 1, 1), left=dt.date(2023, 6, 30)),
            person("B", start=dt.date(2023, 1, 1))]
    by_year = fitting.leaving_by_service_year(people_frame(rows), AS_OF, 5)
    officers = by_year.filter(pl.col("workforce") == "officers")
    assert officers.filter(pl.col("service_year") == 3)["leavers"][0] == 1
    assert officers["leavers"].sum() == 1
    # A served 2020-03-31 → 2023-06-30 inside the window, B 2023-01-01 → 2025-03-31
    assert officers["person_years"].sum() == pytest.approx(3.25 + 2.25, abs=0.01)


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="leaving_date"):
        calibrate(people_frame([]).drop("leaving_date"), None, AS_OF)


def test_the_demo_force_calibrates_and_projects() -> None:
    from forceplan.synth.organisation import generate_organisation

    org = generate_organisation(300, AS_OF, np.random.default_rng(5))
    people = people_frame([person(p.id, kind=p.kind.value, role=p.role.value,
                                  rank=p.rank.value if p.rank else None, start=p.service_start,
                                  hours=p.contracted_hours_per_week, student=p.student_officer,
                                  tutor=p.tutor) for p in org.people])
    calibration = calibrate(people, None, AS_OF)
    assert calibration.officers() == 300
    projection = project_expected(calibration.model, calibration.initial, calibration.plan(4))
    officers = [calibration.model.index(x) for x in calibration.model.groups if g.is_officer(x)]
    assert projection.headcount()[0, :, officers].sum(axis=0) == pytest.approx([300.0] * 5)


@pytest.mark.realdata
def test_national_officer_fte_defaults_match_the_home_office_tables() -> None:
    table = pl.read_csv(shared_data("uk_police_workforce", "officer_fte_by_force_2015_2019.csv"))
    not_forces = ["British Transport Police", "Central Service Secondments"]
    for year in (2015, 2019):
        rows = table.filter((pl.col("Year") == year) & ~pl.col("Police force").is_in(not_forces))
        # the first "West Midlands" row of each year is the region's subtotal, not the force
        region = rows.filter(pl.col("Police force") == "West Midlands")["FTE Count"].max()
        total = rows["FTE Count"].sum() - region
        assert total == pytest.approx(d.NATIONAL_OFFICER_FTE[year], abs=1.0)
        assert rows.height - 1 == 43
