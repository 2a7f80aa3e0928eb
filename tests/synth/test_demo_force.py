"""The synthetic demo force: deterministic, valid against the standard, and realistic."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import polars as pl
import pytest

from forceplan.standard import parse_record
from forceplan.synth.generate import generate_demo_force
from forceplan.synth.incidents import arrival_times
from forceplan.synth.profile import (
    HOUR_OF_WEEK_PROFILE,
    fit_hour_of_week_profile,
    hour_of_week_counts,
)
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def small():
    return generate_demo_force(officers=60, years=1, seed=7)


@pytest.fixture(scope="module")
def full():
    return generate_demo_force(officers=600, years=1, seed=42)


def test_same_seed_same_force_and_another_seed_another(small):
    again = generate_demo_force(officers=60, years=1, seed=7)
    other = generate_demo_force(officers=60, years=1, seed=8)
    assert again.people == small.people and again.units == small.units
    for name, frame in small.frames.items():
        assert frame.equals(again.frames[name]), name
    assert not other.frames["incidents"].equals(small.frames["incidents"])
    assert other.people != small.people


def _local(frame: pl.DataFrame, column: str = "received_at") -> pl.Series:
    return frame[column].dt.convert_time_zone("Europe/London")


def test_every_generated_row_is_a_valid_record(small):
    for name, record in [
        ("incidents", "incident"),
        ("deployments", "deployment"),
        ("cases", "case"),
        ("absences", "absence"),
        ("roster_assignments", "roster_assignment"),
    ]:
        frame = small.frames[name]
        sample = frame if frame.height < 30_000 else frame.sample(30_000, seed=1)
        for row in sample.iter_rows(named=True):
            parse_record(record, {k: v for k, v in row.items() if v is not None})


def test_people_and_references_hang_together(small):
    people = {p.id: p for p in small.people}
    units = {u.id for u in small.units}
    assert all(p.unit_id in units for p in small.people)
    assert all(
        p.tutor_id in people and people[p.tutor_id].tutor for p in small.people if p.tutor_id
    )
    deployments = small.frames["deployments"]
    assert set(deployments["person_id"]) <= set(people)
    assert set(deployments["incident_id"]) <= set(small.frames["incidents"]["id"])
    attended = small.frames["incidents"].filter(pl.col("officers_deployed") > 0)
    per_incident = deployments.group_by("incident_id").len()
    joined = attended.join(per_incident, left_on="id", right_on="incident_id")
    assert joined.height == attended.height
    assert (joined["len"] == joined["officers_deployed"]).all()


def test_deployed_officers_were_on_a_worked_tour_that_day(full):
    """Officers go to incidents while rostered on duty (tours start on the local duty date);
    the few others were called in on overtime because nobody in the BCU was on duty."""
    roster = full.frames["roster_assignments"].filter(pl.col("status") == "worked")
    deployments = full.frames["deployments"].with_columns(
        local=_local(full.frames["deployments"], "arrived_at")
    )
    on = deployments.with_columns(
        today=pl.col("local").dt.date(), yesterday=pl.col("local").dt.date() - dt.timedelta(1)
    )
    worked = roster.select("person_id", "date").with_columns(on_duty=pl.lit(True))
    hit = on.join(
        worked, left_on=["person_id", "today"], right_on=["person_id", "date"], how="left"
    ).join(
        worked,
        left_on=["person_id", "yesterday"],
        right_on=["person_id", "date"],
        how="left",
        suffix="_y",
    )
    share = (hit["on_duty"].fill_null(False) | hit["on_duty_y"].fill_null(False)).mean()
    assert share > 0.98


def test_roster_follows_the_six_on_four_off_pattern(small):
    response = [
        p
        for p in small.people
        if p.role.value == "response"
        and p.contracted_hours_per_week == 40
        and p.service_start <= small.start
    ]
    assert response
    roster = small.frames["roster_assignments"]
    for person in response:
        days = roster.filter(pl.col("person_id") == person.id).sort("date")
        # A cancelled rest day is a rota rest day; a replacement rest day was a rota tour.
        codes = [
            "." if again else "R" if c is None or rdc else c
            for c, rdc, again in zip(days["shift_code"], days["rest_day_cancelled"],
                                     days["replacement_rest_day"], strict=True)
        ]
        pattern = "".join(codes[:40])
        assert re.search(pattern.replace(".", "[ELN]"), "EELLNNRRRR" * 6)
        worked = sum(c != "R" for c in codes)
        assert worked / len(codes) == pytest.approx(0.6, abs=0.01)


def test_response_has_about_40_percent_under_two_years(full):
    response = [p for p in full.people if p.role.value == "response"]
    share = np.mean([p.years_of_service(full.end) < 2 for p in response])
    assert 0.30 <= share <= 0.50


def test_volume_grade_mix_and_time_on_task_are_plausible(full):
    incidents = full.frames["incidents"]
    assert 220_000 <= incidents.height <= 280_000  # "about 250,000 incidents" a force-year
    grades = incidents["grade"].value_counts(normalize=True).sort("grade")["proportion"]
    assert 0.05 < grades[0] < 0.2 and grades[1] > grades[2]  # grade 2 the commonest
    partner = incidents.filter(pl.col("attributed_agency").is_not_null())
    assert set(partner["attributed_agency"]) >= {
        "mental_health",
        "ambulance",
        "hospital",
        "social_care",
    }
    assert (incidents["officers_deployed"] >= 2).mean() > 0.2  # several officers on some
    g1 = incidents.filter(pl.col("grade") == 1)
    within = (
        (g1["first_arrival_at"] - g1["received_at"]).dt.total_seconds() / 60
        <= g1["attendance_target_minutes"]
    ).mean()
    assert 0.8 < within < 0.97


def test_clock_changes_give_23_and_25_hour_days():
    rng = np.random.default_rng(1)
    received, _ = arrival_times(
        6000, dt.date(2026, 3, 28), dt.date(2026, 3, 30), "Europe/London", rng
    )
    local = pl.Series(received).cast(pl.Datetime("us", "UTC")).dt.convert_time_zone("Europe/London")
    on_change_day = local.filter(local.dt.date() == dt.date(2026, 3, 29))
    assert not (on_change_day.dt.hour() == 1).any()  # 01:00-02:00 does not exist that day
    autumn, _ = arrival_times(
        6000, dt.date(2025, 10, 25), dt.date(2025, 10, 27), "Europe/London", rng
    )
    local = pl.Series(autumn).cast(pl.Datetime("us", "UTC")).dt.convert_time_zone("Europe/London")
    one_am = local.filter((local.dt.date() == dt.date(2025, 10, 26)) & (local.dt.hour() == 1))
    offsets = {t.utcoffset() for t in one_am.to_list()}
    assert offsets == {dt.timedelta(hours=1), dt.timedelta(0)}  # 01:00-02:00 happens twice


def _real_police_counts() -> np.ndarray:
    path = shared_data("us_ecc_cad_2025", "cad_2025_weeks35_46.csv")
    cad = pl.read_csv(path, infer_schema_length=0).filter(
        pl.col("Agency") == "POLICE", pl.col("Priority_Number") != "8"
    )
    stamp = cad["Response_Date"].str.to_datetime("%Y-%m-%d %H:%M:%S%.f")
    return hour_of_week_counts(stamp.dt.weekday().to_numpy(), stamp.dt.hour().to_numpy())


def test_hour_of_week_profile_correlates_with_real_police_calls(full):
    real = _real_police_counts()
    local = _local(full.frames["incidents"])
    ours = hour_of_week_counts(local.dt.weekday().to_numpy(), local.dt.hour().to_numpy())
    assert np.corrcoef(ours, real)[0, 1] >= 0.8


def test_the_shipped_profile_is_the_fit_to_the_real_export():
    refit = fit_hour_of_week_profile(_real_police_counts())
    assert np.abs(refit - HOUR_OF_WEEK_PROFILE).max() < 0.01
    assert HOUR_OF_WEEK_PROFILE.mean() == pytest.approx(1.0, abs=0.005)


def test_generator_refuses_silly_sizes():
    from forceplan.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="officers"):
        generate_demo_force(officers=3)
    with pytest.raises(ConfigurationError, match="years"):
        generate_demo_force(years=0)


@pytest.mark.parametrize("seed", range(8))
def test_small_forces_generate_for_any_seed(seed):
    demo = generate_demo_force(officers=25, years=1, seed=seed)
    assert demo.frames["incidents"].height > 0
    cases = demo.frames["cases"]
    assert cases["investigator_id"].null_count() < cases.height
