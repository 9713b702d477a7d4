"""The worker supervisor of ``arena serve --workers N``: a worker that exits is replaced,
and a worker that cannot start stops the server, loudly and with a non-zero exit.

uvicorn's own supervisor already restarts a worker that dies, but when a worker fails
during start-up it stops the others and returns as if asked to (exit status 0), and
older releases kept serving with the workers left. A server quietly running on fewer
workers, or quietly gone, is what issue 31 found; this says which happened.
"""

from __future__ import annotations

import logging

from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

__all__ = ["supervise"]

log = logging.getLogger("arena.serve")


class _Supervisor(Multiprocess):
    failure: str | None = None

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for index, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung, or already gone
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                # The app cannot start (bad store, Redis down, ...): every restart would
                # fail the same way, so stop instead of limping on.
                self.failure = (
                    f"worker process {process.pid} failed to start (see the log above); "
                    "the server stopped"
                )
                log.error(self.failure)
                self.should_exit.set()
                return
            log.warning(
                "worker process %s exited (code %s); starting a new one",
                process.pid,
                process.exitcode,
            )
            replacement = Process(self.config, self.sockets)
            replacement.start()
            self.processes[index] = replacement


def supervise(config: Config) -> str | None:
    """Run ``config.workers`` workers until asked to stop; why it stopped otherwise."""
    sock = config.bind_socket()
    supervisor = _Supervisor(config, sockets=[sock])
    try:
        supervisor.run()
    finally:
        sock.close()
    return supervisor.failure
