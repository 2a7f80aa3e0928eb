"""A scenario file as values: the baseline inputs and, per scenario, the changes from it.

Parsed from a mapping (the JSON or YAML text already loaded), so that every unknown key and bad
value is refused here with the file and the key named. Paths are resolved against the folder of
the scenario file. Reading the files themselves is the services' job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from forceplan.errors import ConfigurationError

HINT = "See docs/scenarios.md for every key of a scenario file."
CREWING = ("incident", "policy")


@dataclass(frozen=True)
class Diversion:
    """A share (0-1) of the incidents of ``categories`` signposted to a partner ``agency``
    (e.g. mental health street triage) instead of being attended."""

    categories: frozenset[str]
    share: float
    agency: str


@dataclass(frozen=True)
class ScenarioChanges:
    """What one scenario changes from the baseline (the defaults change nothing)."""

    name: str
    description: str = ""
    headcount_change_percent: float = 0.0
    sickness_rate_percent: float = 0.0
    demand_growth_percent: float = 0.0
    crewing: str | None = None
    double_crewed_categories: frozenset[str] | None = None
    divert: tuple[Diversion, ...] = ()
    shift_pattern: Path | None = None

    @property
    def is_baseline(self) -> bool:
        return self == ScenarioChanges(self.name, self.description)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "headcount_change_percent": self.headcount_change_percent,
            "sickness_rate_percent": self.sickness_rate_percent,
            "demand_growth_percent": self.demand_growth_percent,
            "crewing": self.crewing,
            "double_crewed_categories": (
                None
                if self.double_crewed_categories is None
                else sorted(self.double_crewed_categories)
            ),
            "divert": [
                {"categories": sorted(d.categories), "share": d.share, "agency": d.agency}
                for d in self.divert
            ],
            "shift_pattern": None if self.shift_pattern is None else str(self.shift_pattern),
        }


@dataclass(frozen=True)
class StoreBaseline:
    """A baseline taken from the store: a unit's incidents and roster for a period."""

    unit: str | None
    first_day: dt.date
    last_day: dt.date
    force: str | None = None


@dataclass(frozen=True)
class ScenarioSpec:
    """The baseline (incidents and duty files, or a unit and period of the store; simulation
    settings as a file or inline) and the scenarios; ``seed`` drives the changes (thinning,
    diversions, headcount, sickness) and is independent of the simulation's own seed."""

    name: str
    incidents: Path | None
    duty: Path | None
    simulation_file: Path | None = None
    simulation: Mapping[str, object] = field(default_factory=dict)
    seed: int = 0
    scenarios: tuple[ScenarioChanges, ...] = ()
    source: str = "<scenario file>"
    store: StoreBaseline | None = None


class _Reader:
    """Reads keys of one mapping, naming the file and the key path in every error."""

    def __init__(self, data: object, where: str, source: str) -> None:
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"{source}: {where} must be an object (key: value)", HINT)
        self.data, self.where, self.source = data, where, source

    def refuse_unknown(self, known: tuple[str, ...]) -> None:
        if unknown := sorted(set(self.data) - set(known)):
            raise ConfigurationError(
                f"{self.source}: unknown key(s) {', '.join(unknown)} in {self.where}",
                f"known keys: {', '.join(known)}. {HINT}",
            )

    def fail(self, key: str, why: str) -> ConfigurationError:
        where = key if self.where == "the top level" else f"{self.where}.{key}"
        return ConfigurationError(f"{self.source}: {where}: {why}", HINT)

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty text" if key in self.data else "missing")
        return value

    def number(self, key: str, low: float, high: float = float("inf")) -> float:
        value = self.data.get(key, 0.0)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"{value!r} is not a number")
        if not low <= value <= high:
            raise self.fail(key, f"{value} is outside {low:g} to {high:g}")
        return float(value)

    def names(self, key: str) -> frozenset[str] | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of category names")
        return frozenset(value)

    def date(self, key: str) -> dt.date:
        value = self.data.get(key)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise self.fail(
                key, "missing" if value is None else f"{value!r} is not a date (YYYY-MM-DD)"
            ) from None


