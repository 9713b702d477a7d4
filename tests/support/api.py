"""Starting battles and reading Arena's SSE turn streams in tests."""

from __future__ import annotations

import json
from typing import Any

import httpx


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


def send_turn(
    client: httpx.Client, battle_id: str, prompt: str
) -> tuple[httpx.Response, list[dict[str, Any]]]:
    response = client.post(f"/api/v1/battles/{battle_id}/turns", json={"prompt": prompt})
    events = parse_sse(response.text) if response.status_code == 200 else []
    return response, events


def side_by_side(client: httpx.Client, model_a: str, model_b: str) -> str:
    """A named battle between two models; its id."""
    created = client.post(
        "/api/v1/battles", json={"mode": "side_by_side", "models": [model_a, model_b]}
    )
    assert created.status_code == 201, created.text
    return created.json()["battle_id"]
