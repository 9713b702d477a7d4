"""Anomalous voters: honest voters pass, a voter who always backs one weak model is
flagged, and the board computed without flagged clients is not moved by it."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from sqlalchemy import insert, select
from typer.testing import CliRunner

from arena.cli import app
from arena.integrity.anomaly_scan import scan_voters
from arena.ratings import PairCounts, fit_bradley_terry
from arena.ratings.anomaly import robust_voter_scores, voter_anomaly_scores
from arena.ratings.synthetic import simulate_votes
from arena.store import migrate
from arena.store import repository as repo
from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, EventRow, FlaggedClientRow, ModelRow, VoteRow

ATTACKER = "attacker-" + "f" * 55


def _honest(seed: int, n: int = 60_000, clients: int = 400, tie_rate: float = 0.1):
    sv = simulate_votes(30, n, seed=seed, tie_rate=tie_rate)
    a, b = sv.names()
    rng = np.random.default_rng(seed + 100)
    client = np.array([f"c{i:04d}" for i in rng.integers(0, clients, n)], dtype=object)
    return sv, client, a, b, sv.outcome


def _with_attacker(seed: int, votes: int):
    """Honest votes plus ``votes`` battles of the weakest model, all won by it."""
    sv, client, a, b, y = _honest(seed)
    weak = sv.models[int(np.argmin(sv.theta))]
    rng = np.random.default_rng(seed + 200)
    others = [m for m in sv.models if m != weak]
    opp = np.array([others[i] for i in rng.integers(0, len(others), votes)], dtype=object)
    weak_is_a = rng.random(votes) < 0.5
    ea = np.where(weak_is_a, weak, opp)
    eb = np.where(weak_is_a, opp, weak)
    ey = np.where(weak_is_a, 1.0, 0.0)
    return (
        weak,
        np.concatenate([client, np.full(votes, ATTACKER, dtype=object)]),
        np.concatenate([a, ea]),
        np.concatenate([b, eb]),
        np.concatenate([y, ey]),
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_honest_voters_are_not_flagged(seed: int) -> None:
    _, client, a, b, y = _honest(seed)
    scores = robust_voter_scores(client, a, b, y)
    assert len(scores) == 400
    assert not [s for s in scores if s.flagged]
    z = np.array([s.z for s in scores])
    # Roughly standard normal (ties shrink fitted scores, which nudges z upward).
    assert 0.6 < z.std() < 1.3
    assert z.min() > -3.5


def test_voter_who_always_backs_a_weak_model_is_flagged() -> None:
    _, client, a, b, y = _with_attacker(seed=3, votes=60)
    scores = robust_voter_scores(client, a, b, y)
    flagged = [s for s in scores if s.flagged]
    assert [s.client for s in flagged] == [ATTACKER]
    worst = flagged[0]
    assert worst.votes == 60
    assert worst.z < -8
    assert worst.mean_loglik < worst.expected_loglik


def test_too_few_votes_never_flag() -> None:
    _, client, a, b, y = _with_attacker(seed=4, votes=10)
    scores = robust_voter_scores(client, a, b, y, min_votes=20)
    attacker = next(s for s in scores if s.client == ATTACKER)
    assert attacker.z < -4 and not attacker.flagged


def test_second_pass_refits_without_the_attacker() -> None:
    """One pass fits scores that include the attack; two passes score against clean ones."""
    _, client, a, b, y = _with_attacker(seed=5, votes=60)
    one = {s.client: s for s in robust_voter_scores(client, a, b, y, passes=1)}
    two = {s.client: s for s in robust_voter_scores(client, a, b, y, passes=2)}
    assert two[ATTACKER].z < one[ATTACKER].z


def test_swapping_sides_and_flipping_outcomes_leaves_z_unchanged() -> None:
    _, client, a, b, y = _honest(seed=6, n=5_000, clients=50)
    counts = PairCounts.from_votes(a, b, y)
    table = dict(zip(counts.models, fit_bradley_terry(counts).tolist(), strict=True))
    plain = voter_anomaly_scores(client, a, b, y, table)
    swapped = voter_anomaly_scores(client, b, a, 1.0 - y, table)
    assert [s.client for s in plain] == [s.client for s in swapped]
    np.testing.assert_allclose([s.z for s in plain], [s.z for s in swapped], atol=1e-12)
    np.testing.assert_allclose(
        [s.mean_loglik for s in plain], [s.mean_loglik for s in swapped], atol=1e-12
    )


def test_scores_accept_arrays_and_skip_unrated_models() -> None:
    client = ["x", "x", "y"]
    out = voter_anomaly_scores(
        client, ["m1", "m1", "m3"], ["m2", "m2", "m1"], [1.0, 0.5, 0.0], (["m1", "m2"], [1100, 900])
    )
    assert [(s.client, s.votes) for s in out] == [("x", 2)]
    p = 1 / (1 + 10 ** (-200 / 400))
    expected_sum = np.log(p) + 0.5 * np.log(p) + 0.5 * np.log(1 - p)
    assert out[0].mean_loglik == pytest.approx(expected_sum / 2)


# ---------------------------------------------------------------- against a real store

THETA = np.linspace(-1.5, 1.5, 10)  # true log-odds strengths; model m0 is the weakest
MODELS = [f"m{i}" for i in range(10)]


def _seed_store(engine) -> tuple[list[tuple[str, str, float]], list[tuple[str, str, float]]]:
    """Write honest votes and an attack into the store; return (honest, attack) as (a, b, y)."""
    rng = np.random.default_rng(11)
    with engine.begin() as conn:
        ids = {
            m: conn.execute(
                insert(ModelRow).values(name=m, provider="openai").returning(ModelRow.id)
            ).scalar_one()
            for m in MODELS
        }
    battles: list[dict] = []
    votes: list[dict] = []
    honest: list[tuple[str, str, float]] = []
    attack: list[tuple[str, str, float]] = []

    def add(client: str, ia: int, ib: int, y: float) -> None:
        bid = str(uuid.uuid4())
        winner = {1.0: "model_a", 0.0: "model_b", 0.5: "tie"}[y]
        battles.append(
            {
                "id": bid,
                "mode": "anonymous",
                "model_a_id": ids[MODELS[ia]],
                "model_b_id": ids[MODELS[ib]],
                "sampling_policy": "uniform",
                "status": "voted",
                "client_hash": client,
            }
        )
        votes.append({"battle_id": bid, "winner": winner, "client_hash": client, "flags": {}})

    for c in range(30):
        for _ in range(100):
            ia, ib = rng.choice(10, 2, replace=False)
            p = 1 / (1 + np.exp(THETA[ib] - THETA[ia]))
            y = 0.5 if rng.random() < 0.1 else float(rng.random() < p)
            add(f"honest-{c:02d}", int(ia), int(ib), y)
            honest.append((MODELS[ia], MODELS[ib], y))
    for _ in range(300):
        opp = int(rng.integers(1, 10))
        if rng.random() < 0.5:
            add(ATTACKER, 0, opp, 1.0)
            attack.append((MODELS[0], MODELS[opp], 1.0))
        else:
            add(ATTACKER, opp, 0, 0.0)
            attack.append((MODELS[opp], MODELS[0], 0.0))
    with engine.begin() as conn:
        conn.execute(insert(BattleRow), battles)
        conn.execute(insert(VoteRow), votes)
    return honest, attack


def _board(rows: list[tuple[str, str, float]]) -> dict[str, float]:
    a, b, y = zip(*rows, strict=True)
    counts = PairCounts.from_votes(a, b, y)
    return dict(zip(counts.models, fit_bradley_terry(counts).tolist(), strict=True))


def test_scan_flags_the_attacker_and_the_board_ignores_it(db_url: str) -> None:
    engine = create_store_engine(db_url)
    try:
        migrate.upgrade(engine)
        honest, attack = _seed_store(engine)
        report = scan_voters(engine, actor="test")

        assert report.votes == len(honest) + len(attack)
        assert report.clients == 31
        assert report.newly_flagged == [ATTACKER]
        assert [s.client for s in report.flagged] == [ATTACKER]
        with engine.connect() as conn:
            flagged = conn.execute(select(FlaggedClientRow)).all()
            events = conn.execute(select(EventRow).where(EventRow.kind == "client_flagged")).all()
            grouped, _ = repo.grouped_votes(conn)
            valid = conn.execute(select(VoteRow.valid)).scalars().all()
        assert [r.client_hash for r in flagged] == [ATTACKER]
        assert flagged[0].score < -4
        assert [(e.subject, e.actor) for e in events] == [(ATTACKER, "test")]
        assert {"score", "votes", "reason"} <= set(events[0].payload)
        assert events[0].payload["votes"] == 300
        # Votes are never edited: all still stored and valid.
        assert len(valid) == len(honest) + len(attack) and all(valid)

        # The board's own query (grouped_votes excludes flagged clients) ...
        a, b, w, n = zip(*grouped, strict=True)
        counts = PairCounts.from_grouped(a, b, w, n)
        board = dict(zip(counts.models, fit_bradley_terry(counts).tolist(), strict=True))
        clean = _board(honest)
        attacked = _board(honest + attack)
        true_weak = 1000 + (THETA[0] - THETA.mean()) * 400 / np.log(10)
        # ... matches the board without the attacker, and the weakest model stays last,
        assert board["m0"] == pytest.approx(clean["m0"], abs=2)
        assert min(board, key=board.__getitem__) == "m0"
        assert abs(board["m0"] - true_weak) < 60
        # while counting the attack would have lifted it well up.
        assert attacked["m0"] - clean["m0"] > 100

        # A second scan finds nothing new and writes no event.
        result = CliRunner().invoke(app, ["votes", "scan", "--db", db_url])
        assert result.exit_code == 0, result.output
        assert "0 newly flagged" in " ".join(result.output.split())
        assert ATTACKER[:12] in result.output
        with engine.connect() as conn:
            n_events = len(
                conn.execute(select(EventRow).where(EventRow.kind == "client_flagged")).all()
            )
        assert n_events == 1
    finally:
        engine.dispose()


def test_reviewer_clears_and_reflags_a_client_over_http(start_app, db_url: str) -> None:
    """Review over the admin API: clearing puts the votes back, a scan never re-flags a
    cleared client, flagging again takes them off; every decision is an audit event."""
    token = "review-token"
    auth = {"Authorization": f"Bearer {token}"}
    app = start_app(
        [{"name": "x1", "model": "echo-a"}, {"name": "x2", "model": "echo-b"}],
        admin_tokens=token,
        leaderboard_refresh_seconds=0,
        leaderboard_bootstrap_rounds=20,
    )
    engine = create_store_engine(db_url)
    try:
        honest, attack = _seed_store(engine)
    finally:
        engine.dispose()
    review_url = f"/api/v1/admin/flagged-clients/{ATTACKER}/review"
    with app.client() as client:
        assert client.get("/api/v1/leaderboard").json()["total_votes"] == len(honest + attack)
        scan = client.post("/api/v1/admin/scan-voters", headers=auth).json()
        assert scan["newly_flagged"] == 1
        flagged_board = client.get("/api/v1/leaderboard").json()
        assert flagged_board["total_votes"] == len(honest)

        bad = client.post(review_url, json={"decision": "forgive", "reason": "x"}, headers=auth)
        assert bad.status_code == 422
        unknown = client.post(
            "/api/v1/admin/flagged-clients/nobody/review",
            json={"decision": "clear", "reason": "x"},
            headers=auth,
        )
        assert unknown.status_code == 404 and "never been flagged" in unknown.json()["error"]
        no_token = client.post(review_url, json={"decision": "clear", "reason": "fan"})
        assert no_token.status_code == 401

        cleared = client.post(
            review_url, json={"decision": "clear", "reason": "a fan, not a bot"}, headers=auth
        )
        assert cleared.status_code == 200, cleared.text
        assert cleared.json()["status"] == "cleared"
        assert cleared.json()["review_reason"] == "a fan, not a bot"
        again = client.post(review_url, json={"decision": "clear", "reason": "x"}, headers=auth)
        assert again.status_code == 409
        board = client.get("/api/v1/leaderboard").json()
        assert board["total_votes"] == len(honest + attack)
        assert (
            board["counted_votes"]["vote_set_sha256"]
            != (flagged_board["counted_votes"]["vote_set_sha256"])
        )
        # The reviewer's decision stands: a new scan does not flag the client again.
        rescan = client.post("/api/v1/admin/scan-voters", headers=auth).json()
        assert rescan["newly_flagged"] == 0
        listed = client.get("/api/v1/admin/flagged-clients?status=flagged", headers=auth).json()
        assert listed == {"clients": []}

        reflag = client.post(
            review_url, json={"decision": "flag", "reason": "new evidence"}, headers=auth
        )
        assert reflag.status_code == 200 and reflag.json()["status"] == "flagged"
        assert client.get("/api/v1/leaderboard").json()["total_votes"] == len(honest)
        events = client.get("/api/v1/admin/events", headers=auth).json()["events"]
    decisions = [
        (e["kind"], e["payload"]["reason"]) for e in reversed(events) if e["subject"] == ATTACKER
    ]
    assert decisions[1:] == [
        ("client_cleared", "a fan, not a bot"),
        ("client_flagged", "new evidence"),
    ]
    assert decisions[0][0] == "client_flagged"


def test_cli_lists_and_reviews_flagged_clients(db_url: str) -> None:
    engine = create_store_engine(db_url)
    try:
        migrate.upgrade(engine)
        _seed_store(engine)
        scan_voters(engine, actor="test")
    finally:
        engine.dispose()
    runner = CliRunner()
    listed = runner.invoke(app, ["votes", "flagged", "--db", db_url])
    assert listed.exit_code == 0 and ATTACKER in listed.output
    cleared = runner.invoke(
        app, ["votes", "review", ATTACKER, "clear", "--reason", "checked", "--db", db_url]
    )
    assert cleared.exit_code == 0, cleared.output
    assert f"client {ATTACKER} is now cleared" in cleared.output
    assert "no flagged clients" in runner.invoke(app, ["votes", "flagged", "--db", db_url]).output
    twice = runner.invoke(
        app, ["votes", "review", ATTACKER, "clear", "--reason", "checked", "--db", db_url]
    )
    assert twice.exit_code == 2 and "already cleared" in twice.output
    unknown = runner.invoke(
        app, ["votes", "review", "nobody", "flag", "--reason", "x", "--db", db_url]
    )
    assert unknown.exit_code == 2 and "never been flagged" in unknown.output
    empty_reason = runner.invoke(
        app, ["votes", "review", ATTACKER, "flag", "--reason", " ", "--db", db_url]
    )
    assert empty_reason.exit_code == 2
