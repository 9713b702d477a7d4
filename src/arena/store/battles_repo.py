"""A battle's rows: creating it, the one-turn-at-a-time lease, its stored turns and
preview reports.

The lease condition (``idle_at``) lives here because a vote on a cached snapshot
checks the same thing (``arena.store.votes_repo``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from arena.store.audit import append_event, as_utc
from arena.store.tables import (
    BattleRow,
    MessageRow,
    ModelRow,
    PreviewOutcomeRow,
    VoteRow,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class StoredBattle:
    id: str
    mode: str
    model_a: str
    model_b: str | None
    status: str
    failure_reason: str | None
    turns: int
    turn_lock_until: datetime | None
    created_at: datetime
    winner: str | None
    arena: str = "text"
    owner_key: str | None = None
    """Keyed hash of the creating client's cookie; see ``arena.battles.ownership``."""
    user_id: str | None = None


def insert_battle(conn: Connection, **values: Any) -> None:
    conn.execute(insert(BattleRow).values(**values))
    payload = {"mode": values["mode"], "arena": values.get("arena", "text")}
    append_event(conn, "battle_created", values["id"], None, payload)


def get_battle(conn: Connection, battle_id: str) -> StoredBattle | None:
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    stmt = (
        select(
            BattleRow.__table__,
            model_a.name.label("a_name"),
            model_b.name.label("b_name"),
            VoteRow.winner,
        )
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .outerjoin(model_b, model_b.id == BattleRow.model_b_id)
        .outerjoin(VoteRow, VoteRow.battle_id == BattleRow.id)
        .where(BattleRow.id == battle_id)
    )
    row = conn.execute(stmt).first()
    if row is None:
        return None
    battle = row
    return StoredBattle(
        id=battle.id,
        mode=battle.mode,
        model_a=row.a_name,
        model_b=row.b_name,
        status=battle.status,
        failure_reason=battle.failure_reason,
        turns=battle.turns,
        turn_lock_until=as_utc(battle.turn_lock_until),
        created_at=as_utc(battle.created_at),
        winner=row.winner,
        arena=battle.arena,
        owner_key=battle.owner_key,
        user_id=battle.user_id,
    )


Owners = tuple[str | None, str | None]
"""A battle's (``owner_key``, ``user_id``) as a caller last saw them."""


def idle_at(
    battle_id: str, expected_turns: int, now: datetime | None, owners: Owners | None = None
) -> Any:
    """The battle is open, no turn holds it at ``now``, and it has exactly
    ``expected_turns`` turns; with ``owners``, its owners are still those (signing out
    everywhere or deleting the account clears them, and a worker's cached snapshot must
    not keep a browser in)."""
    clauses = [
        BattleRow.id == battle_id,
        BattleRow.status == "open",
        BattleRow.turns == expected_turns,
        or_(BattleRow.turn_lock_until.is_(None), BattleRow.turn_lock_until < (now or utcnow())),
    ]
    if owners is not None:
        clauses.append(BattleRow.owner_key.is_not_distinct_from(owners[0]))
        clauses.append(BattleRow.user_id.is_not_distinct_from(owners[1]))
    return and_(*clauses)


def lock_turn(
    conn: Connection,
    battle_id: str,
    expected_turns: int,
    until: datetime,
    owner: str | None = None,
    now: datetime | None = None,
    owners: Owners | None = None,
) -> bool:
    """Claim the battle for one turn; fails if another turn runs or the battle moved on.

    ``owner`` is the claiming worker, so a restart can free a dead worker's lease
    (``arena.store.workers``); ``now`` is the caller's clock (the system's if None);
    ``owners`` the battle's owners the caller checked (the claim fails if they changed)."""
    result = conn.execute(
        update(BattleRow)
        .where(idle_at(battle_id, expected_turns, now, owners))
        .values(turn_lock_until=until, turn_lock_owner=owner)
    )
    return result.rowcount == 1


def release_turn(conn: Connection, battle_id: str) -> None:
    conn.execute(update(BattleRow).where(BattleRow.id == battle_id).values(turn_lock_until=None))


def save_turn(
    conn: Connection,
    battle_id: str,
    turn: int,
    messages: Sequence[dict[str, Any]],
    failure_reason: str | None,
    details: dict[str, Any] | None = None,
) -> None:
    """Store a finished turn (prompt and replies per side) and unlock the battle."""
    if messages:
        # An executemany takes its columns from the first row: give every row the same
        # keys, or the replies' token counts and timings after a prompt row are dropped.
        keys = dict.fromkeys(k for m in messages for k in m)
        rows = [
            {"battle_id": battle_id, "turn": turn, **{k: m.get(k) for k in keys}} for m in messages
        ]
        conn.execute(insert(MessageRow), rows)
    values: dict[str, Any] = {"turns": turn, "turn_lock_until": None, **(details or {})}
    if failure_reason:
        values["status"] = "failed"
        values["failure_reason"] = failure_reason
    conn.execute(update(BattleRow).where(BattleRow.id == battle_id).values(**values))


def list_messages(conn: Connection, battle_id: str) -> list[dict[str, Any]]:
    stmt = (
        select(
            MessageRow.side,
            MessageRow.turn,
            MessageRow.role,
            MessageRow.content,
            MessageRow.completion_tokens,
            MessageRow.created_at,
            MessageRow.image_ids,
            MessageRow.parts,
            MessageRow.extra,
        )
        .where(MessageRow.battle_id == battle_id)
        .order_by(MessageRow.turn, MessageRow.id)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]


def reply_text(
    conn: Connection, battle_id: str, side: str, turn: int | None
) -> tuple[int, str] | None:
    """(turn, text) of one side's stored reply: the given turn, or the latest one."""
    stmt = select(MessageRow.turn, MessageRow.content).where(
        MessageRow.battle_id == battle_id, MessageRow.side == side, MessageRow.role == "assistant"
    )
    if turn is not None:
        stmt = stmt.where(MessageRow.turn == turn)
    row = conn.execute(stmt.order_by(MessageRow.turn.desc()).limit(1)).first()
    return (int(row.turn), row.content) if row is not None else None


def record_preview_outcome(conn: Connection, **values: Any) -> bool:
    """Keep the first report of a side's preview; True if this one was stored."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(PreviewOutcomeRow).values(**values).on_conflict_do_nothing()
    return conn.execute(stmt).rowcount == 1


def preview_outcomes(conn: Connection, battle_id: str) -> list[dict[str, Any]]:
    stmt = (
        select(
            PreviewOutcomeRow.side,
            PreviewOutcomeRow.turn,
            PreviewOutcomeRow.kind,
            PreviewOutcomeRow.status,
            PreviewOutcomeRow.error,
        )
        .where(PreviewOutcomeRow.battle_id == battle_id)
        .order_by(PreviewOutcomeRow.turn, PreviewOutcomeRow.side)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]
