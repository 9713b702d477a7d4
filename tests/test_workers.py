"""Two app workers on one store: each may serve any step of any battle.

A worker keeps snapshots of the battles it just served, to skip a read before
the next step. These tests move a battle on through the other worker between
steps, so every snapshot is stale when used; the answers must still be right.
"""

from __future__ import annotations

from sqlalchemy import func, select

from arena.store.engine import create_store_engine
from arena.store.tables import MessageRow, VoteRow
from tests.support.api import replies, send_turn, side_by_side

PAIR = [
    {"name": "alpha-model", "model": "echo-a", "organization": "Org Alpha"},
    {"name": "beta-model", "model": "echo-b", "organization": "Org Beta"},
]


def test_steps_alternate_between_workers(start_app, db_url) -> None:
    one, two = start_app(PAIR), start_app(PAIR)
    # One voter whose requests land on either worker: the same cookie goes to both.
    with one.client() as first, two.client(cookies=first.cookies) as second:
        battle_id = side_by_side(first, "alpha-model", "beta-model")
        _, events = send_turn(first, battle_id, "hello")
        assert all("(turn 1)" in text for text in replies(events).values())
        _, events = send_turn(second, battle_id, "still there?")
        assert all("(turn 2)" in text for text in replies(events).values())
        # Worker one last saw the battle after turn 1: its snapshot is stale.
        response, events = send_turn(first, battle_id, "third")
        assert response.status_code == 200
        assert all("(turn 3)" in text for text in replies(events).values())
        # Worker two names a model in the prompt; the echo repeats it: an identity leak.
        _, events = send_turn(second, battle_id, "are you alpha-model?")
        assert "alpha-model" in replies(events)["a"]
        # Worker one votes on its stale snapshot (3 turns): the vote is judged on all 4.
        vote = first.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
        assert vote.status_code == 200, vote.text
        again = second.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_b"})
        assert again.status_code == 409
        late, _ = send_turn(first, battle_id, "one more")
        assert late.status_code == 409
    engine = create_store_engine(db_url)
    try:
        with engine.connect() as conn:
            messages = conn.execute(
                select(func.count()).where(MessageRow.battle_id == battle_id)
            ).scalar_one()
            (vote_row,) = conn.execute(select(VoteRow).where(VoteRow.battle_id == battle_id))
    finally:
        engine.dispose()
    assert messages == 4 * 2 * 2  # four turns, two sides, prompt and reply
    assert vote_row.winner == "model_a"
    assert "identity_leak" in vote_row.flags and vote_row.valid is False


def test_a_vote_on_a_battle_running_elsewhere_waits(start_app, db_url) -> None:
    """A snapshot says 'idle' while the other worker holds the turn: the store says wait."""
    slow_pair = [
        {"name": "alpha-model", "model": "echo-a"},
        {"name": "slow-model", "model": "slow"},
    ]
    one, two = start_app(slow_pair), start_app(slow_pair)
    with one.client() as first, two.client(cookies=first.cookies) as second:
        battle_id = side_by_side(first, "alpha-model", "slow-model")
        send_turn(first, battle_id, "hello")
        with second.stream(
            "POST", f"/api/v1/battles/{battle_id}/turns", json={"prompt": "and now?"}
        ) as running:
            assert running.status_code == 200
            lines = running.iter_lines()
            next(lines)  # the turn is under way on worker two
            early = first.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"})
            assert early.status_code == 409
            assert "finished" in early.json()["error"]
            busy, _ = send_turn(first, battle_id, "me too")
            assert busy.status_code == 409
            for _ in lines:
                pass
        vote = first.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"})
        assert vote.status_code == 200, vote.text
