"""Admin calls: model status changes and the audit log. Every call needs an admin token."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from arena.battles.lifecycle import set_model_status
from arena.integrity.anomaly_scan import scan_voters
from arena.integrity.rigging_scan import scan_rigging
from arena.integrity.trust import TrustPolicy, hold_policy
from arena.registry import Visibility
from arena.store import repository as repo
from arena.store.audit import as_utc
from arena.store.tables import EventRow, FlaggedClientRow
from arena.web.auth import AdminActor
from arena.web.deps import BattlesDep, ClockDep, LeaderboardDep, SettingsDep
from arena.web.schemas import error_responses

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
ERRORS = error_responses(400, 401, 403, 404, 409, 413, 422)


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Visibility
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/models/{name}/status", responses=ERRORS)
async def change_status(
    name: str,
    body: StatusChange,
    actor: AdminActor,
    battles: BattlesDep,
    leaderboard: LeaderboardDep,
) -> dict[str, Any]:
    model = await battles.writer.write(
        lambda conn: set_model_status(conn, name, body.status, actor, body.reason)
    )
    await battles.refresh_models()
    leaderboard.invalidate(full=True)
    return {
        "name": model.name,
        "status": model.visibility,
        "provisional": model.provisional,
        "released_at": model.released_at.isoformat() if model.released_at else None,
    }


@router.get("/events", responses=ERRORS)
async def events(
    actor: AdminActor,
    battles: BattlesDep,
    kind: str | None = Query(None, max_length=64),
    limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    def load() -> list[dict[str, Any]]:
        stmt = select(EventRow).order_by(EventRow.id.desc()).limit(limit)
        if kind:
            stmt = stmt.where(EventRow.kind == kind)
        with battles.engine.connect() as conn:
            return [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "subject": e.subject,
                    "actor": e.actor,
                    "payload": e.payload,
                    "created_at": e.created_at.isoformat(),
                }
                for e in conn.execute(stmt)
            ]

    return {"events": await asyncio.to_thread(load)}


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["clear", "flag"]
    reason: str = Field(min_length=1, max_length=2000)


def _client_out(row: FlaggedClientRow) -> dict[str, Any]:
    return {
        "client_hash": row.client_hash,
        "status": row.status,
        "score": row.score,
        "reason": row.reason,
        "flagged_at": as_utc(row.flagged_at).isoformat(),  # type: ignore[union-attr]
        "reviewed_at": as_utc(row.reviewed_at).isoformat() if row.reviewed_at else None,
        "reviewed_by": row.reviewed_by,
        "review_reason": row.review_reason,
    }


@router.get("/flagged-clients", responses=ERRORS)
async def flagged_clients(
    actor: AdminActor,
    battles: BattlesDep,
    status: Literal["flagged", "cleared", "held", "trusted"] | None = Query(None),
) -> dict[str, Any]:
    """Clients flagged for review or held back as new identities (``held``): both have their
    votes off the board. ``cleared`` (a reviewer) and ``trusted`` (matured) count again."""

    def load() -> list[dict[str, Any]]:
        stmt = select(FlaggedClientRow).order_by(FlaggedClientRow.score)
        if status is not None:
            stmt = stmt.where(FlaggedClientRow.status == status)
        with battles.engine.connect() as conn:
            return [_client_out(row) for row in conn.execute(stmt)]

    return {"clients": await asyncio.to_thread(load)}


@router.post("/flagged-clients/{client_hash}/review", responses=ERRORS)
async def review_client(
    client_hash: str,
    body: Review,
    actor: AdminActor,
    battles: BattlesDep,
    leaderboard: LeaderboardDep,
) -> dict[str, Any]:
    """A reviewer's decision: ``clear`` puts the client's votes back, ``flag`` takes them off."""
    row = await battles.writer.write(
        lambda conn: repo.review_client(conn, client_hash, body.decision, actor, body.reason)
    )
    leaderboard.invalidate(full=True)
    return _client_out(row)


@router.post("/scan-voters", responses=ERRORS)
async def scan(
    actor: AdminActor,
    battles: BattlesDep,
    leaderboard: LeaderboardDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> dict[str, Any]:
    """Run the voter scans (likelihood, favouritism, coordination) and flag what they find;
    release held identities that have matured."""
    report = await asyncio.to_thread(scan_voters, battles.engine, actor=actor)
    policy = hold_policy(settings) or TrustPolicy()
    rigging = await asyncio.to_thread(
        scan_rigging, battles.engine, policy=policy, now=clock.now(), actor=actor
    )
    leaderboard.invalidate(full=True)
    return {
        "votes": report.votes,
        "clients": report.clients,
        "newly_flagged": len(report.newly_flagged) + len(rigging.newly_flagged),
        "released": len(rigging.released),
    }
