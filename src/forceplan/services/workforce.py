"""Use case: the workforce section of a Force Management Statement, from the store.

Loads a force's people and skills, calibrates the workforce model as at a date (national defaults
where the records cannot support a rate), projects it (expected flows, and seeded Monte Carlo runs
for the intervals), compares scenario files side by side with the baseline, and writes the output
folder: a CSV per table, ``summary.md``, ``report.json`` and charts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import polars.selectors as cs

from forceplan.errors import ConfigurationError, NotFoundError
from forceplan.services.indicators import resolve_scope
from forceplan.store import Database
from forceplan.store import tables as t
from forceplan.store.bulk import read_frame
from forceplan.workforce import (
    Calibration,
    calibrate,
    fms_tables,
    four_year_projection,
    headcount_and_fte,
    load_scenario,
    project_scenarios,
    scenario_comparison,
)

#: progress(stage, fraction done 0..1)
Progress = Callable[[str, float], None]
MAX_YEARS = 10
MAX_RUNS = 100_000
POLICIES = ("maintain", "recent")
INTERVALS = "cells: mean (80% interval; 95% interval) over the Monte Carlo runs"


def _silent(_stage: str, _fraction: float) -> None:
    return None


@dataclass(frozen=True)
class WorkforceRequest:
    """What to project. ``runs`` 0: expected flows only (no intervals). ``policy``: recruit to
    keep today's headcounts (``maintain``) or at the mean intake of the window (``recent``)."""

    force: str | None = None
    years: int = 4
    runs: int = 1_000
    seed: int = 42
    scenario_files: tuple[Path, ...] = ()
    as_of: dt.date | None = None
    policy: str = "maintain"
    window_years: int = 5
    min_person_years: float = 200.0


@dataclass(frozen=True)
class WorkforceRates:
    """The fitted rates of a force with the evidence behind each (``calibration.rates``)."""

    force_id: str
    force_name: str
    as_of_source: str
    calibration: Calibration


@dataclass
class WorkforceReport:
    force_id: str
    force_name: str
    as_of: dt.date
    as_of_source: str
    request: WorkforceRequest
    scenarios: list[dict[str, str]]
    tables: dict[str, pl.DataFrame]
    rates: pl.DataFrame
    officers_in_post: int
    notes: list[str] = field(default_factory=list)

    def settings(self) -> dict[str, Any]:
        r = self.request
        return {"force_id": self.force_id, "force_name": self.force_name,
                "as_of": self.as_of.isoformat(), "as_of_source": self.as_of_source,
                "years": r.years, "runs": r.runs, "seed": r.seed, "policy": r.policy,
                "window_years": r.window_years, "min_person_years": r.min_person_years,
                "officers_in_post": self.officers_in_post, "scenarios": self.scenarios}


def default_as_of(people: pl.DataFrame, today: dt.date) -> tuple[dt.date, str]:
    """The records' own date: the latest joining or leaving date not after ``today``."""
    dates = [people[c].filter(people[c] <= today).max() for c in ("service_start",
                                                                   "leaving_date")]
    known = [d for d in dates if d is not None]
    if not known:
        return today, "today (the records hold no joining or leaving date before it)"
    return max(known), "the latest joining or leaving date in the records"  # type: ignore[type-var]


def _load(database: Database, force: str | None) -> tuple[str, str, pl.DataFrame, pl.DataFrame]:
    scope = resolve_scope(database, force, None, None)
    force_id = scope.force_ids[0]
    with database.read() as c:
        people = read_frame(c, t.people, t.people.c.force_id == force_id)
        skills = read_frame(c, t.person_skills, t.person_skills.c.force_id == force_id)
    if people.height == 0:
        raise NotFoundError(f"no people held for {force_id}",
                            hint="import HR records (forceplan import) or run demo-data")
    return force_id, scope.label, people, skills.select("person_id", "code", "expires_on")


