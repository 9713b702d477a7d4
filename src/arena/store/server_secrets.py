"""Server secrets made once and kept in the store, so every worker and the CLI share them.

``ARENA_SECRET_KEY`` wins when set. Otherwise the first process to ask makes a random
key and inserts it; a concurrent first process loses the insert race and reads the
winner's, so all agree. Whoever can read the database can read this key: it guards
against outsiders (guessing cookie hashes, reversing release ids), not against the
operator.
"""

from __future__ import annotations

import hmac
import secrets

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from arena.store.tables import ServerSecretRow

__all__ = ["CLIENT_SALT", "SERVER_KEY", "public_battle_id", "server_secret"]

SERVER_KEY = "server_key"
CLIENT_SALT = "client_salt"
"""The salt of client-address hashes, unless ``ARENA_CLIENT_SALT`` is set."""


def public_battle_id(key: str, battle_id: str) -> str:
    """The id a release publishes for one of our battles: HMAC-SHA256 of the internal id
    under the server key, 32 hex digits. Stable across releases, so the board and every
    release fingerprint the same ids; without the key it cannot be turned back."""
    return hmac.digest(key.encode(), battle_id.encode(), "sha256").hex()[:32]


def server_secret(engine: Engine, override: str | None = None, name: str = SERVER_KEY) -> str:
    if override:
        return override
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    with engine.begin() as conn:
        conn.execute(
            dialect.insert(ServerSecretRow)
            .values(name=name, value=secrets.token_hex(32))
            .on_conflict_do_nothing(index_elements=["name"])
        )
        stmt = select(ServerSecretRow.value).where(ServerSecretRow.name == name)
        return str(conn.execute(stmt).scalar_one())
