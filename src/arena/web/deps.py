"""Typed dependencies, so a route's signature reads as its documentation.

All of them are ``async def``: they only read the app's state (``arena.web.state``), and
FastAPI runs a plain ``def`` dependency on a worker thread, a hop that cost each request
milliseconds.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import Depends, Request

from arena.battles.ownership import client_key
from arena.battles.service import BattleService
from arena.clock import Clock
from arena.integrity.moderation import Moderator
from arena.integrity.pow import VoteWork
from arena.settings import Settings
from arena.store.requester import Requester
from arena.web.client_address import client_address, parse_proxies
from arena.web.client_cookie import client_token
from arena.web.leaderboard_cache import ArenaBoards
from arena.web.state import app_state


def _part(name: str) -> Any:
    """A dependency that reads one part of the app's state (``AppState.<name>``)."""

    async def dependency(request: Request) -> Any:
        return getattr(app_state(request), name)

    dependency.__name__ = f"_{name}"
    return dependency


async def _client_hash(request: Request) -> str:
    """A salted hash of the client address: enough to rate-limit, never the address itself.

    ``X-Forwarded-For`` counts only from a trusted proxy (see ``client_address``).
    """
    state = app_state(request)
    peer = request.client.host if request.client else ""
    address = client_address(
        peer,
        request.headers.getlist("x-forwarded-for"),
        parse_proxies(state.settings.trusted_proxies),
    )
    return hashlib.sha256(f"{state.client_salt}:{address}".encode()).hexdigest()[:32]


async def _requester(request: Request) -> Requester:
    """Who asks, for the ownership check: the keyed hash of the client cookie, and the
    signed-in user once accounts set ``request.state.user_id``."""
    token = client_token(request.scope)
    secret = app_state(request).secret
    return Requester(
        client_key=client_key(secret, token) if token else None,
        user_id=getattr(request.state, "user_id", None),
    )


BattlesDep = Annotated[BattleService, Depends(_part("battles"))]
LeaderboardDep = Annotated[ArenaBoards, Depends(_part("leaderboard"))]
SettingsDep = Annotated[Settings, Depends(_part("settings"))]
ClientHash = Annotated[str, Depends(_client_hash)]
ModeratorDep = Annotated[Moderator, Depends(_part("moderator"))]
RequesterDep = Annotated[Requester, Depends(_requester)]
ClockDep = Annotated[Clock, Depends(_part("clock"))]
VoteWorkDep = Annotated[VoteWork, Depends(_part("vote_work"))]
