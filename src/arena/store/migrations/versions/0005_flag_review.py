"""reviewer decisions on flagged clients

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flagged_clients", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="flagged")
        )
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("review_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("flagged_clients", schema=None) as batch_op:
        batch_op.drop_column("review_reason")
        batch_op.drop_column("reviewed_by")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("status")
