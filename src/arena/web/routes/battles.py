"""Battles: create, stream a turn, vote, read back."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from arena.errors import InvalidInput
from arena.web.deps import (
    BattlesDep,
    ClientHash,
    LeaderboardDep,
    ModeratorDep,
    RequesterDep,
    SettingsDep,
    VoteWorkDep,
)
from arena.web.ratelimit import ARENA_BATTLE_LIMITS, limit_votes
from arena.web.schemas import (
    BattleCreate,
    BattleCreated,
    PublicModelOut,
    Reveal,
    TurnCreate,
    VoteCreate,
    error_responses,
)
from arena.web.sse import sse_stream

router = APIRouter(prefix="/api/v1/battles", tags=["battles"])
# 400: a body that is not UTF-8 (FastAPI cannot decode it); 413: a body over the limit.
ERRORS = error_responses(400, 403, 404, 409, 413, 422, 429, 503)

# Headers that keep proxies from buffering the stream; nothing here varies by model.
STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


@router.post(
    "",
    status_code=201,
    response_model=BattleCreated,
    response_model_exclude_none=True,
    responses=ERRORS,
)
async def create_battle(
    request: Request,
    body: BattleCreate,
    battles: BattlesDep,
    client: ClientHash,
    requester: RequesterDep,
) -> BattleCreated:
    await ARENA_BATTLE_LIMITS[body.arena](request, client)
    created = await battles.create(
        body.mode,
        body.models,
        client,
        requester.user_id,
        body.arena,
        owner_key=requester.client_key,
    )
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
    requester: RequesterDep,
) -> StreamingResponse:
    if len(body.prompt) > settings.max_prompt_chars:
        raise InvalidInput(f"prompt is longer than {settings.max_prompt_chars} characters")
    await moderator.enforce(body.prompt)  # before any model runs
    events = await battles.turn(battle_id, body.prompt, requester, body.images)
    stream = sse_stream(events, settings.sse_heartbeat_seconds)
    return StreamingResponse(stream, media_type="text/event-stream", headers=STREAM_HEADERS)


@router.get("/{battle_id}/challenge", responses=ERRORS)
async def challenge(
    battle_id: str,
    work: VoteWorkDep,
    client: ClientHash,
    battles: BattlesDep,
    requester: RequesterDep,
) -> dict[str, object]:
    """A proof-of-work challenge for voting on this battle (ALTCHA v1, SHA-256), harder for
    identities that look automated. Names no model. Only the battle's owner gets one
    (anyone else: the same 404 as for an unknown battle), so its level cannot be shopped."""
    if len(battle_id) > 64:
        raise InvalidInput("no such battle id")
    await battles.check_access(battle_id, requester)
    return await work.challenge(battle_id, client)


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
    requester: RequesterDep,
    work: VoteWorkDep,
) -> Reveal:
    winner = body.parsed()
    await work.check(body.altcha, battle_id, client)
    cast = await battles.vote(battle_id, winner, client, requester.user_id, requester)
    leaderboard.invalidate()  # every arena's board: cheap, each rechecks the store once
    return Reveal(
        model_a=PublicModelOut(name=cast.model_a.name, organization=cast.model_a.organization),
        model_b=PublicModelOut(name=cast.model_b.name, organization=cast.model_b.organization),
        counted=cast.counted,
        reason=cast.reason,
    )


@router.get("/{battle_id}", responses=ERRORS)
async def get_battle(
    battle_id: str, battles: BattlesDep, requester: RequesterDep
) -> dict[str, object]:
    return await battles.view(battle_id, requester)
