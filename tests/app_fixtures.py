"""Fixtures that run the real app over real HTTP, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import yaml
from sqlalchemy import create_engine, text

from arena.settings import Settings
from arena.web.app import create_app

POSTGRES_URL = os.environ.get(
    "ARENA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_reachable() -> bool:
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store: a SQLite file, or a private schema on the real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'arena.db'}"
        return
    if not _postgres_reachable():
        if os.environ.get("ARENA_REQUIRE_POSTGRES"):
            pytest.fail(f"PostgreSQL is required in CI but {POSTGRES_URL} is unreachable")
        pytest.skip("PostgreSQL not reachable")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def write_registry(path: Path, upstream_url: str, models: list[dict[str, Any]]) -> Path:
    entries = []
    for model in models:
        entry = {
            "provider": "openai",
            "base_url": upstream_url,
            "organization": "Test Org",
            "license": "MIT",
            **model,
        }
        entries.append(entry)
    path.write_text(yaml.safe_dump({"models": entries}))
    return path


class LiveApp:
    def __init__(self, base_url: str, settings: Settings) -> None:
        self.base_url = base_url
        self.settings = settings

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30, **kwargs)

    def async_client(self, **kwargs: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=60, **kwargs)


def run_in_thread(settings: Settings) -> tuple[str, Callable[[], None]]:
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=settings.port,
        log_level="warning",
        lifespan="on",
        server_header=False,
        date_header=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=30)

    return f"http://127.0.0.1:{settings.port}", stop


@pytest.fixture
def start_app(db_url: str, tmp_path: Path, fake_upstream: Any) -> Iterator[Callable[..., LiveApp]]:
    """Start the app on ``db_url`` with the given registry entries; stopped after the test."""
    stops: list[Callable[[], None]] = []

    def start(models: list[dict[str, Any]], **settings: Any) -> LiveApp:
        # Tests vote as soon as a stream ends; the reading-time flag has its own test.
        settings.setdefault("min_vote_seconds", 0)
        # Tests make many battles from one address; rate limits are on only where tested.
        settings.setdefault("rate_battles_per_minute", 0)
        settings.setdefault("rate_votes_per_hour", 0)
        registry = write_registry(
            tmp_path / f"models-{len(stops)}.yaml", fake_upstream.base_url, models
        )
        config = Settings(db_url=db_url, models_file=str(registry), port=free_port(), **settings)
        base_url, stop = run_in_thread(config)
        stops.append(stop)
        return LiveApp(base_url, config)

    yield start
    for stop in reversed(stops):
        stop()


ARENA_TEST_MODELS = [
    {"name": "echo-a", "model": "echo-a"},
    {"name": "echo-b", "model": "echo-b"},
    {"name": "markdown", "model": "markdown"},
    {"name": "xss", "model": "xss"},
]


@pytest.fixture(scope="session")
def arena_server(tmp_path_factory: pytest.TempPathFactory, fake_upstream: Any) -> Iterator[str]:
    """A real ``arena serve`` process on a free port, with loopback models."""
    folder = tmp_path_factory.mktemp("arena-server")
    registry = write_registry(folder / "models.yaml", fake_upstream.base_url, ARENA_TEST_MODELS)
    port = free_port()
    arena = Path(sys.executable).parent / "arena"
    process = subprocess.Popen(
        [
            str(arena),
            "serve",
            "--models",
            str(registry),
            "--db",
            f"sqlite:///{folder / 'arena.db'}",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={
            **os.environ,
            "ARENA_LEADERBOARD_REFRESH_SECONDS": "0",
            "ARENA_MIN_VOTE_SECONDS": "0",
            "ARENA_RATE_BATTLES_PER_MINUTE": "0",
            "ARENA_RATE_VOTES_PER_HOUR": "0",
            # Every vote the browser tests cast proves work: the UI's solver is always on.
            "ARENA_POW_REQUIRED": "1",
        },
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base_url}/api/v1/models", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read().decode() if process.stdout else ""
            process.kill()
            raise RuntimeError(f"arena serve did not start:\n{output}")
        time.sleep(0.1)
    try:
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
