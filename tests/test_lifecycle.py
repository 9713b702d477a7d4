"""Model life cycle over real HTTP: preview codenames, release, provisional, deprecation, audit."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from typer.testing import CliRunner

from arena.battles.lifecycle import PROVISIONAL_VOTES
from arena.cli import app as cli_app
from arena.store.engine import create_store_engine
from arena.store.tables import ModelRow
from tests.support.api import battle_with_turns, cast_vote
from tests.support.rosters import WITH_PREVIEW as MODELS
from tests.support.store import add_votes

ARENA = str(Path(sys.executable).parent / "arena")
TOKEN = "test-admin-token"
runner = CliRunner()


def _auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def test_preview_is_codenamed_hidden_then_released_with_its_votes(start_app, db_url) -> None:
    app = start_app(MODELS, admin_tokens=TOKEN, leaderboard_refresh_seconds=0)
    with app.client() as client:
        roster = [m["name"] for m in client.get("/api/v1/models").json()["models"]]
        assert roster == ["open-model"]
        reveal = cast_vote(client, battle_with_turns(client, "hi"))
        names = {reveal["model_a"]["name"], reveal["model_b"]["name"]}
        assert names == {"open-model", "dragonfly"}
        hidden = [m for m in (reveal["model_a"], reveal["model_b"]) if m["name"] == "dragonfly"]
        assert hidden[0]["organization"] is None
        assert "secret-model" not in str(reveal)
        side_by_side = client.post(
            "/api/v1/battles",
            json={"mode": "side_by_side", "models": ["open-model", "secret-model"]},
        )
        assert side_by_side.status_code == 422
        # Until release the vote waits off the board (a release would not publish it either).
        board = client.get("/api/v1/leaderboard").json()
        assert board["models"] == [] and board["total_votes"] == 0

        # Without a token, with a wrong one: refused.
        url = "/api/v1/admin/models/secret-model/status"
        body = {"status": "public", "reason": "launch day"}
        assert client.post(url, json=body).status_code == 401
        assert (
            client.post(url, json=body, headers={"Authorization": "Bearer nope"}).status_code == 401
        )
        assert client.post(url, json={"status": "public"}, headers=_auth()).status_code == 422

        released = client.post(url, json=body, headers=_auth())
        assert released.status_code == 200, released.text
        assert released.json()["status"] == "public" and released.json()["provisional"] is False
        assert client.post(url, json=body, headers=_auth()).status_code == 409

        board = client.get("/api/v1/leaderboard").json()
        rows = {r["model"]: r for r in board["models"]}
        assert set(rows) == {"open-model", "secret-model"}
        assert rows["secret-model"]["votes"] == 1  # the preview vote counts once released
        assert board["total_votes"] == 1

        deprecated = client.post(
            "/api/v1/admin/models/open-model/status",
            json={"status": "deprecated", "reason": "superseded"},
            headers=_auth(),
        )
        assert deprecated.status_code == 200
        rows = {r["model"]: r for r in client.get("/api/v1/leaderboard").json()["models"]}
        assert rows["open-model"]["deprecated"] is True and rows["open-model"]["deprecated_at"]
        # A deprecated model takes no new battles: only one model is left to battle.
        assert client.post("/api/v1/battles", json={"mode": "anonymous"}).status_code == 503
        events = client.get("/api/v1/admin/events?kind=model_status_changed", headers=_auth())
        changes = [
            (e["subject"], e["payload"]["to"], e["payload"]["reason"])
            for e in events.json()["events"]
        ]
        assert ("secret-model", "public", "launch day") in changes
        assert ("open-model", "deprecated", "superseded") in changes
        assert all(e["actor"] == "admin:env" for e in events.json()["events"])


def test_release_after_many_preview_variants_is_provisional(start_app, db_url) -> None:
    engine = create_store_engine(db_url)
    from arena.store import migrate

    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(ModelRow),
            [
                {
                    "name": f"big-lab-variant-{i}",
                    "organization": "Big Lab",
                    "provider": "openai",
                    "visibility": "preview",
                    "codename": f"cn-{i}",
                }
                for i in range(10)
            ],
        )
    engine.dispose()
    app = start_app(MODELS, admin_tokens=TOKEN, leaderboard_refresh_seconds=0)
    with app.client() as client:
        released = client.post(
            "/api/v1/admin/models/secret-model/status",
            json={"status": "public", "reason": "launch"},
            headers=_auth(),
        )
        assert released.json()["provisional"] is True
        cast_vote(client, battle_with_turns(client, "hi"))

        def boards() -> tuple[dict[str, bool], dict[str, bool]]:
            """provisional per model on the web board and on ``arena leaderboard --db``."""
            web = client.get("/api/v1/leaderboard").json()["models"]
            cli = runner.invoke(
                cli_app,
                ["leaderboard", "--db", db_url, "--format", "json", "--bootstrap", "20",
                 "--min-votes", "0"],
            )  # fmt: skip
            assert cli.exit_code == 0, cli.output
            return (
                {r["model"]: r["provisional"] for r in web},
                {r["model"]: r["provisional"] for r in json.loads(cli.stdout)["models"]},
            )

        expected = {"secret-model": True, "open-model": False}
        assert boards() == (expected, expected)
        # Provisional until 2,000 valid votes after release (issue 31): 1,999 is not enough.
        later = datetime.now(UTC) + timedelta(minutes=1)
        add_votes(db_url, "secret-model", "open-model", PROVISIONAL_VOTES - 2, later)
        assert boards() == (expected, expected)
        add_votes(db_url, "secret-model", "open-model", 1, later)
        settled = {"secret-model": False, "open-model": False}
        assert boards() == (settled, settled)


def test_cli_set_status_and_tokens(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = create_store_engine(url)
    from arena.store import migrate

    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(ModelRow).values(name="m1", provider="openai", visibility="public"))
    engine.dispose()

    def run(*args):
        return subprocess.run(
            [ARENA, *args, "--db", url], capture_output=True, text=True, timeout=60
        )

    done = run("models", "set-status", "m1", "deprecated", "--reason", "old")
    assert done.returncode == 0 and "m1 is now deprecated" in done.stdout
    missing = run("models", "set-status", "nope", "public", "--reason", "x")
    assert missing.returncode == 2 and "no model named" in missing.stderr
    bad = run("models", "set-status", "m1", "retired", "--reason", "x")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    no_reason = run("models", "set-status", "m1", "public", "--reason", "  ")
    assert no_reason.returncode == 2 and "reason" in no_reason.stderr
    token = run("tokens", "create", "--name", "ops")
    assert token.returncode == 0 and len(token.stdout.strip()) > 20


def test_admin_review_calls_need_a_token(start_app) -> None:
    app = start_app(MODELS, admin_tokens=TOKEN)
    with app.client() as client:
        cast_vote(client, battle_with_turns(client, "hi"))
        assert client.get("/api/v1/admin/flagged-clients").status_code == 401
        scan = client.post("/api/v1/admin/scan-voters", headers=_auth())
        assert scan.status_code == 200 and scan.json()["votes"] == 1
        assert scan.json()["newly_flagged"] == 0  # one vote is far below the minimum
        listed = client.get("/api/v1/admin/flagged-clients", headers=_auth())
        assert listed.status_code == 200 and listed.json() == {"clients": []}
