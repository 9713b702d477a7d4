"""Typed dependencies, so a route's signature reads as its documentation.

All of them are ``async def``: they only read app state, and FastAPI runs a plain
``def`` dependency on a worker thread, a hop that cost each request milliseconds.
"""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Depends, Request

from arena.battles.moderation import Moderator
from arena.battles.service import BattleService
from arena.settings import Settings
from arena.web.leaderboard_cache import ArenaBoards


async def _battles(request: Request) -> BattleService:
    return request.app.state.battles


async def _leaderboard(request: Request) -> ArenaBoards:
    return request.app.state.leaderboard


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


async def _moderator(request: Request) -> Moderator:
    return request.app.state.moderator


async def _client_hash(request: Request) -> str:
    """A salted hash of the client address: enough to rate-limit, never the address itself."""
    salt = request.app.state.settings.client_salt
    forwarded = request.headers.get("x-forwarded-for", "")
    address = forwarded.split(",")[0].strip() or (request.client.host if request.client else "")
    return hashlib.sha256(f"{salt}:{address}".encode()).hexdigest()[:32]


BattlesDep = Annotated[BattleService, Depends(_battles)]
LeaderboardDep = Annotated[ArenaBoards, Depends(_leaderboard)]
SettingsDep = Annotated[Settings, Depends(_settings)]
ClientHash = Annotated[str, Depends(_client_hash)]
ModeratorDep = Annotated[Moderator, Depends(_moderator)]
