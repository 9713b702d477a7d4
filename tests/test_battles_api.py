"""The whole battle flow over real HTTP against the running app, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import func, select

from arena.store.tables import BattleRow, MessageRow, VoteRow
from tests.app_fixtures import first_contact_cookies
from tests.support.api import parse_sse, replies, send_turn, side_by_side
from tests.support.rosters import ORG_PAIR as PAIR
from tests.support.store import stored_rows


def _stored_replies(db_url: str, battle_id: str) -> list:
    stmt = select(MessageRow).where(
        MessageRow.battle_id == battle_id, MessageRow.role == "assistant"
    )
    return stored_rows(db_url, stmt.order_by(MessageRow.id))


def test_anonymous_battle_end_to_end(start_app, db_url) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        created = client.post("/api/v1/battles", json={"mode": "anonymous"})
        assert created.status_code == 201
        assert set(created.json()) == {"battle_id"}
        battle_id = created.json()["battle_id"]
        # The draw is stored with the battle, for fairness audits and inverse-propensity
        # weighting: with two models the pair {alpha, beta} is certain.
        (drawn,) = stored_rows(
            db_url,
            select(BattleRow.sampling_policy, BattleRow.pair_probability).where(
                BattleRow.id == battle_id
            ),
        )
        assert drawn.sampling_policy == "weighted/v2"
        assert drawn.pair_probability == pytest.approx(1.0)

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
            battle_id = side_by_side(client, "good-model", broken)
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
        battle_id = side_by_side(client, "good-model", "stuck-model")
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


def test_two_hundred_concurrent_votes_are_all_stored_once(start_app, db_url) -> None:
    app = start_app(PAIR)

    cookies = first_contact_cookies(app.base_url)  # one voter, many connections

    async def scenario() -> tuple[list[int], list[int]]:
        async with app.async_client(cookies=cookies) as client:
            gate = asyncio.Semaphore(20)

            async def battle() -> str:
                async with gate:
                    battle_id = (await client.post("/api/v1/battles", json={})).json()["battle_id"]
                    response = await client.post(
                        f"/api/v1/battles/{battle_id}/turns", json={"prompt": "go"}
                    )
                assert len([e for e in parse_sse(response.text) if e.get("done")]) == 2
                return battle_id

            ids = await asyncio.gather(*(battle() for _ in range(200)))

        async def vote_from_own_client(battle_id: str, winner: str) -> int:
            # One connection per vote (one voter's cookie): 200 votes really in flight at once.
            async with app.async_client(cookies=cookies) as voter:
                url = f"/api/v1/battles/{battle_id}/vote"
                return (await voter.post(url, json={"winner": winner})).status_code

        votes = await asyncio.gather(*(vote_from_own_client(b, "model_a") for b in ids))
        # The same battle voted ten times at once: exactly one counts.
        duplicate = await asyncio.gather(
            *(vote_from_own_client(ids[0], "model_b") for _ in range(10))
        )
        return votes, duplicate

    statuses, duplicates = asyncio.run(scenario())
    assert statuses == [200] * 200
    assert duplicates == [409] * 10
    ((rows, battles, winners),) = stored_rows(
        db_url,
        select(
            func.count(), func.count(VoteRow.battle_id.distinct()), func.count(VoteRow.winner)
        ).where(VoteRow.winner == "model_a"),
    )
    assert (rows, battles, winners) == (200, 200, 200)
    (everything,) = stored_rows(db_url, select(func.count()).select_from(VoteRow))
    assert everything == (200,)


def test_client_leaving_mid_turn_frees_the_battle(start_app, db_url) -> None:
    """A closed stream stops both models and keeps nothing of that turn: the voter can
    ask again at once instead of waiting for the slow side to finish."""
    app = start_app(
        [
            {"name": "quick-model", "model": "echo-a"},
            {"name": "slow-model", "model": "slow"},  # 20 chunks, 0.2 s apart
        ]
    )
    with app.client() as client:
        battle_id = side_by_side(client, "quick-model", "slow-model")
        url = f"/api/v1/battles/{battle_id}/turns"
        with client.stream("POST", url, json={"prompt": "abandoned"}) as response:
            assert response.status_code == 200
            next(line for line in response.iter_lines() if line.startswith("data: "))
        left = time.monotonic()
        while True:  # the app notices the closed connection within moments
            asked = time.monotonic()
            again, events = send_turn(client, battle_id, "second try")
            if again.status_code != 409 or asked - left > 3:
                break
            time.sleep(0.05)
        assert again.status_code == 200, again.text
        assert asked - left < 2  # the abandoned turn would have held it for about 4 s
        assert {e["side"] for e in events if e.get("done")} == {"a", "b"}
    stored = stored_rows(
        db_url, select(MessageRow.turn, MessageRow.content).where(MessageRow.battle_id == battle_id)
    )
    assert {turn for turn, _ in stored} == {1}
    assert not any("abandoned" in content for _, content in stored)


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


def test_openapi_documents_the_design_contract(start_app) -> None:
    app = start_app(PAIR)
    with app.client() as client:
        spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/battles", "post"),
        ("/api/v1/battles/{battle_id}/turns", "post"),
        ("/api/v1/battles/{battle_id}/vote", "post"),
        ("/api/v1/battles/{battle_id}", "get"),
        ("/api/v1/leaderboard", "get"),
        ("/api/v1/models", "get"),
    ]:
        assert method in paths[path], (method, path)
    assert (
        "text/event-stream"
        in paths["/api/v1/battles/{battle_id}/turns"]["post"]["responses"]["200"]["content"]
    )
    winner = spec["components"]["schemas"]["VoteCreate"]["properties"]["winner"]
    assert set(winner["enum"]) >= {"model_a", "model_b", "tie", "both_bad", "tie (bothbad)"}
    # Every documented error has the shape the app really sends: {"error": "..."}.
    for path, operations in paths.items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code.startswith("4"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)


def test_a_turn_the_store_cannot_save_ends_with_an_error_event(start_app, monkeypatch) -> None:
    """The client learns the turn was lost (no silent cut-off, no store error text), and
    the battle is not left locked."""
    app = start_app(PAIR)

    def broken_save(*args, **kwargs):
        raise RuntimeError("disk I/O error at /var/secret/arena.db")

    with app.client() as client:
        battle_id = client.post("/api/v1/battles", json={}).json()["battle_id"]
        with monkeypatch.context() as patch:
            patch.setattr("arena.store.repository.save_turn", broken_save)
            response, events = send_turn(client, battle_id, "hello")
        assert response.status_code == 200
        assert "error" in events[-1] and "saved" in events[-1]["error"]
        assert "disk" not in response.text and "secret" not in response.text
        again, events = send_turn(client, battle_id, "hello again")
        assert again.status_code == 200
        assert {e["side"] for e in events if e.get("done")} == {"a", "b"}
        view = client.get(f"/api/v1/battles/{battle_id}").json()
        assert view["sides"]["a"]["messages"][0]["content"] == "hello again"
