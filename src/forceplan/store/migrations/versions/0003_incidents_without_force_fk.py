"""incidents: drop the per-row foreign key to forces (bulk-load speed)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_constraint("fk_incidents_force_id_forces", type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_incidents_force_id_forces", "forces", ["force_id"], ["id"], ondelete="CASCADE"
        )