def _calibrate(people: pl.DataFrame, skills: pl.DataFrame, as_of: dt.date | None,
               window_years: int, min_person_years: float) -> tuple[Calibration, str]:
    if window_years < 1 or min_person_years < 0:
        raise ConfigurationError("the calibration window must be a year or more and the "
                                 "person-years needed not negative",
                                 hint="e.g. --window-years 5 --min-person-years 200")
    source = "given"
    if as_of is None:
        as_of, source = default_as_of(people, dt.date.today())
    calibration = calibrate(people, skills, as_of, window_years=window_years,
                            min_person_years=min_person_years)
    if calibration.officers() == 0:
        raise NotFoundError(f"no officers in post on {as_of}",
                            hint="choose an --as-of date the records cover")
    return calibration, source


def workforce_rates(database: Database, force: str | None = None, as_of: dt.date | None = None,
                    window_years: int = 5, min_person_years: float = 200.0) -> WorkforceRates:
    """The fitted rates, their source and the person-years and events behind each."""
    force_id, name, people, skills = _load(database, force)
    calibration, source = _calibrate(people, skills, as_of, window_years, min_person_years)
    return WorkforceRates(force_id, name, source, calibration)


def rates_table(rates: pl.DataFrame, parameter: str | None = None) -> pl.DataFrame:
    """The rates as text for a screen: blanks for what does not apply, 4 significant figures."""
    if parameter:
        known = ", ".join(dict.fromkeys(rates["parameter"]))
        rates = rates.filter(pl.col("parameter") == parameter)
        if rates.height == 0:
            raise NotFoundError(f"no rates for parameter {parameter!r}",
                                hint=f"--parameter one of {known}")

    def text(value: Any) -> str:
        if not isinstance(value, float):
            return "" if value is None else str(value)
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"

    return pl.DataFrame([[text(v) for v in row] for row in rates.drop("note").iter_rows()],
                        schema=[c for c in rates.columns if c != "note"], orient="row")


def _check(request: WorkforceRequest) -> None:
    if not 1 <= request.years <= MAX_YEARS:
        raise ConfigurationError(f"years: {request.years} is outside 1-{MAX_YEARS}",
                                 hint="project 1 to 10 years ahead (the FMS asks for 4)")
    if not 0 <= request.runs <= MAX_RUNS:
        raise ConfigurationError(f"runs: {request.runs} is outside 0-{MAX_RUNS:,}",
                                 hint="1,000 runs give steady 95% intervals; 0: expected only")
    if request.policy not in POLICIES:
        raise ConfigurationError(f"policy: {request.policy!r} is not one of "
                                 f"{', '.join(POLICIES)}", hint="--recruitment maintain")


def project_workforce(database: Database, request: WorkforceRequest,
                      progress: Progress = _silent) -> WorkforceReport:
    """The baseline (and each scenario file) projected ``years`` ahead, with every FMS table."""
    _check(request)
    scenarios = [load_scenario(path) for path in request.scenario_files]
    progress("loading people", 0.0)
    force_id, name, people, skills = _load(database, request.force)
    progress("calibrating", 0.1)
    cal, source = _calibrate(people, skills, request.as_of, request.window_years,
                             request.min_person_years)
    progress("expected flows", 0.2)
    expected = project_scenarios(cal, scenarios, request.years, policy=request.policy)
    sampled = expected
    if request.runs:
        progress(f"{request.runs:,} Monte Carlo runs", 0.3)
        sampled = project_scenarios(cal, scenarios, request.years, runs=request.runs,
                                    rng=np.random.default_rng(request.seed),
                                    policy=request.policy)
    progress("tables", 0.8)
    baseline = sampled["baseline"]
    tables = fms_tables(baseline, cal.skills, years=request.years)
    tables["four_year_projection"] = four_year_projection(baseline)
    tables["expected_headcount_and_fte"] = headcount_and_fte(
        expected["baseline"], request.years).select("unique_id", "measure", "role", "year",
                                                    "ds", "y")
    tables["scenario_comparison"] = _comparison(sampled, expected, request.years)
    tables["intake_by_year"] = cal.intake_by_year
    described = [{"name": s.name, "description": s.description, "file": str(path)}
                 for s, path in zip(scenarios, request.scenario_files, strict=True)]
    report = WorkforceReport(force_id, name, cal.as_of, source, request, described, tables,
                             cal.rates, cal.officers(), _notes(cal, request))
    progress("done", 1.0)
    return report


