"""Store side of vote trust: hold a new identity at its first vote, read identity histories.

Invariant: a held identity is a ``flagged_clients`` row with status ``held``; the
board's vote filter leaves held and flagged clients' votes out alike, and every
change of status is an audit event. ``held`` -> ``trusted`` when the identity
matures (the scan), -> ``flagged`` when a detector flags it, -> ``cleared`` or
``flagged`` when a reviewer decides. Identities that voted before holding was
switched on have no row and keep counting.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from arena.store.audit import append_event, as_utc
from arena.store.tables import BattleRow, FlaggedClientRow, ModelRow, VoteRow, utcnow

__all__ = [
    "HELD",
    "TRUSTED",
    "client_history",
    "client_status",
    "hold_if_new",
    "pending_summary",
    "pending_votes",
    "recent_activity",
    "release_client",
    "statuses",
]

HELD = "held"
TRUSTED = "trusted"


def hold_if_new(conn: Connection, client_hash: str, rule: str, now: datetime | None = None) -> bool:
    """Hold this client's votes if the vote just recorded is its first; True if held.

    Runs in the vote's own transaction, so a new identity's first vote is never on
    the board, not even until the next scan.
    """
    votes = conn.execute(
        select(func.count()).select_from(VoteRow).where(VoteRow.client_hash == client_hash)
    ).scalar_one()
    if votes != 1:
        return False
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(FlaggedClientRow)
        .values(
            client_hash=client_hash,
            score=0.0,
            reason=f"new identity: {rule}",
            flagged_at=now or utcnow(),
            status=HELD,
        )
        .on_conflict_do_nothing(index_elements=["client_hash"])
        .returning(FlaggedClientRow.client_hash)
    )
    held = conn.execute(stmt).first() is not None
    if held:
        append_event(conn, "client_held", client_hash, "trust", {"reason": f"new identity: {rule}"})
    return held


def release_client(
    conn: Connection, client_hash: str, actor: str, reason: str, payload: dict[str, Any]
) -> bool:
    """A held client matured: its votes join the board. True if it was still held."""
    done = conn.execute(
        update(FlaggedClientRow)
        .where(FlaggedClientRow.client_hash == client_hash, FlaggedClientRow.status == HELD)
        .values(status=TRUSTED, reviewed_at=utcnow(), reviewed_by=actor, review_reason=reason)
    )
    if done.rowcount != 1:
        return False
    append_event(conn, "client_released", client_hash, actor, {"reason": reason, **payload})
    return True


def client_status(conn: Connection, client_hash: str | None) -> str | None:
    """One client's status (flagged, cleared, held, trusted), or None without a row."""
    if not client_hash:
        return None
    row = conn.execute(
        select(FlaggedClientRow.status).where(FlaggedClientRow.client_hash == client_hash)
    ).first()
    return None if row is None else str(row[0])


def statuses(conn: Connection) -> dict[str, str]:
    """Every client with a row, and its status (flagged, cleared, held, trusted)."""
    rows = conn.execute(select(FlaggedClientRow.client_hash, FlaggedClientRow.status))
    return {c: s for c, s in rows}


def client_history(
    conn: Connection, modes: tuple[str, ...] = ("anonymous",)
) -> list[tuple[str, str, str, str, datetime, bool]]:
    """(client, model a, model b, winner, voted at, signed in) for valid votes with a client."""
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    stmt = (
        select(
            VoteRow.client_hash,
            model_a.name,
            model_b.name,
            VoteRow.winner,
            VoteRow.created_at,
            VoteRow.user_id.is_not(None),
        )
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .join(model_b, model_b.id == BattleRow.model_b_id)
        .where(VoteRow.valid.is_(True), VoteRow.client_hash.is_not(None), BattleRow.mode.in_(modes))
    )
    return [(c, a, b, w, as_utc(t), bool(s)) for c, a, b, w, t, s in conn.execute(stmt)]  # type: ignore[misc]


def pending_votes(conn: Connection, modes: tuple[str, ...] = ("anonymous",)) -> tuple[int, int]:
    """(votes, clients) held back from the board because their identity is still new."""
    held = select(FlaggedClientRow.client_hash).where(FlaggedClientRow.status == HELD)
    votes, clients = conn.execute(
        select(func.count(), func.count(func.distinct(VoteRow.client_hash)))
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .where(VoteRow.valid.is_(True), VoteRow.client_hash.in_(held), BattleRow.mode.in_(modes))
    ).one()
    return int(votes), int(clients)


def pending_summary(conn: Connection) -> dict[str, Any]:
    """What the board states about held-back votes (additive ``pending`` field)."""
    from arena.store.vote_holds import held_for_review

    votes, clients = pending_votes(conn)
    return {
        "votes": votes,
        "clients": clients,
        "reason": "votes of new identities, counted once the identity has a history",
        "held_for_review": held_for_review(conn),
    }


def recent_activity(conn: Connection, client_hash: str, since: datetime) -> tuple[int, str | None]:
    """(votes cast since ``since``, trust status) of one client: proof-of-work difficulty."""
    votes = conn.execute(
        select(func.count())
        .select_from(VoteRow)
        .where(VoteRow.client_hash == client_hash, VoteRow.created_at >= since)
    ).scalar_one()
    status = conn.execute(
        select(FlaggedClientRow.status).where(FlaggedClientRow.client_hash == client_hash)
    ).scalar_one_or_none()
    return int(votes), status
