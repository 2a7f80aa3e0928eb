"""Database tables of the store: one per record of the standard (plus skills and restrictions).

Keys are natural: ``(force_id, id)`` for everything a force owns, so that several forces can
share one store (regional or national hub) and re-imports are idempotent. Enumerated values are
stored as their standard strings (validation lives in ``forceplan.standard``). Instants are
stored in UTC (see :class:`UTCDateTime`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

ID = 64
CODE = 32
LABEL = 200


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An instant, stored in UTC; refuses naive datetimes; always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: instants must carry a time zone")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _force_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(["force_id"], ["forces.id"], ondelete="CASCADE")


def _person_fk(column: str = "person_id") -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["force_id", column], ["people.force_id", "people.id"], ondelete="CASCADE"
    )


forces = Table(
    "forces",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(LABEL), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("region", String(LABEL)),
    Column("population", Integer),
)

units = Table(
    "units",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("name", String(LABEL), nullable=False),
    Column("kind", String(CODE), nullable=False),
    Column("parent_id", String(ID)),
    Column("role", String(CODE)),
    Column("population", Integer),
    Column("urban", Boolean),
    _force_fk(),
)

people = Table(
    "people",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("display_name", String(LABEL)),
    Column("kind", String(CODE), nullable=False),
    Column("rank", String(CODE)),
    Column("role", String(CODE), nullable=False),
    Column("unit_id", String(ID)),
    Column("contracted_hours_per_week", Float, nullable=False),
    Column("service_start", Date, nullable=False),
    Column("birth_year", SmallInteger),
    Column("leaving_date", Date),
    Column("student_officer", Boolean, nullable=False),
    Column("independent_patrol", Boolean, nullable=False),
    Column("tutor", Boolean, nullable=False),
    Column("tutor_id", String(ID)),
    _force_fk(),
    Index("ix_people_unit", "force_id", "unit_id"),
)

person_skills = Table(
    "person_skills",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("code", String(CODE), primary_key=True),
    Column("expires_on", Date),
    _person_fk(),
)

person_restrictions = Table(
    "person_restrictions",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("seq", SmallInteger, primary_key=True),
    Column("kind", String(CODE), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date),
    Column("allowed_roles", JSON, nullable=False),
    Column("notes", String(500)),
    _person_fk(),
)

shift_definitions = Table(
    "shift_definitions",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("code", String(CODE), primary_key=True),
    Column("name", String(LABEL)),
    Column("start", Time, nullable=False),
    Column("length_minutes", Integer, nullable=False),
    Column("crosses_midnight", Boolean, nullable=False),
    Column("paid_break_minutes", Integer, nullable=False),
    _force_fk(),
)

roster_assignments = Table(
    "roster_assignments",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("date", Date, primary_key=True),
    Column("shift_code", String(CODE)),
    Column("status", String(CODE), nullable=False),
    Column("unit_id", String(ID)),
    Column("rest_day_cancelled", Boolean, nullable=False),
    Column("rdc_notice_days", Integer),
    Column("replacement_rest_day", Boolean, nullable=False, server_default=false()),
    Column("overtime_minutes", Integer, nullable=False),
    Column("single_crewed", Boolean),
    _person_fk(),
    Index("ix_roster_assignments_date", "force_id", "date"),
)

absences = Table(
    "absences",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("person_id", String(ID), nullable=False),
    Column("kind", String(CODE), nullable=False),
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("status", String(CODE), nullable=False),
    Column("hours_per_day", Float),
    Column("reason", String(500)),
    _person_fk(),
    Index("ix_absences_person", "force_id", "person_id", "start"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("unit_id", String(ID)),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("channel", String(CODE), nullable=False),
    Column("source_agency", String(CODE)),
    Column("category", String(CODE), nullable=False),
    Column("grade", SmallInteger, nullable=False),
    Column("attendance_target_minutes", Integer),
    Column("first_arrival_at", UTCDateTime()),
    Column("cleared_at", UTCDateTime()),
    Column("officers_deployed", SmallInteger, nullable=False),
    Column("outcome", String(LABEL)),
    Column("attributed_agency", String(CODE)),
    Column("signposted_to", String(CODE)),
    Column("location_key", String(ID)),
    Column("caller_key", String(ID)),
    # No foreign key to forces: a per-row check costs a third of a bulk load's time, and every
    # writer (importer, demo loader) creates the force first; delete_force removes incidents.
    Index("ix_incidents_received", "force_id", "received_at"),
)

deployments = Table(
    "deployments",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("incident_id", String(ID), nullable=False),
    Column("person_id", String(ID)),
    Column("unit_id", String(ID)),
    Column("dispatched_at", UTCDateTime(), nullable=False),
    Column("arrived_at", UTCDateTime()),
    Column("cleared_at", UTCDateTime()),
    ForeignKeyConstraint(
        ["force_id", "incident_id"], ["incidents.force_id", "incidents.id"], ondelete="CASCADE"
    ),
    _person_fk(),
    Index("ix_deployments_incident", "force_id", "incident_id"),
    Index("ix_deployments_person", "force_id", "person_id"),
)

cases = Table(
    "cases",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),
    Column("category", String(CODE), nullable=False),
    Column("complexity_weight", Float, nullable=False),
    Column("investigator_id", String(ID)),
    Column("incident_id", String(ID)),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date),
    _force_fk(),
    Index("ix_cases_investigator", "force_id", "investigator_id"),
)

import_batches = Table(
    "import_batches",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("force_id", String(ID), nullable=False),
    Column("record", String(CODE), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("profile", String(LABEL), nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("finished_at", UTCDateTime()),
    Column("status", String(CODE), nullable=False),
    Column("rows_read", Integer, nullable=False),
    Column("accepted", Integer, nullable=False),
    Column("quarantined", Integer, nullable=False),
    Column("excluded", Integer, nullable=False),
    Column("inserted", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("report", JSON, nullable=False),
    Index("ix_import_batches_file", "force_id", "file_sha256", "profile"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("batch_id", String(ID), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("line", Integer),
    Column("field", String(LABEL), nullable=False),
    Column("value", String(500)),
    Column("reason", String(500), nullable=False),
    Column("raw", String),
    ForeignKeyConstraint(["batch_id"], ["import_batches.id"], ondelete="CASCADE"),
)

#: Tables in an order safe for inserting (parents first); delete in reverse.
INSERT_ORDER = [
    forces,
    units,
    shift_definitions,
    people,
    person_skills,
    person_restrictions,
    roster_assignments,
    absences,
    incidents,
    deployments,
    cases,
]

forecast_runs = Table(
    "forecast_runs",
    metadata,
    Column("id", String(ID), primary_key=True),  # uuid4 hex
    Column("force_id", String(ID), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("measure", String(CODE), nullable=False),  # incidents | officer_hours
    Column("breakdown", String(CODE), nullable=False),  # category | grade | none
    Column("unit_id", String(ID)),  # None: the whole force
    Column("freq", String(CODE), nullable=False),  # 1h | 1d
    Column("horizon_steps", Integer, nullable=False),
    # The last period of history used, as local wall-clock time in the force's time zone.
    Column("history_end", DateTime(), nullable=False),
    Column("settings", JSON, nullable=False),
    _force_fk(),
    Index("ix_forecast_runs_force", "force_id", "created_at"),
)

forecast_values = Table(
    "forecast_values",
    metadata,
    Column("run_id", String(ID), primary_key=True),
    Column("unique_id", String(LABEL), primary_key=True),
    Column("ds", DateTime(), primary_key=True),  # local wall-clock period start
    Column("yhat", Float, nullable=False),
    Column("lo_80", Float, nullable=False),
    Column("hi_80", Float, nullable=False),
    Column("lo_95", Float, nullable=False),
    Column("hi_95", Float, nullable=False),
    Column("model", String(LABEL), nullable=False),
    ForeignKeyConstraint(["run_id"], ["forecast_runs.id"], ondelete="CASCADE"),
)

# --- Accounts, sessions, the audit log and background jobs (the web/API issue, migration 0006).
# Not owned by a force's data: reloading a force (``delete_force``) leaves them alone.

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),  # uuid4 hex
    Column("username", String(LABEL), nullable=False, unique=True),
    Column("password_hash", String(500), nullable=False),  # argon2id, PHC string
    Column("role", String(CODE), nullable=False),
    Column("force_id", String(ID), nullable=False),
    Column("unit_id", String(ID)),  # scope: this unit and the units under it
    Column("person_id", String(ID)),  # the account holder's own person record
    Column("disabled", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime(), nullable=False),
    # directory (OIDC) identity linked to the account: the ID token's iss and sub
    Column("oidc_issuer", String(500)),
    Column("oidc_subject", String(255)),
    UniqueConstraint("oidc_issuer", "oidc_subject"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the cookie's token
    Column("user_id", String(ID), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("last_seen_at", UTCDateTime(), nullable=False),
    Column("client", String(LABEL)),
    ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
    Index("ix_sessions_user", "user_id"),
)

audit_log = Table(  # append-only: triggers refuse UPDATE and DELETE (migration 0006)
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("user_id", String(ID)),
    Column("username", String(LABEL)),
    Column("force_id", String(ID)),
    Column("action", String(CODE), nullable=False),
    Column("object_type", String(CODE), nullable=False),
    Column("object_id", String(LABEL)),
    Column("detail", JSON, nullable=False),
    Index("ix_audit_log_force_at", "force_id", "at"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(ID), primary_key=True),  # uuid4 hex
    Column("kind", String(CODE), nullable=False),
    Column("force_id", String(ID), nullable=False),
    Column("user_id", String(ID)),
    Column("status", String(CODE), nullable=False),  # queued|running|succeeded|failed|cancelled
    Column("stage", String(LABEL), nullable=False),
    Column("progress", Float, nullable=False),  # 0..1
    Column("cancel_requested", Boolean, nullable=False, server_default=false()),
    Column("params", JSON, nullable=False),
    Column("result", JSON),
    Column("error", String(2000)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("started_at", UTCDateTime()),
    Column("finished_at", UTCDateTime()),
    Index("ix_jobs_force_created", "force_id", "created_at"),
)

# --- Roster plans: rosters built, repaired and edited before publication (migration 0007).
# Publishing copies a plan's lines into roster_assignments; ``version`` guards against lost
# updates when two planners edit one plan.

roster_plans = Table(
    "roster_plans",
    metadata,
    Column("id", String(ID), primary_key=True),  # uuid4 hex
    Column("force_id", String(ID), nullable=False),
    Column("unit_id", String(ID), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("days", Integer, nullable=False),
    Column("status", String(CODE), nullable=False),  # draft | published
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("created_by", String(LABEL)),
    Column("objective", Integer),
    Column("bound", Float),
    Column("summary", JSON, nullable=False),  # explanation, solver status, settings
    _force_fk(),
    Index("ix_roster_plans_unit", "force_id", "unit_id", "start_date"),
)

roster_plan_lines = Table(
    "roster_plan_lines",
    metadata,
    Column("plan_id", String(ID), primary_key=True),
    Column("person_id", String(ID), primary_key=True),
    Column("date", Date, primary_key=True),
    Column("shift_code", String(CODE)),  # None: rest day (or leave)
    ForeignKeyConstraint(["plan_id"], ["roster_plans.id"], ondelete="CASCADE"),
)

# Officers' shift requests and bids (self-service): wants = "work" (a bid for that tour) or
# "off" (a day or a tour off); weight is how much it matters (1-10).
roster_requests = Table(
    "roster_requests",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),  # uuid4 hex
    Column("person_id", String(ID), nullable=False),
    Column("date", Date, nullable=False),
    Column("shift_code", String(CODE)),
    Column("wants", String(CODE), nullable=False),
    Column("weight", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    _person_fk(),
    Index("ix_roster_requests_date", "force_id", "date"),
)

# --- officer self-service: leave decisions, shift swaps, overtime offers, calendar feeds ----
leave_decisions = Table(  # who approved or refused a leave request, and why
    "leave_decisions",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("absence_id", String(ID), primary_key=True),
    Column("outcome", String(CODE), nullable=False),  # approved | refused
    Column("reason", String(500)),
    Column("decided_by", String(LABEL), nullable=False),
    Column("decided_at", UTCDateTime(), nullable=False),
    ForeignKeyConstraint(
        ["force_id", "absence_id"], ["absences.force_id", "absences.id"], ondelete="CASCADE"
    ),
)

shift_swaps = Table(  # an officer's day for a teammate's day, on one published plan
    "shift_swaps",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),  # uuid4 hex
    Column("plan_id", String(ID), nullable=False),
    Column("proposer_id", String(ID), nullable=False),
    Column("proposer_date", Date, nullable=False),
    Column("teammate_id", String(ID), nullable=False),
    Column("teammate_date", Date, nullable=False),
    Column("status", String(CODE), nullable=False),  # proposed accepted declined approved …
    Column("note", String(500)),
    Column("cells", JSON, nullable=False),  # [person, date, before, after]: what was agreed
    Column("decision_reason", String(500)),
    Column("decided_by", String(LABEL)),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    ForeignKeyConstraint(["plan_id"], ["roster_plans.id"], ondelete="CASCADE"),
    ForeignKeyConstraint(
        ["force_id", "proposer_id"],
        ["people.force_id", "people.id"],
        ondelete="CASCADE",
        name="fk_shift_swaps_proposer_id_people",
    ),
    ForeignKeyConstraint(
        ["force_id", "teammate_id"],
        ["people.force_id", "people.id"],
        ondelete="CASCADE",
        name="fk_shift_swaps_teammate_id_people",
    ),
    Index("ix_shift_swaps_plan", "plan_id", "status"),
)

overtime_offers = Table(  # dates an officer is willing to work extra hours
    "overtime_offers",
    metadata,
    Column("force_id", String(ID), primary_key=True),
    Column("id", String(ID), primary_key=True),  # uuid4 hex
    Column("person_id", String(ID), nullable=False),
    Column("date", Date, nullable=False),
    Column("hours", Float, nullable=False),
    Column("note", String(200)),
    Column("created_at", UTCDateTime(), nullable=False),
    _person_fk(),
    Index("ix_overtime_offers_date", "force_id", "date"),
    Index("ix_overtime_offers_person", "force_id", "person_id", "date", unique=True),
)

calendar_feeds = Table(  # one secret feed URL per account; the store keeps only its SHA-256
    "calendar_feeds",
    metadata,
    Column("user_id", String(ID), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime(), nullable=False),
    ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
)