def _comparison(sampled: dict, expected: dict, years: int) -> pl.DataFrame:
    keys = ["scenario", "unique_id", "year"]
    exact = scenario_comparison(expected, years).select(*keys, expected=pl.col("y"))
    return scenario_comparison(sampled, years).join(exact, on=keys, how="left")


def _notes(cal: Calibration, request: WorkforceRequest) -> list[str]:
    rates = cal.rates
    leaving = rates.filter(pl.col("parameter") == "leaving")
    fitted = leaving.filter(pl.col("source") == "force records").height
    notes = [f"{fitted} of {leaving.height} leaving rates come from the force's records; the "
             "rest are national defaults (see the rates table for the person-years behind each)."]
    if request.years < 4:
        notes.append(f"The FMS asks for four years; this projection covers {request.years}.")
    if not request.runs:
        notes.append("No Monte Carlo runs: expected flows only, without intervals.")
    notes += ["Promotion, specialist draw, entry routes and pass rates are national defaults or "
              "forceplan assumptions: the store holds no role histories.",
              "Experience is total police service, not time in role; transferees keep their "
              "original service start."]
    return notes


# --- display: wide tables of intervals, shared by the terminal and summary.md -----------------

_MONEY = {"pay_cost_gbp"}
_SHARE = {"share_under_2_years", "share_under_5_years"}
_WHOLE = {"headcount", "joiners", "candidates_needed", "deferred_intake"}


def _number(measure: str, value: float | None, unit: bool = True) -> str:
    """A value as planners read it; without its unit (£, m, %) inside an interval."""
    if value is None or value != value:
        return "–"
    if measure in _MONEY:
        return f"£{value / 1e6:,.2f}m" if unit else f"{value / 1e6:,.2f}"
    if measure in _SHARE:
        return f"{value:.0%}" if unit else f"{value * 100:.0f}"
    if measure in _WHOLE:
        return f"{value:,.0f}"
    return f"{value:,.2f}" if measure == "students_per_tutor" else f"{value:,.1f}"


def cell(measure: str, row: dict[str, Any]) -> str:
    """``mean (lo-80–hi-80; lo-95–hi-95)``; just the value without spread."""
    text = _number(measure, row["y"])
    if row.get("lo-95") is None or row["lo-95"] == row["hi-95"]:
        return text
    lo80, hi80, lo95, hi95 = (_number(measure, row[k], unit=False)
                              for k in ("lo-80", "hi-80", "lo-95", "hi-95"))
    return f"{text} ({lo80}–{hi80}; {lo95}–{hi95})"


def headline_years(years: int) -> list[int]:
    """The years a screen has room for: the as-of date, the four FMS years and the last."""
    return sorted({*range(min(years, 4) + 1), years})


def interval_grid(frame: pl.DataFrame, keys: Sequence[str] = ("role",),
                  columns: str = "ds", years: Sequence[int] | None = None) -> pl.DataFrame:
    """A long series frame as text: one row per ``keys``, one column per year end (or per
    value of ``columns``, e.g. ``scenario``), only ``years`` when given."""
    if years is not None:
        frame = frame.filter(pl.col("year").is_in(list(years)))
    rows: dict[tuple, dict[str, str]] = {}
    for row in frame.sort("year", maintain_order=True).iter_rows(named=True):
        label = row[columns]
        if columns == "ds":
            label = row["ds"].isoformat() if row["ds"] else f"year {row['year']}"
        rows.setdefault(tuple(row[k] for k in keys), {})[label] = cell(row["measure"], row)
    columns = list(dict.fromkeys(c for cells in rows.values() for c in cells))
    data = [(*key, *(cells.get(c, "") for c in columns)) for key, cells in rows.items()]
    return pl.DataFrame(data, schema=[*keys, *columns], orient="row")


