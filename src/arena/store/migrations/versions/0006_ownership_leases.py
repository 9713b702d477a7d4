"""battle owners, turn-lease holders, live workers, server secrets

Revision ID: 0006
Revises: 0013
Create Date: 2026-11-29 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("battles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("turn_lock_owner", sa.String(length=36), nullable=True))
    op.create_table(
        "workers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
    )
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_server_secrets")),
    )


def downgrade() -> None:
    op.drop_table("server_secrets")
    op.drop_table("workers")
    with op.batch_alter_table("battles", schema=None) as batch_op:
        batch_op.drop_column("turn_lock_owner")
        batch_op.drop_column("owner_key")
