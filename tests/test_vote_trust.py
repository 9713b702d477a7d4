"""New identities wait: their votes are held off the board (and shown as pending) until the
identity has a history; the scan releases it then, a reviewer can release or flag it at any
time, and every decision is an audit event."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select, update
from typer.testing import CliRunner

from arena.cli import app as cli
from arena.store import migrate, trust_repo
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, FlaggedClientRow, ModelRow, VoteRow, utcnow
from tests.support.api import battle_with_turns, cast_vote, voted_battle

TOKEN = "trust-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MODELS = [{"name": "t1", "model": "echo-a"}, {"name": "t2", "model": "echo-b"}]


def _age_votes(db_url: str, hours: float) -> None:
    engine = create_store_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(update(VoteRow).values(created_at=utcnow() - timedelta(hours=hours)))
    finally:
        engine.dispose()


def test_new_identity_is_held_then_released_by_the_scan(start_app, db_url: str) -> None:
    app = start_app(
        MODELS,
        admin_tokens=TOKEN,
        leaderboard_refresh_seconds=0,
        leaderboard_bootstrap_rounds=20,
        trust_min_age_hours=72,
        trust_min_votes=2,
        rigging_scan_seconds=0,
    )
    with app.client() as client:
        reveal = cast_vote(client, battle_with_turns(client))
        assert reveal["counted"] is False and "72 hours old" in reveal["reason"]
        board = client.get("/api/v1/leaderboard").json()
        assert board["total_votes"] == 0
        assert board["pending"]["votes"] == 1 and board["pending"]["clients"] == 1
        assert board["counted_votes"]["filters"]["exclude_held_clients"] is True
        held = client.get("/api/v1/admin/flagged-clients?status=held", headers=AUTH).json()
        assert len(held["clients"]) == 1
        who = held["clients"][0]["client_hash"]
        assert "new identity" in held["clients"][0]["reason"]

        voted_battle(client)  # a second vote: still held (too young)
        scan = client.post("/api/v1/admin/scan-voters", headers=AUTH).json()
        assert scan["released"] == 0
        assert client.get("/api/v1/leaderboard").json()["pending"]["votes"] == 2

        _age_votes(db_url, 100)  # now old enough, with enough votes
        scan = client.post("/api/v1/admin/scan-voters", headers=AUTH).json()
        assert scan["released"] == 1
        board = client.get("/api/v1/leaderboard").json()
        assert board["total_votes"] == 2 and board["pending"]["votes"] == 0
        trusted = client.get("/api/v1/admin/flagged-clients?status=trusted", headers=AUTH).json()
        assert [c["client_hash"] for c in trusted["clients"]] == [who]
        assert "matured" in trusted["clients"][0]["review_reason"]

        # a trusted identity's new votes count at once
        assert cast_vote(client, battle_with_turns(client))["counted"] is True
        assert client.get("/api/v1/leaderboard").json()["total_votes"] == 3

        # A reviewer can reverse the automatic release.
        url = f"/api/v1/admin/flagged-clients/{who}/review"
        flagged = client.post(url, json={"decision": "flag", "reason": "bot"}, headers=AUTH)
        assert flagged.status_code == 200 and flagged.json()["status"] == "flagged"
        assert client.get("/api/v1/leaderboard").json()["total_votes"] == 0
        events = client.get("/api/v1/admin/events", headers=AUTH).json()["events"]
    kinds = [e["kind"] for e in reversed(events) if e["subject"] == who]
    assert kinds == ["client_held", "client_released", "client_flagged"]


def test_reviewer_releases_a_held_identity_and_holding_off_counts_at_once(
    start_app, db_url: str
) -> None:
    held_app = start_app(
        MODELS, admin_tokens=TOKEN, leaderboard_refresh_seconds=0,
        leaderboard_bootstrap_rounds=20, trust_min_age_hours=72, rigging_scan_seconds=0,
    )  # fmt: skip
    with held_app.client() as client:
        voted_battle(client)
        who = client.get("/api/v1/admin/flagged-clients?status=held", headers=AUTH).json()[
            "clients"
        ][0]["client_hash"]
    runner = CliRunner()
    listed = runner.invoke(cli, ["votes", "flagged", "--status", "held", "--db", db_url])
    assert listed.exit_code == 0 and who in listed.output
    bad = runner.invoke(cli, ["votes", "flagged", "--status", "maybe", "--db", db_url])
    assert bad.exit_code == 2 and "--status must be one of" in bad.output
    cleared = runner.invoke(
        cli, ["votes", "review", who, "clear", "--reason", "a person", "--db", db_url]
    )
    assert cleared.exit_code == 0, cleared.output
    with held_app.client() as client:
        board = client.get("/api/v1/leaderboard").json()
        assert board["total_votes"] == 1 and board["pending"]["votes"] == 0

    # Holding off (the default): a new client's vote counts straight away, nothing pending.
    plain = start_app(MODELS, leaderboard_refresh_seconds=0, leaderboard_bootstrap_rounds=20)
    with plain.client(headers={"X-Forwarded-For": "198.51.100.7"}) as client:
        voted_battle(client)
        board = client.get("/api/v1/leaderboard").json()
    assert board["total_votes"] == 2 and board["pending"]["votes"] == 0


def test_identities_that_voted_before_holding_are_not_held(db_url: str) -> None:
    engine = create_store_engine(db_url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            ids = [
                conn.execute(
                    insert(ModelRow).values(name=m, provider="openai").returning(ModelRow.id)
                ).scalar_one()
                for m in ("p", "q")
            ]
            for n in range(2):
                conn.execute(
                    insert(BattleRow).values(
                        id=f"b{n}", mode="anonymous", model_a_id=ids[0], model_b_id=ids[1],
                        sampling_policy="uniform", client_hash="old",
                    )
                )  # fmt: skip
                conn.execute(
                    insert(VoteRow).values(battle_id=f"b{n}", winner="model_a", client_hash="old")
                )
            assert not trust_repo.hold_if_new(conn, "old", "rule")
            assert trust_repo.statuses(conn) == {}
            conn.execute(
                insert(BattleRow).values(
                    id="b9", mode="anonymous", model_a_id=ids[0], model_b_id=ids[1],
                    sampling_policy="uniform", client_hash="new",
                )
            )  # fmt: skip
            conn.execute(insert(VoteRow).values(battle_id="b9", winner="tie", client_hash="new"))
            assert trust_repo.hold_if_new(conn, "new", "rule")
            assert not trust_repo.hold_if_new(conn, "new", "rule")  # only once
            assert trust_repo.statuses(conn) == {"new": "held"}
            assert trust_repo.pending_votes(conn) == (1, 1)
            assert conn.execute(select(VoteRow.valid)).scalars().all() == [True] * 3
    finally:
        engine.dispose()


def test_scan_keeps_held_sybils_from_maturing_into_the_board(db_url: str) -> None:
    """Days after a Sybil burst, every held identity is old enough; the scan still flags the
    swarm (held identities stay a group) and releases none that ever backed the target."""
    import numpy as np

    from arena.integrity.rigging_scan import scan_rigging
    from arena.integrity.trust import TrustPolicy

    rng = np.random.default_rng(5)
    theta = np.arange(8) * 50 / (400 / np.log(10))
    engine = create_store_engine(db_url)
    try:
        migrate.upgrade(engine)
        now = utcnow()
        with engine.begin() as conn:
            ids = [
                conn.execute(
                    insert(ModelRow).values(name=f"m{i}", provider="openai").returning(ModelRow.id)
                ).scalar_one()
                for i in range(8)
            ]
            battles, votes = [], []
            met_target: set[str] = set()

            def add(client: str, a: int, b: int, winner: str, hours_ago: float) -> None:
                bid = f"{client}-{len(battles)}"
                at = now - timedelta(hours=hours_ago)
                battles.append({"id": bid, "mode": "anonymous", "model_a_id": ids[a],
                                "model_b_id": ids[b], "sampling_policy": "uniform",
                                "client_hash": client, "created_at": at})  # fmt: skip
                votes.append({"battle_id": bid, "winner": winner, "client_hash": client,
                              "created_at": at})  # fmt: skip

            for c in range(60):
                for _ in range(40):
                    a, b = (int(x) for x in rng.choice(8, 2, replace=False))
                    p = 1 / (1 + np.exp(theta[b] - theta[a]))
                    add(f"h{c}", a, b, "model_a" if rng.random() < p else "model_b", 700)
            for c in range(40):
                for _ in range(10):
                    a, b = (int(x) for x in rng.choice(8, 2, replace=False))
                    if 1 in (a, b):
                        met_target.add(f"y{c}")
                        winner = "model_a" if a == 1 else "model_b"
                    else:
                        winner = "model_a" if rng.random() < 0.5 else "model_b"
                    add(f"y{c}", a, b, winner, 100)
            conn.execute(insert(BattleRow), battles)
            conn.execute(insert(VoteRow), votes)
            for c in range(40):
                conn.execute(
                    insert(FlaggedClientRow).values(
                        client_hash=f"y{c}", score=0.0, reason="new identity", status="held"
                    )
                )
        report = scan_rigging(engine, policy=TrustPolicy(72, 5), now=now, actor="test")
        with engine.connect() as conn:
            status = trust_repo.statuses(conn)
    finally:
        engine.dispose()
    released = set(report.released)
    assert not released & met_target
    assert released <= {f"y{c}" for c in range(40)}
    assert sum(status[c] == "flagged" for c in met_target) >= 15
    assert all(status[c] in ("flagged", "held") for c in met_target)
    assert not any(s == "flagged" for c, s in status.items() if c.startswith("h"))
