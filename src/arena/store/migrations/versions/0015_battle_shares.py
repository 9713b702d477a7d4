"""battle shares: a battle's read-only share link (issue 13)

One live share per battle; revoking deletes the row, so the link dies at once. The
foreign key cascades, so a deleted battle takes its share with it.

Revision ID: 0015
Revises: 0016
Create Date: 2026-11-29 07:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "battle_shares",
        sa.Column("share_id", sa.String(length=64), nullable=False),
        sa.Column("battle_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["battle_id"],
            ["battles.id"],
            name="fk_battle_shares_battle_id_battles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("share_id", name="pk_battle_shares"),
        sa.UniqueConstraint("battle_id", name="uq_battle_shares_battle_id"),
    )


def downgrade() -> None:
    op.drop_table("battle_shares")
