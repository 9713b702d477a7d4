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

from arena.clock import SYSTEM_CLOCK, Clock
from arena.settings import Settings
from arena.web.app import create_app
from arena.web.client_address import uvicorn_proxy_options

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


def write_registry(
    path: Path,
    upstream_url: str,
    models: list[dict[str, Any]],
    search_backends: list[dict[str, Any]] | None = None,
) -> Path:
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
    registry: dict[str, Any] = {"models": entries}
    if search_backends:
        registry["search_backends"] = search_backends
    path.write_text(yaml.safe_dump(registry))
    return path


class LiveApp:
    def __init__(self, base_url: str, settings: Settings) -> None:
        self.base_url = base_url
        self.settings = settings

    def client(self, **kwargs: Any) -> httpx.Client:
        """A client with its own cookie (one client = one voter), taken on first contact."""
        kwargs.setdefault("cookies", first_contact_cookies(self.base_url))
        return httpx.Client(base_url=self.base_url, timeout=30, **kwargs)

    def async_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """Likewise; the cookie is fetched first, so concurrent requests share it."""
        kwargs.setdefault("cookies", first_contact_cookies(self.base_url))
        return httpx.AsyncClient(base_url=self.base_url, timeout=60, **kwargs)


def first_contact_cookies(base_url: str) -> httpx.Cookies:
    """The client cookie the server sets on a first request, as an API client keeps it.

    Battles belong to the client that created them, so a client that fires many first
    requests at once must hold its cookie before (each cookieless request gets a new one).
    """
    with httpx.Client(base_url=base_url, timeout=30) as client:
        client.get("/api/v1/models").raise_for_status()
        return httpx.Cookies(client.cookies)


def run_in_thread(
    settings: Settings, clock: Clock = SYSTEM_CLOCK
) -> tuple[str, Callable[[], None]]:
    app = create_app(settings, clock)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=settings.port,
        log_level="warning",
        lifespan="on",
        server_header=False,
        date_header=False,
        **uvicorn_proxy_options(settings.trusted_proxies),  # as ``arena serve`` does
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
    """Start the app on ``db_url`` with the given registry entries; stopped after the test.

    ``clock`` (a ``ManualClock``) lets a test move the app's time instead of sleeping."""
    stops: list[Callable[[], None]] = []

    def start(
        models: list[dict[str, Any]], clock: Clock = SYSTEM_CLOCK, **settings: Any
    ) -> LiveApp:
        # Tests vote as soon as a stream ends; the reading-time flag has its own test.
        settings.setdefault("min_vote_seconds", 0)
        # Tests make many battles from one address; rate limits are on only where tested.
        settings.setdefault("rate_battles_per_minute", 0)
        settings.setdefault("rate_votes_per_hour", 0)
        # Tests rank boards of a few votes; the minimum-votes default has its own test.
        settings.setdefault("leaderboard_min_votes", 0)
        registry = write_registry(
            tmp_path / f"models-{len(stops)}.yaml",
            fake_upstream.base_url,
            models,
            settings.pop("search_backends", None),
        )
        config = Settings(db_url=db_url, models_file=str(registry), port=free_port(), **settings)
        base_url, stop = run_in_thread(config, clock)
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


# The served roster adds the other arenas: echo-a and echo-b also see images, two image
# models paint and two parrots build WebDev apps (none of them serves text, so text
# battles draw as before).
ARENA_SERVER_MODELS = [
    {**m, "arenas": ["text", "vision"]} if m["name"] in {"echo-a", "echo-b"} else m
    for m in ARENA_TEST_MODELS
] + [
    {"name": "painter-a", "model": "painter-a", "provider": "openai_images"},
    {"name": "painter-b", "model": "painter-b", "provider": "openai_images"},
    # WebDev only: they say back the prompt, so a test's prompt is the app they "build".
    {"name": "parrot-a", "model": "parrot", "arenas": ["webdev"]},
    {"name": "parrot-b", "model": "parrot", "arenas": ["webdev"]},
    # Search only: one searches by itself, one through the loopback SearXNG ("web").
    {"name": "searcher", "model": "searcher", "arenas": ["search"], "search": "native"},
    {"name": "web-echo", "model": "echo-b", "arenas": ["search"], "search_backend": "web"},
]


def searxng_backends(upstream_base_url: str) -> list[dict[str, Any]]:
    """The registry's ``search_backends``: the fake upstream's SearXNG JSON API."""
    return [{"name": "web", "kind": "searxng", "url": upstream_base_url.removesuffix("/v1")}]


@pytest.fixture(scope="session")
def arena_server(tmp_path_factory: pytest.TempPathFactory, fake_upstream: Any) -> Iterator[str]:
    """A real ``arena serve`` process on a free port, with loopback models."""
    folder = tmp_path_factory.mktemp("arena-server")
    registry = write_registry(
        folder / "models.yaml",
        fake_upstream.base_url,
        ARENA_SERVER_MODELS,
        searxng_backends(fake_upstream.base_url),
    )
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
            "ARENA_LEADERBOARD_MIN_VOTES": "0",
            "ARENA_MIN_VOTE_SECONDS": "0",
            "ARENA_RATE_BATTLES_PER_MINUTE": "0",
            "ARENA_RATE_VOTES_PER_HOUR": "0",
            "ARENA_IMAGES_DIR": str(folder / "images"),
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
