"""Store side of the model-level rigging tests: what they read, and votes held for review.

Invariant: a held vote is never edited or lost. Holding sets its flag
``held_for_review`` (the reason, naming the model and the test) and takes it off the
board (``valid`` false, as for any flagged vote); releasing removes that flag only, so
the vote counts again unless another flag keeps it off. Each hold and release is one
audit event (``votes_held`` / ``votes_released``) whose id moves the boards' version
(``holds_version``), so every worker's cached counts rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.orm import aliased

from arena.store.audit import append_event, as_utc
from arena.store.tables import BattleRow, EventRow, ModelRow, VoteRow

__all__ = [
    "HELD_FLAG",
    "battle_log",
    "held_for_review",
    "hold_votes",
    "holds_version",
    "release_held",
]

HELD_FLAG = "held_for_review"
EVENTS = ("votes_held", "votes_released")


def battle_log(
    conn: Connection, modes: tuple[str, ...] = ("anonymous",)
) -> list[tuple[str, str, str, datetime, int | None, str | None, bool]]:
    """Every battle an identity opened and read (at least one turn), voted or abandoned:
    (client, model a, model b, opened at, vote id or None, winner or None, signed in)."""
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    stmt = (
        select(
            BattleRow.client_hash,
            model_a.name,
            model_b.name,
            BattleRow.created_at,
            VoteRow.id,
            VoteRow.winner,
            BattleRow.user_id.is_not(None),
        )
        .select_from(BattleRow)
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .join(model_b, model_b.id == BattleRow.model_b_id)
        .outerjoin(VoteRow, VoteRow.battle_id == BattleRow.id)
        .where(
            BattleRow.client_hash.is_not(None),
            BattleRow.mode.in_(modes),
            BattleRow.turns > 0,
            BattleRow.external_id.is_(None),
        )
        .order_by(BattleRow.created_at)
    )
    return [(c, a, b, as_utc(t), v, w, bool(s)) for c, a, b, t, v, w, s in conn.execute(stmt)]  # type: ignore[misc]


def hold_votes(
    conn: Connection, vote_ids: Sequence[int], reason: str, actor: str, payload: dict[str, Any]
) -> int:
    """Hold these votes for review (those not already held); how many were held."""
    if not vote_ids:
        return 0
    rows = conn.execute(
        select(VoteRow.id, VoteRow.flags).where(VoteRow.id.in_(list(vote_ids)))
    ).all()
    fresh = [
        {"vid": vid, "f": {**(flags or {}), HELD_FLAG: reason}}
        for vid, flags in rows
        if HELD_FLAG not in (flags or {})
    ]
    if not fresh:
        return 0
    conn.execute(
        update(VoteRow)
        .where(VoteRow.id == bindparam("vid"))
        .values(flags=bindparam("f"), valid=False),
        fresh,
    )
    details = {"reason": reason, "votes": len(fresh), **payload}
    append_event(conn, "votes_held", payload.get("model"), actor, details)
    return len(fresh)


def release_held(conn: Connection, model: str | None, actor: str, reason: str) -> int:
    """Release the votes held for review (on battles with ``model``, or all); each counts
    again unless another flag keeps it off. How many were released."""
    stmt = select(VoteRow.id, VoteRow.flags).where(VoteRow.valid.is_(False))
    if model is not None:
        model_id = select(ModelRow.id).where(ModelRow.name == model).scalar_subquery()
        stmt = stmt.join(BattleRow, BattleRow.id == VoteRow.battle_id).where(
            (BattleRow.model_a_id == model_id) | (BattleRow.model_b_id == model_id)
        )
    changes = []
    for vid, flags in conn.execute(stmt):
        if HELD_FLAG in (flags or {}):
            rest = {k: v for k, v in flags.items() if k != HELD_FLAG}
            changes.append({"vid": vid, "f": rest, "ok": not rest})
    if changes:
        conn.execute(
            update(VoteRow)
            .where(VoteRow.id == bindparam("vid"))
            .values(flags=bindparam("f"), valid=bindparam("ok")),
            changes,
        )
        payload = {"reason": reason, "votes": len(changes)}
        append_event(conn, "votes_released", model, actor, payload)
    return len(changes)


def held_for_review(conn: Connection, modes: tuple[str, ...] = ("anonymous",)) -> int:
    """Votes held for review by the model-level tests (shown as pending on the board)."""
    stmt = (
        select(func.count())
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .where(
            VoteRow.valid.is_(False),
            VoteRow.flags[HELD_FLAG].as_string().is_not(None),
            BattleRow.mode.in_(modes),
        )
    )
    return int(conn.execute(stmt).scalar_one())


def holds_version(conn: Connection) -> int:
    """Changes whenever votes are held or released (the last such audit event's id)."""
    stmt = select(func.max(EventRow.id)).where(EventRow.kind.in_(EVENTS))
    return int(conn.execute(stmt).scalar_one() or 0)
