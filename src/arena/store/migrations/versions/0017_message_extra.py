"""message extra: what an arena keeps with a reply beyond its text

``messages.extra`` (JSON, nullable): a search answer's sources and search trace,
stored with the reply; the arena object decides what of it a reader sees and when.

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-07 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("messages", sa.Column("extra", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("messages", "extra")
