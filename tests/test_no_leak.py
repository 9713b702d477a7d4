"""Nothing a client receives before the vote may reveal which model is on which side."""

from __future__ import annotations

import httpx

from tests.sse import send_turn

SECRETS_MODELS = [
    {"name": "zephyr-secret-7b", "model": "echo-a", "organization": "Hidden Labs"},
    {"name": "quasar-secret-9b", "model": "echo-b", "organization": "Covert AI"},
    {"name": "nebula-broken", "model": "fail-500", "organization": "Failing Corp"},
]
ALLOWED_HEADERS = {
    "content-type",
    "content-length",
    "transfer-encoding",
    "cache-control",
    "x-accel-buffering",
    "connection",
    "keep-alive",
}


def _forbidden(fake_upstream_url: str) -> list[str]:
    words = [fake_upstream_url, "openai", "127.0.0.1:"]
    for model in SECRETS_MODELS:
        words += [model["name"], model["organization"]]
    return [w.lower() for w in words]


def _check(response: httpx.Response, forbidden: list[str]) -> None:
    assert set(response.headers) <= ALLOWED_HEADERS, response.headers
    blob = (response.text + " ".join(f"{k}:{v}" for k, v in response.headers.items())).lower()
    for word in forbidden:
        assert word not in blob, f"{word!r} leaked in {response.request.url}: {response.text[:300]}"


def test_no_pre_vote_response_names_a_model(start_app, fake_upstream) -> None:
    app = start_app(SECRETS_MODELS)
    forbidden = _forbidden(fake_upstream.base_url)
    seen_failure = False
    with app.client() as client:
        for _ in range(12):
            created = client.post("/api/v1/battles", json={"mode": "anonymous"})
            _check(created, forbidden)
            battle_id = created.json()["battle_id"]
            early_vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"})
            assert early_vote.status_code == 409
            _check(early_vote, forbidden)
            turn, events = send_turn(client, battle_id, "who are you?")
            _check(turn, forbidden)
            seen_failure |= any("error" in e for e in events)
            _check(client.get(f"/api/v1/battles/{battle_id}"), forbidden)
            if not any("error" in e for e in events):
                second, _ = send_turn(client, battle_id, "tell me more")
                _check(second, forbidden)
            bad = client.post(f"/api/v1/battles/{battle_id}/turns", json={"prompt": ""})
            _check(bad, forbidden)
            blocked = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
            if blocked.status_code != 200:
                _check(blocked, forbidden)
    # With 3 models and 12 battles the failing model is in a battle with near certainty.
    assert seen_failure
