"""This worker's presence in the store: register, beat, free dead workers' turn leases.

On start, a worker registers and at once frees the leases of workers that are gone (see
``arena.store.workers`` for when a worker counts as gone), so battles that were mid-turn
when a server was killed take turns and votes again straight after the restart, instead
of answering 409 until their lease runs out. Each beat repeats the sweep, which frees a
dead worker's leases on another host once it has missed its beats.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from arena.clock import SYSTEM_CLOCK, Clock
from arena.store import workers
from arena.store.writer import Writer

__all__ = ["WorkerPresence"]

log = logging.getLogger(__name__)


class WorkerPresence:
    def __init__(self, writer: Writer, beat_seconds: float, clock: Clock = SYSTEM_CLOCK) -> None:
        self.writer = writer
        self.beat_seconds = beat_seconds
        self.clock = clock  # heartbeats and lease expiry: the clock the leases were set by
        self.worker_id = str(uuid.uuid4())
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.writer.write(
            lambda conn: workers.register(conn, self.worker_id, self.clock.now())
        )
        await self._sweep()
        if self.beat_seconds > 0:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        try:
            await self.writer.write(lambda conn: workers.leave(conn, self.worker_id))
        except Exception:  # a stale row is swept by the next worker anyway
            log.warning("could not deregister worker %s", self.worker_id)

    async def _sweep(self) -> None:
        freed = await self.writer.write(
            lambda conn: workers.recover_leases(conn, self.beat_seconds, self.clock.now()),
            durable=False,
        )
        if freed:
            log.warning("freed %d turn lease(s) held by workers that are gone", freed)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.beat_seconds)
            try:
                await self.writer.write(
                    lambda conn: workers.beat(conn, self.worker_id, self.clock.now()),
                    durable=False,
                )
                await self._sweep()
            except Exception:
                log.exception("worker heartbeat failed")
