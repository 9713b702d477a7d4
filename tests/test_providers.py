"""The remote providers against a real loopback HTTP server speaking SSE.

Everything goes through ``build_provider`` and the official SDKs, so these tests
exercise the same code path as production, down to the socket.
"""

from __future__ import annotations

import asyncio
import socket
import time
import typing
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any, ClassVar

import httpx
import pytest

from arena.errors import ProviderError, ProviderUnavailable, RegistryError
from arena.providers import (
    PROVIDER_KINDS,
    ChatMessage,
    Delta,
    GenerationParams,
    Timeouts,
    build_provider,
    guarded_stream,
)
from arena.registry import ModelSpec, load_registry
from tests.fake_upstream import AUTH_KEY, FakeUpstream, reply_text, split_chunks
from tests.support.providers import HELLO, collect, run, spec, text_of

# --- OpenAI-compatible -------------------------------------------------------------------


def test_openai_streams_text_then_usage_and_finish(fake_upstream: FakeUpstream) -> None:
    deltas = run(collect(build_provider(spec(fake_upstream, "echo-a"))))

    expected = reply_text("echo-a", [{"role": "user", "content": "hello there"}])
    assert text_of(deltas) == expected
    assert len([d for d in deltas if d.text]) == len(split_chunks(expected)) > 10
    last = deltas[-1]
    assert last.finish_reason == "stop"
    assert last.usage is not None and last.usage.completion_tokens == len(split_chunks(expected))
    assert all(d.finish_reason is None for d in deltas[:-1])


def test_second_turn_sends_the_whole_history(fake_upstream: FakeUpstream) -> None:
    history = [
        ChatMessage("user", "first question"),
        ChatMessage("assistant", "first answer"),
        ChatMessage("user", "second question"),
    ]
    deltas = run(collect(build_provider(spec(fake_upstream, "echo-b")), history))

    assert text_of(deltas) == "Reply from echo-b: you said «second question» (turn 2)"
    sent = fake_upstream.last_request()["messages"]
    assert sent == [{"role": m.role, "content": m.content} for m in history]


def test_registry_settings_reach_the_upstream(fake_upstream: FakeUpstream) -> None:
    entry = spec(
        fake_upstream,
        "echo-a",
        temperature=0.3,
        top_p=0.9,
        max_tokens=5,
        system_prompt="Be brief.",
        extra_params={"seed": 7},
    )
    deltas = run(collect(build_provider(entry)))

    sent = fake_upstream.last_request()
    assert (sent["temperature"], sent["top_p"], sent["max_tokens"], sent["seed"]) == (
        0.3,
        0.9,
        5,
        7,
    )
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}
    assert len([d for d in deltas if d.text]) == 5
    assert deltas[-1].finish_reason == "length"


def test_per_call_params_override_registry_defaults(fake_upstream: FakeUpstream) -> None:
    provider = build_provider(spec(fake_upstream, "echo-a", temperature=0.3, max_tokens=5))
    run(collect(provider, HELLO, GenerationParams(temperature=1.1, max_tokens=3)))

    sent = fake_upstream.last_request()
    assert (sent["temperature"], sent["max_tokens"]) == (1.1, 3)


def test_stream_without_usage_is_accepted(fake_upstream: FakeUpstream) -> None:
    provider = build_provider(spec(fake_upstream, "echo-a"))
    provider._ask_usage = False  # type: ignore[attr-defined]  # as after a server refused it
    deltas = run(collect(provider))

    assert "stream_options" not in fake_upstream.last_request()
    assert deltas[-1].finish_reason == "stop" and deltas[-1].usage is None
    assert text_of(deltas).startswith("Reply from echo-a")


def test_upstream_500_is_a_provider_error_for_logs(fake_upstream: FakeUpstream) -> None:
    with pytest.raises(ProviderError) as caught:
        run(collect(build_provider(spec(fake_upstream, "fail-500"))))

    assert not isinstance(caught.value, ProviderUnavailable)
    message = str(caught.value)
    assert "500" in message and "\n" not in message and len(message) < 500


def test_hang_hits_the_first_token_timeout(fake_upstream: FakeUpstream) -> None:
    provider = build_provider(spec(fake_upstream, "hang", timeout_first_token=0.5))
    started = time.monotonic()
    with pytest.raises(ProviderError, match="first token"):
        run(collect(provider))

    assert 0.4 < time.monotonic() - started < 2.0


def test_slow_reply_hits_the_total_timeout(fake_upstream: FakeUpstream) -> None:
    provider = build_provider(spec(fake_upstream, "slow", timeout_first_token=5, timeout_total=0.7))
    received: list[str] = []

    async def consume() -> None:
        try:
            async for delta in provider.stream(HELLO, GenerationParams()):
                received.append(delta.text)
        finally:
            await provider.aclose()

    started = time.monotonic()
    with pytest.raises(ProviderError, match="whole reply"):
        run(consume())

    assert time.monotonic() - started < 2.0
    assert 1 <= len(received) < 10


