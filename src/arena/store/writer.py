"""One writer per process, with group commit.

Every write is a small function that receives a connection inside an open
transaction. A single thread drains the queue, runs everything waiting in one
transaction and commits once, then wakes each caller. A caller is answered only
after its commit, so an acknowledged vote is durable, and many concurrent votes
share one fsync. If a batch fails, its items are retried one by one so that one
bad write (say a duplicate vote) cannot sink its neighbours. A batch of leases
only (turn claims) commits without waiting for the disk.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from arena.store.engine import write_transaction

log = logging.getLogger(__name__)

T = TypeVar("T")
WriteFn = Callable[[Connection], T]

MAX_BATCH = 256


@dataclass(slots=True)
class _Job:
    fn: WriteFn[Any]
    future: Future[Any]
    durable: bool = True


class Writer:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="arena-writer", daemon=True)
        self._thread.start()

    async def write(self, fn: WriteFn[T], *, durable: bool = True) -> T:
        """Run ``fn`` in a transaction; return its result once committed.

        ``durable=False`` is for leases that a crash may forget: its commit does
        not wait for the disk, unless it shares a batch with a durable write.
        """
        future: Future[T] = Future()
        self._queue.put(_Job(fn, future, durable))
        return await asyncio.wrap_future(future)

    def write_sync(self, fn: WriteFn[T], *, durable: bool = True) -> T:
        future: Future[T] = Future()
        self._queue.put(_Job(fn, future, durable))
        return future.result()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            batch = [job]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[_Job]) -> None:
        if len(batch) > 1:
            try:
                durable = any(job.durable for job in batch)
                results = self._transaction([job.fn for job in batch], durable)
            except Exception:
                log.debug("batch of %d failed; retrying one by one", len(batch), exc_info=True)
            else:
                for job, result in zip(batch, results, strict=True):
                    job.future.set_result(result)
                return
        for job in batch:
            try:
                (result,) = self._transaction([job.fn], job.durable)
            except BaseException as exc:  # handed to the caller, who decides
                job.future.set_exception(exc)
            else:
                job.future.set_result(result)

    def _transaction(self, fns: list[WriteFn[Any]], durable: bool) -> list[Any]:
        with self._engine.connect() as conn:
            conn.info["write"] = True
            try:
                with write_transaction(conn, durable):
                    return [fn(conn) for fn in fns]
            finally:
                conn.info.pop("write", None)
