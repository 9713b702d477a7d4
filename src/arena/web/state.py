"""What a request may use of the running app: one typed object, built once at start-up.

Why: routes and middleware used to read loose attributes that the app factory set on
``app.state`` one at a time, some before start-up and some during it; a missing one
showed only as an ``AttributeError`` on some later request. Now the lifespan builds one
frozen :class:`AppState` from parts that received their configuration in their
constructors, and :func:`app_state` hands it back, typed, to whoever asks.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import HTTPConnection

from arena.errors import ServiceUnavailable

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from arena.battles.service import BattleService
    from arena.clock import Clock
    from arena.integrity.moderation import Moderator
    from arena.integrity.pow import VoteWork
    from arena.settings import Settings
    from arena.store.blobs import BlobStore
    from arena.web.leaderboard_cache import ArenaBoards
    from arena.web.ratelimit import RateLimiter

__all__ = ["AppState", "app_state", "app_state_of"]

_KEY = "arena"


@dataclass(frozen=True, slots=True)
class AppState:
    settings: Settings
    clock: Clock
    """The one clock that decides expiry, leases, holds and windows (``arena.clock``)."""
    secret: str
    """The server secret from the store: client keys, CSRF tokens, sign-in flows."""
    client_salt: str
    """Salt of client-address hashes (``ARENA_CLIENT_SALT``, else kept in the store)."""
    battles: BattleService
    leaderboard: ArenaBoards
    moderator: Moderator
    images: BlobStore
    vote_work: VoteWork
    """Proof-of-work challenges and checks for votes."""
    limiter: RateLimiter
    image_slots: asyncio.Semaphore
    """Images decoded at once by this worker (decoding is CPU-bound)."""
    fetched: dict[str, Any] = field(default_factory=dict)
    """What this worker fetched once and keeps (the OpenID provider's discovery document)."""

    def install(self, app: Any) -> None:
        """Make this the state of ``app`` (once, from its lifespan)."""
        setattr(app.state, _KEY, self)


def app_state_of(app: ASGIApp | Any) -> AppState | None:
    """The app's state, or None before its lifespan has built it."""
    state = getattr(app, "state", None)
    return getattr(state, _KEY, None) if state is not None else None


def app_state(connection: HTTPConnection) -> AppState:
    """The state of the app serving this request."""
    state = app_state_of(connection.app)
    if state is None:  # only if served without its lifespan
        raise ServiceUnavailable("the server is still starting")
    return state
