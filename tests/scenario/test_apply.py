"""Each change of a scenario does what its name says, the same way for the same seed."""

from __future__ import annotations

import numpy as np
import polars as pl

from forceplan.scenario import (
    Diversion,
    ScenarioChanges,
    apply_changes,
    apply_sickness,
    change_headcount,
    divert,
    grow_demand,
)
from forceplan.simulate import SimulationConfig
from tests.simulate.helpers import constant_duty, poisson_incidents


def incidents() -> pl.DataFrame:
    frame = poisson_incidents(10, 100, np.random.default_rng(3), grades=(1, 2, 2, 1))
    cats = np.random.default_rng(4).choice(["mental_health", "theft", "violence"], frame.height)
    return frame.with_columns(category=pl.Series(cats))


def test_growth_adds_that_share_and_decline_removes_it():
    base = incidents()
    grown = grow_demand(base, 10, np.random.default_rng(1))
    assert grown.height == round(base.height * 1.1)
    assert grown["received_at"].is_sorted()
    assert set(base["id"]) <= set(grown["id"])
    thinned = grow_demand(base, -25, np.random.default_rng(1))
    assert thinned.height == round(base.height * 0.75)
    assert set(thinned["id"]) <= set(base["id"])


def test_divert_removes_the_share_of_only_those_categories():
    base = incidents()
    kept, counts = divert(base, (Diversion(frozenset({"mental_health"}), 0.4, "street triage"),),
                          np.random.default_rng(2))
    before = base["category"].value_counts().sort("category")
    after = kept["category"].value_counts().sort("category")
    mh_before = before.filter(pl.col("category") == "mental_health")["count"][0]
    mh_after = after.filter(pl.col("category") == "mental_health")["count"][0]
    assert mh_before - mh_after == round(mh_before * 0.4) == counts["street triage"]
    for other in ("theft", "violence"):
        assert (before.filter(pl.col("category") == other)["count"][0]
                == after.filter(pl.col("category") == other)["count"][0])


def test_headcount_and_sickness_remove_or_add_tours():
    duty = pl.concat([constant_duty(20, 10), constant_duty(20, 10)])  # two tours each
    fewer = change_headcount(duty, -10, np.random.default_rng(1))
    assert fewer["person_id"].n_unique() == 18 and fewer.height == 36
    more = change_headcount(duty, 25, np.random.default_rng(1))
    assert more["person_id"].n_unique() == 25 and more.height == 50
    sick = apply_sickness(duty, 5, np.random.default_rng(1))
    assert sick.height == 38 and sick["person_id"].n_unique() >= 19


def test_changes_are_deterministic_by_seed_and_nest():
    base, duty = incidents(), constant_duty(30, 100)
    changes = ScenarioChanges("x", demand_growth_percent=15, headcount_change_percent=-10,
                              sickness_rate_percent=5, crewing="policy",
                              double_crewed_categories=frozenset({"violence"}),
                              divert=(Diversion(frozenset({"theft"}), 0.5, "online"),))
    one = apply_changes(base, duty, SimulationConfig(), changes, seed=7)
    two = apply_changes(base, duty, SimulationConfig(), changes, seed=7)
    other = apply_changes(base, duty, SimulationConfig(), changes, seed=8)
    assert one.incidents.equals(two.incidents) and one.duty.equals(two.duty)
    assert not one.incidents.equals(other.incidents)
    assert one.config.crewing == "policy"
    assert one.config.double_crewed_categories == {"violence"}
    assert one.counts["diverted_to_online"] > 0
    small = change_headcount(duty, -10, np.random.default_rng(1))
    large = change_headcount(duty, -20, np.random.default_rng(1))
    assert set(large["person_id"]) <= set(small["person_id"])


def test_no_changes_leave_the_inputs_alone():
    base, duty = incidents(), constant_duty(5, 100)
    applied = apply_changes(base, duty, SimulationConfig(), ScenarioChanges("same"), seed=1)
    assert applied.incidents.equals(base) and applied.duty.equals(duty)
