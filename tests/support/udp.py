"""Loopback UDP listeners: evidence that something sent a datagram (a STUN request from a
WebRTC peer connection) where nothing should have."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class UdpListener:
    """Binds ``127.0.0.1`` on a free port and keeps every datagram that arrives."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port: int = self.sock.getsockname()[1]
        self.datagrams: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, _ = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            self.datagrams.append(data)

    def stun_requests(self) -> int:
        """Datagrams shaped as STUN messages (RFC 5389: magic cookie at bytes 4-8)."""
        return sum(1 for d in self.datagrams if len(d) >= 20 and d[4:8] == b"\x21\x12\xa4\x42")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@contextmanager
def udp_listeners(names: list[str]) -> Iterator[dict[str, UdpListener]]:
    """One listener per name, closed afterwards."""
    listeners = {name: UdpListener() for name in names}
    try:
        yield listeners
    finally:
        for listener in listeners.values():
            listener.close()
