"""Flagged votes are kept with their flags, never move the board; the board says what it counts."""

from __future__ import annotations

from sqlalchemy import select

from arena.clock import ManualClock
from arena.data.vote_digest import add_votes, digest_hex
from arena.store.engine import create_store_engine
from arena.store.server_secrets import public_battle_id, server_secret
from arena.store.tables import VoteRow
from tests.support.api import battle_with_turns, send_turn

MODELS = [
    {"name": "claude-like", "model": "leaky", "organization": "Anthropic"},
    {"name": "quiet-model", "model": "echo-a", "organization": "Quiet Org"},
]


def _stored_votes(db_url: str) -> list:
    engine = create_store_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(VoteRow.battle_id, VoteRow.flags, VoteRow.valid)).all()
    engine.dispose()
    return rows


def test_identity_leak_reveals_normally_but_is_kept_off_the_board(start_app, db_url) -> None:
    app = start_app(MODELS)
    with app.client() as client:
        battle_id = battle_with_turns(
            client, "who made you?", models=["claude-like", "quiet-model"]
        )
        vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
        assert vote.status_code == 200
        assert vote.json()["model_a"]["name"] == "claude-like"
        # The reveal says the vote is off the board, and why, in plain words.
        assert vote.json()["counted"] is False
        assert "side A named its own model" in vote.json()["reason"]
        board = client.get("/api/v1/leaderboard").json()
        assert board["total_votes"] == 0 and board["models"] == []
    (row,) = _stored_votes(db_url)
    assert row.flags == {"identity_leak": ["a"]} and row.valid is False


def test_fast_votes_are_flagged_and_slow_ones_count(start_app, db_url) -> None:
    clock = ManualClock()
    app = start_app(
        [{"name": "m1", "model": "echo-a"}, {"name": "m2", "model": "echo-b"}],
        clock=clock,
        min_vote_seconds=1.0,
        leaderboard_refresh_seconds=0,
    )
    with app.client() as client:
        assert client.get("/api/v1/arenas").json()["vote_delay_seconds"] == 1.0
        fast = client.post("/api/v1/battles", json={}).json()["battle_id"]
        send_turn(client, fast, "hi")
        # Read the stream to its end, vote at once: a normal reveal, but it says it did not count.
        quick = client.post(f"/api/v1/battles/{fast}/vote", json={"winner": "tie"})
        assert quick.status_code == 200
        assert quick.json()["counted"] is False
        assert quick.json()["reason"].startswith("Not counted: it came 0")
        assert "count from 1 s after" in quick.json()["reason"]
        slow = client.post("/api/v1/battles", json={}).json()["battle_id"]
        send_turn(client, slow, "hi")
        clock.advance(1.2)
        reveal = client.post(f"/api/v1/battles/{slow}/vote", json={"winner": "tie"})
        assert reveal.status_code == 200
        assert reveal.json()["counted"] is True and reveal.json()["reason"] is None
        names = (reveal.json()["model_a"]["name"], reveal.json()["model_b"]["name"])
        board = client.get("/api/v1/leaderboard").json()
    flags = {r.battle_id: r.flags for r in _stored_votes(db_url)}
    assert "fast_vote" in flags[fast] and flags[slow] == {}
    assert board["total_votes"] == 1
    counted = board["counted_votes"]
    assert counted["filters"]["valid_only"] is True
    # Anyone can recompute the fingerprint of the counted vote set, from the id a release
    # publishes for the battle (a keyed hash of its internal id).
    engine = create_store_engine(db_url)
    public_id = public_battle_id(server_secret(engine), slow)
    engine.dispose()
    expected = digest_hex(add_votes(0, [(public_id, *names, "tie")]))
    assert counted["vote_set_sha256"] == expected
    assert counted["cutoff_vote_id"] >= 2
