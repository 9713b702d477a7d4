"""Per-client rate limits for creating battles and casting votes.

Invariant: a client (salted IP hash, and the user id once accounts exist) gets at
most ``limit`` hits per window of ``window_s`` seconds; the next hit is refused with
the seconds until its window ends, which the web layer sends as ``Retry-After``.

Both limiters use a *fixed window* that starts at a key's first hit. It costs one
counter per key (one Redis key with a TTL), is atomic with a single ``INCR``, and is
easy to explain; the price is that a client can burst up to ``2 * limit`` across a
window boundary, which is acceptable for abuse control (not billing). Every attempt
counts, refused or invalid ones included, so hammering does not earn extra tries.
Keys are ``<action>:client:<hash>`` and, when auth sets ``request.state.user_id``,
also ``<action>:user:<id>``; a hit is refused if either is over.

- ``RedisLimiter`` shares counters between every worker and host (``ARENA_REDIS_URL``).
  Unreachable at start: the app refuses to start, because limits that silently stop
  holding are worse than a clear error. Failing mid-run: it logs and lets the request
  through (fail-open), because an outage of a cache should not take voting down; except
  sign-in, which fails closed (503), since guessing passwords must not get easier.
- ``MemoryLimiter`` counts in this process only: with N workers a client gets up to N
  times the limit. Fine for one worker and for development.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Awaitable, Callable
from typing import Protocol
from urllib.parse import urlsplit

from fastapi import Request
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from arena.battles.arenas import ARENAS
from arena.clock import SYSTEM_CLOCK, Clock
from arena.errors import RateLimited, ServiceUnavailable
from arena.settings import Settings
from arena.web.deps import ClientHash
from arena.web.state import app_state

log = logging.getLogger(__name__)

REDIS_TIMEOUT_S = 0.5
"""Short, so a sick Redis adds at most this much to a request before we fail open."""


class RateLimiter(Protocol):
    async def hit(
        self, key: str, limit: int, window_s: int, fail_closed: bool = False
    ) -> int | None:
        """Count one hit; ``None`` when allowed, else seconds until it would be.

        ``fail_closed``: if the counters cannot be reached, refuse (503) instead of
        allowing; sign-in uses it, because a limit that lifts in an outage is no limit."""
        ...

    async def peek(self, key: str, limit: int, fail_closed: bool = False) -> int | None:
        """Like ``hit`` without counting: ``None`` while ``key`` is under ``limit``."""
        ...

    async def aclose(self) -> None: ...


class MemoryLimiter:
    """Fixed-window counters in a dict; one event loop, so no lock is needed."""

    def __init__(self, clock: Callable[[], float] = SYSTEM_CLOCK.monotonic) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window end, hits)
        self._next_sweep = 0.0

    async def hit(
        self, key: str, limit: int, window_s: int, fail_closed: bool = False
    ) -> int | None:
        if limit <= 0:
            return None
        now = self._clock()
        self._sweep(now)
        end, hits = self._windows.get(key, (0.0, 0))
        if end <= now:
            end, hits = now + window_s, 0
        hits += 1
        self._windows[key] = (end, hits)
        if hits > limit:
            return max(1, math.ceil(end - now))
        return None

    async def peek(self, key: str, limit: int, fail_closed: bool = False) -> int | None:
        if limit <= 0:
            return None
        now = self._clock()
        end, hits = self._windows.get(key, (0.0, 0))
        if end <= now or hits < limit:
            return None
        return max(1, math.ceil(end - now))

    def _sweep(self, now: float) -> None:
        """Drop ended windows now and then, so one-off clients do not grow the dict forever."""
        if now < self._next_sweep:
            return
        self._windows = {k: v for k, v in self._windows.items() if v[0] > now}
        self._next_sweep = now + 60

    async def aclose(self) -> None:
        self._windows.clear()


# INCR and the first PEXPIRE run as one script, so a crash between them cannot leave a
# counter without a TTL; the PTTL < 0 branch repairs keys written by anything else.
_HIT_SCRIPT = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
if hits > tonumber(ARGV[2]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
  end
  return ttl
end
return -1
"""


