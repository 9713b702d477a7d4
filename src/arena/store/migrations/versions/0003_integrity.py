"""integrity: release dates, provisional scores, vote validity, tokens, flagged clients

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("models", schema=None) as batch_op:
        batch_op.add_column(sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("provisional", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("valid", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_tokens_token_sha256")),
    )
    op.create_table(
        "flagged_clients",
        sa.Column("client_hash", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_hash", name=op.f("pk_flagged_clients")),
    )


def downgrade() -> None:
    op.drop_table("flagged_clients")
    op.drop_table("api_tokens")
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_column("valid")
    with op.batch_alter_table("models", schema=None) as batch_op:
        batch_op.drop_column("provisional")
        batch_op.drop_column("released_at")
