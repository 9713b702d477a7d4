"""expertise: the fields a requester declared, for the expert board

Deleted battles need no column: deleting one clears its owners, drops its messages and
sets ``status = 'deleted'`` (a value the String(16) column already holds).

Revision ID: 0016
Revises: 0009
Create Date: 2026-11-29 07:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expertise",
        sa.Column("owner", sa.String(160), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", name="pk_expertise"),
    )


def downgrade() -> None:
    op.drop_table("expertise")
