"""Flagged clients: the anomaly scan's flags, a reviewer's decisions, and the version
that tells cached counts to rebuild when either changes.

Its own module because flags are integrity's writes, not a battle's or a vote's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from arena.errors import Conflict, NotFound
from arena.store.audit import append_event
from arena.store.tables import (
    BattleRow,
    FlaggedClientRow,
    ModelRow,
    VoteRow,
    utcnow,
)


def flagged_clients_version(conn: Connection) -> tuple[int, str, str]:
    """Changes whenever a client is flagged, reviewed or released, so cached counts rebuild.

    Holding a new identity does not change it: held votes never entered the counts.
    """
    count, flagged, reviewed = conn.execute(
        select(
            func.count(),
            func.max(FlaggedClientRow.flagged_at),
            func.max(FlaggedClientRow.reviewed_at),
        ).where(or_(FlaggedClientRow.status != "held", FlaggedClientRow.reviewed_at.is_not(None)))
    ).one()
    return int(count), str(flagged), str(reviewed)



def client_votes(
    conn: Connection, modes: Sequence[str] = ("anonymous",)
) -> list[tuple[str, str, str, str]]:
    """(client hash, model a, model b, winner) of every valid vote that has a client hash.

    Flagged clients' votes are included on purpose: the scan re-scores them too.
    """
    model_a = aliased(ModelRow)
    model_b = aliased(ModelRow)
    stmt = (
        select(VoteRow.client_hash, model_a.name, model_b.name, VoteRow.winner)
        .select_from(VoteRow)
        .join(BattleRow, BattleRow.id == VoteRow.battle_id)
        .join(model_a, model_a.id == BattleRow.model_a_id)
        .join(model_b, model_b.id == BattleRow.model_b_id)
        .where(
            VoteRow.valid.is_(True),
            VoteRow.client_hash.is_not(None),
            BattleRow.mode.in_(modes),
        )
    )
    return [(c, a, b, w) for c, a, b, w in conn.execute(stmt)]


def flagged_client_hashes(conn: Connection, status: str | None = None) -> set[str]:
    """Clients with a flag row; ``status`` narrows to ``flagged`` or ``cleared`` ones."""
    stmt = select(FlaggedClientRow.client_hash)
    if status is not None:
        stmt = stmt.where(FlaggedClientRow.status == status)
    return set(conn.execute(stmt).scalars())


REVIEW_DECISIONS = {"clear": "cleared", "flag": "flagged"}


def review_client(
    conn: Connection, client_hash: str, decision: str, actor: str, reason: str
) -> FlaggedClientRow:
    """Record a reviewer's decision on a flagged client, with one audit event.

    ``clear`` puts the client's votes back on the board; ``flag`` takes them off
    again. Raises NotFound for a client that was never flagged and Conflict when
    the client already has that status.
    """
    status = REVIEW_DECISIONS[decision]
    row = conn.execute(
        select(FlaggedClientRow).where(FlaggedClientRow.client_hash == client_hash)
    ).first()
    if row is None:
        raise NotFound(f"client {client_hash!r} has never been flagged")
    if row.status == status:
        raise Conflict(f"client {client_hash!r} is already {status}")
    now = utcnow()
    conn.execute(
        update(FlaggedClientRow)
        .where(FlaggedClientRow.client_hash == client_hash)
        .values(status=status, reviewed_at=now, reviewed_by=actor, review_reason=reason)
    )
    kind = "client_cleared" if status == "cleared" else "client_flagged"
    append_event(conn, kind, client_hash, actor, {"reason": reason, "review": True})
    return conn.execute(
        select(FlaggedClientRow).where(FlaggedClientRow.client_hash == client_hash)
    ).one()


def flag_client(
    conn: Connection,
    client_hash: str,
    score: float,
    reason: str,
    actor: str | None,
    payload: dict[str, Any],
) -> bool:
    """Flag a client unless it already is flagged or cleared; True (and one audit event)
    if this call flagged it. A held-back or trusted identity can still be flagged."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    insert_stmt = dialect.insert(FlaggedClientRow).values(
        client_hash=client_hash, score=score, reason=reason, flagged_at=utcnow()
    )
    stmt = insert_stmt.on_conflict_do_update(
        index_elements=["client_hash"],
        set_={"status": "flagged", "score": score, "reason": reason, "flagged_at": utcnow()},
        where=FlaggedClientRow.status.in_(("held", "trusted")),
    ).returning(FlaggedClientRow.client_hash)
    flagged = conn.execute(stmt).first() is not None
    if flagged:
        append_event(conn, "client_flagged", client_hash, actor, {"reason": reason, **payload})
    return flagged
