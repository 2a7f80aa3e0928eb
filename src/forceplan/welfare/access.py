"""Who may see personal welfare data (the welfare issue's access rules).

- an officer sees their own welfare summary;
- a supervisor sees the officers of the units they supervise;
- occupational health (the ``welfare`` role) sees everyone in their force;
- planners, analysts and administrators see team totals only, with small counts suppressed
  so that no individual can be picked out; partners (other agencies, other forces) see no
  welfare data at all: it never leaves the force (DESIGN.md section 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from forceplan.errors import AccessDeniedError

PERSONAL_ROLES = frozenset({"officer", "supervisor", "welfare"})
TEAM_TOTAL_ROLES = frozenset({"planner", "analyst", "admin"})
ROLES = PERSONAL_ROLES | TEAM_TOTAL_ROLES | {"partner"}
SMALL_COUNT = 5  # team counts from 1 to 4 are shown as suppressed to non-personal roles


@dataclass(frozen=True)
class Viewer:
    role: str
    force_id: str
    person_id: str | None = None
    unit_ids: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise AccessDeniedError(f"unknown role {self.role!r}",
                                    hint=f"use one of {', '.join(sorted(ROLES))}")
        if self.role == "officer" and not self.person_id:
            raise AccessDeniedError("an officer's view needs their person id",
                                    hint="give the officer's own person id")
        if self.role == "supervisor" and not self.unit_ids:
            raise AccessDeniedError("a supervisor's view needs the units they supervise",
                                    hint="give the supervisor's person id (their unit) or units")


def personal_rows(viewer: Viewer, officers: pl.DataFrame) -> pl.DataFrame:
    """The rows of a per-officer welfare frame (``force_id``, ``person_id``, ``unit_id``)
    this viewer may see; refuses roles that may not see personal welfare data."""
    if viewer.role not in PERSONAL_ROLES:
        raise AccessDeniedError(
            f"the {viewer.role} role does not see individual officers' welfare data",
            hint="ask for team totals, or for occupational health to review individuals")
    mine = officers.filter(pl.col("force_id") == viewer.force_id)
    if viewer.role == "officer":
        return mine.filter(pl.col("person_id") == viewer.person_id)
    if viewer.role == "supervisor":
        return mine.filter(pl.col("unit_id").is_in(sorted(viewer.unit_ids)))
    return mine


def team_rows(viewer: Viewer, teams: pl.DataFrame, count_columns: list[str]) -> pl.DataFrame:
    """Team totals for this viewer: in full for supervisors (their teams) and occupational
    health; for planners, analysts and admins counts from 1 to 4 are suppressed (null), and
    a team of fewer than 5 officers shows no figures at all; refused to officers (beyond their
    own row) and partners."""
    if viewer.role in {"officer", "partner"}:
        raise AccessDeniedError(
            f"the {viewer.role} role does not see team welfare totals",
            hint="welfare data stays inside the force, with those responsible for the team")
    mine = teams.filter(pl.col("force_id") == viewer.force_id)
    if viewer.role == "supervisor":
        return mine.filter(pl.col("unit_id").is_in(sorted(viewer.unit_ids)))
    if viewer.role == "welfare":
        return mine
    small_team = pl.col("officers") < SMALL_COUNT
    sums = [c for c, d in mine.schema.items()
            if d.is_numeric() and c not in count_columns]
    return mine.with_columns(
        [pl.when(small_team | pl.col(c).is_between(1, SMALL_COUNT - 1)).then(None)
         .otherwise(pl.col(c)).alias(c) for c in count_columns]
        + [pl.when(small_team).then(None).otherwise(pl.col(c)).alias(c) for c in sums])
