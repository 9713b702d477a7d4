"""The proof-of-work challenge belongs to the battle's owner and its level is checked at
vote time against the voter (issue 31 item 7, issue 22): the difficulty cannot be shopped
from a clean address or by another client, and the held and flagged levels hold over HTTP."""

from __future__ import annotations

import hashlib

from arena.store import repository as repo
from arena.store.engine import create_store_engine
from tests.support.api import battle_with_turns
from tests.support.pow import solve

MODELS = [{"name": "p1", "model": "echo-a"}, {"name": "p2", "model": "echo-b"}]
BASE = 200
HELD_AT = "10.0.0.7"
CLEAN_AT = "10.0.0.8"


def _hash(salt: str, address: str) -> str:
    return hashlib.sha256(f"{salt}:{address}".encode()).hexdigest()[:32]


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def test_pow_is_bound_to_owner_and_voter(start_app, db_url: str) -> None:
    app = start_app(
        MODELS,
        pow_required=True,
        pow_base=BASE,
        trusted_proxies="127.0.0.1/32",
        trust_min_age_hours=72,
        trust_min_votes=5,
        rigging_scan_seconds=0,
        client_salt="pow-binding-salt",  # the test flags a voter by the hash of its address
    )
    with app.client() as owner, app.client() as stranger:
        battle = battle_with_turns(owner)
        url = f"/api/v1/battles/{battle}/challenge"
        # Another client: the very 404 an unknown battle gets.
        foreign = stranger.get(url)
        unknown = stranger.get("/api/v1/battles/00000000-0000-4000-8000-000000000000/challenge")
        assert foreign.status_code == unknown.status_code == 404
        assert foreign.json() == unknown.json()
        assert "p1" not in foreign.text and "echo" not in foreign.text

        # First vote from HELD_AT: the identity is held (new) and owes 4x from now on.
        first = owner.get(url, headers=_from(HELD_AT)).json()
        assert first["maxNumber"] == BASE and first["harder_because"] == []
        voted = owner.post(
            f"/api/v1/battles/{battle}/vote",
            json={"winner": "model_a", "altcha": solve(first)},
            headers=_from(HELD_AT),
        )
        assert voted.status_code == 200, voted.text

        second = battle_with_turns(owner)
        url = f"/api/v1/battles/{second}/challenge"
        held = owner.get(url, headers=_from(HELD_AT)).json()
        assert held["maxNumber"] == 4 * BASE and held["harder_because"] == ["new identity"]
        # Shopping: the same battle's challenge fetched from a clean address is cheaper...
        cheap = owner.get(url, headers=_from(CLEAN_AT)).json()
        assert cheap["maxNumber"] == BASE
        # ...and refused when the held identity votes with it.
        shopped = owner.post(
            f"/api/v1/battles/{second}/vote",
            json={"winner": "model_a", "altcha": solve(cheap)},
            headers=_from(HELD_AT),
        )
        assert shopped.status_code == 403, shopped.text
        assert "fresh challenge" in shopped.json()["error"]

        # Flagged: 50x, and a held-level solution no longer passes.
        engine = create_store_engine(db_url)
        try:
            with engine.begin() as conn:
                repo.flag_client(
                    conn, _hash(app.settings.client_salt, HELD_AT), 9.0, "test", None, {}
                )
        finally:
            engine.dispose()
        flagged = owner.get(url, headers=_from(HELD_AT)).json()
        assert flagged["maxNumber"] == 50 * BASE
        assert flagged["harder_because"] == ["flagged for review"]
        refused = owner.post(
            f"/api/v1/battles/{second}/vote",
            json={"winner": "model_a", "altcha": solve(held)},
            headers=_from(HELD_AT),
        )
        assert refused.status_code == 403
        paid = owner.post(
            f"/api/v1/battles/{second}/vote",
            json={"winner": "model_a", "altcha": solve(flagged)},
            headers=_from(HELD_AT),
        )
        assert paid.status_code == 200, paid.text
