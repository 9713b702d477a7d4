"""API bodies a person gets wrong get a message that says how to get them right.
Over real HTTP against the running app, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from tests.support.api import parse_sse
from tests.support.rosters import ECHO_PAIR as PAIR


def test_json_without_a_content_type_is_accepted(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        created = client.post("/api/v1/battles", content=json.dumps({"mode": "anonymous"}))
        assert created.status_code == 201, created.text
        battle_id = created.json()["battle_id"]
        turn = client.post(
            f"/api/v1/battles/{battle_id}/turns", content=json.dumps({"prompt": "hi"})
        )
        assert turn.status_code == 200, turn.text
        assert len([e for e in parse_sse(turn.text) if e.get("done")]) == 2


def test_json_sent_as_text_or_form_says_to_send_json(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        battle_id = client.post("/api/v1/battles", json={"mode": "anonymous"}).json()["battle_id"]
        for content_type in ("text/plain;charset=UTF-8", "application/x-www-form-urlencoded"):
            answer = client.post(
                f"/api/v1/battles/{battle_id}/turns",
                content=json.dumps({"prompt": "hi"}),
                headers={"Content-Type": content_type},
            )
            assert answer.status_code == 422
            message = answer.json()["error"]
            assert "Content-Type: application/json" in message and '"prompt"' in message
            assert "valid dictionary" not in message


def test_an_empty_body_names_the_missing_field(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        battle_id = client.post("/api/v1/battles", json={"mode": "anonymous"}).json()["battle_id"]
        for headers in ({}, {"Content-Type": "application/json"}):
            turn = client.post(f"/api/v1/battles/{battle_id}/turns", headers=headers)
            assert turn.status_code == 422
            assert (
                turn.json()["error"]
                == 'the request body is empty: send a JSON object like {"prompt": ...}'
            )
        vote = client.post(f"/api/v1/battles/{battle_id}/vote")
        assert vote.status_code == 422 and '"winner"' in vote.json()["error"]
        listed = client.post(f"/api/v1/battles/{battle_id}/vote", json=["model_a"])
        assert listed.json()["error"].startswith("the request body must be a JSON object")


def test_the_roster_marks_the_registry_first_model_as_default(start_app) -> None:
    app = start_app([{"name": "zulu-model", "model": "echo-a"}, *PAIR])
    with app.client() as client:
        models = client.get("/api/v1/models").json()["models"]
        assert [m["name"] for m in models] == ["alpha-model", "beta-model", "zulu-model"]
        assert [m["name"] for m in models if m["default"]] == ["zulu-model"]


def test_a_body_that_is_not_utf8_gets_the_documented_422(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        for body in (
            b'{"mode": "anonym\xffous"}',
            b"\xfe\xff\x00{",
            '{"mode": "é"}'.encode("latin-1"),
        ):
            answer = client.post(
                "/api/v1/battles", content=body, headers={"Content-Type": "application/json"}
            )
            assert answer.status_code == 422, answer.text
            assert list(answer.json()) == ["error"]
            assert answer.json()["error"].startswith("request body is not valid JSON")
