"""Arenas through the open-data path: export, import, release and the CLI board per arena."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from arena.cli import app as cli
from tests.app_fixtures import LiveApp
from tests.support.api import create_battle, post_turn, upload_photo
from tests.support.rosters import IMAGE_ARENA_MODELS as MODELS

runner = CliRunner()


@pytest.fixture
def voted(start_app: Callable[..., LiveApp], tmp_path: Path) -> LiveApp:
    """A store with two text-to-image votes, one vision vote and one text vote."""
    live = start_app(MODELS, images_dir=str(tmp_path / "images"))
    with live.client() as client:
        for winner in ("model_a", "model_b"):
            battle = create_battle(client, arena="text_to_image")
            assert post_turn(client, battle, "a blue whale").status_code == 200
            client.post(f"/api/v1/battles/{battle}/vote", json={"winner": winner})
        battle = create_battle(client, arena="vision")
        assert post_turn(client, battle, "what is it?", [upload_photo(client)]).status_code == 200
        client.post(f"/api/v1/battles/{battle}/vote", json={"winner": "tie"})
        battle = create_battle(client, arena="text")
        assert post_turn(client, battle, "hello").status_code == 200
        client.post(f"/api/v1/battles/{battle}/vote", json={"winner": "model_a"})
    return live


def _board(*args: str) -> dict:
    # A handful of votes here: show every model (the web board's default is 20 votes).
    result = runner.invoke(cli, ["leaderboard", "--format", "json", "--min-votes", "0", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_export_keeps_the_arena_and_image_parts(voted: LiveApp, tmp_path: Path) -> None:
    db = voted.settings.db_url
    out = tmp_path / "dump"
    result = runner.invoke(cli, ["export", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = pq.read_table(out / "votes.parquet").to_pylist()
    assert sorted(r["arena"] for r in rows) == ["text", "text_to_image", "text_to_image", "vision"]
    painted = next(r for r in rows if r["arena"] == "text_to_image")
    reply = painted["conversation_a"][1]["content"]
    assert [p["type"] for p in reply] == ["image"] and len(reply[0]["image"]) == 64
    seen = next(r for r in rows if r["arena"] == "vision")
    assert [p["type"] for p in seen["conversation_a"][0]["content"]] == ["text", "image"]

    # Import into a fresh store keeps the arena, so each board counts its own votes again.
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert runner.invoke(cli, ["db", "upgrade", "--db", fresh]).exit_code == 0
    imported = runner.invoke(cli, ["import", str(out / "votes.parquet"), "--db", fresh])
    assert imported.exit_code == 0, imported.output
    again = tmp_path / "again"
    assert runner.invoke(cli, ["export", "--db", fresh, "--out", str(again)]).exit_code == 0
    rows_again = pq.read_table(again / "votes.parquet").to_pylist()
    assert sorted(r["arena"] for r in rows_again) == sorted(r["arena"] for r in rows)
    paints = _board("--db", fresh, "--arena", "text_to_image")
    assert {m["model"] for m in paints["models"]} == {"painter-one", "painter-two"}


def test_cli_board_per_arena_from_file_and_store(voted: LiveApp, tmp_path: Path) -> None:
    db = voted.settings.db_url
    out = tmp_path / "dump"
    assert runner.invoke(cli, ["export", "--db", db, "--out", str(out)]).exit_code == 0
    votes = str(out / "votes.parquet")
    text = _board("--votes", votes)
    paints = _board("--votes", votes, "--arena", "text_to_image")
    assert text["total_votes"] == 1 and paints["total_votes"] == 2
    assert {m["model"] for m in paints["models"]} == {"painter-one", "painter-two"}
    assert paints["counted_votes"]["filters"]["arena"] == "text_to_image"
    store = _board("--db", db, "--arena", "vision")
    assert store["arena"] == "vision" and store["total_votes"] == 1
    bad = runner.invoke(cli, ["leaderboard", "--votes", votes, "--arena", "sculpture"])
    assert bad.exit_code == 2 and "unknown arena 'sculpture'" in bad.output


def test_release_has_a_board_per_arena(voted: LiveApp, tmp_path: Path) -> None:
    out = tmp_path / "release"
    # The votes were cast within this second: cut off later than now.
    args = ["release", "--db", voted.settings.db_url, "--out", str(out), "--bootstrap", "20"]
    args += ["--min-votes", "0"]
    result = runner.invoke(cli, [*args, "--cutoff", "2100-01-01"])
    assert result.exit_code == 0, result.output
    board = json.loads((out / "leaderboard.json").read_text())
    assert set(board["arenas"]) == {"text_to_image", "vision"}
    paints = board["arenas"]["text_to_image"]
    assert {m["model"] for m in paints["models"]} == {"painter-one", "painter-two"}
    manifest = json.loads((out / "MANIFEST.json").read_text())
    command = manifest["leaderboard"]["arenas"]["text_to_image"]
    assert "--arena text_to_image" in command
    # The section recomputes from the released file with the command the manifest gives.
    args = command.split()[2:]
    args[args.index("--votes") + 1] = str(out / args[args.index("--votes") + 1])
    result = runner.invoke(cli, ["leaderboard", *args])
    assert result.exit_code == 0, result.output
    again = json.loads(result.stdout)
    assert again["counted_votes"]["vote_set_sha256"] == paints["counted_votes"]["vote_set_sha256"]
    assert [m["score"] for m in again["models"]] == [m["score"] for m in paints["models"]]
