"""arenas: a battle's arena and the images a message carries

Revision ID: 0013
Revises: 0005
Create Date: 2026-11-29 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("battles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("arena", sa.String(length=32), nullable=False, server_default="text")
        )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_ids", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("image_ids")
    with op.batch_alter_table("battles", schema=None) as batch_op:
        batch_op.drop_column("arena")
