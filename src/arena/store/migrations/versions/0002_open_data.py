"""open data: external ids for idempotent import, public-release columns, user profiles

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("battles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("session_id", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("evaluation_order", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("language", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("category_tag", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("is_code", sa.Boolean(), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_battles_external_id"), ["external_id"])

    op.create_table(
        "user_profiles",
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=True),
        sa.Column("full_name", sa.String(length=256), nullable=True),
        sa.Column("email", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_profiles")),
    )


def downgrade() -> None:
    op.drop_table("user_profiles")
    with op.batch_alter_table("battles", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_battles_external_id"), type_="unique")
        for column in (
            "is_code",
            "category_tag",
            "language",
            "evaluation_order",
            "session_id",
            "source",
            "external_id",
        ):
            batch_op.drop_column(column)
