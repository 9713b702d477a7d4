"""The salt of client-address hashes (issue 31 item 12): there is no placeholder default.
Unless ``ARENA_CLIENT_SALT`` is set, the first start makes a random salt and keeps it in
the store, so every worker hashes an address the same way and no two arenas share one."""

from __future__ import annotations

import hashlib
import re
from dataclasses import fields

from sqlalchemy import select

from arena.settings import Settings
from arena.store.server_secrets import CLIENT_SALT
from arena.store.tables import ServerSecretRow, VoteRow
from tests.support.api import voted_battle
from tests.support.rosters import ECHO_PAIR as PAIR
from tests.support.store import stored_rows


def _salt(db_url: str) -> str:
    (row,) = stored_rows(
        db_url, select(ServerSecretRow.value).where(ServerSecretRow.name == CLIENT_SALT)
    )
    return row.value


def test_no_placeholder_salt_is_shipped() -> None:
    (field,) = [f for f in fields(Settings) if f.name == "client_salt"]
    assert field.default is None
    assert Settings.from_env({}).client_salt is None


def test_the_salt_is_made_once_kept_in_the_store_and_shared(start_app, db_url) -> None:
    one, two = start_app(PAIR), start_app(PAIR)  # two workers on one store
    with one.client() as first, two.client() as second:
        voted_battle(first, "hello")
        voted_battle(second, "hello again")
    salt = _salt(db_url)
    assert re.fullmatch(r"[0-9a-f]{64}", salt)
    hashes = {r.client_hash for r in stored_rows(db_url, select(VoteRow.client_hash))}
    # Both workers hashed 127.0.0.1 with the stored salt, and only with it.
    assert hashes == {hashlib.sha256(f"{salt}:127.0.0.1".encode()).hexdigest()[:32]}


def test_a_configured_salt_wins(start_app, db_url) -> None:
    app = start_app(PAIR, client_salt="operator-chosen-salt")
    with app.client() as client:
        voted_battle(client, "hello")
    (row,) = stored_rows(db_url, select(VoteRow.client_hash))
    assert row.client_hash == hashlib.sha256(b"operator-chosen-salt:127.0.0.1").hexdigest()[:32]
