"""Workforce scenarios: TOML files of changes to rates and intake, checked key by key.

A scenario file (every section and key optional; years are projection years, 1 = the first)::

    name = "Neighbourhood surge"
    description = "Our share of the 13,000, over three years"

    [recruitment]
    intake_multiplier = 1.0          # on planned officer joiners (the "recent" policy)
    extra_officers_per_year = 0      # more recruits every year, through the route mix
    freeze_years = [1, 2]            # no officer recruits in these years
    officer_target_change = 0        # change to the officer headcount kept ("maintain" policy)

    [surge]                          # extra officers into one role, through a route
    national_officers = 13000
    force_share = 0.035              # default: our officers / England and Wales officers
    years = [1, 2, 3]
    role = "neighbourhood"
    route = "dhep"

    [retention]                      # officers' leaving rates × multiplier in a service range
    leaving_multiplier = 0.8
    from_service_years = 0
    to_service_years = 4

    [specialist_draw]
    multiplier = 1.2                 # every move into a specialist or support unit
    [specialist_draw.roles]
    investigation = 1.5              # moves into one unit (on top of the multiplier)

    [promotion]
    multiplier = 1.0

    [pension]
    age_change_years = 2             # retirement comes this many years later (earlier if < 0)

    [routes.pcda]                    # change an entry route
    pass_rate = 0.85
    programme_years = 3
    share = 0.4                      # of officer recruits (shares are rescaled to add up to 1)

    [tutors]
    students_per_tutor = 2
    limit_intake = true

Errors name the file, the section and the key (``ScenarioError``, a ``ConfigurationError``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forceplan.errors import ConfigurationError
from forceplan.workforce import defaults as d
from forceplan.workforce import groups as g

HINT = "See the scenario file format in the docstring of forceplan.workforce.scenarios."


class ScenarioError(ConfigurationError):
    """A scenario file cannot be read or has a key or value we cannot use."""


@dataclass(frozen=True)
class Surge:
    national_officers: float = float(d.NEIGHBOURHOOD_GUARANTEE_OFFICERS)
    force_share: float | None = None
    years: tuple[int, ...] = (1, 2, 3)
    role: str = g.NEIGHBOURHOOD
    route: str = "dhep"


@dataclass(frozen=True)
class Scenario:
    """Changes to the baseline; the defaults change nothing."""

    name: str
    description: str = ""
    intake_multiplier: float = 1.0
    extra_officers_per_year: float = 0.0
    freeze_years: tuple[int, ...] = ()
    officer_target_change: float = 0.0
    surge: Surge | None = None
    leaving_multiplier: float = 1.0
    retention_service_years: tuple[int, int] = (0, g.MAX_SERVICE_YEARS)
    specialist_draw_multiplier: float = 1.0
    specialist_draw_by_role: Mapping[str, float] = field(default_factory=dict)
    promotion_multiplier: float = 1.0
    pension_age_change_years: int = 0
    route_changes: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    students_per_tutor: float | None = None
    limit_intake_by_tutors: bool | None = None


BASELINE = Scenario("baseline", "Today's rates; recruitment as planned")


def load_scenario(path: Path) -> Scenario:
    """Read and check a scenario file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read the scenario file ({exc.strerror})",
                            HINT) from exc
    return parse_scenario(text, str(path), default_name=path.stem)


