"""Tables for the workforce section of a Force Management Statement, as Polars frames.

Series are long frames in the house's forecasting shape: ``unique_id`` (``measure:role``),
``measure``, ``role``, ``year`` (0 = the as-of date), ``ds`` (the date the year ends), ``y`` (the
mean over runs; the value itself when deterministic) and ``lo-95``, ``lo-80``, ``hi-80``,
``hi-95`` (quantiles over Monte Carlo runs: 2.5%, 10%, 90%, 97.5%; null when deterministic).

Roles: every student group is reported as ``student_officer``; ``officers`` and ``workforce``
are totals; ``frontline`` is students, response and neighbourhood together. Experience is total
police service (there are no role histories), so "under 2 years" counts service, not time in role.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from forceplan.workforce import groups as g
from forceplan.workforce.defaults import CANDIDATES_PER_RECRUIT
from forceplan.workforce.projection import Projection

QUANTILES = (0.025, 0.10, 0.90, 0.975)
INTERVAL_COLUMNS = ("lo-95", "lo-80", "hi-80", "hi-95")
SERIES_COLUMNS = ("unique_id", "measure", "role", "year", "ds", "y", *INTERVAL_COLUMNS)
FMS_YEARS = 4


def year_end(as_of: dt.date | None, years: int) -> dt.date | None:
    if as_of is None:
        return None
    try:
        return as_of.replace(year=as_of.year + years)
    except ValueError:
        return as_of.replace(year=as_of.year + years, day=28)


def report_roles(p: Projection) -> tuple[list[str], np.ndarray]:
    """Report roles and the [group, role] matrix that sums groups into them."""
    groups = p.model.groups
    roles = list(dict.fromkeys(g.report_role(x) for x in groups))
    roles += ["officers", "workforce", "frontline"]
    matrix = np.zeros((len(groups), len(roles)))
    for i, x in enumerate(groups):
        role = g.report_role(x)
        matrix[i, roles.index(role)] = 1.0
        matrix[i, roles.index("workforce")] = 1.0
        matrix[i, roles.index("officers")] = float(g.is_officer(x))
        matrix[i, roles.index("frontline")] = float(role in g.FRONTLINE_GROUPS)
    return roles, matrix


def series(values: np.ndarray, labels: Sequence[str], measure: str, p: Projection,
           years: int | None = None, first_year: int = 0) -> pl.DataFrame:
    """A long frame from ``values[run, year, label]`` (see the module docstring)."""
    last = values.shape[1] if years is None else min(values.shape[1], years + 1 - first_year)
    values = np.asarray(values[:, :last], dtype=np.float64)
    with warnings.catch_warnings():  # a role with nobody in it gives all-NaN slices
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(values, axis=0)
        bands = (np.nanquantile(values, QUANTILES, axis=0) if values.shape[0] > 1
                 else np.full((len(QUANTILES), *mean.shape), np.nan))
    year_index = np.repeat(np.arange(first_year, first_year + last), len(labels))
    frame = pl.DataFrame({
        "unique_id": [f"{measure}:{label}" for label in labels] * last,
        "measure": measure,
        "role": list(labels) * last,
        "year": year_index,
        "ds": [year_end(p.as_of, int(y)) for y in year_index],
        "y": mean.ravel(),
        **{name: bands[k].ravel() for k, name in enumerate(INTERVAL_COLUMNS)},
    }, schema_overrides={"ds": pl.Date})
    return frame.with_columns(pl.col("y", *INTERVAL_COLUMNS).fill_nan(None))


def headcount_and_fte(p: Projection, years: int | None = None) -> pl.DataFrame:
    """Headcount and FTE by role, with intervals."""
    roles, matrix = report_roles(p)
    heads = p.headcount()
    fte = heads * p.model.fte_per_head
    return pl.concat([series(heads @ matrix, roles, "headcount", p, years),
                      series(fte @ matrix, roles, "fte", p, years)])


def four_year_projection(p: Projection) -> pl.DataFrame:
    """The FMS table: headcount and FTE by role over four years, 80% and 95% intervals."""
    return headcount_and_fte(p, FMS_YEARS)


def experience_mix(p: Projection, years: int | None = None) -> pl.DataFrame:
    """Share of each role with under 2 and under 5 years' service (per run, then intervals)."""
    roles, matrix = report_roles(p)
    counts = p.counts.astype(np.float64)
    total = counts.sum(axis=3) @ matrix
    out = []
    for limit in (2, 5):
        under = counts[..., :limit].sum(axis=3) @ matrix
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, under / np.where(total > 0, total, 1.0), np.nan)
        out.append(series(share, roles, f"share_under_{limit}_years", p, years))
    return pl.concat(out)


