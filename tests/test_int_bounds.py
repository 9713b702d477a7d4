"""Integers that reach the store are bounded in one place (issue 31 item 5): a turn number
past PostgreSQL's INTEGER (or SQLite's 64 bits) is a 422, never a 500, with or without a
battle behind the id; and no route takes an integer the OpenAPI schema leaves unbounded."""

from __future__ import annotations

import uuid
from typing import Any

from arena.settings import Settings
from arena.web.app import create_app
from arena.web.schemas import STORE_INT_MAX
from tests.support.rosters import ORG_PAIR as PAIR

HUGE = [2**31, 2**63, 119942792076224086016]


def test_huge_turn_numbers_are_refused_not_crashed(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        battle_id = str(uuid.uuid4())
        for number in HUGE:
            for side in ("a", "b"):
                page = client.get(f"/api/v1/battles/{battle_id}/preview/{side}?turn={number}")
                assert page.status_code in (404, 422), (number, page.text)
                assert "error" in page.json()
                outcome = client.post(
                    f"/api/v1/battles/{battle_id}/preview/{side}/outcome",
                    json={"turn": number, "status": "error"},
                )
                assert outcome.status_code in (404, 422), (number, outcome.text)
                assert "error" in outcome.json()
        page = client.get(f"/api/v1/me/battles?cursor={10**11}")
        assert page.status_code == 422 and "cursor" in page.json()["error"]


def _integers(schema: dict[str, Any], spec: dict[str, Any], where: str) -> list[tuple]:
    """(where, schema) of every integer a schema admits, following $refs and unions."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return _integers(spec["components"]["schemas"][name], spec, where)
    found: list[tuple] = []
    if schema.get("type") == "integer":
        found.append((where, schema))
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            found += _integers(part, spec, where)
    for name, part in schema.get("properties", {}).items():
        found += _integers(part, spec, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        found += _integers(schema["items"], spec, f"{where}[]")
    return found


def test_every_integer_a_route_takes_is_bounded() -> None:
    spec = create_app(Settings()).openapi()
    found: list[tuple] = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['name']}"
                found += _integers(parameter.get("schema", {}), spec, where)
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                found += _integers(media.get("schema", {}), spec, f"{method.upper()} {path} body")
    assert found, "the walk found no integers at all: it is broken"
    unbounded = [w for w, s in found if s.get("maximum", STORE_INT_MAX + 1) > STORE_INT_MAX]
    assert unbounded == []