def parse_scenario(text: str, source: str = "<scenario>", default_name: str = "scenario"
                   ) -> Scenario:
    """A scenario from TOML text; ``source`` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML ({exc})", HINT) from exc
    return _Reader(source).scenario(data, default_name)


Check = Callable[[Any, str], Any]


class _Reader:
    """Checks one file's values; every error names the file, section and key."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> ScenarioError:
        return ScenarioError(f"{self.source}: {where}: {problem}", HINT)

    def number(self, low: float = 0.0, high: float = float("inf")) -> Check:
        def check(value: Any, where: str) -> float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.fail(where, f"must be a number, not {value!r}")
            if not low <= value <= high:
                raise self.fail(where, f"must be between {low:g} and {high:g}, not {value!r}")
            return float(value)
        return check

    def integer(self, low: int, high: int) -> Check:
        def check(value: Any, where: str) -> int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.fail(where, f"must be a whole number, not {value!r}")
            if not low <= value <= high:
                raise self.fail(where, f"must be between {low} and {high}, not {value!r}")
            return value
        return check

    def years(self, value: Any, where: str) -> tuple[int, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(where, f"must be a list of projection years, not {value!r}")
        return tuple(sorted({self.integer(1, 100)(v, where) for v in value}))

    def text(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, f"must be text, not {value!r}")
        return value

    def flag(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, f"must be true or false, not {value!r}")
        return value

    def table(self, data: Mapping[str, Any], section: str,
              checks: Mapping[str, Check]) -> dict[str, Any]:
        """Checked values of one section (unknown keys are errors)."""
        if not isinstance(data, dict):
            raise self.fail(f"[{section}]", "must be a table of keys")
        unknown = sorted(set(data) - set(checks))
        if unknown:
            allowed = ", ".join(sorted(checks))
            raise self.fail(f"[{section}] {unknown[0]}", f"unknown key (allowed: {allowed})")
        return {k: checks[k](v, f"[{section}] {k}") for k, v in data.items()}

    def scenario(self, data: dict[str, Any], default_name: str) -> Scenario:
        top = {k: v for k, v in data.items() if not isinstance(v, dict)}
        head = self.table(top, "top level", {"name": self.text, "description": self.text})
        sections: dict[str, Callable[[Any], dict[str, Any]]] = {
            "recruitment": self.recruitment, "surge": self.surge, "retention": self.retention,
            "specialist_draw": self.specialist_draw, "promotion": self.promotion,
            "pension": self.pension, "routes": self.routes, "tutors": self.tutors,
        }
        fields: dict[str, Any] = {}
        for key, value in data.items():
            if key in top:
                continue
            if key not in sections:
                raise self.fail(f"[{key}]", f"unknown section (allowed: {', '.join(sections)})")
            fields |= sections[key](value)
        return Scenario(name=head.get("name", default_name),
                        description=head.get("description", ""), **fields)

    def recruitment(self, data: Any) -> dict[str, Any]:
        return self.table(data, "recruitment", {
            "intake_multiplier": self.number(0, 100),
            "extra_officers_per_year": self.number(0, 1e6),
            "freeze_years": self.years,
            "officer_target_change": self.number(-1e6, 1e6),
        })

    def surge(self, data: Any) -> dict[str, Any]:
        v = self.table(data, "surge", {
            "national_officers": self.number(0, 1e6), "force_share": self.number(0, 1),
            "years": self.years, "role": self.text, "route": self.text,
        })
        role = v.get("role", g.NEIGHBOURHOOD)
        if role not in g.CONSTABLE_GROUPS:
            raise self.fail("[surge] role", f"must be one of {', '.join(g.CONSTABLE_GROUPS)}")
        route = v.get("route", "dhep")
        if route not in {r.name for r in d.ROUTES if r.programme_years > 0}:
            raise self.fail("[surge] route", "must be an entry route with a training programme")
        return {"surge": Surge(**v)}

    def retention(self, data: Any) -> dict[str, Any]:
        top = g.MAX_SERVICE_YEARS
        v = self.table(data, "retention", {
            "leaving_multiplier": self.number(0, 10),
            "from_service_years": self.integer(0, top), "to_service_years": self.integer(0, top),
        })
        low, high = v.get("from_service_years", 0), v.get("to_service_years", top)
        if high < low:
            raise self.fail("[retention] to_service_years", "must not be below from_service_years")
        return {"leaving_multiplier": v.get("leaving_multiplier", 1.0),
                "retention_service_years": (low, high)}

    def specialist_draw(self, data: Any) -> dict[str, Any]:
        data = dict(data) if isinstance(data, dict) else data
        roles = data.pop("roles", {}) if isinstance(data, dict) else {}
        v = self.table(data, "specialist_draw", {"multiplier": self.number(0, 100)})
        targets = sorted({m.to_group for m in d.MOVES if m.kind == d.SPECIALIST_DRAW})
        by_role = self.table(roles, "specialist_draw.roles",
                             dict.fromkeys(targets, self.number(0, 100)))
        return {"specialist_draw_multiplier": v.get("multiplier", 1.0),
                "specialist_draw_by_role": by_role}

    def promotion(self, data: Any) -> dict[str, Any]:
        v = self.table(data, "promotion", {"multiplier": self.number(0, 100)})
        return {"promotion_multiplier": v.get("multiplier", 1.0)}

    def pension(self, data: Any) -> dict[str, Any]:
        v = self.table(data, "pension", {"age_change_years": self.integer(-10, 10)})
        return {"pension_age_change_years": v.get("age_change_years", 0)}

    def routes(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail("[routes]", "must hold one table per route, e.g. [routes.pcda]")
        officer_routes = {r.name: r for r in d.ROUTES if r.name not in g.STAFF_GROUPS}
        changes = {}
        for name, values in data.items():
            if name not in officer_routes:
                raise self.fail(f"[routes.{name}]", f"unknown officer entry route (known: "
                                f"{', '.join(sorted(officer_routes))})")
            checks: dict[str, Check] = {"share": self.number(0, 1)}
            if officer_routes[name].programme_years > 0:
                checks |= {"pass_rate": self.number(0, 1), "programme_years": self.integer(1, 6)}
            changes[name] = self.table(values, f"routes.{name}", checks)
        return {"route_changes": changes}

    def tutors(self, data: Any) -> dict[str, Any]:
        v = self.table(data, "tutors", {"students_per_tutor": self.number(0, 20),
                                        "limit_intake": self.flag})
        return {"students_per_tutor": v.get("students_per_tutor"),
                "limit_intake_by_tutors": v.get("limit_intake")}