class RedisLimiter:
    """Fixed-window counters in Redis, shared by every worker that uses the same URL."""

    def __init__(self, url: str, prefix: str = "arena:ratelimit:") -> None:
        self._url = url
        self._prefix = prefix
        self._redis = aioredis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
        )
        self._script = self._redis.register_script(_HIT_SCRIPT)

    @classmethod
    async def connect(cls, url: str, prefix: str = "arena:ratelimit:") -> RedisLimiter:
        """Build and ping, so a wrong URL stops start-up instead of disabling the limits."""
        limiter = cls(url, prefix)
        try:
            await limiter._redis.ping()
        except (RedisError, OSError) as exc:
            await limiter.aclose()
            raise ServiceUnavailable(
                f"Redis for rate limits is unreachable at {_redacted(url)} (ARENA_REDIS_URL): {exc}"
            ) from exc
        return limiter

    async def hit(
        self, key: str, limit: int, window_s: int, fail_closed: bool = False
    ) -> int | None:
        if limit <= 0:
            return None
        try:
            ttl_ms = await self._script(keys=[self._prefix + key], args=[window_s * 1000, limit])
        except (RedisError, OSError) as exc:
            return _outage(exc, fail_closed)
        ttl_ms = int(ttl_ms)
        if ttl_ms < 0:
            return None
        return max(1, math.ceil(ttl_ms / 1000))

    async def peek(self, key: str, limit: int, fail_closed: bool = False) -> int | None:
        if limit <= 0:
            return None
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                hits, ttl_ms = await pipe.get(self._prefix + key).pttl(self._prefix + key).execute()
        except (RedisError, OSError) as exc:
            return _outage(exc, fail_closed)
        if hits is None or int(hits) < limit or int(ttl_ms) < 0:
            return None
        return max(1, math.ceil(int(ttl_ms) / 1000))

    async def aclose(self) -> None:
        await self._redis.aclose()


def _outage(exc: Exception, fail_closed: bool) -> None:
    """Redis failed mid-run: most limits let the request through (an outage of a cache
    should not take voting down); sign-in's refuse it."""
    if fail_closed:
        log.error("rate limiter: Redis failed, refusing a sign-in: %s", exc)
        raise ServiceUnavailable(
            "sign-in is unavailable for a moment (its attempt limits cannot be checked); "
            "try again shortly"
        ) from exc
    log.warning("rate limiter: Redis failed, allowing the request: %s", exc)
    return None


def _redacted(url: str) -> str:
    """The URL without its password, fit for an error message."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


async def build_limiter(settings: Settings, clock: Clock = SYSTEM_CLOCK) -> RateLimiter:
    """Redis counters when ``ARENA_REDIS_URL`` is set (their windows run on Redis's own
    clock), else this process's, on ``clock``."""
    if settings.redis_url:
        return await RedisLimiter.connect(settings.redis_url)
    if settings.workers > 1:
        log.warning(
            "rate limits are counted per worker (%d workers); set ARENA_REDIS_URL to share them",
            settings.workers,
        )
    return MemoryLimiter(clock.monotonic)


def _client_keys(request: Request, client: str) -> list[str]:
    """Who a hit counts against: the client hash, plus the user once accounts exist."""
    keys = [f"client:{client}"]
    user_id = getattr(request.state, "user_id", None)
    if user_id:
        keys.append(f"user:{user_id}")
    return keys


def _quota(action: str, setting: str, window_s: int, what: str) -> Callable[..., Awaitable[None]]:
    async def check(request: Request, client: ClientHash) -> None:
        state = app_state(request)
        limit = int(getattr(state.settings, setting))
        if limit <= 0:
            return
        limiter = state.limiter
        waits = [
            await limiter.hit(f"{action}:{key}", limit, window_s)
            for key in _client_keys(request, client)
        ]
        wait = max((w for w in waits if w is not None), default=None)
        if wait is not None:
            raise RateLimited(f"too many {what}; try again in {wait} s", wait)

    check.__name__ = f"limit_{action}"
    return check


ARENA_BATTLE_LIMITS = {
    arena: _quota(plugin.battle_quota, "rate_battles_per_minute", 60, "new battles")
    for arena, plugin in ARENAS.items()
}
"""Dependencies for creating a battle: ``rate_battles_per_minute`` per client in each
arena (its ``battle_quota``), so a busy image arena does not use up a client's text
battles, and the other way round."""
limit_votes = _quota("votes", "rate_votes_per_hour", 3600, "votes")
"""Dependency for voting: ``rate_votes_per_hour`` per client."""
limit_uploads = _quota("uploads", "rate_uploads_per_minute", 60, "image uploads")
"""Dependency for uploading an image: ``rate_uploads_per_minute`` per client."""
