"""roster_plans, roster_plan_lines, roster_requests: rosters before publication, officers' bids

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forceplan.store.tables import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_plans",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("objective", sa.Integer(), nullable=True),
        sa.Column("bound", sa.Float(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["force_id"], ["forces.id"], name=op.f("fk_roster_plans_force_id_forces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_plans")),
    )
    with op.batch_alter_table("roster_plans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_roster_plans_unit", ["force_id", "unit_id", "start_date"], unique=False
        )
    op.create_table(
        "roster_plan_lines",
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("shift_code", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["roster_plans.id"],
            name=op.f("fk_roster_plan_lines_plan_id_roster_plans"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "person_id", "date", name=op.f("pk_roster_plan_lines")),
    )


    op.create_table(
        "roster_requests",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("shift_code", sa.String(length=32), nullable=True),
        sa.Column("wants", sa.String(length=32), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["force_id", "person_id"], ["people.force_id", "people.id"],
            name=op.f("fk_roster_requests_force_id_people"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("force_id", "id", name=op.f("pk_roster_requests")),
    )
    with op.batch_alter_table("roster_requests", schema=None) as batch_op:
        batch_op.create_index("ix_roster_requests_date", ["force_id", "date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("roster_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_requests_date")
    op.drop_table("roster_requests")
    op.drop_table("roster_plan_lines")
    with op.batch_alter_table("roster_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_plans_unit")
    op.drop_table("roster_plans")
