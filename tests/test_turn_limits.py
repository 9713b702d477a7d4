"""Token limits a user can see: replies cut at max_tokens say so, conversations that no
longer fit are refused before any model runs, and a failed later turn keeps the vote.
Over real HTTP against the running app, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest

from arena.battles.context import ConversationTooLong, ensure_fits, finish_fields
from arena.battles.roster import Contestant
from arena.providers import ChatMessage, build_provider
from arena.registry import ModelSpec, load_registry
from tests.fake_upstream import FAIL_WORD
from tests.support.api import create_battle, parse_sse, send_turn, side_by_side


def test_done_event_says_a_reply_was_cut_at_the_token_limit(start_app) -> None:
    app = start_app(
        [
            {"name": "short-model", "model": "echo-a", "max_tokens": 3},
            {"name": "long-model", "model": "echo-b"},
        ]
    )
    with app.client() as client:
        battle_id = side_by_side(client, "short-model", "long-model")
        response, events = send_turn(client, battle_id, "tell me a long story")
        assert response.status_code == 200
        done = {e["side"]: e for e in events if e.get("done")}
        assert done["a"] == {"side": "a", "done": True, "finish_reason": "length", "max_tokens": 3}
        assert done["b"] == {"side": "b", "done": True, "finish_reason": "stop"}


def test_anthropic_cut_is_spelled_like_every_other_provider(start_app) -> None:
    app = start_app(
        [
            {
                "name": "claude-ish",
                "provider": "anthropic",
                "model": "echo-a",
                "max_tokens": 2,
                "api_key_env": "PATH",
            },
            {"name": "other", "model": "echo-b"},
        ]
    )
    with app.client() as client:
        battle_id = create_battle(client)
        _, events = send_turn(client, battle_id, "hello")
        finishes = sorted(e.get("finish_reason", "") for e in events if e.get("done"))
        assert finishes == ["length", "stop"]  # never "max_tokens" or "end_turn"


class _Counting:
    def __init__(self, used: int | Exception, limit: int = 1000) -> None:
        self.used, self.context_tokens = used, limit

    async def count_tokens(self, messages: object) -> int:
        if isinstance(self.used, Exception):
            raise self.used
        return self.used


def _sides(*providers: object) -> dict[str, Contestant]:
    spec = ModelSpec(name="x", provider="openai", base_url="http://127.0.0.1:9/v1")
    return {side: Contestant(spec, p) for side, p in zip("ab", providers, strict=False)}  # type: ignore[arg-type]


def test_the_fit_check_refuses_only_when_a_side_has_no_room_to_reply() -> None:
    talk = {"a": [ChatMessage("user", "hi")], "b": [ChatMessage("user", "hi")]}
    asyncio.run(ensure_fits(_sides(_Counting(900), _Counting(10)), talk))
    with pytest.raises(ConversationTooLong):
        asyncio.run(ensure_fits(_sides(_Counting(10), _Counting(990)), talk))
    # A side that cannot even count (weights that will not load) is left to fail in the turn.
    asyncio.run(ensure_fits(_sides(_Counting(RuntimeError("no weights")), _Counting(10)), talk))


def test_finish_fields_use_the_tokens_actually_given() -> None:
    assert finish_fields("length", 200, 768) == {"finish_reason": "length", "max_tokens": 200}
    assert finish_fields("max_tokens", None, 512) == {"finish_reason": "length", "max_tokens": 512}
    assert finish_fields("end_turn", 10, 512) == {"finish_reason": "stop"}
    assert finish_fields(None, 10, 512) == {}


def test_a_conversation_that_no_longer_fits_is_refused_before_any_model_runs(
    start_app, fake_upstream
) -> None:
    app = start_app(
        [
            {"name": "tiny-context", "model": "echo-a", "context_tokens": 300},
            {"name": "big-context", "model": "echo-b", "context_tokens": 100000},
        ]
    )
    with app.client() as client:
        # The page learns the real limit before sending: the smallest model's, for the arena.
        (text,) = client.get("/api/v1/arenas").json()["arenas"]
        assert text["prompt_chars"] == 192  # (300 - 64 reply - 256 template tokens) floored, x 3
        # A first turn that does not fit says so, and offers no vote: there are no answers.
        battle_id = create_battle(client)
        refused, _ = send_turn(client, battle_id, "word " * 400)
        assert refused.status_code == 413
        assert "vote" not in refused.json()["error"]
        assert "about 192 characters" in refused.json()["error"]
        first, events = send_turn(client, battle_id, "a short question")
        assert first.status_code == 200 and len([e for e in events if e.get("done")]) == 2
        refused, _ = send_turn(client, battle_id, "word " * 400)
        assert refused.status_code == 413
        message = refused.json()["error"]
        assert "too long" in message and "vote on the answers so far" in message
        for leak in ("tiny", "big", "context", "300", "100000"):
            assert leak not in message.replace("too long for the models", "")
        # No model was asked.
        assert not any("word word" in str(r.get("messages")) for r in fake_upstream.requests)
        # The completed turn can still be voted on.
        vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "tie"})
        assert vote.status_code == 200, vote.text


def test_a_failed_later_turn_keeps_the_completed_turns_votable(start_app) -> None:
    app = start_app(
        [{"name": "first-model", "model": "echo-a"}, {"name": "second-model", "model": "echo-b"}]
    )
    with app.client() as client:
        battle_id = create_battle(client)
        for prompt in ("one", "two"):
            response, _ = send_turn(client, battle_id, prompt)
            assert response.status_code == 200
        response, events = send_turn(client, battle_id, f"three {FAIL_WORD}")
        assert response.status_code == 200
        errors = [e for e in events if "error" in e]
        assert {e["side"] for e in errors} == {"a", "b"}
        assert "vote on the earlier answers" in errors[0]["error"]
        view = client.get(f"/api/v1/battles/{battle_id}").json()
        assert view["status"] == "open" and view["turns"] == 2
        assert len(view["sides"]["a"]["messages"]) == 4  # the failed turn is not kept
        # Another turn still works, and then the vote.
        again, events = send_turn(client, battle_id, "four")
        assert again.status_code == 200 and len([e for e in events if e.get("done")]) == 2
        vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
        assert vote.status_code == 200, vote.text


def test_a_failed_first_turn_still_ends_the_battle(start_app) -> None:
    app = start_app(
        [{"name": "first-model", "model": "echo-a"}, {"name": "second-model", "model": "echo-b"}]
    )
    with app.client() as client:
        battle_id = create_battle(client)
        response, _ = send_turn(client, battle_id, f"one {FAIL_WORD}")
        assert response.status_code == 200
        assert len([e for e in parse_sse(response.text) if "error" in e]) == 2
        vote = client.post(f"/api/v1/battles/{battle_id}/vote", json={"winner": "model_a"})
        assert vote.status_code == 409


def test_remote_estimate_only_when_a_context_size_is_configured() -> None:
    base = {"name": "r", "provider": "openai", "base_url": "http://127.0.0.1:9/v1"}
    unknown = build_provider(ModelSpec.model_validate(base))
    known = build_provider(ModelSpec.model_validate({**base, "context_tokens": 1000}))
    messages = [ChatMessage("user", "x" * 300)]
    assert asyncio.run(unknown.count_tokens(messages)) is None  # type: ignore[attr-defined]
    assert asyncio.run(known.count_tokens(messages)) >= 100  # type: ignore[attr-defined]


@pytest.mark.local_model
def test_local_models_count_with_their_own_tokenizer_and_hold_n_ctx() -> None:
    for spec in load_registry().models:
        provider = build_provider(spec)
        assert provider.context_tokens == spec.n_ctx  # type: ignore[attr-defined]
        assert provider.max_tokens == spec.max_tokens  # type: ignore[attr-defined]
        assert (spec.max_tokens or 0) >= 512
        short = asyncio.run(provider.count_tokens([ChatMessage("user", "Hi")]))  # type: ignore[attr-defined]
        long = asyncio.run(provider.count_tokens([ChatMessage("user", "Hi " * 500)]))  # type: ignore[attr-defined]
        assert 0 < short < long and long - short >= 400
