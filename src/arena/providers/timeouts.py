"""One guard around every provider stream: time limits and a single error type.

Invariant: a guarded stream either ends with exactly one delta carrying a
``finish_reason`` or raises ``ProviderError``. Backends fail in many dialects
(SDK errors, socket resets, a stream that silently stops half way); callers
must not have to know any of them, and a truncated answer must never pass for
a complete one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Sequence

from arena.errors import ProviderError
from arena.providers.base import ChatMessage, Delta, GenerationParams, Provider, Timeouts

log = logging.getLogger(__name__)

_MAX_DETAIL = 300


def describe(exc: BaseException) -> str:
    """A one-line, bounded description of a backend failure, for logs."""
    detail = " ".join(str(exc).split())
    if len(detail) > _MAX_DETAIL:
        detail = detail[:_MAX_DETAIL] + "…"
    status = getattr(exc, "status_code", None)
    prefix = f"{type(exc).__name__}" + (f" (HTTP {status})" if status else "")
    text = f"{prefix}: {detail}" if detail else prefix
    cause = exc.__cause__
    if cause is not None and cause is not exc and not isinstance(exc, ProviderError):
        # SDKs wrap the informative transport error ("peer closed connection ...").
        text += f" <- {describe(cause)}"
    return text


async def guard(deltas: AsyncIterator[Delta], timeouts: Timeouts) -> AsyncGenerator[Delta, None]:
    """Re-yield ``deltas`` under ``timeouts``, translating every failure to ``ProviderError``.

    Each wait runs in the caller's own task (``asyncio.timeout``, not ``wait_for``),
    so SDK streams are never resumed from a different task. Closing this generator
    closes the inner one, which is how cancellation reaches the backend.
    """
    started = time.monotonic()
    total_deadline = started + timeouts.total
    first_deadline = started + timeouts.first_token
    seen_any = False
    try:
        while True:
            deadline = total_deadline if seen_any else min(first_deadline, total_deadline)
            waiting_for_first = not seen_any and first_deadline <= total_deadline
            limit_scope = asyncio.timeout(deadline - time.monotonic())
            try:
                async with limit_scope:
                    delta = await anext(deltas)
            except StopAsyncIteration:
                raise ProviderError(
                    "stream ended without a finish reason (truncated reply)"
                ) from None
            except TimeoutError:
                if not limit_scope.expired():
                    raise  # the backend's own timeout, described below like any failure
                if waiting_for_first:
                    limit, what = timeouts.first_token, "the first token"
                else:
                    limit, what = timeouts.total, "the whole reply"
                raise ProviderError(f"timed out after {limit:g}s waiting for {what}") from None
            seen_any = True
            yield delta
            if delta.finish_reason is not None:
                return
    except ProviderError:
        raise
    except Exception as exc:
        raise ProviderError(describe(exc)) from exc
    finally:
        await _close(deltas)


async def _close(deltas: AsyncIterator[Delta]) -> None:
    aclose = getattr(deltas, "aclose", None)
    if aclose is None:
        return
    try:
        await aclose()
    except Exception as exc:  # closing a broken stream must not mask the real error
        log.debug("error while closing provider stream: %s", describe(exc))


def guarded_stream(
    provider: Provider,
    messages: Sequence[ChatMessage],
    params: GenerationParams,
    timeouts: Timeouts,
) -> AsyncGenerator[Delta, None]:
    """Stream from any ``Provider`` with ``timeouts`` applied and errors unified.

    Providers made by ``build_provider`` already guard themselves with their
    registry timeouts; use this for other ``Provider`` implementations or to
    impose tighter limits for one call.
    """
    return guard(provider.stream(messages, params), timeouts)
