"""Rates fitted from a force's own people records (the standard's Person columns).

- Leaving by service band: leavers in the observation window over the person-years served in
  each band in that window (a piecewise-constant hazard h; annual probability 1 − e^(−h)).
  People who left before the window, or joined after it, add nothing.
- Recruitment: joiners by 12-month period ending on the as-of date, from ``service_start``.
- Mix today: FTE per group, the tutor share, the rank mix of inspectors and above, and skills
  held (valid on the as-of date, and expiring within the next year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import polars as pl

from forceplan.standard import FULL_TIME_HOURS_PER_WEEK
from forceplan.workforce import groups as g

PEOPLE_COLUMNS = (
    "id",
    "kind",
    "role",
    "rank",
    "service_start",
    "leaving_date",
    "contracted_hours_per_week",
    "student_officer",
    "tutor",
)
SKILL_COLUMNS = ("person_id", "code", "expires_on")
#: Workforces whose leaving and intake are fitted apart: officers, police staff, PCSOs.
OFFICERS = "officers"
WORKFORCES = (OFFICERS, g.POLICE_STAFF, g.PCSO)
_KIND_TO_WORKFORCE = {"officer": OFFICERS, "staff": g.POLICE_STAFF, "pcso": g.PCSO}


def require(frame: pl.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {', '.join(missing)}")


def window_start(as_of: dt.date, window_years: int) -> dt.date:
    """The same day ``window_years`` earlier (28 February for 29 February)."""
    try:
        return as_of.replace(year=as_of.year - window_years)
    except ValueError:
        return as_of.replace(year=as_of.year - window_years, day=28)


def workforce(kind: pl.Expr) -> pl.Expr:
    return kind.replace_strict(_KIND_TO_WORKFORCE, default=None)


def _days(frame: pl.DataFrame, column: str, origin: dt.date) -> np.ndarray:
    return (frame[column] - origin).dt.total_days().to_numpy().astype(np.float64)


def leaving_by_service_year(people: pl.DataFrame, as_of: dt.date,
                            window_years: int) -> pl.DataFrame:
    """Person-years and leavers per workforce and service year in the window before ``as_of``.

    Columns: workforce, service_year, person_years, leavers.
    """
    require(people, PEOPLE_COLUMNS, "people")
    start = window_start(as_of, window_years)
    frame = people.with_columns(workforce=workforce(pl.col("kind"))).filter(
        pl.col("workforce").is_not_null()
    )
    origin = dt.date(1900, 1, 1)
    joined = _days(frame, "service_start", origin)
    left = frame["leaving_date"].fill_null(dt.date(9999, 12, 31))
    left_day = (left - origin).dt.total_days().to_numpy().astype(np.float64) + 1.0
    w0, w1 = (start - origin).days, (as_of - origin).days
    first, last = np.maximum(joined, w0), np.minimum(left_day, w1)
    years_a = (first - joined) / g.DAYS_PER_YEAR
    years_b = np.maximum(last - joined, 0.0) / g.DAYS_PER_YEAR
    lo = np.arange(g.MAX_SERVICE_YEARS + 1, dtype=np.float64)
    hi = np.append(lo[1:], np.inf)
    served = np.clip(np.minimum(years_b[:, None], hi) - np.maximum(years_a[:, None], lo), 0, None)
    served[last <= first] = 0.0
    leaver = (left_day > w0) & (left_day <= w1) & (left_day > joined)
    at_leaving = np.clip(np.floor((left_day - 1 - joined) / g.DAYS_PER_YEAR), 0, lo[-1])
    events = np.zeros_like(served)
    rows = np.flatnonzero(leaver)
    events[rows, at_leaving[rows].astype(np.int64)] = 1.0
    names = frame["workforce"].to_numpy()
    out = []
    for name in WORKFORCES:
        mask = names == name
        out.append(pl.DataFrame({
            "workforce": [name] * len(lo),
            "service_year": np.arange(len(lo)),
            "person_years": served[mask].sum(axis=0),
            "leavers": events[mask].sum(axis=0).astype(np.int64),
        }))
    return pl.concat(out)


def leaving_by_band(by_year: pl.DataFrame) -> pl.DataFrame:
    """Pool service years into ``groups.SERVICE_BANDS``; rate = 1 − e^(−leavers/person_years).

    Columns: workforce, service_band, person_years, leavers, annual_probability (null without
    exposure).
    """
    labels = {s: g.band_of(s) for s in range(g.MAX_SERVICE_YEARS + 1)}
    order = [b[0] for b in g.SERVICE_BANDS]
    hazard = pl.col("leavers") / pl.col("person_years")
    return (
        by_year.with_columns(service_band=pl.col("service_year").replace_strict(labels))
        .group_by("workforce", "service_band", maintain_order=True)
        .agg(pl.col("person_years").sum(), pl.col("leavers").sum())
        .with_columns(
            annual_probability=pl.when(pl.col("person_years") > 0)
            .then(1.0 - (-hazard).exp())
            .otherwise(None)
        )
        .sort(pl.col("workforce"), pl.col("service_band").replace_strict(
            {b: i for i, b in enumerate(order)}))
    )


def intake_by_year(people: pl.DataFrame, as_of: dt.date, window_years: int) -> pl.DataFrame:
    """Joiners per workforce in each 12-month period ending on ``as_of`` (newest first).

    Columns: workforce, year_ending, joiners. Joiners who have since left count when the records
    still hold them.
    """
    require(people, PEOPLE_COLUMNS, "people")
    edges = [window_start(as_of, k) for k in range(window_years + 1)]
    joined = pl.col("service_start")
    period = pl.sum_horizontal([(joined <= edge).cast(pl.Int64) for edge in edges[1:]])
    counted = (
        people.with_columns(workforce=workforce(pl.col("kind")), period=period)
        .filter(pl.col("workforce").is_not_null() & (joined <= as_of) & (joined > edges[-1]))
        .group_by("workforce", "period")
        .agg(joiners=pl.len())
    )
    ending = pl.DataFrame({"period": list(range(window_years)), "year_ending": edges[:-1]})
    grid = pl.DataFrame({"workforce": list(WORKFORCES)}).join(ending, how="cross")
    return (
        grid.join(counted, on=["workforce", "period"], how="left")
        .with_columns(pl.col("joiners").fill_null(0).cast(pl.Int64))
        .select("workforce", "year_ending", "joiners")
    )


def people_in_post(people: pl.DataFrame, as_of: dt.date, student_route: str) -> pl.DataFrame:
    """People in post on ``as_of`` with their workforce group and completed service years."""
    require(people, PEOPLE_COLUMNS, "people")
    return people.filter(g.in_post(as_of)).with_columns(
        group=g.workforce_group(student_route), service_year=g.service_years(as_of)
    ).filter(pl.col("group").is_not_null())


def fte_by_group(in_post: pl.DataFrame) -> pl.DataFrame:
    """Columns: group, people, fte_per_head (contracted hours over 40, the standard's FTE)."""
    return in_post.group_by("group").agg(
        people=pl.len(),
        fte_per_head=(pl.col("contracted_hours_per_week") / FULL_TIME_HOURS_PER_WEEK).mean(),
    )


def tutor_share(in_post: pl.DataFrame, tutor_groups: tuple[str, ...],
                min_service_years: int) -> tuple[float | None, int]:
    """Share of eligible constables who are tutors, and how many are eligible."""
    eligible = in_post.filter(
        pl.col("group").is_in(tutor_groups) & (pl.col("service_year") >= min_service_years)
    )
    if eligible.height == 0:
        return None, 0
    return float(eligible["tutor"].fill_null(False).mean()), eligible.height  # type: ignore[arg-type]


def inspector_rank_mix(in_post: pl.DataFrame) -> dict[str, float]:
    ranks = in_post.filter(pl.col("group") == g.INSPECTOR_AND_ABOVE)["rank"].value_counts()
    total = ranks["count"].sum()
    return {r: c / total for r, c in ranks.iter_rows()} if total else {}


def skills_held(in_post: pl.DataFrame, skills: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Skills held per group on ``as_of``.

    Columns: group, code, people, holders (valid on as_of), lapsed (expired before it),
    holder_share, expiring_within_year (valid holders whose accreditation ends within 365 days),
    annual_expiry_share (of valid holders).
    """
    require(skills, SKILL_COLUMNS, "skills")
    people = in_post.group_by("group").agg(people=pl.len())
    expires = pl.col("expires_on")
    valid = expires.is_null() | (expires >= as_of)
    soon = expires.is_not_null() & (expires < as_of + dt.timedelta(days=365)) & valid
    held = (
        skills.join(in_post.select("id", "group"), left_on="person_id", right_on="id")
        .group_by("group", "code")
        .agg(holders=valid.sum(), lapsed=(~valid).sum(), expiring_within_year=soon.sum())
    )
    return (
        held.join(people, on="group")
        .with_columns(
            holder_share=pl.col("holders") / pl.col("people"),
            annual_expiry_share=pl.when(pl.col("holders") > 0)
            .then(pl.col("expiring_within_year") / pl.col("holders"))
            .otherwise(0.0),
        )
        .select("group", "code", "people", "holders", "lapsed", "holder_share",
                "expiring_within_year", "annual_expiry_share")
        .sort("group", "code")
    )
