"""One side of one turn: what its runner is given, and what it leaves behind.

An arena's ``run_side`` hook gets a ``SideRun`` and yields side events; it writes what
the side returned into ``run.result``, which the service stores when both sides end.
The service around it keeps the rest the same for every arena: the clock (first
output, duration), exactly one ``done`` or ``failed`` per side, and errors that name
no model. ``stream_reply`` is the runner of every chat-shaped arena: a provider's
stream of text (and pictures, for image models).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from arena.battles.events import SideDelta, SideEvent, SideImage
from arena.battles.pictures import BattlePictures
from arena.battles.roster import Contestant
from arena.providers.base import ChatMessage, GenerationParams

# Battles sample with the registry's settings, which each provider already holds.
REGISTRY_PARAMS = GenerationParams()


@dataclass(slots=True)
class SideResult:
    """What one side returned in a turn, as it will be stored."""

    text: list[str] = field(default_factory=list)
    image_ids: list[str] = field(default_factory=list)
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    first_token_ms: float | None = None
    duration_ms: float | None = None
    failed: bool = False
    done_fields: dict[str, Any] = field(default_factory=dict)
    """Fields an arena adds to this side's ``done`` event (public before the vote)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """What an arena keeps with the reply beyond its text (stored, never streamed)."""

    @property
    def reply(self) -> str:
        return "".join(self.text)


@dataclass(frozen=True, slots=True)
class SideRun:
    """Everything a side's runner may use for one turn."""

    battle_id: str
    turn: int
    side: str
    contestant: Contestant
    messages: list[ChatMessage]
    result: SideResult
    pictures: BattlePictures


async def stream_reply(run: SideRun) -> AsyncIterator[SideEvent]:
    """A provider's reply as it streams: text deltas, and pictures cleaned and stored."""
    result = run.result
    # Providers guard themselves with their registry time-outs.
    async for delta in run.contestant.provider.stream(run.messages, REGISTRY_PARAMS):
        if delta.text:
            result.text.append(delta.text)
            yield SideDelta(run.side, delta.text)
        if delta.image is not None:
            image_id = await asyncio.to_thread(run.pictures.keep, delta.image)
            result.image_ids.append(image_id)
            yield SideImage(run.side, image_id)
        if delta.usage is not None:
            result.prompt_tokens = delta.usage.prompt_tokens
            result.completion_tokens = delta.usage.completion_tokens
        if delta.finish_reason is not None:
            result.finish_reason = delta.finish_reason