def _store(baseline: _Reader) -> StoreBaseline | None:
    if "store" not in baseline.data:
        if "incidents" not in baseline.data or "duty" not in baseline.data:
            raise baseline.fail(
                "incidents", "give incidents and duty files, or store: {unit, from, to}"
            )
        return None
    if given := sorted({"incidents", "duty"} & set(baseline.data)):
        raise baseline.fail("store", f"give either store or files ({', '.join(given)}), not both")
    store = _Reader(baseline.data["store"], "baseline.store", baseline.source)
    store.refuse_unknown(("unit", "from", "to", "force"))
    first, last = store.date("from"), store.date("to")
    if last < first:
        raise store.fail("to", f"{last} is before from ({first})")
    unit = store.text("unit") if "unit" in store.data else None
    force = store.text("force") if "force" in store.data else None
    return StoreBaseline(unit, first, last, force)


def _path(text: str, base: Path) -> Path:
    path = Path(text)
    return path if path.is_absolute() else base / path


def _diversions(reader: _Reader) -> tuple[Diversion, ...]:
    items = reader.data.get("divert", [])
    if not isinstance(items, list):
        raise reader.fail("divert", "must be a list of {categories, share, agency}")
    out = []
    for number, item in enumerate(items):
        one = _Reader(item, f"{reader.where}.divert[{number}]", reader.source)
        one.refuse_unknown(("categories", "share", "agency"))
        categories = one.names("categories")
        if not categories:
            raise one.fail("categories", "give at least one category")
        out.append(
            Diversion(
                categories, one.number("share", 0.0, 1.0), one.text("agency", "partner agency")
            )
        )
    return tuple(out)


SCENARIO_KEYS = (
    "name",
    "description",
    "headcount_change_percent",
    "sickness_rate_percent",
    "demand_growth_percent",
    "crewing",
    "double_crewed_categories",
    "divert",
    "shift_pattern",
)


def _scenario(data: object, number: int, source: str, base: Path) -> ScenarioChanges:
    reader = _Reader(data, f"scenarios[{number}]", source)
    reader.refuse_unknown(SCENARIO_KEYS)
    crewing = reader.data.get("crewing")
    if crewing is not None and crewing not in CREWING:
        raise reader.fail("crewing", f"{crewing!r} is not one of {', '.join(CREWING)}")
    pattern = reader.data.get("shift_pattern")
    return ScenarioChanges(
        name=reader.text("name"),
        description=str(reader.data.get("description", "")),
        headcount_change_percent=reader.number("headcount_change_percent", -100.0),
        sickness_rate_percent=reader.number("sickness_rate_percent", 0.0, 100.0),
        demand_growth_percent=reader.number("demand_growth_percent", -100.0),
        crewing=crewing,
        double_crewed_categories=reader.names("double_crewed_categories"),
        divert=_diversions(reader),
        shift_pattern=None if pattern is None else _path(reader.text("shift_pattern"), base),
    )


def parse_spec(
    data: object, source: str = "<scenario file>", base: Path | None = None
) -> ScenarioSpec:
    """A ``ScenarioSpec`` from the loaded file; ``base`` is the folder relative paths start in."""
    base = base or Path(".")
    top = _Reader(data, "the top level", source)
    top.refuse_unknown(("name", "seed", "baseline", "scenarios"))
    baseline = _Reader(top.data.get("baseline"), "baseline", source)
    baseline.refuse_unknown(("incidents", "duty", "store", "simulation"))
    store = _store(baseline)
    simulation = baseline.data.get("simulation")
    if simulation is not None and not isinstance(simulation, str | Mapping):
        raise baseline.fail("simulation", "give a settings file name or the settings inline")
    seed = top.data.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise top.fail("seed", f"{seed!r} is not a whole number >= 0")
    items = top.data.get("scenarios")
    if not isinstance(items, list) or not items:
        raise top.fail("scenarios", "give a list of at least one scenario")
    scenarios = tuple(_scenario(s, n, source, base) for n, s in enumerate(items))
    names = [s.name for s in scenarios]
    if dupes := sorted({n for n in names if names.count(n) > 1} | ({"baseline"} & set(names))):
        raise top.fail(
            "scenarios",
            f"scenario name(s) {', '.join(dupes)} used twice ('baseline' is taken by the baseline)",
        )
    return ScenarioSpec(
        name=str(top.data.get("name", "scenarios")),
        incidents=None if store else _path(baseline.text("incidents"), base),
        duty=None if store else _path(baseline.text("duty"), base),
        store=store,
        simulation_file=_path(simulation, base) if isinstance(simulation, str) else None,
        simulation=dict(simulation) if isinstance(simulation, Mapping) else {},
        seed=seed,
        scenarios=scenarios,
        source=source,
    )
