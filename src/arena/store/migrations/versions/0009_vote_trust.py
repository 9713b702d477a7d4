"""vote trust: an index to find a client's votes (new-identity hold, rigging scans)

Held-back identities live in ``flagged_clients`` with status ``held`` (the column
exists since 0005), so the only schema change is this index.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 06:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_votes_client_hash", "votes", ["client_hash"])


def downgrade() -> None:
    op.drop_index("ix_votes_client_hash", table_name="votes")
