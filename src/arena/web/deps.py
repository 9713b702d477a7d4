"""Typed dependencies, so a route's signature reads as its documentation.

All of them are ``async def``: they only read the app's state (``arena.web.state``), and
FastAPI runs a plain ``def`` dependency on a worker thread, a hop that cost each request
milliseconds.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

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
from arena.web.state import AppState, app_state


async def _state(request: Request) -> AppState:
    return app_state(request)


async def _battles(request: Request) -> BattleService:
    return app_state(request).battles


async def _leaderboard(request: Request) -> ArenaBoards:
    return app_state(request).leaderboard


async def _settings(request: Request) -> Settings:
    return app_state(request).settings


async def _moderator(request: Request) -> Moderator:
    return app_state(request).moderator


async def _clock(request: Request) -> Clock:
    return app_state(request).clock


async def _vote_work(request: Request) -> VoteWork:
    return app_state(request).vote_work


async def _client_hash(request: Request) -> str:
    """A salted hash of the client address: enough to rate-limit, never the address itself.

    ``X-Forwarded-For`` counts only from a trusted proxy (see ``client_address``).
    """
    settings = app_state(request).settings
    peer = request.client.host if request.client else ""
    address = client_address(
        peer, request.headers.getlist("x-forwarded-for"), parse_proxies(settings.trusted_proxies)
    )
    return hashlib.sha256(f"{settings.client_salt}:{address}".encode()).hexdigest()[:32]


async def _requester(request: Request) -> Requester:
    """Who asks, for the ownership check: the keyed hash of the client cookie, and the
    signed-in user once accounts set ``request.state.user_id``."""
    token = client_token(request.scope)
    secret = app_state(request).secret
    return Requester(
        client_key=client_key(secret, token) if token else None,
        user_id=getattr(request.state, "user_id", None),
    )


StateDep = Annotated[AppState, Depends(_state)]
BattlesDep = Annotated[BattleService, Depends(_battles)]
LeaderboardDep = Annotated[ArenaBoards, Depends(_leaderboard)]
SettingsDep = Annotated[Settings, Depends(_settings)]
ClientHash = Annotated[str, Depends(_client_hash)]
ModeratorDep = Annotated[Moderator, Depends(_moderator)]
RequesterDep = Annotated[Requester, Depends(_requester)]
ClockDep = Annotated[Clock, Depends(_clock)]
VoteWorkDep = Annotated[VoteWork, Depends(_vote_work)]
