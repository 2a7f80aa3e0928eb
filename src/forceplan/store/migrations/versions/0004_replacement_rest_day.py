"""roster_assignments: replacement_rest_day (a rest day re-rostered in place of a cancelled one)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("roster_assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replacement_rest_day", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("roster_assignments", schema=None) as batch_op:
        batch_op.drop_column("replacement_rest_day")
