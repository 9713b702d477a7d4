"""arenas: a battle's arena, the images a message carries, WebDev preview outcomes

Revision ID: 0013
Revises: 0007
Create Date: 2026-11-29 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("battles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("arena", sa.String(length=32), nullable=False, server_default="text")
        )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_ids", sa.JSON(), nullable=True))
    op.create_table(
        "preview_outcomes",
        sa.Column("battle_id", sa.String(length=36), nullable=False),
        sa.Column("side", sa.String(length=1), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["battle_id"],
            ["battles.id"],
            name=op.f("fk_preview_outcomes_battle_id_battles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("battle_id", "side", "turn", name=op.f("pk_preview_outcomes")),
    )


def downgrade() -> None:
    op.drop_table("preview_outcomes")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("image_ids")
    with op.batch_alter_table("battles", schema=None) as batch_op:
        batch_op.drop_column("arena")
