"""The public roster and the leaderboard."""

from __future__ import annotations

import csv
import io
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

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
        arenas=[
            ArenaOut(name=arena, models=count, prompt_chars=battles.prompt_chars(arena))
            for arena, count in battles.arenas().items()
        ],
        vote_delay_seconds=battles.min_vote_seconds,
    )


@router.get("/leaderboard/votes", responses=error_responses(422))
async def leaderboard_votes(
    board: LeaderboardDep,
    category: str = Query("overall", max_length=64),
    arena: Arena = Arena.text,
) -> Response:
    """The votes behind a board, as CSV (the ids a release publishes, the two models, the
    winner): anyone can refit the board, or check its ``vote_set_sha256``, from them."""
    rows = await board.board(arena).vote_rows(category)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "model_a", "model_b", "winner"])
    writer.writerows(rows)
    name = f"arena-{arena.value}-{category}-votes.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