def tutor_ratio(p: Projection, years: int | None = None) -> pl.DataFrame:
    """Tutors, first-year students, students per tutor and intake deferred for want of tutors."""
    tutors = p.tutors()
    students = p.first_year_students()
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(tutors > 0, students / np.where(tutors > 0, tutors, 1.0), np.nan)
    parts = [series(v[:, :, None], ["all"], m, p, years) for m, v in (
        ("tutors", tutors), ("first_year_students", students), ("students_per_tutor", ratio))]
    parts.append(series(p.deferred_intake[:, :, None], ["all"], "deferred_intake", p, years,
                        first_year=1))
    return pl.concat(parts)


def recruitment(p: Projection, years: int | None = None) -> pl.DataFrame:
    """Joiners a year (officers by route as one total, police staff, PCSOs) and the candidates
    needed for the officer recruits at the national funnel (defaults.CANDIDATES_PER_RECRUIT)."""
    groups = p.model.groups
    officer = np.array([g.is_officer(x) for x in groups])
    joined = p.joiners.astype(np.float64)
    totals = {"officers": joined[:, :, officer].sum(axis=2)}
    totals |= {x: joined[:, :, groups.index(x)] for x in g.STAFF_GROUPS if x in groups}
    parts = [series(v[:, :, None], [role], "joiners", p, years, first_year=1)
             for role, v in totals.items()]
    candidates = totals["officers"] * CANDIDATES_PER_RECRUIT
    parts.append(series(candidates[:, :, None], ["officers"], "candidates_needed", p, years,
                        first_year=1))
    return pl.concat(parts)


def pay_cost(p: Projection, years: int | None = None) -> pl.DataFrame:
    """Annual pay bill (£, pay with on-costs) of the people in post at each year end, by role."""
    roles, matrix = report_roles(p)
    per_state = p.model.annual_cost_gbp * p.model.fte_per_head[:, None]
    cost = (p.counts * per_state).sum(axis=3, dtype=np.float64)
    return series(cost @ matrix, roles, "pay_cost_gbp", p, years)


def flows(p: Projection) -> pl.DataFrame:
    """Per year and group (mean over runs): start, joiners, leavers, transfers in and out, end.
    start + joiners − leavers + transfers_in − transfers_out = end."""
    heads = p.headcount().mean(axis=0)
    rows = []
    mean = {k: v.mean(axis=0) for k, v in (
        ("joiners", p.joiners), ("leavers", p.leavers), ("transfers_in", p.transfers_in()),
        ("transfers_out", p.transfers_out()))}
    for year in range(1, p.years + 1):
        for i, group in enumerate(p.model.groups):
            rows.append((year, year_end(p.as_of, year), group, g.report_role(group),
                         heads[year - 1, i], *(float(mean[k][year - 1, i]) for k in mean),
                         heads[year, i]))
    return pl.DataFrame(rows, orient="row", schema={
        "year": pl.Int64, "ds": pl.Date, "group": pl.String, "role": pl.String,
        "start": pl.Float64, "joiners": pl.Float64, "leavers": pl.Float64,
        "transfers_in": pl.Float64, "transfers_out": pl.Float64, "end": pl.Float64})


