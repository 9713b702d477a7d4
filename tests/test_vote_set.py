"""The live board is reproducible from a release: same vote set hash, same numbers.

A running arena with public and preview models takes anonymous votes over HTTP;
``arena release`` then writes the data and ``arena leaderboard --votes`` refits it.
The fingerprint the API states must be the one the CLI prints for the released
file, and the scores must agree to the last digit. Releasing the preview model
brings its earlier votes onto both.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.api import voted_battle

ARENA = str(Path(sys.executable).parent / "arena")
TOKEN = "vote-set-token"
ROUNDS = 20
MODELS = [
    {"name": "alpha", "model": "echo-a", "organization": "Org A"},
    {"name": "beta", "model": "echo-b", "organization": "Org B"},
    {"name": "gamma", "model": "markdown", "organization": "Org C"},
    {
        "name": "hidden-one",
        "model": "echo-c",
        "organization": "Big Lab",
        "visibility": "preview",
        "codename": "nightjar",
    },
]
WINNERS = ["model_a", "model_b", "tie", "both_bad"]


def _release_and_refit(db_url: str, out: Path) -> dict:
    cutoff = (datetime.now(UTC) + timedelta(seconds=2)).isoformat(timespec="seconds")
    release = subprocess.run(
        [ARENA, "release", "--db", db_url, "--out", str(out), "--cutoff", cutoff,
         "--bootstrap", str(ROUNDS), "--seed", "0", "--min-votes", "0"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert release.returncode == 0, release.stderr
    refit = subprocess.run(
        [ARENA, "leaderboard", "--votes", str(out / "votes.parquet"), "--format", "json",
         "--bootstrap", str(ROUNDS), "--seed", "0", "--min-votes", "0"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refit.returncode == 0, refit.stderr
    board = json.loads(refit.stdout)
    manifest = json.loads((out / "MANIFEST.json").read_text())
    assert manifest["vote_set_sha256"] == board["counted_votes"]["vote_set_sha256"]
    return board


def _scores(board: dict) -> dict[str, tuple[float, float, float]]:
    return {r["model"]: (r["score"], r["ci_lower"], r["ci_upper"]) for r in board["models"]}


def _assert_same_board(api: dict, refit: dict) -> None:
    assert api["counted_votes"]["vote_set_sha256"] == refit["counted_votes"]["vote_set_sha256"]
    assert api["total_votes"] == refit["total_votes"]
    api_scores, refit_scores = _scores(api), _scores(refit)
    assert api_scores.keys() == refit_scores.keys()
    for model, numbers in api_scores.items():
        assert numbers == refit_scores[model], model


def test_release_reproduces_the_live_board_and_its_hash(start_app, db_url, tmp_path) -> None:
    app = start_app(
        MODELS,
        admin_tokens=TOKEN,
        leaderboard_refresh_seconds=0,
        leaderboard_bootstrap_rounds=ROUNDS,
    )
    with app.client() as client:
        for i in range(40):
            voted_battle(client, f"question {i}", winner=WINNERS[i % 4])
        before = client.get("/api/v1/leaderboard").json()
        # Votes with the preview model are stored but not yet on the board.
        assert {r["model"] for r in before["models"]} == {"alpha", "beta", "gamma"}
        assert 0 < before["total_votes"] < 40
        _assert_same_board(before, _release_and_refit(db_url, tmp_path / "before"))

        released = client.post(
            "/api/v1/admin/models/hidden-one/status",
            json={"status": "public", "reason": "launch"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert released.status_code == 200, released.text
        after = client.get("/api/v1/leaderboard").json()
    assert after["total_votes"] == 40
    assert {r["model"] for r in after["models"]} == {"alpha", "beta", "gamma", "hidden-one"}
    assert after["counted_votes"]["vote_set_sha256"] != before["counted_votes"]["vote_set_sha256"]
    _assert_same_board(after, _release_and_refit(db_url, tmp_path / "after"))


def test_cli_table_prints_the_vote_set_hash(tmp_path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from arena.data.vote_digest import add_votes, digest_hex

    rows = [("v1", "m1", "m2", "model_a"), ("v2", "m2", "m1", "tie"), ("v3", "m1", "m2", "model_b")]
    ids, a, b, w = (list(col) for col in zip(*rows, strict=True))
    path = tmp_path / "votes.parquet"
    pq.write_table(pa.table({"id": ids, "model_a": a, "model_b": b, "winner": w}), path)
    shown = subprocess.run(
        [ARENA, "leaderboard", "--votes", str(path), "--bootstrap", "20", "--min-votes", "0"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert f"vote set sha256: {digest_hex(add_votes(0, rows))}" in shown.stdout
