"""Reads and writes of share links (revision 0015). Nothing here knows about HTTP."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from arena.store.history import DELETED
from arena.store.tables import BattleRow, BattleShareRow

__all__ = ["battle_of_share", "delete_share", "live_share", "put_share"]


def live_share(conn: Connection, battle_id: str) -> str | None:
    """The battle's live share id, or None."""
    stmt = select(BattleShareRow.share_id).where(BattleShareRow.battle_id == battle_id)
    return conn.execute(stmt).scalar_one_or_none()


def put_share(conn: Connection, battle_id: str, share_id: str) -> str:
    """The battle's live share id: the existing one, else ``share_id``, stored now."""
    existing = live_share(conn, battle_id)
    if existing is not None:
        return existing
    conn.execute(insert(BattleShareRow).values(share_id=share_id, battle_id=battle_id))
    return share_id


def delete_share(conn: Connection, battle_id: str) -> bool:
    """Revoke the battle's share; True if there was one."""
    result = conn.execute(delete(BattleShareRow).where(BattleShareRow.battle_id == battle_id))
    return bool(result.rowcount)


def battle_of_share(conn: Connection, share_id: str) -> str | None:
    """The battle a live share opens, or None (revoked, unknown, or the battle deleted).

    Deleting a battle deletes its share; the status check also closes shares that a
    delete from before that left behind."""
    stmt = (
        select(BattleShareRow.battle_id)
        .join(BattleRow, BattleRow.id == BattleShareRow.battle_id)
        .where(BattleShareRow.share_id == share_id, BattleRow.status != DELETED)
    )
    return conn.execute(stmt).scalar_one_or_none()
