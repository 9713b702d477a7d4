"""published metadata of imported votes, typed message parts

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-29 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("battles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published", sa.JSON(), nullable=True))
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parts", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("parts")
    with op.batch_alter_table("battles", schema=None) as batch_op:
        batch_op.drop_column("published")
