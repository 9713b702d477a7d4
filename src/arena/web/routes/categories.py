"""What the category boards mean: tag names, their held-out F1, and the overview grid."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query

from arena.categories.names import OCCUPATIONAL_TAGS, STRUCTURAL_TAGS, TASK_TAGS
from arena.vocabulary import Arena
from arena.web.deps import LeaderboardDep
from arena.web.schemas import error_responses

router = APIRouter(prefix="/api/v1", tags=["public"])

HELDOUT = Path(__file__).parents[2] / "categories" / "heldout_eval.json"
# Below these the UI labels a tag experimental, with its figure (issue 11).
MIN_F1 = 0.8
MIN_LANGUAGE_ACCURACY = 0.95


@lru_cache(maxsize=1)
def _heldout() -> dict[str, Any]:
    return json.loads(HELDOUT.read_text(encoding="utf-8"))


def _kind(tag: str) -> str:
    if tag in TASK_TAGS:
        return "task"
    if tag in OCCUPATIONAL_TAGS:
        return "occupational"
    if tag in STRUCTURAL_TAGS:
        return "structural"
    return "imported"


@router.get("/categories", responses=error_responses(422))
async def categories(boards: LeaderboardDep, arena: Arena = Arena.text) -> dict[str, Any]:
    """Every category the board knows, with the classifier's held-out F1 where it has one."""
    from arena.categories.tagger import CLASSIFIER_NAME, classifier_version

    board = boards.board(arena)
    await board.get()
    heldout = _heldout()
    tags = []
    for name in board.categories():
        if name == "overall":
            continue
        figure = heldout["tags"].get(name, {}).get("f1") if _kind(name) != "structural" else None
        tags.append(
            {
                "name": name,
                "kind": _kind(name),
                "f1": figure,
                "experimental": figure is not None and figure < MIN_F1,
            }
        )
    accuracy = heldout["language"]["accuracy"]
    return {
        "classifier": CLASSIFIER_NAME,
        "version": classifier_version(),
        "tags": tags,
        "languages": board.languages(),
        "language_accuracy": accuracy,
        "language_experimental": accuracy < MIN_LANGUAGE_ACCURACY,
        "min_votes": board.category_min_votes,
    }


@router.get("/leaderboard/overview", responses=error_responses(422))
async def overview(
    boards: LeaderboardDep, style_control: bool = Query(False), arena: Arena = Arena.text
) -> dict[str, Any]:
    """One row per model, one column per category with votes, each cell its rank there."""
    board = boards.board(arena)
    overall = await board.get("overall", style_control)
    columns = ["overall"]
    ranks: dict[str, dict[str, int | None]] = {
        row["model"]: {"overall": row["rank"]} for row in overall["models"]
    }
    for category in board.categories():
        if category == "overall":
            continue
        data = await board.get(category, style_control)
        if not data["models"]:
            continue
        columns.append(category)
        for row in data["models"]:
            if row["model"] in ranks:
                ranks[row["model"]][category] = row["rank"]
    models = [
        {
            "model": row["model"],
            "ranks": {c: ranks[row["model"]].get(c) for c in columns},
            # a deprecated model stays, marked, with the date
            "deprecated_at": row.get("deprecated_at") if row.get("deprecated") else None,
        }
        for row in overall["models"]
    ]
    return {"categories": columns, "models": models, "min_votes": board.category_min_votes}
