"""Driving a provider directly, as the battle service does, against the loopback upstream."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

from arena.providers import ChatMessage, Delta, GenerationParams, Provider
from arena.registry import ModelSpec
from tests.fake_upstream import FakeUpstream

T = TypeVar("T")
HELLO = [ChatMessage("user", "hello there")]


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def spec(upstream: FakeUpstream, model: str, provider: str = "openai", **fields: Any) -> ModelSpec:
    """A registry entry for one of the upstream's loopback models."""
    base = {"name": f"{provider}-{model}", "provider": provider, "base_url": upstream.base_url}
    return ModelSpec.model_validate({**base, "model": model, **fields})


async def collect(
    provider: Provider,
    messages: Sequence[ChatMessage] = HELLO,
    params: GenerationParams | None = None,
) -> list[Delta]:
    """Every delta of one reply; the provider is closed after it."""
    try:
        return [d async for d in provider.stream(messages, params or GenerationParams())]
    finally:
        await provider.aclose()


def text_of(deltas: list[Delta]) -> str:
    return "".join(d.text for d in deltas)
