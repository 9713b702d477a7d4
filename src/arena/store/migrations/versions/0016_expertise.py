"""history search and expertise: a full-text index over messages, declared fields

- ``expertise``: the occupational fields a requester declared, for the expert board.
- Search of one's history: on SQLite an FTS5 table ``messages_fts`` over
  ``messages.content`` (external content, kept in sync by three triggers and filled
  once here); on PostgreSQL a GIN index on ``to_tsvector('simple', left(content,
  100000))`` (the cap keeps a huge reply under the tsvector size limit; queries use the
  same expression, see ``arena.store.history``). A later SQLite migration that
  *recreates* ``messages`` (batch mode copy-and-rename) must recreate the triggers.

Deleted battles need no column: deleting one clears its owners, drops its messages (the
triggers drop their text from the index) and sets ``status = 'deleted'``.

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

SQLITE_UP = (
    "CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
    "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, content) "
    "VALUES ('delete', old.id, old.content); END",
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF content ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, content) "
    "VALUES ('delete', old.id, old.content); "
    "INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content); END",
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS messages_fts_au",
    "DROP TRIGGER IF EXISTS messages_fts_ad",
    "DROP TRIGGER IF EXISTS messages_fts_ai",
    "DROP TABLE IF EXISTS messages_fts",
)
POSTGRES_INDEX = (
    "CREATE INDEX ix_messages_content_fts ON messages "
    "USING gin (to_tsvector('simple'::regconfig, left(content, 100000)))"
)


def upgrade() -> None:
    op.create_table(
        "expertise",
        sa.Column("owner", sa.String(160), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", name="pk_expertise"),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(POSTGRES_INDEX)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_messages_content_fts")
    op.drop_table("expertise")
