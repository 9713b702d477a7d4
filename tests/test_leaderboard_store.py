"""``arena leaderboard`` without ``--votes`` reads the server's store, as the web board does.

A running arena takes anonymous votes, one side-by-side vote (which the web board
leaves out) and votes with a preview model; the CLI must print the API's rows and
fingerprint exactly. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import yaml
from typer.testing import CliRunner

from arena.cli import app
from arena.data.vote_digest import add_votes, digest_hex
from tests.support.api import send_turn, side_by_side

runner = CliRunner()
MODELS = [
    {"name": "alpha", "model": "echo-a", "organization": "Org A"},
    {"name": "beta", "model": "echo-b", "organization": "Org B"},
    {"name": "gamma", "model": "markdown", "organization": "Org C"},
    {"name": "hidden-one", "model": "echo-c", "visibility": "preview", "codename": "nightjar"},
]
WINNERS = ["model_a", "model_b", "tie", "both_bad"]


def _cli(args: list[str]) -> dict:
    # The app under test shows every model (start_app sets the board minimum to 0).
    result = runner.invoke(app, ["leaderboard", *args, "--format", "json", "--min-votes", "0"])
    assert result.exit_code == 0, result.output
    assert "as the web board counts" in result.stderr
    return json.loads(result.stdout)


def _same(api: dict, cli: dict) -> None:
    api = {**api, "computed_at": None}
    cli = {**cli, "computed_at": None}
    assert cli == api


def test_store_board_is_the_web_board(start_app, db_url: str, tmp_path: Path) -> None:
    live = start_app(MODELS, leaderboard_refresh_seconds=0, leaderboard_bootstrap_rounds=20)
    with live.client() as client:
        for i in range(16):
            battle_id = client.post("/api/v1/battles", json={"mode": "anonymous"}).json()[
                "battle_id"
            ]
            send_turn(client, battle_id, f"question {i}")
            vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": WINNERS[i % 4]})
            assert vote.status_code == 200, vote.text
        named = side_by_side(client, "alpha", "beta")
        send_turn(client, named, "a named question")
        assert client.post(f"/api/v1/battles/{named}/vote", json={"winner": "model_a"}).is_success
        api = client.get("/api/v1/leaderboard").json()
        api_style = client.get("/api/v1/leaderboard?category=overall&style_control=true").json()
    cli = _cli(["--db", db_url, "--bootstrap", "20"])
    _same(api, cli)
    assert cli["total_votes"] < 16  # preview votes wait, the side-by-side vote never counts
    _same(api_style, _cli(["--db", db_url, "--bootstrap", "20", "--style-control"]))
    table = runner.invoke(
        app, ["leaderboard", "--db", db_url, "--bootstrap", "20", "--min-votes", "0"]
    )
    assert table.exit_code == 0, table.output
    assert f"vote set sha256: {api['counted_votes']['vote_set_sha256']}" in table.stdout
    _votes_behind_the_board(live, api)
    _thin_board_says_who_waits(db_url, api)
    _deprecated_with_its_date(db_url, tmp_path)


def _votes_behind_the_board(live, api: dict) -> None:
    """The board's votes download: anyone recomputes its fingerprint from the file."""
    with live.client() as client:
        got = client.get("/api/v1/leaderboard/votes")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "attachment" in got.headers["content-disposition"]
    header, *lines = got.text.splitlines()
    assert header == "id,model_a,model_b,winner"
    rows = [tuple(line.split(",")) for line in lines]
    assert len(rows) == api["total_votes"]
    assert digest_hex(add_votes(0, rows)) == api["counted_votes"]["vote_set_sha256"]


def _thin_board_says_who_waits(db_url: str, api: dict) -> None:
    """A board whose models all wait for the minimum says how many votes there are, who
    waits with how many, and how to change the minimum, never "0 votes"."""
    result = runner.invoke(app, ["leaderboard", "--db", db_url, "--bootstrap", "20",
                                 "--min-votes", "1000", "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    thin = json.loads(result.stdout)
    assert thin["models"] == [] and thin["total_votes"] == 0
    assert thin["all_votes"] == api["total_votes"] > 0
    assert {w["model"]: w["votes"] for w in thin["waiting"]} == {
        r["model"]: r["votes"] for r in api["models"]
    }
    assert f"counted {api['total_votes']} votes" in result.stderr
    assert "0 of them between the models shown; waiting for 1000 votes: " in result.stderr
    assert "--min-votes" in result.stderr and "ARENA_LEADERBOARD_MIN_VOTES" in result.stderr


def _deprecated_with_its_date(db_url: str, tmp_path: Path) -> None:
    """Deprecated, marked with the date: the CLI board and the roster; --plot draws the
    store's board."""
    changed = runner.invoke(
        app, ["models", "set-status", "alpha", "deprecated", "--reason", "old", "--db", db_url]
    )
    assert changed.exit_code == 0, changed.output
    today = datetime.now(UTC).date().isoformat()
    plot = tmp_path / "board.png"
    table = runner.invoke(app, ["leaderboard", "--db", db_url, "--bootstrap", "20",
                                "--min-votes", "0", "--plot", str(plot)])  # fmt: skip
    assert table.exit_code == 0, table.output
    assert f"alpha (deprecated {today})" in table.stdout
    assert plot.read_bytes().startswith(b"\x89PNG")
    registry = tmp_path / "models.yaml"
    registry.write_text(yaml.safe_dump({"models": [
        {**m, "provider": "openai", "base_url": "http://127.0.0.1:9/v1"} for m in MODELS
    ]}))  # fmt: skip
    roster = runner.invoke(
        app, ["models", "list", "--models", str(registry), "--db", db_url], env={"COLUMNS": "200"}
    )
    assert roster.exit_code == 0, roster.output
    alpha = next(line for line in roster.stdout.splitlines() if line.startswith("alpha"))
    assert "text" in alpha and f"deprecated {today}" in alpha
    header = roster.stdout.splitlines()[0]
    assert "arenas" in header


def test_store_board_from_the_environment_and_its_errors(tmp_path: Path, monkeypatch) -> None:
    missing = tmp_path / "nowhere.db"
    monkeypatch.setenv("ARENA_DB_URL", f"sqlite:///{missing}")
    result = runner.invoke(app, ["leaderboard"])
    assert result.exit_code == 2 and "no arena database at" in result.stderr
    assert not missing.exists()  # reading never creates an empty store
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    result = runner.invoke(app, ["leaderboard", "--db", f"sqlite:///{other}"])
    assert result.exit_code == 2 and "not an arena database" in result.stderr
    result = runner.invoke(app, ["leaderboard", "--since", "2025-01-01"])
    assert result.exit_code == 2 and "--since needs --votes FILE" in result.stderr
    result = runner.invoke(app, ["leaderboard", "--since", "2025-01-01", "--anchor", "a=1"])
    assert result.exit_code == 2 and "--since, --anchor need --votes FILE" in result.stderr


def test_votes_pointing_at_a_database_says_use_db(tmp_path: Path) -> None:
    db = tmp_path / "arena.db"
    sqlite3.connect(db).execute("CREATE TABLE votes (x)").connection.commit()
    for path in (db, tmp_path / "copy.sqlite"):
        if path != db:
            path.write_bytes(db.read_bytes())
        result = runner.invoke(app, ["leaderboard", "--votes", str(path)])
        assert result.exit_code == 2
        assert f"--db sqlite:///{path}" in result.stderr and "Traceback" not in result.output
