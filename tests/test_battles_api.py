"""The whole battle flow over real HTTP against the running app, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from arena.store.engine import create_store_engine
from arena.store.tables import MessageRow
from tests.sse import parse_sse, replies, send_turn

PAIR = [
    {"name": "alpha-model", "model": "echo-a", "organization": "Org Alpha"},
    {"name": "beta-model", "model": "echo-b", "organization": "Org Beta"},
]


def _stored_replies(db_url: str, battle_id: str) -> list:
    engine = create_store_engine(db_url)
    try:
        with engine.connect() as conn:
            stmt = select(MessageRow).where(
                MessageRow.battle_id == battle_id, MessageRow.role == "assistant"
            )
            return list(conn.execute(stmt.order_by(MessageRow.id)))
    finally:
        engine.dispose()


def test_anonymous_battle_end_to_end(start_app, db_url) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        created = client.post("/api/v1/battles", json={"mode": "anonymous"})
        assert created.status_code == 201
        assert set(created.json()) == {"battle_id"}
        battle_id = created.json()["battle_id"]

        response, events = send_turn(client, battle_id, "hello there")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert {e["side"] for e in events if e.get("done")} == {"a", "b"}
        first = replies(events)
        assert set(first) == {"a", "b"}
        assert all("hello there" in text and "(turn 1)" in text for text in first.values())

        response, events = send_turn(client, battle_id, "and again")
        second = replies(events)
        assert all("and again" in text and "(turn 2)" in text for text in second.values())
        # Each stored reply keeps its token counts and timings.
        stored = _stored_replies(db_url, battle_id)
        assert [(m.turn, m.side) for m in stored] == [(1, "a"), (1, "b"), (2, "a"), (2, "b")]
        for m in stored:
            assert m.completion_tokens and m.completion_tokens > 0
            assert m.prompt_tokens and m.prompt_tokens > 0
            assert m.first_token_ms is not None and m.duration_ms >= m.first_token_ms
            assert m.finish_reason == "stop"

        # Before the vote the battle view names nobody.
        view = client.get(f"/api/v1/battles/{battle_id}").json()
        assert "model" not in view["sides"]["a"] and "model" not in view["sides"]["b"]
        assert [m["role"] for m in view["sides"]["a"]["messages"]] == [
            "user",
            "assistant",
            "user",
            "assistant",
        ]

        vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
        assert vote.status_code == 200, vote.text
        reveal = vote.json()
        names = {reveal["model_a"]["name"], reveal["model_b"]["name"]}
        assert names == {"alpha-model", "beta-model"}
        # The reveal matches what each side actually said.
        upstream_of = {"alpha-model": "echo-a", "beta-model": "echo-b"}
        assert upstream_of[reveal["model_a"]["name"]] in first["a"]
        assert upstream_of[reveal["model_b"]["name"]] in first["b"]

        again = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_b"})
        assert again.status_code == 409
        assert "error" in again.json()
        late, _ = send_turn(client, battle_id, "one more?")
        assert late.status_code == 409

        view = client.get(f"/api/v1/battles/{battle_id}").json()
        assert view["winner"] == "model_a"
        assert view["sides"]["a"]["model"]["name"] == reveal["model_a"]["name"]

        board = client.get("/api/v1/leaderboard").json()
        assert board["total_votes"] == 1
        rows = {row["model"]: row for row in board["models"]}
        assert set(rows) == {"alpha-model", "beta-model"}
        assert rows[reveal["model_a"]["name"]]["score"] > rows[reveal["model_b"]["name"]]["score"]
        assert all(row["votes"] == 1 for row in rows.values())


def test_side_by_side_names_models_and_legacy_tie_spelling(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        created = client.post(
            "/api/v1/battles",
            json={"mode": "side_by_side", "models": ["beta-model", "alpha-model"]},
        )
        assert created.status_code == 201
        battle_id = created.json()["battle_id"]
        assert [m["name"] for m in created.json()["models"]] == ["beta-model", "alpha-model"]
        _, events = send_turn(client, battle_id, "hi")
        assert "echo-b" in replies(events)["a"]
        vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie (bothbad)"})
        assert vote.status_code == 200
        assert vote.json()["model_a"]["name"] == "beta-model"


def test_failed_side_gives_generic_error_and_blocks_the_vote(start_app) -> None:
    app = start_app(
        [
            {"name": "good-model", "model": "echo-a"},
            {"name": "broken-model", "model": "fail-500", "organization": "Secret Org"},
            {"name": "dropping-model", "model": "drop"},
        ]
    )
    with app.client() as client:
        for broken in ("broken-model", "dropping-model"):
            battle_id = client.post(
                "/api/v1/battles", json={"mode": "side_by_side", "models": ["good-model", broken]}
            ).json()["battle_id"]
            response, events = send_turn(client, battle_id, "hi")
            assert response.status_code == 200
            errors = [e for e in events if "error" in e]
            assert [e["side"] for e in errors] == ["b"]
            assert "broken" not in errors[0]["error"] and "500" not in errors[0]["error"]
            assert any(e.get("done") and e["side"] == "a" for e in events)
            vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
            assert vote.status_code == 409
            assert "failed" in vote.json()["error"]
            assert send_turn(client, battle_id, "again")[0].status_code == 409


def test_hanging_model_times_out_into_an_error_event(start_app) -> None:
    app = start_app(
        [
            {"name": "good-model", "model": "echo-a"},
            {"name": "stuck-model", "model": "hang", "timeout_first_token": 0.5},
        ]
    )
    with app.client() as client:
        battle_id = client.post(
            "/api/v1/battles",
            json={"mode": "side_by_side", "models": ["good-model", "stuck-model"]},
        ).json()["battle_id"]
        _, events = send_turn(client, battle_id, "hi")
        assert [e["side"] for e in events if "error" in e] == ["b"]


def test_bad_requests_get_json_errors(start_app) -> None:
    app = start_app(PAIR, max_prompt_chars=50)
    with app.client() as client:
        cases = [
            client.post("/api/v1/battles", json={"mode": "anonymous", "extra": 1}),
            client.post("/api/v1/battles", json={"mode": "nonsense"}),
            client.post(
                "/api/v1/battles",
                content=b"{not json",
                headers={"content-type": "application/json"},
            ),
            client.post(
                "/api/v1/battles", json={"mode": "side_by_side", "models": ["alpha-model"]}
            ),
            client.post(
                "/api/v1/battles", json={"mode": "side_by_side", "models": ["alpha-model", "nope"]}
            ),
            client.post(
                "/api/v1/battles",
                json={"mode": "anonymous", "models": ["alpha-model", "beta-model"]},
            ),
        ]
        for response in cases:
            assert response.status_code == 422, response.text
            assert isinstance(response.json()["error"], str) and response.json()["error"]
        battle_id = client.post("/api/v1/battles", json={}).json()["battle_id"]
        for body in (
            {"prompt": ""},
            {"prompt": "   "},
            {"prompt": "x" * 51},
            {"prompt": "hi", "x": 1},
            {},
        ):
            response = client.post(f"/api/v1/battles/{battle_id}/turns", json=body)
            assert response.status_code == 422, body
            assert "error" in response.json()
        vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
        assert vote.status_code == 409  # no turn yet
        bad_winner = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "a"})
        assert bad_winner.status_code == 422
        missing = client.post("/api/v1/battles/does-not-exist/vote", json={"winner": "tie"})
        assert missing.status_code == 404 and missing.json() == {"error": "no such battle"}
        assert client.get("/api/v1/nothing-here").json() == {"error": "not found"}
        assert client.get("/api/v1/leaderboard?category=unknown").status_code == 422


def test_two_hundred_concurrent_votes_are_all_stored_once(start_app) -> None:
    app = start_app(PAIR)

    async def scenario() -> tuple[list[int], list[int], int]:
        limits = {"max_connections": 50}
        async with app.async_client(limits=__import__("httpx").Limits(**limits)) as client:
            gate = asyncio.Semaphore(20)  # the votes are what must be concurrent

            async def battle() -> str:
                async with gate:
                    battle_id = (await client.post("/api/v1/battles", json={})).json()["battle_id"]
                    response = await client.post(
                        f"/api/v1/battles/{battle_id}/turns", json={"prompt": "go"}
                    )
                assert len([e for e in parse_sse(response.text) if e.get("done")]) == 2
                return battle_id

            ids = await asyncio.gather(*(battle() for _ in range(200)))
            votes = await asyncio.gather(
                *(client.post(f"/api/v1/battles/{b}/vote", json={"winner": "model_a"}) for b in ids)
            )
            # The same battle voted ten times at once: exactly one counts.
            duplicate = await asyncio.gather(
                *(
                    client.post(f"/api/v1/battles/{ids[0]}/vote", json={"winner": "model_b"})
                    for _ in range(10)
                )
            )
            board = (await client.get("/api/v1/leaderboard")).json()
            return (
                [v.status_code for v in votes],
                [d.status_code for d in duplicate],
                board["total_votes"],
            )

    statuses, duplicates, total = asyncio.run(scenario())
    assert statuses == [200] * 200
    assert duplicates == [409] * 10
    assert total == 200


@pytest.mark.parametrize("winner", ["model_a", "model_b", "tie", "both_bad"])
def test_every_winner_is_accepted(start_app, winner: str) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        battle_id = client.post("/api/v1/battles", json={}).json()["battle_id"]
        send_turn(client, battle_id, "hi")
        assert (
            client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": winner}).status_code
            == 200
        )