def test_connection_dropped_mid_reply_is_an_error_not_a_short_answer(
    fake_upstream: FakeUpstream,
) -> None:
    provider = build_provider(spec(fake_upstream, "drop"))
    received: list[Delta] = []

    async def consume() -> None:
        try:
            async for delta in provider.stream(HELLO, GenerationParams()):
                received.append(delta)
        finally:
            await provider.aclose()

    with pytest.raises(ProviderError):
        run(consume())

    assert text_of(received)  # some text arrived before the drop...
    assert all(d.finish_reason is None for d in received)  # ...but never a finish


def test_missing_api_key_names_the_variable(
    fake_upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARENA_TEST_UNSET_KEY", raising=False)
    for provider in ("openai", "anthropic"):
        entry = spec(fake_upstream, "echo-a", provider, api_key_env="ARENA_TEST_UNSET_KEY")
        with pytest.raises(ProviderUnavailable, match="ARENA_TEST_UNSET_KEY"):
            build_provider(entry)


def test_api_key_is_sent_as_bearer_token(
    fake_upstream: FakeUpstream, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARENA_TEST_KEY", "sk-test-123")
    deltas = run(
        collect(build_provider(spec(fake_upstream, "echo-a", api_key_env="ARENA_TEST_KEY")))
    )
    assert deltas[-1].finish_reason == "stop"
    assert fake_upstream.last_request()[AUTH_KEY] == "Bearer sk-test-123"


def test_no_key_env_sends_a_placeholder_key(fake_upstream: FakeUpstream) -> None:
    run(collect(build_provider(spec(fake_upstream, "echo-a"))))
    assert fake_upstream.last_request()[AUTH_KEY] == "Bearer unused"


def test_check_reports_reachability(fake_upstream: FakeUpstream) -> None:
    up = build_provider(spec(fake_upstream, "echo-a"))
    down = build_provider(
        ModelSpec(
            name="down", provider="openai", base_url="http://127.0.0.1:9/v1", timeout_connect=1
        )
    )

    async def both() -> tuple[str | None, str | None]:
        try:
            return await up.check(), await down.check()
        finally:
            await up.aclose()
            await down.aclose()

    ok, reason = run(both())
    assert ok is None
    assert reason is not None and "unreachable" in reason


# --- Anthropic ---------------------------------------------------------------------------


@pytest.fixture
def anthropic_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ARENA_TEST_ANTHROPIC_KEY", "sk-ant-test")
    return "ARENA_TEST_ANTHROPIC_KEY"


def test_anthropic_streams_text_usage_and_stop_reason(
    fake_upstream: FakeUpstream, anthropic_key: str
) -> None:
    entry = spec(
        fake_upstream, "echo-b", "anthropic", api_key_env=anthropic_key, system_prompt="Be kind."
    )
    history = [
        ChatMessage("user", "one"),
        ChatMessage("assistant", "ok"),
        ChatMessage("user", "two"),
    ]
    deltas = run(collect(build_provider(entry), history))

    assert text_of(deltas) == "Reply from echo-b: you said «two» (turn 2)"
    assert deltas[-1].finish_reason == "end_turn"
    assert deltas[-1].usage is not None and deltas[-1].usage.completion_tokens > 10
    sent = fake_upstream.last_request()
    assert sent["system"] == "Be kind."
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "user"]
    assert sent["max_tokens"] == 1024  # the API requires one; the default applies
    assert sent[AUTH_KEY] in ("sk-ant-test", "Bearer sk-ant-test")  # x-api-key or bearer


@pytest.mark.parametrize("model", ["fail-500", "drop", "hang"])
def test_anthropic_failures_are_provider_errors(
    fake_upstream: FakeUpstream, anthropic_key: str, model: str
) -> None:
    entry = spec(
        fake_upstream, model, "anthropic", api_key_env=anthropic_key, timeout_first_token=0.5
    )
    with pytest.raises(ProviderError):
        run(collect(build_provider(entry)))


# --- Connect time-out (both remote kinds) -----------------------------------------------


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A loopback port where a TCP connect hangs: the listener never accepts, its queue is full.

    With the accept queue full, Linux drops further SYNs instead of refusing them, so
    the client waits in ``connect()`` until its own time-out, as with a silent host.
    """
    listener = socket.socket()
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        for _ in range(8):
            probe = socket.socket()
            probe.settimeout(0.3)
            try:
                probe.connect(("127.0.0.1", port))
            except TimeoutError:
                probe.close()
                break  # the queue is full: connects now hang
            fillers.append(probe)
        else:
            pytest.fail("could not make a loopback connect hang (accept queue never filled)")
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


@pytest.mark.parametrize("kind", ["openai", "anthropic"])
def test_connect_that_never_completes_hits_the_connect_timeout(
    unanswered_port: int, anthropic_key: str, kind: str
) -> None:
    entry = ModelSpec(
        name=f"{kind}-secret-model-name",
        provider=kind,
        base_url=f"http://127.0.0.1:{unanswered_port}/v1",
        api_key_env=anthropic_key if kind == "anthropic" else None,
        timeout_connect=0.5,
        timeout_first_token=30,  # far off: only the connect time-out can end this in time
        timeout_total=60,
    )
    provider = build_provider(entry)
    started = time.monotonic()
    with pytest.raises(ProviderError) as caught:
        # Were the connect time-out ignored, this would wait ~30 s for the first token.
        run(asyncio.wait_for(collect(provider), timeout=5))

    assert 0.4 < time.monotonic() - started < 2.0
    message = str(caught.value)
    assert "Timeout" in message  # the SDK's connect time-out, described for logs...
    assert "first token" not in message and "whole reply" not in message  # ...not the guard's
    assert "secret-model-name" not in message
    assert "\n" not in message and len(message) < 500


# --- Cancellation ------------------------------------------------------------------------


def test_closing_a_stream_early_returns_promptly(fake_upstream: FakeUpstream) -> None:
    provider = build_provider(spec(fake_upstream, "slow"))

    async def first_then_close() -> str:
        stream = provider.stream(HELLO, GenerationParams())
        try:
            first = await anext(stream)
            await stream.aclose()
        finally:
            await provider.aclose()
        return first.text

    started = time.monotonic()
    assert run(first_then_close())
    assert time.monotonic() - started < 1.0  # a full "slow" reply takes ~4 s


def test_cancelling_a_waiting_task_does_not_hang(fake_upstream: FakeUpstream) -> None:
    provider = build_provider(spec(fake_upstream, "hang"))

    async def cancel_soon() -> None:
        task = asyncio.create_task(collect(provider))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    started = time.monotonic()
    run(asyncio.wait_for(cancel_soon(), timeout=5))
    assert time.monotonic() - started < 2.0


# --- The guard on any Provider -----------------------------------------------------------


class ScriptedProvider:
    """A foreign ``Provider`` that replays a script, to test the guard on its own."""

    kind: ClassVar[str] = "scripted"

    def __init__(self, script: list[Delta | Exception]) -> None:
        self.script = script

    async def stream(
        self, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> AsyncIterator[Delta]:
        for step in self.script:
            if isinstance(step, Exception):
                raise step
            yield step

    async def check(self) -> str | None:
        return None

    async def aclose(self) -> None:
        return None


def guarded(script: list[Delta | Exception]) -> list[Delta]:
    async def go() -> list[Delta]:
        stream = guarded_stream(ScriptedProvider(script), HELLO, GenerationParams(), Timeouts())
        return [d async for d in stream]

    return run(go())


def test_guard_passes_a_complete_stream_through() -> None:
    deltas = guarded([Delta("a"), Delta("b"), Delta(finish_reason="stop")])
    assert text_of(deltas) == "ab" and deltas[-1].finish_reason == "stop"


def test_guard_rejects_a_stream_that_ends_without_finishing() -> None:
    with pytest.raises(ProviderError, match="without a finish"):
        guarded([Delta("a"), Delta("b")])


def test_guard_turns_backend_exceptions_into_provider_errors() -> None:
    with pytest.raises(ProviderError, match="ConnectionResetError"):
        guarded([Delta("a"), ConnectionResetError("reset by peer")])


def test_guard_does_not_mistake_a_backend_timeout_for_its_own() -> None:
    with pytest.raises(ProviderError, match="TimeoutError: backend gave up"):
        guarded([TimeoutError("backend gave up")])


# --- The fake upstream's own contract (other suites rely on it) ----------------------------


def test_fake_upstream_answers_non_streaming_and_lists_models(fake_upstream: FakeUpstream) -> None:
    with httpx.Client(base_url=fake_upstream.base_url, timeout=5) as client:
        listed = {m["id"] for m in client.get("/models").json()["data"]}
        chat = client.post(
            "/chat/completions",
            json={"model": "xss", "messages": [{"role": "user", "content": "hi"}]},
        ).json()
        message = client.post(
            "/messages",
            json={
                "model": "leaky",
                "max_tokens": 50,
                "messages": [{"role": "user", "content": "x"}],
            },
        ).json()

    assert {"echo-a", "echo-b", "markdown", "xss", "leaky", "hang", "drop", "slow"} <= listed
    assert "<script>alert(1)</script>" in chat["choices"][0]["message"]["content"]
    assert message["content"][0]["text"] == "I am Claude, an AI assistant made by Anthropic."


# --- Registry contract -------------------------------------------------------------------


def test_registry_rejects_an_unknown_provider(tmp_path: Any) -> None:
    file = tmp_path / "models.yaml"
    file.write_text("models:\n  - name: x\n    provider: carrier-pigeon\n    path: /tmp/x\n")
    with pytest.raises(RegistryError, match="provider"):
        load_registry(file)


def test_every_provider_kind_in_the_registry_has_a_class() -> None:
    kinds = typing.get_args(ModelSpec.model_fields["provider"].annotation)
    assert set(kinds) <= set(PROVIDER_KINDS)
