"""The writer: group commit, and which commits wait for the disk, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Connection

from arena.store.engine import create_store_engine
from arena.store.writer import Writer


def _commit_waits_for_disk(conn: Connection) -> bool:
    """What the current transaction's commit will do, as the database itself reports it."""
    if conn.dialect.name == "sqlite":
        return conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    return conn.exec_driver_sql("SHOW synchronous_commit").scalar() == "on"


def test_leases_skip_the_disk_flush_and_durable_writes_never_do(db_url: str) -> None:
    engine = create_store_engine(db_url)
    writer = Writer(engine)
    try:
        assert writer.write_sync(_commit_waits_for_disk) is True
        assert writer.write_sync(_commit_waits_for_disk, durable=False) is False
        assert writer.write_sync(_commit_waits_for_disk) is True  # switched back
        # Connections go back to the pool durable, for code that writes without the writer.
        with engine.connect() as conn:
            assert _commit_waits_for_disk(conn)

        # A lease that shares a batch with a durable write is committed durably.
        release = threading.Event()

        def hold(conn: Connection) -> None:
            release.wait(10)

        with ThreadPoolExecutor(3) as pool:
            first = pool.submit(writer.write_sync, hold, durable=False)
            time.sleep(0.1)  # the writer is now inside ``hold``; the next two queue up
            lease = pool.submit(writer.write_sync, _commit_waits_for_disk, durable=False)
            vote = pool.submit(writer.write_sync, _commit_waits_for_disk)
            deadline = time.monotonic() + 5
            while writer._queue.qsize() < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            release.set()
            first.result(10)
            assert (lease.result(10), vote.result(10)) == (True, True)
    finally:
        writer.close()
        engine.dispose()
