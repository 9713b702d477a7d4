"""battle tags: categories per battle with the classifier's name and version

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-29 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "battle_tags",
        sa.Column("battle_id", sa.String(length=36), nullable=False),
        sa.Column("classifier", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("tagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["battle_id"],
            ["battles.id"],
            name="fk_battle_tags_battle_id_battles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("battle_id", name="pk_battle_tags"),
    )
    op.create_index("ix_battle_tags_version", "battle_tags", ["version"])
    op.create_index("ix_battle_tags_tagged_at", "battle_tags", ["tagged_at"])


def downgrade() -> None:
    op.drop_index("ix_battle_tags_tagged_at", table_name="battle_tags")
    op.drop_index("ix_battle_tags_version", table_name="battle_tags")
    op.drop_table("battle_tags")
