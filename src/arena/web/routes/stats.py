"""Fairness report: who gets battles, and whose provider gets the conversations."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BeforeValidator

from arena.store import repository as repo
from arena.vocabulary import Arena
from arena.web.deps import BattlesDep, ClockDep
from arena.web.schemas import error_responses

router = APIRouter(prefix="/api/v1/stats", tags=["stats"])

CLOSED_LICENSES = {"proprietary", "unknown", ""}


def _shares(rows: list[tuple[str, int, int]]) -> list[dict[str, Any]]:
    battles = sum(r[1] for r in rows) or 1
    turns = sum(r[2] for r in rows) or 1
    return [
        {
            "key": key,
            "battles": b,
            "battle_share": round(b / battles, 6),
            "turns": t,
            "data_share": round(t / turns, 6),
        }
        for key, b, t in sorted(rows, key=lambda r: -r[1])
    ]


def _group(rows: list[tuple[str, str, str, int, int]], key: Any) -> list[tuple[str, int, int]]:
    grouped: dict[str, list[int]] = {}
    for row in rows:
        entry = grouped.setdefault(key(row), [0, 0])
        entry[0] += row[3]
        entry[1] += row[4]
    return [(k, v[0], v[1]) for k, v in grouped.items()]


MIN_WINDOW_DAYS = 1.0
COUNTING_RULE = (
    "anonymous battles whose vote is in, counted at the time of the vote, in whole hours: "
    "votes cast from 'since' up to (not including) 'until', the last full hour. An open "
    "battle is never counted, and the report changes only on the hour, so reading it "
    "before and after starting a battle tells nothing about that battle's models. "
    f"Windows shorter than {MIN_WINDOW_DAYS:g} day are refused."
)


def _days(value: object) -> object:
    """Refuse what float() would quietly trim (e.g. "\r9"): the schema says a number."""
    if isinstance(value, str) and value != value.strip():
        raise ValueError("days must be a plain number")
    return value


Days = Annotated[
    float,
    BeforeValidator(_days),
    Query(
        ge=MIN_WINDOW_DAYS,
        le=3650,
        description=f"Window length in days, at least {MIN_WINDOW_DAYS:g}.",
    ),
]


@router.get("/sampling", responses=error_responses(422))
async def sampling(
    battles: BattlesDep,
    clock: ClockDep,
    days: Days = 30.0,
    arena: Arena = Arena.text,
) -> dict[str, Any]:
    """Shares of anonymous battles and of conversation data per model, organization and
    license type, in one arena. Preview models appear under their codename only. What is
    counted: see ``counts`` in the response."""
    until = clock.now().replace(minute=0, second=0, microsecond=0)
    since = until - timedelta(days=days)
    models = await battles.models()

    def load() -> list[tuple[str, str, str, int, int]]:
        with battles.engine.connect() as conn:
            return repo.battle_shares(conn, since, until, arena.value)

    rows = await asyncio.to_thread(load)
    shown = []
    for name, org, lic, count, turns in rows:
        stored = models.get(name)
        if stored is not None and stored.visibility == "preview":
            name, org, lic = stored.codename or "preview", "(preview)", "(preview)"
        shown.append((name, org, lic, count, turns))
    return {
        "arena": arena.value,
        "window_days": days,
        "since": since.isoformat(timespec="seconds"),
        "until": until.isoformat(timespec="seconds"),
        "counts": COUNTING_RULE,
        "policy": battles.policy.name,
        "by_model": _shares(_group(shown, lambda r: r[0])),
        "by_organization": _shares(_group(shown, lambda r: r[1])),
        "by_license": _shares(
            _group(shown, lambda r: "proprietary" if r[2].lower() in CLOSED_LICENSES else "open")
        ),
    }
