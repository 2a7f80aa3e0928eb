"""Calibrating the workforce model from a force's records, with national defaults for the rest.

The store has no role histories yet, so the records support: leaving rates by service band (from
``leaving_date``), recruitment by year (from ``service_start``), today's role and rank mix (the
starting state), FTE per group, the tutor share, the rank mix of inspectors and above, and skills
held. Promotion, specialist draw, entry routes and pass rates come from defaults.py. Every rate
is listed in ``Calibration.rates`` with its value, source and the person-years behind it.

A leaving rate comes from the force's records when the window holds leavers at all and the band
has at least ``min_person_years`` of exposure; otherwise the national default is used (records
holding only people in post, with no leavers, cannot give a leaving rate).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from forceplan.workforce import defaults as d
from forceplan.workforce import fitting as f
from forceplan.workforce import groups as g
from forceplan.workforce.model import (
    SERVICE_YEARS,
    EntryRoute,
    IntakePlan,
    Move,
    WorkforceModel,
    fixed_intake,
    maintain_headcount,
    model_groups,
)

FORCE = "force records"
RATE_SCHEMA = {
    "parameter": pl.String,
    "group": pl.String,
    "service_band": pl.String,
    "to_group": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "source": pl.String,
    "person_years": pl.Float64,
    "events": pl.Int64,
    "note": pl.String,
}
_DEFAULT_LEAVING = {f.OFFICERS: d.OFFICER_LEAVING, g.POLICE_STAFF: d.STAFF_LEAVING,
                    g.PCSO: d.PCSO_LEAVING}


@dataclass(frozen=True, eq=False)
class Calibration:
    """A fitted model, the starting state, and the evidence for every rate.

    - ``initial[group, service_year]``: people in post on ``as_of``;
    - ``rates``: parameter, group, service_band, to_group, value, unit, source, person_years,
      events, note;
    - ``intake_by_year``: workforce, year_ending, joiners; ``recent_intake``: route → mean
      joiners a year (officers split over ``officer_route_mix``);
    - ``skills``: group, code, people, holders, lapsed, holder_share, expiring_within_year,
      annual_expiry_share.
    """

    as_of: dt.date
    model: WorkforceModel
    initial: np.ndarray
    rates: pl.DataFrame
    intake_by_year: pl.DataFrame
    recent_intake: dict[str, float]
    officer_route_mix: dict[str, float]
    skills: pl.DataFrame

    def officers(self) -> int:
        rows = [self.model.index(x) for x in self.model.groups if g.is_officer(x)]
        return round(float(self.initial[rows].sum()))

    def plan(self, years: int, policy: str = "maintain", **options: object) -> IntakePlan:
        """Baseline recruitment: ``maintain`` today's headcounts (recruit to replace leavers), or
        ``recent`` (the mean intake of the calibration window, every year)."""
        if policy == "maintain":
            return maintain_headcount(self.model, self.initial, years, self.officer_route_mix,
                                      **options)
        if policy == "recent":
            return fixed_intake(self.model, years, self.recent_intake, **options)
        raise ValueError(f"policy: 'maintain' or 'recent', not {policy!r}")


def calibrate(people: pl.DataFrame, skills: pl.DataFrame | None, as_of: dt.date, *,
              window_years: int = 5, min_person_years: float = 200.0,
              pay: d.PayScale = d.DEFAULT_PAY,
              student_route: str = d.CURRENT_STUDENT_ROUTE) -> Calibration:
    """Fit the model to ``people`` (and ``skills``) as at ``as_of`` (see the module docstring)."""
    if window_years < 1:
        raise ValueError("window_years: at least 1")
    routes = tuple(EntryRoute(r.name, r.programme_years, r.pass_rate, r.destinations,
                              r.entry_service_years, r.tutored) for r in d.ROUTES)
    groups = model_groups(routes)
    in_post = f.people_in_post(people, as_of, student_route)
    leaving, leaving_rows = _leaving(people, as_of, window_years, min_person_years, groups)
    fte, fte_rows = _fte(in_post, groups)
    share, tutor_rows = _tutors(in_post)
    costs, cost_rows = _costs(in_post, groups, pay)
    moves = tuple(Move(m.from_group, m.to_group, m.rate, m.min_service_years, kind=m.kind)
                  for m in d.MOVES)
    model = WorkforceModel(groups, leaving, moves, routes, fte, costs, tutor_share=share,
                           tutor_min_service_years=d.TUTOR_MIN_SERVICE_YEARS,
                           students_per_tutor=d.STUDENTS_PER_TUTOR, tutor_groups=d.TUTOR_GROUPS)
    intake = f.intake_by_year(people, as_of, window_years)
    mix = {r.name: r.share for r in d.ROUTES if r.share > 0}
    recent, intake_rows = _recent_intake(intake, mix, window_years)
    rows = [*leaving_rows, *intake_rows, *_route_rows(), *_move_rows(), *fte_rows, *tutor_rows,
            *cost_rows]
    held = f.skills_held(in_post, skills, as_of) if skills is not None else _no_skills()
    return Calibration(as_of, model, _initial(in_post, model, student_route),
                       pl.DataFrame(rows, schema=RATE_SCHEMA, orient="row"), intake, recent, mix,
                       held)


def _row(parameter: str, group: str | None, value: float, unit: str, source: str, *,
         band: str | None = None, to: str | None = None, person_years: float | None = None,
         events: int | None = None, note: str | None = None) -> tuple:
    return (parameter, group, band, to, float(value), unit, source, person_years, events, note)


def _leaving(people: pl.DataFrame, as_of: dt.date, window_years: int, min_person_years: float,
             groups: tuple[str, ...]) -> tuple[np.ndarray, list[tuple]]:
    bands = f.leaving_by_band(f.leaving_by_service_year(people, as_of, window_years))
    curves: dict[str, np.ndarray] = {}
    rows = []
    for name in f.WORKFORCES:
        mine = bands.filter(pl.col("workforce") == name)
        any_leavers = int(mine["leavers"].sum()) > 0
        curve = np.zeros(SERVICE_YEARS)
        for band, low, high in g.SERVICE_BANDS:
            hit = mine.filter(pl.col("service_band") == band).row(0, named=True)
            fitted = any_leavers and hit["person_years"] >= min_person_years
            value = hit["annual_probability"] if fitted else _DEFAULT_LEAVING[name][band]
            note = None if fitted else _why_default(any_leavers, hit["person_years"],
                                                    min_person_years)
            curve[low : high + 1] = value
            rows.append(_row("leaving", name, value, "annual probability",
                             FORCE if fitted else d.NATIONAL, band=band,
                             person_years=round(hit["person_years"], 1),
                             events=hit["leavers"], note=note))
        curves[name] = curve
    by_group = {x: curves[f.OFFICERS] for x in groups if g.is_officer(x)}
    by_group |= {x: curves[x] for x in g.STAFF_GROUPS}
    return np.stack([by_group[x] for x in groups]), rows


def _why_default(any_leavers: bool, person_years: float, needed: float) -> str:
    if not any_leavers:
        return "no leavers in the records' window (records may hold only people in post)"
    return f"{person_years:.0f} person-years in the window, fewer than the {needed:.0f} needed"


def _recent_intake(intake: pl.DataFrame, mix: Mapping[str, float],
                   window_years: int) -> tuple[dict[str, float], list[tuple]]:
    per_year = {}
    rows = []
    for name in f.WORKFORCES:
        total = int(intake.filter(pl.col("workforce") == name)["joiners"].sum())
        per_year[name] = total / window_years
        rows.append(_row("intake", name, per_year[name], "joiners a year", FORCE,
                         events=total, note=f"mean of the {window_years} years to the as-of date"))
    recent = {route: per_year[f.OFFICERS] * share for route, share in mix.items()}
    recent |= {x: per_year[x] for x in g.STAFF_GROUPS}
    return recent, rows


def _route_rows() -> list[tuple]:
    rows = []
    for r in d.ROUTES:
        group = g.student_group(r.name) if r.programme_years else r.name
        rows.append(_row("route_share", group, r.share, "share of officer recruits", d.NATIONAL,
                         note=r.source))
        rows.append(_row("programme_years", group, r.programme_years, "years", d.NATIONAL,
                         note="College of Policing PEQF"))
        for dest, share in r.destinations.items():
            rows.append(_row("pass_rate", group, r.pass_rate * share, "share confirmed",
                             d.NATIONAL, to=dest, note=r.source))
    return rows


def _move_rows() -> list[tuple]:
    return [_row(m.kind, m.from_group, m.rate, "annual probability", d.NATIONAL,
                 band=f"{m.min_service_years}+", to=m.to_group, note=m.source) for m in d.MOVES]


def _fte(in_post: pl.DataFrame, groups: tuple[str, ...]) -> tuple[np.ndarray, list[tuple]]:
    found = {r["group"]: r for r in f.fte_by_group(in_post).iter_rows(named=True)}
    values, rows = [], []
    for x in groups:
        hit = found.get(x)
        value = hit["fte_per_head"] if hit else 1.0
        values.append(value)
        rows.append(_row("fte_per_head", x, value, "FTE", FORCE if hit else d.NATIONAL,
                         events=hit["people"] if hit else None,
                         note=None if hit else "nobody in post: full time assumed"))
    return np.array(values), rows


def _tutors(in_post: pl.DataFrame) -> tuple[float, list[tuple]]:
    share, eligible = f.tutor_share(in_post, d.TUTOR_GROUPS, d.TUTOR_MIN_SERVICE_YEARS)
    fitted = share is not None and eligible >= 20
    value = share if fitted and share is not None else d.TUTOR_SHARE
    note = (f"of response and neighbourhood constables with {d.TUTOR_MIN_SERVICE_YEARS}+ years"
            if fitted else "fewer than 20 eligible constables in post")
    return value, [
        _row("tutor_share", None, value, "share", FORCE if fitted else d.NATIONAL,
             events=eligible, note=note),
        _row("students_per_tutor", None, d.STUDENTS_PER_TUTOR, "students", d.NATIONAL,
             note=d.ASSUMPTION),
    ]


def _costs(in_post: pl.DataFrame, groups: tuple[str, ...],
           pay: d.PayScale) -> tuple[np.ndarray, list[tuple]]:
    mix = f.inspector_rank_mix(in_post)
    source = FORCE if mix else d.NATIONAL
    mix = mix or d.INSPECTOR_RANK_MIX
    inspector = sum(share * pay.rank_gbp(rank) for rank, share in mix.items())
    flat = {g.SERGEANT: pay.rank_gbp("sergeant"), g.INSPECTOR_AND_ABOVE: inspector,
            g.POLICE_STAFF: pay.police_staff_gbp, g.PCSO: pay.pcso_gbp}
    constable = np.array([pay.constable_gbp(s) for s in range(SERVICE_YEARS)])
    rows = np.stack([np.full(SERVICE_YEARS, flat[x]) if x in flat else constable for x in groups])
    notes = [_row("inspector_pay", g.INSPECTOR_AND_ABOVE, inspector, "£ a year", source,
                  note="weighted by the rank mix of inspectors and above"),
             _row("on_cost_share", None, pay.on_cost_share, "share of pay", d.NATIONAL,
                  note="employer pension 35.3% + National Insurance")]
    return rows * (1.0 + pay.on_cost_share), notes


def _initial(in_post: pl.DataFrame, model: WorkforceModel, student_route: str) -> np.ndarray:
    """People in post by group and service year; today's students finish no later than this
    coming year of their route's programme."""
    last = model.route(student_route).completion_service_year
    student = g.student_group(student_route)
    placed = in_post.with_columns(
        service_year=pl.when(pl.col("group") == student)
        .then(pl.col("service_year").clip(upper_bound=last))
        .otherwise(pl.col("service_year"))
    )
    counts = np.zeros((len(model.groups), SERVICE_YEARS))
    tally = placed.group_by("group", "service_year").agg(n=pl.len())
    for group, year, n in tally.iter_rows():
        counts[model.index(group), year] += n
    return counts


def _no_skills() -> pl.DataFrame:
    return pl.DataFrame(schema={"group": pl.String, "code": pl.String, "people": pl.UInt32,
                                "holders": pl.UInt32, "lapsed": pl.UInt32,
                                "holder_share": pl.Float64, "expiring_within_year": pl.UInt32,
                                "annual_expiry_share": pl.Float64})
