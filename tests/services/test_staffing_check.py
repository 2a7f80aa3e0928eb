"""The simulator confirms the analytic staffing requirement (the staffing issue, item 4)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from forceplan.services.staffing_check import confirm_requirement, duty_from_requirement
from tests.staffing.test_requirement import arrivals


def test_tours_put_exactly_the_required_officers_on_duty():
    need = [2, 3, 1, 0, 2] + [1] * 163
    duty = duty_from_requirement(need, weeks=1)
    for hour, wanted in enumerate(need[:5]):
        moment = dt.datetime(2025, 1, 6) + dt.timedelta(hours=hour, minutes=30)
        on = duty.filter((pl.col("start") <= moment) & (pl.col("end") > moment)).height
        assert on == wanted


def test_a_roster_built_to_the_requirement_meets_the_targets_in_simulation():
    demand = arrivals(1.0)
    for column in ("officers_needed", "officers_for_targets"):
        check = confirm_requirement(demand, weeks=3, replications=2, column=column)
        assert check["meets_target"].all(), check
    grade_one = check.filter(pl.col("grade") == 1).row(0, named=True)
    assert abs(grade_one["simulated_share_within"] - grade_one["target_share"]) < 0.1


def test_a_roster_well_below_the_requirement_misses_them():
    short = confirm_requirement(
        arrivals(1.0), weeks=3, replications=2, column="officers_for_targets", scale=0.45
    )
    assert not short["meets_target"].all()


def test_the_check_over_the_store_sets_the_real_roster_beside_the_requirement(database):
    import pytest

    from forceplan.errors import ConfigurationError
    from forceplan.services.demo import create_demo_force
    from forceplan.services.simulate import store_inputs
    from forceplan.services.staffing_check import staffing_check

    create_demo_force(database, officers=60, years=1, seed=11)
    first, last = dt.date(2025, 6, 2), dt.date(2025, 6, 29)
    built = staffing_check(database, unit="C", start=first, end=last, replications=2, weeks=3)
    assert built.roster == "requirement" and built.table["meets_target"].all()
    real = staffing_check(database, unit="C", start=first, end=last, replications=2, roster="store")
    duty = store_inputs(database, "C", first, last).duty
    hours = (duty["end"] - duty["start"]).dt.total_minutes().sum() / 60
    assert real.table["officer_hours_a_week"][0] == round(hours / 4, 1)
    # The demo unit rosters about half the officer-hours its demand needs: it falls short.
    assert real.table["officer_hours_a_week"][0] < built.table["officer_hours_a_week"][0]
    assert not real.table["meets_target"].all()
    with pytest.raises(ConfigurationError, match="needs a period"):
        staffing_check(database, unit="C", roster="store")