def skills_coverage(p: Projection, skills_held: pl.DataFrame,
                    required: Mapping[str, float] | None = None, renewal_share: float = 1.0,
                    years: int | None = None) -> pl.DataFrame:
    """Valid holders of each skill, against the number required.

    Each group keeps today's share of holders; each year the share of holders whose
    accreditation expires (``annual_expiry_share``) is renewed with probability
    ``renewal_share``, so with less than full renewal coverage decays. Columns: the series
    columns (measure ``holders``, role = skill code), ``required``, ``coverage`` (y / required)
    and ``renewals_due`` (accreditations expiring in the year, mean).
    """
    if not 0 <= renewal_share <= 1:
        raise ValueError("renewal_share: must be between 0 and 1")
    codes = sorted(set(skills_held["code"]))
    if not codes:
        return series(np.zeros((p.runs, p.years + 1, 0)), [], "holders", p, years).with_columns(
            required=pl.lit(None, pl.Float64), coverage=pl.lit(None, pl.Float64),
            renewals_due=pl.lit(None, pl.Float64))
    share, expiry = _skill_shares(p, skills_held, codes)
    t = np.arange(p.years + 1)[:, None, None]
    valid = share[None] * (1.0 - expiry[None] * (1.0 - renewal_share)) ** t  # [year, group, code]
    heads = p.headcount()
    holders = np.einsum("rtg,tgc->rtc", heads, valid)
    due = np.einsum("rtg,tgc->tc", heads, valid * expiry[None]) / p.runs
    frame = series(holders, codes, "holders", p, years)
    extra = pl.DataFrame({"role": codes * (p.years + 1), "year": np.repeat(t.ravel(), len(codes)),
                          "renewals_due": due.ravel()})
    need = pl.DataFrame({"role": list((required or {}).keys()),
                         "required": [float(v) for v in (required or {}).values()]},
                        schema={"role": pl.String, "required": pl.Float64})
    return (frame.join(extra, on=["role", "year"], how="left")
            .join(need, on="role", how="left")
            .with_columns(coverage=pl.col("y") / pl.col("required"))
            .select(*SERIES_COLUMNS, "required", "coverage", "renewals_due"))


def _skill_shares(p: Projection, held: pl.DataFrame,
                  codes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """[group, code] share holding the skill and annual expiry share; student groups without
    records of their own take those of any student group that has them."""
    share = np.zeros((len(p.model.groups), len(codes)))
    expiry = np.zeros_like(share)
    rows = {(r["group"], r["code"]): r for r in held.iter_rows(named=True)}
    student_rows = {c: r for (grp, c), r in rows.items() if g.is_student(grp)}
    for i, group in enumerate(p.model.groups):
        for j, code in enumerate(codes):
            hit = rows.get((group, code))
            if hit is None and g.is_student(group):
                hit = student_rows.get(code)
            if hit is not None:
                share[i, j] = hit["holder_share"]
                expiry[i, j] = hit["annual_expiry_share"]
    return share, expiry


def fms_tables(p: Projection, skills_held: pl.DataFrame | None = None,
               required: Mapping[str, float] | None = None,
               years: int = FMS_YEARS) -> dict[str, pl.DataFrame]:
    """Every table of the FMS workforce section, over ``years`` years (four by default)."""
    tables = {
        "headcount_and_fte": headcount_and_fte(p, years),
        "experience_mix": experience_mix(p, years),
        "tutors": tutor_ratio(p, years),
        "recruitment": recruitment(p, years),
        "pay_cost": pay_cost(p, years),
        "flows": flows(p).filter(pl.col("year") <= years),
    }
    if skills_held is not None:
        tables["skills_coverage"] = skills_coverage(p, skills_held, required, years=years)
    return tables


def scenario_comparison(projections: Mapping[str, Projection],
                        years: int | None = None) -> pl.DataFrame:
    """Scenarios side by side: officers, officer FTE, frontline share under 2 years' service,
    students per tutor and pay cost, with intervals; column ``scenario`` first."""
    parts = []
    for name, p in projections.items():
        measures = pl.concat([
            headcount_and_fte(p, years).filter(pl.col("role") == "officers"),
            experience_mix(p, years).filter((pl.col("role") == "frontline")
                                            & (pl.col("measure") == "share_under_2_years")),
            tutor_ratio(p, years).filter(pl.col("measure") == "students_per_tutor"),
            pay_cost(p, years).filter(pl.col("role") == "workforce"),
        ])
        parts.append(measures.with_columns(scenario=pl.lit(name)))
    return pl.concat(parts).select("scenario", *SERIES_COLUMNS)
