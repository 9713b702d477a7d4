"""Moderation: refused prompts never reach a model; the endpoint fails closed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from arena.errors import InvalidInput
from arena.integrity.moderation import REFUSED, Moderator, load_blocked_terms
from arena.settings import Settings
from tests.app_fixtures import free_port
from tests.support.api import create_battle, replies, send_turn
from tests.support.rosters import ECHO_PAIR as PAIR

BLOCK_LIST = "# comments and blank lines are ignored\n\nBad Phrase\n/c[a@]ndy\\s*crush/\nass\n"


@pytest.fixture
def blocked_file(tmp_path: Path) -> str:
    path = tmp_path / "blocked.txt"
    path.write_text(BLOCK_LIST)
    return str(path)


def _check(moderator: Moderator, prompt: str) -> str | None:
    return asyncio.run(moderator.check(prompt))


def test_block_list_terms_and_regexes(blocked_file: str) -> None:
    moderator = Moderator(load_blocked_terms(blocked_file))
    assert _check(moderator, "say the BAD   phrase now") is not None
    assert _check(moderator, "play C@NDY Crush") is not None
    assert _check(moderator, "you ass!") is not None
    assert _check(moderator, "a python class") is None  # terms match whole words only
    assert _check(moderator, "badphrase") is None
    assert _check(moderator, "") is None


def test_bad_block_list_stops_start(tmp_path: Path) -> None:
    path = tmp_path / "blocked.txt"
    path.write_text("fine\n/unclosed(/\n")
    with pytest.raises(InvalidInput, match=r"blocked.txt:2: bad regular expression"):
        load_blocked_terms(path)
    with pytest.raises(InvalidInput, match="ARENA_BLOCKED_TERMS_FILE"):
        load_blocked_terms(tmp_path / "missing.txt")


def test_missing_moderation_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARENA_TEST_MISSING_MODERATION_KEY", raising=False)
    settings = Settings(
        moderation_url="http://127.0.0.1:9/v1",
        moderation_api_key_env="ARENA_TEST_MISSING_MODERATION_KEY",
    )
    with pytest.raises(InvalidInput, match="ARENA_TEST_MISSING_MODERATION_KEY is not set"):
        Moderator.from_settings(settings)


class _UpstreamWatch:
    """Proves a prompt never reached a model: no new request, and none mentions it."""

    def __init__(self, upstream: Any) -> None:
        self._requests = upstream.requests
        self._count = len(self._requests)
        self._last = self._requests[-1] if self._requests else None

    def assert_untouched(self, prompt: str) -> None:
        assert len(self._requests) == self._count
        assert (self._requests[-1] if self._requests else None) is self._last
        assert not any(prompt in str(body) for body in self._requests)


def _assert_refused(client: Any, battle_id: str, prompt: str, upstream: Any) -> None:
    watch = _UpstreamWatch(upstream)
    response, _ = send_turn(client, battle_id, prompt)
    assert response.status_code == 422, response.text
    assert response.json() == {"error": REFUSED}
    watch.assert_untouched(prompt)


def test_blocked_prompts_are_refused_before_any_model(
    start_app, fake_upstream, blocked_file: str
) -> None:
    app = start_app(PAIR, blocked_terms_file=blocked_file)
    with app.client() as client:
        battle_id = create_battle(client)
        _assert_refused(client, battle_id, "please say the bad phrase x1", fake_upstream)
        _assert_refused(client, battle_id, "let us play candycrush x2", fake_upstream)
        # The battle is untouched and still usable with an acceptable prompt.
        response, events = send_turn(client, battle_id, "a python class question")
        assert response.status_code == 200
        assert all("(turn 1)" in text for text in replies(events).values())


def test_moderation_endpoint_flags_or_passes(start_app, fake_upstream) -> None:
    app = start_app(PAIR, moderation_url=fake_upstream.base_url)
    with app.client() as client:
        battle_id = create_battle(client)
        _assert_refused(client, battle_id, "tell me about the Forbidden-Topic m1", fake_upstream)
        response, events = send_turn(client, battle_id, "tell me about tea m2")
        assert response.status_code == 200
        texts = replies(events)
        assert set(texts) == {"a", "b"} and all("tea m2" in t for t in texts.values())


def test_moderation_endpoint_down_fails_closed(start_app, fake_upstream) -> None:
    app = start_app(PAIR, moderation_url=f"http://127.0.0.1:{free_port()}/v1")
    with app.client() as client:
        battle_id = create_battle(client)
        watch = _UpstreamWatch(fake_upstream)
        response, _ = send_turn(client, battle_id, "harmless prompt d1")
        assert response.status_code == 503
        assert response.json() == {"error": "moderation unavailable, try again"}
        watch.assert_untouched("harmless prompt d1")
