"""Server-sent events with keep-alive comments.

A model can be silent for a long time (a cold start, a long think, a hung upstream);
most proxies cut a response after about 60 s without a byte. While no event is ready,
the stream sends an SSE comment line (``: keep-alive``) every ``heartbeat_s`` seconds;
clients ignore comments by the SSE rules, so nothing else changes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, Protocol

__all__ = ["HEARTBEAT", "sse_stream"]

HEARTBEAT = b": keep-alive\n\n"
_closing: set[asyncio.Future[Any]] = set()  # keeps closing tasks alive until they end


class _Event(Protocol):
    def as_json(self) -> dict[str, Any]: ...


async def sse_stream(events: AsyncIterator[_Event], heartbeat_s: float) -> AsyncIterator[bytes]:
    """``data:`` lines for ``events``, with a heartbeat after each ``heartbeat_s`` of quiet.

    The next event is awaited in its own task, so a heartbeat never cancels it. If the
    client leaves, that task is cancelled, which runs the turn's own clean-up (freeing
    its lease) where it stands.
    """
    iterator = aiter(events)
    pending: asyncio.Future[Any] | None = None
    finished = False
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(iterator))
            done, _ = await asyncio.wait(
                {pending}, timeout=heartbeat_s if heartbeat_s > 0 else None
            )
            if not done:
                yield HEARTBEAT
                continue
            try:
                event = pending.result()
            except StopAsyncIteration:
                finished = True
                return
            finally:
                pending = None
            yield b"data: " + json.dumps(event.as_json(), ensure_ascii=False).encode() + b"\n\n"
    finally:
        if pending is not None and not pending.done():
            pending.cancel()  # the generator's clean-up runs in that task
        elif not finished and hasattr(iterator, "aclose"):
            # Suspended between events: close it in a task of its own, outside this
            # (possibly cancelled) one, so its clean-up can still await.
            closing = asyncio.ensure_future(iterator.aclose())
            _closing.add(closing)
            closing.add_done_callback(_closing.discard)
