"""initial schema: the standard 0.1 records

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forces",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forces")),
    )
    op.create_table(
        "cases",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("complexity_weight", sa.Float(), nullable=False),
        sa.Column("investigator_id", sa.String(length=64), nullable=True),
        sa.Column("incident_id", sa.String(length=64), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_cases_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("force_id", "id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cases_investigator", ["force_id", "investigator_id"], unique=False
        )

    op.create_table(
        "incidents",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("source_agency", sa.String(length=32), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.SmallInteger(), nullable=False),
        sa.Column("attendance_target_minutes", sa.Integer(), nullable=True),
        sa.Column("first_arrival_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("officers_deployed", sa.SmallInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=200), nullable=True),
        sa.Column("attributed_agency", sa.String(length=32), nullable=True),
        sa.Column("signposted_to", sa.String(length=32), nullable=True),
        sa.Column("location_key", sa.String(length=64), nullable=True),
        sa.Column("caller_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_id"],
            ["forces.id"],
            name=op.f("fk_incidents_force_id_forces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("force_id", "id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_received", ["force_id", "received_at"], unique=False)

    op.create_table(
        "people",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.String(length=32), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("contracted_hours_per_week", sa.Float(), nullable=False),
        sa.Column("service_start", sa.Date(), nullable=False),
        sa.Column("birth_year", sa.SmallInteger(), nullable=True),
        sa.Column("leaving_date", sa.Date(), nullable=True),
        sa.Column("student_officer", sa.Boolean(), nullable=False),
        sa.Column("independent_patrol", sa.Boolean(), nullable=False),
        sa.Column("tutor", sa.Boolean(), nullable=False),
        sa.Column("tutor_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_people_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("force_id", "id", name=op.f("pk_people")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index("ix_people_unit", ["force_id", "unit_id"], unique=False)

    op.create_table(
        "shift_definitions",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("length_minutes", sa.Integer(), nullable=False),
        sa.Column("crosses_midnight", sa.Boolean(), nullable=False),
        sa.Column("paid_break_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["force_id"],
            ["forces.id"],
            name=op.f("fk_shift_definitions_force_id_forces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("force_id", "code", name=op.f("pk_shift_definitions")),
    )
    op.create_table(
        "units",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("urban", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_units_force_id_forces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("force_id", "id", name=op.f("pk_units")),
    )
    op.create_table(
        "absences",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("hours_per_day", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_id", "person_id"],
            ["people.force_id", "people.id"],
            name=op.f("fk_absences_force_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("force_id", "id", name=op.f("pk_absences")),
    )
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.create_index(
            "ix_absences_person", ["force_id", "person_id", "start"], unique=False
        )

    op.create_table(
        "deployments",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=True),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_id", "incident_id"],
            ["incidents.force_id", "incidents.id"],
            name=op.f("fk_deployments_force_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["force_id", "person_id"],
            ["people.force_id", "people.id"],
            name=op.f("fk_deployments_force_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("force_id", "id", name=op.f("pk_deployments")),
    )
    with op.batch_alter_table("deployments", schema=None) as batch_op:
        batch_op.create_index("ix_deployments_incident", ["force_id", "incident_id"], unique=False)
        batch_op.create_index("ix_deployments_person", ["force_id", "person_id"], unique=False)

    op.create_table(
        "person_restrictions",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.SmallInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("allowed_roles", sa.JSON(), nullable=False),
        sa.Column("notes", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_id", "person_id"],
            ["people.force_id", "people.id"],
            name=op.f("fk_person_restrictions_force_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "force_id", "person_id", "seq", name=op.f("pk_person_restrictions")
        ),
    )
    op.create_table(
        "person_skills",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_id", "person_id"],
            ["people.force_id", "people.id"],
            name=op.f("fk_person_skills_force_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("force_id", "person_id", "code", name=op.f("pk_person_skills")),
    )
    op.create_table(
        "roster_assignments",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("shift_code", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("rest_day_cancelled", sa.Boolean(), nullable=False),
        sa.Column("rdc_notice_days", sa.Integer(), nullable=True),
        sa.Column("overtime_minutes", sa.Integer(), nullable=False),
        sa.Column("single_crewed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["force_id", "person_id"],
            ["people.force_id", "people.id"],
            name=op.f("fk_roster_assignments_force_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "force_id", "person_id", "date", name=op.f("pk_roster_assignments")
        ),
    )
    with op.batch_alter_table("roster_assignments", schema=None) as batch_op:
        batch_op.create_index("ix_roster_assignments_date", ["force_id", "date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("roster_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_assignments_date")

    op.drop_table("roster_assignments")
    op.drop_table("person_skills")
    op.drop_table("person_restrictions")
    with op.batch_alter_table("deployments", schema=None) as batch_op:
        batch_op.drop_index("ix_deployments_person")
        batch_op.drop_index("ix_deployments_incident")

    op.drop_table("deployments")
    with op.batch_alter_table("absences", schema=None) as batch_op:
        batch_op.drop_index("ix_absences_person")

    op.drop_table("absences")
    op.drop_table("units")
    op.drop_table("shift_definitions")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index("ix_people_unit")

    op.drop_table("people")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_received")

    op.drop_table("incidents")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_investigator")

    op.drop_table("cases")
    op.drop_table("forces")
