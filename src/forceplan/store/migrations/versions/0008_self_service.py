"""leave_decisions, shift_swaps, overtime_offers, calendar_feeds: officer self-service

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from forceplan.store.tables import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leave_decisions",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("absence_id", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["force_id", "absence_id"], ["absences.force_id", "absences.id"],
            name=op.f("fk_leave_decisions_force_id_absences"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("force_id", "absence_id", name=op.f("pk_leave_decisions")),
    )  # fmt: skip
    op.create_table(
        "shift_swaps",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("proposer_id", sa.String(length=64), nullable=False),
        sa.Column("proposer_date", sa.Date(), nullable=False),
        sa.Column("teammate_id", sa.String(length=64), nullable=False),
        sa.Column("teammate_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("decision_reason", sa.String(length=500), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["roster_plans.id"],
            name=op.f("fk_shift_swaps_plan_id_roster_plans"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["force_id", "proposer_id"], ["people.force_id", "people.id"],
            name=op.f("fk_shift_swaps_proposer_id_people"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["force_id", "teammate_id"], ["people.force_id", "people.id"],
            name=op.f("fk_shift_swaps_teammate_id_people"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("force_id", "id", name=op.f("pk_shift_swaps")),
    )  # fmt: skip
    with op.batch_alter_table("shift_swaps", schema=None) as batch_op:
        batch_op.create_index("ix_shift_swaps_plan", ["plan_id", "status"], unique=False)
    op.create_table(
        "overtime_offers",
        sa.Column("force_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["force_id", "person_id"], ["people.force_id", "people.id"],
            name=op.f("fk_overtime_offers_force_id_people"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("force_id", "id", name=op.f("pk_overtime_offers")),
    )  # fmt: skip
    with op.batch_alter_table("overtime_offers", schema=None) as batch_op:
        batch_op.create_index("ix_overtime_offers_date", ["force_id", "date"], unique=False)
        batch_op.create_index(
            "ix_overtime_offers_person", ["force_id", "person_id", "date"], unique=True
        )
    op.create_table(
        "calendar_feeds",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_calendar_feeds_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("calendar_feeds")
    with op.batch_alter_table("overtime_offers", schema=None) as batch_op:
        batch_op.drop_index("ix_overtime_offers_person")
        batch_op.drop_index("ix_overtime_offers_date")
    op.drop_table("overtime_offers")
    with op.batch_alter_table("shift_swaps", schema=None) as batch_op:
        batch_op.drop_index("ix_shift_swaps_plan")
    op.drop_table("shift_swaps")
    op.drop_table("leave_decisions")
