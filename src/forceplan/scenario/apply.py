"""Pure functions that turn the baseline's incidents and duty into a scenario's.

Every random choice comes from a Generator spawned from the scenario file's ``seed`` (one child
per kind of change), never from the simulation's streams. Each change takes a seeded random
order and keeps a prefix of it, so changes nest: the officers removed at -10% include those
removed at -5%, and the same change gives the same frames in every scenario of a file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from forceplan.errors import DataValidationError
from forceplan.scenario.spec import Diversion, ScenarioChanges
from forceplan.simulate import SimulationConfig

#: Incident time columns shifted together when an incident is duplicated for demand growth.
TIME_COLUMNS = ("received_at", "first_arrival_at", "cleared_at")
JITTER_MINUTES = 60.0


@dataclass
class Applied:
    """A scenario's inputs, with counts of what the changes did."""

    incidents: pl.DataFrame
    duty: pl.DataFrame
    config: SimulationConfig
    counts: dict[str, int] = field(default_factory=dict)


def change_streams(seed: int) -> dict[str, np.random.Generator]:
    names = ("demand", "divert", "headcount", "sickness")
    return dict(zip(names, np.random.default_rng(seed).spawn(len(names)), strict=True))


def _count(total: int, percent: float) -> int:
    return math.floor(total * abs(percent) / 100 + 0.5)


def grow_demand(incidents: pl.DataFrame, percent: float, rng: np.random.Generator
                ) -> pl.DataFrame:
    """Add (or, below zero, remove) round(n × percent / 100) incidents. Added incidents copy
    randomly chosen ones, moved by up to an hour either way so they do not arrive together."""
    n = incidents.height
    k = _count(n, percent)
    order = rng.permutation(n) if n else np.zeros(0, np.int64)
    if percent <= 0 or k == 0:
        keep = np.sort(order[k:]) if percent < 0 else np.arange(n)
        return incidents[keep]
    picks = np.resize(order, k)  # beyond +100% every incident is copied before any twice
    shift = rng.uniform(-JITTER_MINUTES, JITTER_MINUTES, k) * 60e6
    copies = incidents[picks].with_columns(
        pl.col(c) + pl.Series(shift.astype(np.int64)).cast(pl.Duration("us"))
        for c in TIME_COLUMNS if c in incidents.columns)
    if "id" in incidents.columns:
        copies = copies.with_columns(
            pl.col("id").cast(pl.String) + pl.Series([f"+g{i}" for i in range(k)]))
    return pl.concat([incidents, copies], how="vertical_relaxed").sort(
        "received_at", maintain_order=True)


def divert(incidents: pl.DataFrame, diversions: tuple[Diversion, ...],
           rng: np.random.Generator) -> tuple[pl.DataFrame, dict[str, int]]:
    """Remove ``share`` of each diversion's categories (signposted to its agency); other
    categories are untouched. Returns the remaining incidents and the count per agency."""
    if not diversions:
        return incidents, {}
    if "category" not in incidents.columns:
        raise DataValidationError("diversions need the incidents' category column", [
            {"record": "incidents", "field": "category", "value": None, "reason": "missing"}],
            "Add a category column to the incidents, or remove divert from the scenario.")
    category = incidents["category"].cast(pl.String).to_numpy()
    removed = np.zeros(incidents.height, bool)
    counts: dict[str, int] = {}
    for d in diversions:
        eligible = np.flatnonzero(np.isin(category, list(d.categories)) & ~removed)
        order = eligible[rng.permutation(len(eligible))]
        chosen = order[:math.floor(len(eligible) * d.share + 0.5)]
        removed[chosen] = True
        counts[d.agency] = counts.get(d.agency, 0) + len(chosen)
    return incidents.filter(pl.Series(~removed)), counts


def change_headcount(duty: pl.DataFrame, percent: float, rng: np.random.Generator
                     ) -> pl.DataFrame:
    """Remove (below zero) or add round(people × percent / 100) officers: a removed officer
    loses every tour; an added one works the tours of a randomly chosen existing officer."""
    people = duty["person_id"].cast(pl.String).unique(maintain_order=True).to_list()
    k = _count(len(people), percent)
    if k == 0:
        return duty
    order = [people[i] for i in rng.permutation(len(people))]
    if percent < 0:
        return duty.filter(~pl.col("person_id").cast(pl.String).is_in(order[:k]))
    copies = []
    for number, person in enumerate(np.resize(np.array(order, object), k)):
        copies.append(duty.filter(pl.col("person_id").cast(pl.String) == person).with_columns(
            person_id=pl.lit(f"{person}+h{number}")))
    return pl.concat([duty.with_columns(pl.col("person_id").cast(pl.String)), *copies])


def apply_sickness(duty: pl.DataFrame, percent: float, rng: np.random.Generator
                   ) -> pl.DataFrame:
    """Remove round(tours × percent / 100) randomly chosen tours (officers off sick)."""
    k = _count(duty.height, percent)
    if k == 0:
        return duty
    return duty[np.sort(rng.permutation(duty.height)[k:])]


def apply_changes(incidents: pl.DataFrame, duty: pl.DataFrame, config: SimulationConfig,
                  changes: ScenarioChanges, seed: int,
                  shift_pattern: pl.DataFrame | None = None) -> Applied:
    """The scenario's incidents, duty and settings. ``shift_pattern`` (the scenario's own
    duty table, already read) replaces the baseline duty before headcount and sickness."""
    streams = change_streams(seed)
    counts = {"baseline_incidents": incidents.height}
    incidents = grow_demand(incidents, changes.demand_growth_percent, streams["demand"])
    counts["incidents_after_growth"] = incidents.height
    incidents, diverted = divert(incidents, changes.divert, streams["divert"])
    counts.update({f"diverted_to_{agency}": n for agency, n in diverted.items()})
    counts["incidents"] = incidents.height
    duty = shift_pattern if shift_pattern is not None else duty
    duty = change_headcount(duty, changes.headcount_change_percent, streams["headcount"])
    counts["officers"] = duty["person_id"].n_unique()
    duty = apply_sickness(duty, changes.sickness_rate_percent, streams["sickness"])
    counts["tours"] = duty.height
    settings = {}
    if changes.crewing is not None:
        settings["crewing"] = changes.crewing
    if changes.double_crewed_categories is not None:
        settings["double_crewed_categories"] = changes.double_crewed_categories
    return Applied(incidents, duty, replace(config, **settings) if settings else config, counts)
