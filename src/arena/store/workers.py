"""Live workers and the turn leases they hold, so a restart frees only dead workers' leases.

A turn claims its battle with a lease (``turn_lock_until``) that names the worker holding
it (``turn_lock_owner``). Every worker has a row here and beats every few seconds. A
lease is recovered (freed before it runs out) only when its holder is surely gone:

- its row is missing (it shut down, or never existed: leases from before owners were
  recorded), or
- it runs on this host (same host name and process namespace) and its process id is not
  running: a worker killed with -9 and restarted is seen as dead at once, or
- it has missed ``MISSED_BEATS`` heartbeats: how a dead worker on another host shows.

A live worker on another host keeps beating, and a live one on this host has a running
process, so neither loses a lease. A reused process id only delays recovery (the row
then waits to go stale); it never frees a live lease.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, delete, or_, select, update

from arena.store.tables import BattleRow, WorkerRow, utcnow

__all__ = ["MISSED_BEATS", "beat", "host_id", "leave", "recover_leases", "register"]

MISSED_BEATS = 3


def host_id() -> str:
    """This host as seen by process ids: name plus pid namespace (containers differ)."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        namespace = 0
    return f"{socket.gethostname()}:{namespace}"[:255]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def register(conn: Connection, worker_id: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    conn.execute(
        WorkerRow.__table__.insert().values(
            id=worker_id, host=host_id(), pid=os.getpid(), started_at=now, heartbeat_at=now
        )
    )


def beat(conn: Connection, worker_id: str, now: datetime | None = None) -> None:
    now = now or utcnow()
    stmt = update(WorkerRow).where(WorkerRow.id == worker_id).values(heartbeat_at=now)
    if conn.execute(stmt).rowcount == 0:  # removed as stale after a long pause: come back
        register(conn, worker_id, now)


def leave(conn: Connection, worker_id: str) -> None:
    conn.execute(delete(WorkerRow).where(WorkerRow.id == worker_id))


def recover_leases(conn: Connection, beat_seconds: float, now: datetime | None = None) -> int:
    """Free the leases of workers that are gone; return how many battles were freed."""
    now = now or utcnow()
    stale_before = now - timedelta(seconds=beat_seconds * MISSED_BEATS)
    here = host_id()
    dead: list[str] = []
    for worker_id, host, pid, heartbeat_at in conn.execute(
        select(WorkerRow.id, WorkerRow.host, WorkerRow.pid, WorkerRow.heartbeat_at)
    ):
        if heartbeat_at.tzinfo is None:  # SQLite hands back naive UTC
            heartbeat_at = heartbeat_at.replace(tzinfo=now.tzinfo)
        if heartbeat_at < stale_before or (host == here and not _running(pid)):
            dead.append(worker_id)
    if dead:
        conn.execute(delete(WorkerRow).where(WorkerRow.id.in_(dead)))
    live = select(WorkerRow.id)
    freed = conn.execute(
        update(BattleRow)
        .where(
            and_(
                BattleRow.turn_lock_until.is_not(None),
                BattleRow.turn_lock_until >= now,
                or_(
                    BattleRow.turn_lock_owner.is_(None),
                    BattleRow.turn_lock_owner.not_in(live),
                ),
            )
        )
        .values(turn_lock_until=None, turn_lock_owner=None)
    )
    return int(freed.rowcount or 0)
