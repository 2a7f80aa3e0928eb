"""How a response simulation is set up: travel, time on task, crewing, pre-emption, breaks,
abandonment, replications and the seed. Frozen, so a scenario is a value that can be stored
next to its results and compared with another (same seed = common random numbers)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from forceplan.errors import ConfigurationError

HINT = "Check the simulation settings (see forceplan.simulate.config)."


@dataclass(frozen=True)
class TravelModel:
    """Minutes from dispatch to arrival on scene.

    kind "constant": every journey takes ``constant_minutes`` (zero allowed);
    "lognormal": median and sigma by grade (``by_grade``, fallback ``median_minutes``/``sigma``);
    "by_area": median by the incident's unit_id (``by_area``), with ``sigma`` (0 = fixed).
    """

    kind: Literal["constant", "lognormal", "by_area"] = "constant"
    constant_minutes: float = 0.0
    median_minutes: float = 10.0
    sigma: float = 0.5
    by_grade: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    by_area: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in ("constant", "lognormal", "by_area"):
            raise ConfigurationError(f"travel kind {self.kind!r} is not known", HINT)
        if self.constant_minutes < 0 or self.median_minutes < 0 or self.sigma < 0:
            raise ConfigurationError("travel minutes and sigma cannot be negative", HINT)


@dataclass(frozen=True)
class TimeOnTaskModel:
    """Minutes each officer spends on scene.

    source "history": cleared_at − first_arrival_at of the incident itself where both are known,
    else the model below; "lognormal": median by category (``median_minutes_by_category``,
    fallback ``median_minutes``) and ``sigma``; "exponential": mean by category (same tables).
    """

    source: Literal["history", "lognormal", "exponential"] = "history"
    median_minutes: float = 45.0
    sigma: float = 0.8
    median_minutes_by_category: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.source not in ("history", "lognormal", "exponential"):
            raise ConfigurationError(f"time-on-task source {self.source!r} is not known", HINT)
        if self.median_minutes <= 0 or self.sigma < 0:
            raise ConfigurationError("time on task must be positive, sigma not negative", HINT)


@dataclass(frozen=True)
class SimulationConfig:
    """One scenario of a unit's response.

    crewing "incident": officers_deployed of each incident (at least one);
    "policy": ``double_crewed_categories`` get two officers, every other category one.
    Grade 4 is resolved without deployment unless ``deploy_grade_4``.
    ``preempt_grades``: grades whose officers a waiting Grade 1 may take (officers on scene).
    Refreshment break: ``break_minutes`` once per tour, due ``break_after_minutes`` after the
    start, taken when the officer is next free (0 = no breaks).
    Abandonment: incidents of ``abandon_grades`` still waiting for a first officer after
    ``abandon_after_hours`` are resolved by other means (None = never).
    ``pool_by_unit``: dispatch only officers of the incident's unit_id (needs unit_id in duty).
    ``required_skill``: category → skill code (e.g. ``{"firearms": "firearms_afo"}``); only
    officers whose tour lists that skill (duty column ``skills``) are sent to the category.
    ``arrivals``: "replay" replays the incidents as recorded in every replication; "resample"
    draws a fresh non-homogeneous Poisson stream per replication from their hour-of-week rates
    by grade and category (see ``arrivals.py``).
    """

    travel: TravelModel = field(default_factory=TravelModel)
    time_on_task: TimeOnTaskModel = field(default_factory=TimeOnTaskModel)
    crewing: Literal["incident", "policy"] = "incident"
    double_crewed_categories: frozenset[str] = frozenset()
    deploy_grade_4: bool = False
    preempt_grades: frozenset[int] = frozenset({3, 4})
    break_minutes: float = 45.0
    break_after_minutes: float = 240.0
    abandon_grades: frozenset[int] = frozenset({3, 4})
    abandon_after_hours: float | None = None
    pool_by_unit: bool = True
    required_skill: Mapping[str, str] = field(default_factory=dict)
    arrivals: Literal["replay", "resample"] = "replay"
    replications: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        if self.crewing not in ("incident", "policy"):
            raise ConfigurationError(f"crewing {self.crewing!r} is not known", HINT)
        if self.replications < 1:
            raise ConfigurationError("replications must be at least 1", HINT)
        if self.break_minutes < 0 or self.break_after_minutes < 0:
            raise ConfigurationError("break minutes cannot be negative", HINT)
        if self.abandon_after_hours is not None and self.abandon_after_hours < 0:
            raise ConfigurationError("abandon_after_hours cannot be negative", HINT)
        if self.arrivals not in ("replay", "resample"):
            raise ConfigurationError(
                f"arrivals {self.arrivals!r} is not known: use replay or resample", HINT
            )
        if not all(isinstance(v, str) and v for v in self.required_skill.values()):
            raise ConfigurationError("required_skill maps a category to a skill code", HINT)
        if not set(self.preempt_grades) <= {2, 3, 4}:
            raise ConfigurationError("only grades 2-4 can be pre-empted by Grade 1", HINT)

    def as_dict(self) -> dict:
        """JSON-able description, stored with the results."""
        return {
            "travel": {
                **vars(self.travel),
                "by_grade": dict(self.travel.by_grade),
                "by_area": dict(self.travel.by_area),
            },
            "time_on_task": {
                **vars(self.time_on_task),
                "median_minutes_by_category": dict(self.time_on_task.median_minutes_by_category),
            },
            "crewing": self.crewing,
            "double_crewed_categories": sorted(self.double_crewed_categories),
            "deploy_grade_4": self.deploy_grade_4,
            "preempt_grades": sorted(self.preempt_grades),
            "break_minutes": self.break_minutes,
            "break_after_minutes": self.break_after_minutes,
            "abandon_grades": sorted(self.abandon_grades),
            "abandon_after_hours": self.abandon_after_hours,
            "pool_by_unit": self.pool_by_unit,
            "required_skill": dict(self.required_skill),
            "arrivals": self.arrivals,
            "replications": self.replications,
            "seed": self.seed,
        }
