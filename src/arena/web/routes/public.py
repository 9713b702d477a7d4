"""The public roster and the leaderboard."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from arena.vocabulary import Arena
from arena.web.deps import BattlesDep, LeaderboardDep
from arena.web.schemas import (
    ArenaOut,
    ArenasOut,
    LeaderboardOut,
    ModelOut,
    ModelsOut,
    error_responses,
)

router = APIRouter(prefix="/api/v1", tags=["public"])


@router.get("/models", response_model=ModelsOut)
async def list_models(battles: BattlesDep) -> ModelsOut:
    await battles.models()
    models = [
        ModelOut(
            name=contestant.name,
            organization=stored.organization if stored else contestant.spec.organization,
            license=stored.license if stored else contestant.spec.license,
            deprecated=battles.status(contestant.name) == "deprecated",
            arenas=list(contestant.spec.arenas or [Arena.text]),
        )
        for contestant, stored in battles.public_roster()
    ]
    # Registry order says which model to offer first (the built-in roster puts its
    # steadiest model there); the list itself stays sorted by name.
    ready = [m for m in models if not m.deprecated]
    if ready:
        ready[0].default = True
    return ModelsOut(models=sorted(models, key=lambda m: m.name))


@router.get("/leaderboard", response_model=LeaderboardOut, responses=error_responses(422))
async def leaderboard(
    board: LeaderboardDep,
    category: str = Query("overall", max_length=64),
    style_control: bool = Query(False),
    language: str | None = Query(None, min_length=2, max_length=8, pattern="^[A-Za-z-]+$"),
    arena: Arena = Arena.text,
    reweighted: bool = Query(
        False,
        description="Weigh votes by the inverse of their pair's frequency (LMArena's default "
        "since July 2025; off here: the plain fit is the efficient one when Bradley–Terry "
        "holds, and boards stay comparable with earlier releases).",
    ),
    order: Literal["rank", "lower"] = Query("rank", description="rank, or the lower bound"),
    emoji: bool = Query(
        False, description="Style control with the emoji count as one more covariate."
    ),
) -> LeaderboardOut:
    data = await board.get(
        arena,
        category=category,
        style_control=style_control,
        language=language,
        reweighted=reweighted,
        order=order,
        emoji=emoji,
    )
    return LeaderboardOut.model_validate(data)


@router.get("/arenas", response_model=ArenasOut)
async def list_arenas(battles: BattlesDep) -> ArenasOut:
    """Arenas with at least two battle-ready models: the ones a voter can use now."""
    await battles.models()
    return ArenasOut(
        arenas=[ArenaOut(name=arena, models=count) for arena, count in battles.arenas().items()]
    )
