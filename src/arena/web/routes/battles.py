"""Battles: create, stream a turn, vote, read back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from arena.battles.service import TurnEvent
from arena.errors import InvalidInput
from arena.store.tables import utcnow
from arena.store.trust_repo import recent_activity
from arena.web.deps import BattlesDep, ClientHash, LeaderboardDep, ModeratorDep, SettingsDep
from arena.web.ratelimit import limit_battles, limit_votes
from arena.web.schemas import (
    BattleCreate,
    BattleCreated,
    PublicModelOut,
    Reveal,
    TurnCreate,
    VoteCreate,
    error_responses,
)

router = APIRouter(prefix="/api/v1/battles", tags=["battles"])
ERRORS = error_responses(403, 404, 409, 422, 429, 503)

# Headers that keep proxies from buffering the stream; nothing here varies by model.
STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


@router.post(
    "",
    status_code=201,
    response_model=BattleCreated,
    response_model_exclude_none=True,
    responses=ERRORS,
    dependencies=[Depends(limit_battles)],
)
async def create_battle(
    body: BattleCreate, battles: BattlesDep, client: ClientHash
) -> BattleCreated:
    created = await battles.create(body.mode, body.models, client, None)
    if created.models is None:
        return BattleCreated(battle_id=created.battle_id)
    return BattleCreated(
        battle_id=created.battle_id,
        models=[PublicModelOut(name=m.name, organization=m.organization) for m in created.models],
    )


@router.post(
    "/{battle_id}/turns",
    responses={200: {"content": {"text/event-stream": {}}}, **ERRORS},
    response_class=StreamingResponse,
)
async def add_turn(
    battle_id: str,
    body: TurnCreate,
    battles: BattlesDep,
    settings: SettingsDep,
    moderator: ModeratorDep,
) -> StreamingResponse:
    if len(body.prompt) > settings.max_prompt_chars:
        raise InvalidInput(f"prompt is longer than {settings.max_prompt_chars} characters")
    await moderator.enforce(body.prompt)  # before any model runs
    events = await battles.turn(battle_id, body.prompt)
    return StreamingResponse(_sse(events), media_type="text/event-stream", headers=STREAM_HEADERS)


async def _sse(events: AsyncIterator[TurnEvent]) -> AsyncIterator[bytes]:
    async for event in events:
        yield b"data: " + json.dumps(event.as_json(), ensure_ascii=False).encode() + b"\n\n"


@router.get("/{battle_id}/challenge", responses=ERRORS)
async def challenge(
    battle_id: str, battles: BattlesDep, client: ClientHash, request: Request
) -> dict[str, object]:
    """A proof-of-work challenge for voting on this battle (ALTCHA v1, SHA-256), harder for
    identities that look automated. Names no model."""
    if len(battle_id) > 64:
        raise InvalidInput("no such battle id")
    since = utcnow() - timedelta(hours=1)

    def signals() -> tuple[int, str | None]:
        with battles.engine.connect() as conn:
            return recent_activity(conn, client, since)

    votes, status = await asyncio.to_thread(signals)
    return request.app.state.pow.challenge(battle_id, votes, status)


@router.post(
    "/{battle_id}/vote",
    response_model=Reveal,
    responses=ERRORS,
    dependencies=[Depends(limit_votes)],
)
async def vote(
    battle_id: str,
    body: VoteCreate,
    battles: BattlesDep,
    leaderboard: LeaderboardDep,
    client: ClientHash,
    request: Request,
) -> Reveal:
    winner = body.parsed()
    request.app.state.pow.check(body.altcha, battle_id)
    model_a, model_b = await battles.vote(battle_id, winner, client, None)
    leaderboard.invalidate()
    return Reveal(
        model_a=PublicModelOut(name=model_a.name, organization=model_a.organization),
        model_b=PublicModelOut(name=model_b.name, organization=model_b.organization),
    )


@router.get("/{battle_id}", responses=ERRORS)
async def get_battle(battle_id: str, battles: BattlesDep) -> dict[str, object]:
    return await battles.view(battle_id)
