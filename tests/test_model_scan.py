"""The model-level scan on a real store (issue 22): selective voters spread over many
identities are seen pooled, their votes on the target are held for review (never
deleted), the board shows how many, and a reviewer's release brings them back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from arena.integrity.rigging_scan import scan_rigging
from arena.simulation.rigging_world import ATTACKER_KIND, build_world
from arena.store import migrate, repository, trust_repo, vote_holds
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, ModelRow, VoteRow

START = datetime(2026, 3, 1, tzinfo=UTC)
WINNER = {1.0: "model_a", 0.0: "model_b", 0.5: "tie"}
MODELS = [{"name": "m1", "model": "echo-a"}, {"name": "m2", "model": "echo-b"}]


def _seed(engine, attack: str, budget: int) -> tuple[list[str], int]:
    """A simulated arena's battles in the store; (attacker names, rigged votes)."""
    world = build_world(attack, budget, young=False)
    log = world.log
    name = [("rig-" if k == ATTACKER_KIND else "voter-") + str(i) for i, k in enumerate(world.kind)]
    with engine.begin() as conn:
        ids = [
            conn.execute(
                insert(ModelRow)
                .values(name=f"model-{m}", provider="openai", visibility="public")
                .returning(ModelRow.id)
            ).scalar_one()
            for m in range(8)
        ]
        battles, votes = [], []
        for i in range(len(log.t)):
            at = START + timedelta(hours=float(log.t[i]))
            client = name[log.client[i]]
            battles.append(
                {"id": f"b{i}", "mode": "anonymous", "model_a_id": ids[log.a[i]],
                 "model_b_id": ids[log.b[i]], "sampling_policy": "uniform",
                 "client_hash": client, "turns": 1, "created_at": at}
            )  # fmt: skip
            if log.voted[i]:
                votes.append(
                    {"battle_id": f"b{i}", "winner": WINNER[float(log.outcome[i])],
                     "client_hash": client, "created_at": at}
                )  # fmt: skip
        conn.execute(insert(BattleRow), battles)
        conn.execute(insert(VoteRow), votes)
    attackers = sorted({name[c] for c in log.client[world.rigged]})
    return attackers, int(world.rigged.sum())


def test_selective_voters_are_held_pooled_then_released(db_url: str, start_app) -> None:
    engine = create_store_engine(db_url)
    try:
        migrate.upgrade(engine)
        attackers, rigged = _seed(engine, "selective", 200)
        app = start_app(MODELS, leaderboard_refresh_seconds=0)
        with app.client() as client:
            before = client.get("/api/v1/leaderboard").json()["total_votes"]
        end = START + timedelta(hours=200 / (100 / 24) + 1)
        report = scan_rigging(engine, now=end, actor="test")
        assert report.models is not None and not report.models.young
        assert "model-1" in {m for m, _, _ in report.models.flags}
        assert report.models.held >= 0.9 * rigged
        with engine.connect() as conn:
            held = vote_holds.held_for_review(conn)
            pending = trust_repo.pending_summary(conn)
            rows, _, _ = repository.counted_votes(conn)
            from_rig = conn.execute(
                select(VoteRow.id).where(VoteRow.client_hash.in_(attackers), VoteRow.valid)
            ).all()
        assert held == report.models.held and pending["held_for_review"] == held
        assert not from_rig  # not one of the selective voters' votes is on the board
        # A second scan holds nothing twice; no identity is flagged for a model's record.
        again = scan_rigging(engine, now=end, actor="test")
        assert again.models is not None and again.models.held == 0

        with app.client() as client:
            board = client.get("/api/v1/leaderboard").json()
        # The running server's cached board drops the held votes (the holds move its version).
        assert board["pending"]["held_for_review"] == held
        assert board["total_votes"] == before - held

        with engine.begin() as conn:
            released = vote_holds.release_held(conn, "model-1", "reviewer", "checked")
        with engine.connect() as conn:
            after, _, _ = repository.counted_votes(conn)
            left = vote_holds.held_for_review(conn)
        assert released > 0 and len(after) == len(rows) + released and left == held - released
    finally:
        engine.dispose()


def test_cli_scan_and_release(db_url: str) -> None:
    from typer.testing import CliRunner

    from arena.cli import app

    engine = create_store_engine(db_url)
    try:
        migrate.upgrade(engine)
        _seed(engine, "selective", 100)
    finally:
        engine.dispose()
    runner = CliRunner()
    scanned = runner.invoke(app, ["votes", "scan", "--db", db_url])
    assert scanned.exit_code == 0, scanned.output
    assert "model-level tests" in scanned.output
    released = runner.invoke(app, ["votes", "release-held", "--db", db_url, "--reason", "ok"])
    assert released.exit_code == 0 and "released" in released.output
    refused = runner.invoke(app, ["votes", "release-held", "--db", db_url])
    assert refused.exit_code != 0  # the reason is required
