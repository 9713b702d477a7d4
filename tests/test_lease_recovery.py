"""Turn leases after a crash: a restarted server frees the leases of dead workers only.

A worker killed mid-turn leaves its battle leased for the turn's whole time-out (five
minutes and more), and every turn or vote meanwhile gets 409. On start, and on each
heartbeat, a worker frees leases whose holder is gone; a live holder keeps its lease.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select, update

from arena.store.engine import create_store_engine
from arena.store.tables import BattleRow, WorkerRow, utcnow
from tests.app_fixtures import first_contact_cookies, free_port, write_registry
from tests.support.api import send_turn, side_by_side

MODELS = [
    {"name": "alpha-model", "model": "echo-a"},
    {"name": "silent-model", "model": "hang", "timeout_first_token": 300},
]
ECHO_PAIR = [
    {"name": "alpha-model", "model": "echo-a"},
    {"name": "beta-model", "model": "echo-b"},
]


def _serve(db_url: str, registry: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    arena = Path(sys.executable).parent / "arena"
    process = subprocess.Popen(
        [
            str(arena),
            "serve",
            "--models",
            str(registry),
            "--db",
            db_url,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ARENA_RATE_BATTLES_PER_MINUTE": "0", "ARENA_MIN_VOTE_SECONDS": "0"},
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base_url}/api/v1/models", timeout=1).status_code == 200:
                return process, base_url
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("arena serve did not start")
        time.sleep(0.1)


def _lease(db_url: str, battle_id: str) -> tuple[object, str | None]:
    engine = create_store_engine(db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(BattleRow.turn_lock_until, BattleRow.turn_lock_owner).where(
                    BattleRow.id == battle_id
                )
            ).one()
            return row[0], row[1]
    finally:
        engine.dispose()


def _turn_status(client: httpx.Client, battle_id: str) -> int:
    """Start a turn and leave at once (the silent side would take minutes)."""
    with client.stream(
        "POST", f"/api/v1/battles/{battle_id}/turns", json={"prompt": "again"}
    ) as response:
        return response.status_code


def test_a_killed_servers_leases_are_freed_on_restart(
    start_app, db_url, tmp_path: Path, fake_upstream
) -> None:
    registry = write_registry(tmp_path / "serve.yaml", fake_upstream.base_url, MODELS)
    process, base_url = _serve(db_url, registry)
    cookies = first_contact_cookies(base_url)
    try:
        with httpx.Client(base_url=base_url, cookies=cookies, timeout=30) as client:
            battle_id = side_by_side(client, "alpha-model", "silent-model")

            def hang() -> None:
                """Hold the turn open, reading, until the server dies under it."""
                url = f"/api/v1/battles/{battle_id}/turns"
                with (
                    contextlib.suppress(httpx.HTTPError),
                    httpx.Client(base_url=base_url, cookies=cookies, timeout=60) as mine,
                    mine.stream("POST", url, json={"prompt": "hello"}) as response,
                ):
                    for _ in response.iter_bytes():
                        pass

            threading.Thread(target=hang, daemon=True).start()
            deadline = time.monotonic() + 30
            while _lease(db_url, battle_id)[0] is None:
                assert time.monotonic() < deadline, "the turn never took its lease"
                time.sleep(0.05)
            assert _lease(db_url, battle_id)[1] is not None  # the lease names its worker
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    restarted = start_app(MODELS)
    with restarted.client(cookies=cookies) as client:
        assert _turn_status(client, battle_id) == 200  # not 409 for minutes


def test_a_live_workers_lease_is_kept(start_app, db_url) -> None:
    first = start_app(ECHO_PAIR)
    with first.client() as client:
        battle_id = side_by_side(client, "alpha-model", "beta-model")
        assert send_turn(client, battle_id, "hello")[0].status_code == 200
        cookies = client.cookies
    engine = create_store_engine(db_url)
    try:
        with engine.begin() as conn:  # a worker on another host, beating, mid-turn
            now = utcnow()
            conn.execute(
                WorkerRow.__table__.insert().values(
                    id="elsewhere", host="other-host:1", pid=1, started_at=now, heartbeat_at=now
                )
            )
            conn.execute(
                update(BattleRow)
                .where(BattleRow.id == battle_id)
                .values(turn_lock_until=now + timedelta(minutes=5), turn_lock_owner="elsewhere")
            )
        second = start_app(ECHO_PAIR)
        with second.client(cookies=cookies) as client:
            response, _ = send_turn(client, battle_id, "mine?")
            assert response.status_code == 409  # its holder is alive: the lease stands
        with engine.begin() as conn:  # the other host goes quiet: three beats missed
            conn.execute(
                update(WorkerRow)
                .where(WorkerRow.id == "elsewhere")
                .values(heartbeat_at=utcnow() - timedelta(minutes=5))
            )
        third = start_app(ECHO_PAIR)
        with third.client(cookies=cookies) as client:
            response, events = send_turn(client, battle_id, "now?")
            assert response.status_code == 200
            assert len([e for e in events if e.get("done")]) == 2
    finally:
        engine.dispose()