def _markdown(frame: pl.DataFrame) -> str:
    def text(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
        return "" if value is None else str(value).replace("|", "/")
    lines = ["| " + " | ".join(c.replace("_", " ") for c in frame.columns) + " |",
             "|" + "---|" * frame.width]
    lines += ["| " + " | ".join(text(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join(lines)


# --- the output folder --------------------------------------------------------------------------

def _sections(report: WorkforceReport) -> list[tuple[str, pl.DataFrame]]:
    tables = report.tables
    measure, role = pl.col("measure"), pl.col("role")
    key_roles = role.is_in(["frontline", "officers", "response", "neighbourhood"])
    expected = tables["expected_headcount_and_fte"].filter(
        (measure == "headcount") & role.is_in(["officers", "frontline", "workforce"]))
    sections = [
        ("Four-year projection: headcount by role",
         interval_grid(tables["four_year_projection"].filter(measure == "headcount"))),
        ("Four-year projection: FTE by role",
         interval_grid(tables["four_year_projection"].filter(measure == "fte"))),
        ("Expected flows (deterministic projection, no intervals): headcount",
         interval_grid(expected)),
        ("Experience mix: share with under 2 and under 5 years' service",
         interval_grid(tables["experience_mix"].filter(key_roles), ("measure", "role"))),
        ("Tutors and first-year students", interval_grid(tables["tutors"], ("measure",))),
        ("Pay cost (£ a year with on-costs, people in post at each year end)",
         interval_grid(tables["pay_cost"], ("role",))),
        ("Recruitment (joiners a year, and candidates needed for the officer recruits)",
         interval_grid(tables["recruitment"], ("measure", "role"))),
    ]
    if report.scenarios:
        comparison = tables["scenario_comparison"]
        last = report.request.years
        sections += [
            (f"Scenarios side by side at the end of year {last}", interval_grid(
                comparison, ("measure", "role"), columns="scenario", years=[last])),
            ("Scenarios side by side, year by year", interval_grid(
                comparison, ("measure", "role", "scenario")))]
    return sections


def summary_markdown(report: WorkforceReport) -> str:
    r = report.request
    runs = (f"{r.runs:,} Monte Carlo runs (seed {r.seed}); {INTERVALS}" if r.runs
            else "expected flows only")
    names = ", ".join(["baseline", *(s["name"] for s in report.scenarios)])
    parts = [f"# Workforce projection: {report.force_name} ({report.force_id})",
             f"As at {report.as_of} ({report.as_of_source}); {report.officers_in_post:,} "
             f"officers in post. {r.years} year(s) ahead; recruitment policy: {r.policy}. "
             f"Scenarios: {names}.", f"Intervals: {runs}."]
    for title, grid in _sections(report):
        parts += [f"## {title}", _markdown(grid)]
    rates = report.rates.select("parameter", "group", "service_band", "to_group", "value",
                                "unit", "source", "person_years", "events", "note")
    parts += ["## Rates and the evidence behind them",
              "Source: the force's records, or a national default / forceplan assumption where "
              "the records cannot support the rate; person-years and events are the exposure "
              "and the leavers (or joiners, people) behind a fitted rate.", _markdown(rates),
              "## Notes", "\n".join(f"- {n}" for n in report.notes)]
    return "\n\n".join(parts) + "\n"


def _records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.with_columns(cs.float().fill_nan(None)).to_dicts()


def write_workforce_report(report: WorkforceReport, folder: Path) -> list[Path]:
    """Write ``folder``: a CSV per table, rates.csv, summary.md, report.json and charts/."""
    from forceplan.charts.workforce import workforce_charts

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in {**report.tables, "rates": report.rates}.items():
        frame.write_csv(folder / f"{name}.csv")
        written.append(folder / f"{name}.csv")
    (folder / "summary.md").write_text(summary_markdown(report), encoding="utf-8")
    document = {"settings": report.settings(), "notes": report.notes,
                "rates": _records(report.rates),
                "tables": {k: _records(v) for k, v in report.tables.items()}}
    (folder / "report.json").write_text(json.dumps(document, indent=1, default=str),
                                        encoding="utf-8")
    written += [folder / "summary.md", folder / "report.json"]
    written += workforce_charts(report.tables, folder / "charts",
                                with_scenarios=bool(report.scenarios))
    return written
