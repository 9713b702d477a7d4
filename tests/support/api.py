"""Battles over HTTP as an API client drives them: create, turn, vote, and the SSE stream.

One set of helpers for every test that needs a battle in some state (created, with a
finished turn, voted), so a change to the API's shape is made here once. The helpers
assert only that each step succeeded; what a test checks stays in the test.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import httpx

from tests.support.images import photo_with_exif


def parse_sse(body: str) -> list[dict[str, Any]]:
    events = []
    for block in body.split("\n\n"):
        for line in block.splitlines():
            if line.startswith("data: "):
                events.append(json.loads(line[len("data: ") :]))
    return events


def replies(events: list[dict[str, Any]]) -> dict[str, str]:
    text: dict[str, str] = {}
    for event in events:
        if "delta" in event:
            text[event["side"]] = text.get(event["side"], "") + event["delta"]
    return text


def create_battle(
    client: httpx.Client,
    mode: str = "anonymous",
    *,
    arena: str | None = None,
    models: Sequence[str] | None = None,
) -> str:
    """A new battle's id. An anonymous one is created without a word about its models."""
    body: dict[str, Any] = {"mode": mode}
    if arena is not None:
        body["arena"] = arena
    if models is not None:
        body["models"] = list(models)
    created = client.post("/api/v1/battles", json=body)
    assert created.status_code == 201, created.text
    if mode == "anonymous":
        assert set(created.json()) == {"battle_id"}
    return created.json()["battle_id"]


def side_by_side(client: httpx.Client, model_a: str, model_b: str) -> str:
    """A named battle between two models; its id."""
    return create_battle(client, "side_by_side", models=[model_a, model_b])


def post_turn(
    client: httpx.Client, battle_id: str, prompt: str, images: Sequence[str] | None = None
) -> httpx.Response:
    """One turn, as sent; the response holds the whole stream."""
    body: dict[str, Any] = {"prompt": prompt}
    if images is not None:
        body["images"] = list(images)
    return client.post(f"/api/v1/battles/{battle_id}/turns", json=body)


def send_turn(
    client: httpx.Client, battle_id: str, prompt: str, images: Sequence[str] | None = None
) -> tuple[httpx.Response, list[dict[str, Any]]]:
    """One turn: the response and its events (none unless it was a 200)."""
    response = post_turn(client, battle_id, prompt, images)
    events = parse_sse(response.text) if response.status_code == 200 else []
    return response, events


def finished_turn(
    client: httpx.Client, battle_id: str, prompt: str, images: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """One turn that every side of the battle finished; its events."""
    response, events = send_turn(client, battle_id, prompt, images)
    assert response.status_code == 200, response.text
    sides = {e["side"] for e in events}
    done = {e["side"] for e in events if e.get("done")}
    assert done and done == sides, events
    return events


def battle_with_turns(client: httpx.Client, *prompts: str, **create: Any) -> str:
    """A battle made by ``create_battle(**create)`` (``models`` alone means side by side)
    with one finished turn per prompt (one, "hello", if none is given)."""
    if "models" in create:
        create.setdefault("mode", "side_by_side")
    battle_id = create_battle(client, **create)
    for prompt in prompts or ("hello",):
        finished_turn(client, battle_id, prompt)
    return battle_id


def vote(
    client: httpx.Client, battle_id: str, winner: str = "model_a", altcha: str | None = None
) -> httpx.Response:
    """The vote as sent (with a proof-of-work solution when given)."""
    body: dict[str, Any] = {"winner": winner}
    if altcha is not None:
        body["altcha"] = altcha
    return client.post(f"/api/v1/battles/{battle_id}/vote", json=body)


def cast_vote(client: httpx.Client, battle_id: str, winner: str = "model_a") -> dict[str, Any]:
    """A vote that was taken; the reveal."""
    response = vote(client, battle_id, winner)
    assert response.status_code == 200, response.text
    return response.json()


def voted_battle(
    client: httpx.Client, *prompts: str, winner: str = "model_a", arena: str | None = None
) -> str:
    """Create -> finished turn(s) -> vote: an anonymous battle with its vote; its id."""
    battle_id = battle_with_turns(client, *prompts, arena=arena)
    cast_vote(client, battle_id, winner)
    return battle_id


def upload_photo(client: httpx.Client) -> str:
    """A camera photo (JPEG, with EXIF) uploaded; its image id."""
    data = photo_with_exif((1600, 1200), (30, 160, 90), "JPEG", "camera-firmware")
    response = client.post("/api/v1/images", files={"file": ("p.jpg", data, "image/jpeg")})
    assert response.status_code == 201, response.text
    return response.json()["image_id"]


def counted_anonymous_vote(client: httpx.Client, tries: int = 80) -> dict[str, Any]:
    """An anonymous battle voted so that the board counts it: the loopback echo models say
    their own name ("Reply from echo-a"), an identity leak that keeps a vote off the board,
    so battles are drawn until neither side is an echo model. Solves the server's proof of
    work when it asks for one. The reveal."""
    from tests.support.pow import solve

    for _ in range(tries):
        battle_id = create_battle(client)
        text = "".join(replies(finished_turn(client, battle_id, "Say something")).values())
        if "Reply from" in text:
            continue
        body: dict[str, Any] = {"winner": "model_a"}
        challenge = client.get(f"/api/v1/battles/{battle_id}/challenge")
        if challenge.status_code == 200 and challenge.json():
            body["altcha"] = solve(challenge.json())
        reveal = client.post(f"/api/v1/battles/{battle_id}/vote", json=body)
        assert reveal.status_code == 200, reveal.text
        assert reveal.json()["counted"] is True, reveal.json()
        return reveal.json()
    raise AssertionError(f"no anonymous battle without an echo model in {tries} tries")
