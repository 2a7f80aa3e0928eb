"""Workforce groups (role × rank as planners count them) and length-of-service years and bands.

A person's workforce group comes from the standard's Person fields:

- police staff → ``police_staff``; PCSOs → ``pcso``; special constables are volunteers and are
  left out of the workforce model;
- officers: sergeants → ``sergeant``; inspectors and above → ``inspector_and_above``; student
  officers → ``student_<route>`` (one group per entry route, see model.EntryRoute); other
  constables by role: response, neighbourhood, investigation, public protection, firearms, roads
  policing, public order; every other constable role (custody, control room, intelligence,
  training, support, management) → ``operational_support``.

Length of service is counted in whole years from ``service_start`` (365.25-day years, as in
``Person.years_of_service``), capped at ``MAX_SERVICE_YEARS`` (the last year means "40 or more").
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from forceplan.standard.enums import Role

RESPONSE = Role.RESPONSE.value
NEIGHBOURHOOD = Role.NEIGHBOURHOOD.value
INVESTIGATION = Role.INVESTIGATION.value
PUBLIC_PROTECTION = Role.PUBLIC_PROTECTION.value
FIREARMS = Role.FIREARMS.value
ROADS_POLICING = Role.ROADS_POLICING.value
PUBLIC_ORDER = Role.PUBLIC_ORDER.value
OPERATIONAL_SUPPORT = "operational_support"
SERGEANT = "sergeant"
INSPECTOR_AND_ABOVE = "inspector_and_above"
POLICE_STAFF = "police_staff"
PCSO = "pcso"
STUDENT_PREFIX = "student_"
#: Reports show every student group as this one role.
STUDENT_OFFICER = "student_officer"

#: Constable roles kept apart in the model (all other constable roles are operational support).
CONSTABLE_GROUPS = (
    RESPONSE,
    NEIGHBOURHOOD,
    INVESTIGATION,
    PUBLIC_PROTECTION,
    FIREARMS,
    ROADS_POLICING,
    PUBLIC_ORDER,
    OPERATIONAL_SUPPORT,
)
SPECIALIST_GROUPS = (PUBLIC_PROTECTION, FIREARMS, ROADS_POLICING, PUBLIC_ORDER)
#: Groups after the student groups, in report order.
CONFIRMED_GROUPS = (*CONSTABLE_GROUPS, SERGEANT, INSPECTOR_AND_ABOVE, POLICE_STAFF, PCSO)
STAFF_GROUPS = (POLICE_STAFF, PCSO)
#: Students, response and neighbourhood: the frontline whose experience mix matters most.
FRONTLINE_GROUPS = (STUDENT_OFFICER, RESPONSE, NEIGHBOURHOOD)
INSPECTOR_RANKS = (
    "inspector",
    "chief_inspector",
    "superintendent",
    "chief_superintendent",
    "assistant_chief_constable",
    "deputy_chief_constable",
    "chief_constable",
)

MAX_SERVICE_YEARS = 40
DAYS_PER_YEAR = 365.25

#: Length-of-service bands for fitting and reporting rates: (label, first year, last year).
SERVICE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0", 0, 0),
    ("1", 1, 1),
    ("2-4", 2, 4),
    ("5-9", 5, 9),
    ("10-19", 10, 19),
    ("20-24", 20, 24),
    ("25-29", 25, 29),
    ("30-34", 30, 34),
    ("35-39", 35, 39),
    ("40+", 40, 40),
)


def student_group(route: str) -> str:
    return f"{STUDENT_PREFIX}{route}"


def is_student(group: str) -> bool:
    return group.startswith(STUDENT_PREFIX)


def is_officer(group: str) -> bool:
    return group not in STAFF_GROUPS


def report_role(group: str) -> str:
    """The role a group is reported under: every student group is ``student_officer``."""
    return STUDENT_OFFICER if is_student(group) else group


def band_of(service_year: int) -> str:
    for label, low, high in SERVICE_BANDS:
        if low <= service_year <= high:
            return label
    raise ValueError(f"service_year: {service_year} is outside 0-{MAX_SERVICE_YEARS}")


def service_years(as_of: dt.date) -> pl.Expr:
    """Completed years of service on ``as_of``, capped at ``MAX_SERVICE_YEARS``."""
    days = (pl.lit(as_of) - pl.col("service_start")).dt.total_days()
    return (days / DAYS_PER_YEAR).floor().clip(0, MAX_SERVICE_YEARS).cast(pl.Int64)


def workforce_group(student_route: str) -> pl.Expr:
    """Each person's workforce group (null for special constables and unknown kinds)."""
    rank = pl.col("rank")
    role = pl.col("role")
    officer = (
        pl.when(rank == SERGEANT)
        .then(pl.lit(SERGEANT))
        .when(rank.is_in(INSPECTOR_RANKS))
        .then(pl.lit(INSPECTOR_AND_ABOVE))
        .when(pl.col("student_officer").fill_null(False))
        .then(pl.lit(student_group(student_route)))
        .when(role.is_in(CONSTABLE_GROUPS))
        .then(role)
        .otherwise(pl.lit(OPERATIONAL_SUPPORT))
    )
    return (
        pl.when(pl.col("kind") == "officer")
        .then(officer)
        .when(pl.col("kind") == "staff")
        .then(pl.lit(POLICE_STAFF))
        .when(pl.col("kind") == "pcso")
        .then(pl.lit(PCSO))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def in_post(as_of: dt.date) -> pl.Expr:
    """Started on or before ``as_of`` and not left before it (``leaving_date`` is the last day)."""
    left = pl.col("leaving_date")
    return (pl.col("service_start") <= as_of) & (left.is_null() | (left >= as_of))
