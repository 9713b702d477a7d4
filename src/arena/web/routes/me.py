"""The requester's own battles and boards: history, search, delete, my board, expertise.

Every route keys on the ``Requester`` (client cookie, or the signed-in user), through
:mod:`arena.store.history`; someone else's battle is the same 404 as an unknown id.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from arena.categories.names import OCCUPATIONAL_TAGS
from arena.errors import InvalidInput, NotFound
from arena.store import history
from arena.vocabulary import Arena
from arena.web.deps import BattlesDep, ClockDep, RequesterDep
from arena.web.schemas import STORE_INT_MAX, error_responses

router = APIRouter(prefix="/api/v1", tags=["me"])
ERRORS = error_responses(400, 404, 422)
MAX_PAGE = 100
# Each personal board is a small fit; the minimum bootstrap keeps it cheap per request.
BOARD_ROUNDS = 20


class ExpertiseIn(BaseModel):
    fields: list[str] = Field(default_factory=list, max_length=len(OCCUPATIONAL_TAGS))


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _entry(row: dict[str, Any], battles: BattlesDep) -> dict[str, Any]:
    """One history item: prompts, each side's replies, and names once they may be shown."""
    revealed = row["winner"] is not None or row["mode"] != "anonymous"
    sides: dict[str, Any] = {}
    prompts: list[str] = []
    for m in row["messages"]:
        if m.role == "user":
            if m.side == "a":
                prompts.append(m.content)
            continue
        sides.setdefault(m.side, {"replies": []})["replies"].append(m.content)
    models: dict[str, str] = {}
    for side, name in (("a", row["model_a"]), ("b", row["model_b"])):
        if name is None:
            continue
        sides.setdefault(side, {"replies": []})
        if revealed:
            models[side] = battles.public_model(name).name
            sides[side]["model"] = models[side]
    return {
        "battle_id": row["battle_id"],
        "mode": row["mode"],
        "arena": row["arena"],
        "created_at": _iso(row["created_at"]),
        "status": row["status"],
        "winner": row["winner"],
        "turns": row["turns"],
        "prompts": prompts,
        "sides": sides,
        "models": models,
        # The live share link, if any: History offers Share and Revoke like the battle page.
        "share_url": f"/s/{row['share_id']}" if row.get("share_id") else None,
    }


@router.get("/me/battles", responses=ERRORS)
async def my_battles(
    battles: BattlesDep,
    requester: RequesterDep,
    q: str | None = Query(None, max_length=200),
    arena: Arena | None = None,
    limit: int = Query(20, ge=1, le=MAX_PAGE),
    cursor: str | None = Query(None, max_length=12),
) -> dict[str, Any]:
    """Newest first; ``next`` is the cursor of the following page, null at the end."""
    offset = 0
    if cursor:
        if not cursor.isdigit() or int(cursor) > STORE_INT_MAX:
            raise InvalidInput("cursor must be the 'next' value of a previous page")
        offset = int(cursor)
    rows = await asyncio.to_thread(
        battles._read,
        lambda conn: history.list_mine(
            conn,
            requester,
            q=(q or "").strip() or None,
            arena=arena.value if arena else None,
            limit=limit + 1,
            offset=offset,
        ),
    )
    more = len(rows) > limit
    return {
        "battles": [_entry(r, battles) for r in rows[:limit]],
        "next": str(offset + limit) if more else None,
    }


async def _delete(battles: BattlesDep, requester: RequesterDep, battle_id: str | None) -> int:
    ids = await battles.writer.write(lambda conn: history.delete_mine(conn, requester, battle_id))
    for deleted in ids:
        battles.recent.drop(deleted)
    return len(ids)


@router.delete("/me/battles/{battle_id}", status_code=204, responses=ERRORS)
async def delete_battle(battle_id: str, battles: BattlesDep, requester: RequesterDep) -> Response:
    if await _delete(battles, requester, battle_id) == 0:
        raise NotFound("no such battle")
    return Response(status_code=204)


@router.delete("/me/battles", status_code=204, responses=ERRORS)
async def delete_all(battles: BattlesDep, requester: RequesterDep) -> Response:
    await _delete(battles, requester, None)
    return Response(status_code=204)


def _board(votes: list[tuple[str, str, str]], battles: BattlesDep, now: datetime) -> dict[str, Any]:
    """The public board's Bradley–Terry fit over these votes, min_votes 0."""
    from arena.ratings.counts import PairCounts
    from arena.ratings.leaderboard import build_leaderboard

    named = [(battles.public_model(a).name, battles.public_model(b).name, w) for a, b, w in votes]
    if not named:
        return {"total_votes": 0, "models": [], "interval": "bootstrap"}
    counts = PairCounts.from_votes(
        [a for a, _, _ in named], [b for _, b, _ in named], [w for _, _, w in named]
    )
    board = build_leaderboard(counts, rounds=BOARD_ROUNDS, min_votes=0)
    body = board.to_json_obj(now.isoformat())
    body["interval"] = board.interval
    return body


@router.get("/me/leaderboard", responses=ERRORS)
async def my_leaderboard(
    battles: BattlesDep, requester: RequesterDep, clock: ClockDep
) -> dict[str, Any]:
    """My anonymous votes only: few votes, so the intervals are wide."""
    votes = await asyncio.to_thread(battles._read, history.my_votes, requester)
    return await asyncio.to_thread(_board, votes, battles, clock.now())


@router.get("/me/expertise", responses=ERRORS)
async def get_expertise(battles: BattlesDep, requester: RequesterDep) -> dict[str, Any]:
    owner = history.owner_of(requester)
    fields = (
        [] if owner is None else await asyncio.to_thread(battles._read, history.expertise_of, owner)
    )
    return {"fields": fields, "choices": list(OCCUPATIONAL_TAGS)}


@router.put("/me/expertise", responses=ERRORS)
async def put_expertise(
    body: ExpertiseIn, battles: BattlesDep, requester: RequesterDep
) -> dict[str, Any]:
    unknown = [f for f in body.fields if f not in OCCUPATIONAL_TAGS]
    if unknown:
        raise InvalidInput(f"unknown field {unknown[0]!r}; choose from {list(OCCUPATIONAL_TAGS)}")
    owner = history.owner_of(requester)
    if owner is None:
        raise InvalidInput("no client cookie: send the arena_client cookie back")
    fields = sorted(set(body.fields))
    await battles.writer.write(lambda conn: history.set_expertise(conn, owner, fields))
    return {"fields": fields}


@router.get("/leaderboard/expert", responses=ERRORS)
async def expert_leaderboard(
    battles: BattlesDep, clock: ClockDep, field: str = Query(..., max_length=64)
) -> dict[str, Any]:
    """Votes by people who declared ``field``, on prompts tagged with it."""
    if field not in OCCUPATIONAL_TAGS:
        raise InvalidInput(f"unknown field {field!r}; choose from {list(OCCUPATIONAL_TAGS)}")
    votes = await asyncio.to_thread(battles._read, history.expert_votes, field)
    return {"field": field} | await asyncio.to_thread(_board, votes, battles, clock.now())
