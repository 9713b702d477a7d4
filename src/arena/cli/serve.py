"""``arena serve``."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from typing import Annotated, Any

import httpx
import typer
import uvicorn

from arena.cli.options import DbOption, ModelsOption
from arena.errors import InvalidInput
from arena.registry import Registry, load_registry
from arena.settings import Settings
from arena.store import migrate
from arena.store.engine import create_store_engine, default_db_url


def serve(
    models: ModelsOption = None,
    db: DbOption = None,
    host: Annotated[str, typer.Option(envvar="ARENA_HOST", help="Interface to listen on.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(envvar="ARENA_PORT", help="TCP port.", min=0, max=65535)] = (
        8000
    ),
    workers: Annotated[
        int, typer.Option(envvar="ARENA_WORKERS", help="Worker processes.", min=1, max=64)
    ] = 1,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
    keep_alive: Annotated[
        int,
        typer.Option(
            envvar="ARENA_KEEP_ALIVE",
            min=1,
            help="Seconds an idle connection stays open. Keep it above the idle timeout of "
            "the load balancer or client in front, or requests race a closing connection.",
        ),
    ] = 75,
    worker_healthcheck_seconds: Annotated[
        int,
        typer.Option(
            envvar="ARENA_WORKER_HEALTHCHECK_SECONDS",
            min=1,
            help="With --workers above 1: seconds a worker may take to answer uvicorn's "
            "health check before it is killed and restarted (uvicorn's own default is 5).",
        ),
    ] = 30,
) -> None:
    """Start the arena: the web UI and the JSON API.

    Example: arena serve --models models.yaml --db sqlite:///arena.db --port 8000
    """
    logging.basicConfig(level=log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    settings = Settings.from_env(
        models_file=models,
        db_url=db or default_db_url(),
        host=host,
        port=port,
        workers=workers,
        worker_healthcheck_seconds=worker_healthcheck_seconds,
    )
    registry = load_registry(settings.models_file)  # a bad registry stops here, with its message
    from arena.web.client_address import uvicorn_proxy_options  # not at `arena --help`

    proxy_options = uvicorn_proxy_options(settings.trusted_proxies)  # and a bad proxy list
    engine = create_store_engine(settings.db_url)
    port = _usable_port(host, port)
    migrate.upgrade(engine)  # once, before any worker starts
    engine.dispose()
    settings = Settings.from_env(**{**_as_dict(settings), "port": port, "migrate_on_start": False})
    os.environ.update(settings.to_env())
    url = f"http://{host}:{port}"
    announcement = f"Arena listening on {url}  (database: {_safe(settings.db_url)})"
    threading.Thread(
        target=_announce_when_listening,
        args=(_probe_url(host, port), registry, announcement),
        name="arena-announce",
        daemon=True,
    ).start()
    options: dict[str, Any] = dict(
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        server_header=False,
        date_header=False,
        timeout_keep_alive=keep_alive,
        timeout_worker_healthcheck=worker_healthcheck_seconds,
        # Forwarding headers only from ARENA_TRUSTED_PROXIES (none by default).
        **proxy_options,
    )
    if workers == 1:  # one process: a failed start already exits non-zero
        uvicorn.run("arena.web.app:create_app_from_env", **options)
        return
    from arena.cli.supervisor import supervise

    failure = supervise(uvicorn.Config("arena.web.app:create_app_from_env", **options))
    if failure is not None:
        typer.echo(f"error: {failure}", err=True)
        raise typer.Exit(3)


def _probe_url(host: str, port: int) -> str:
    """Where this machine reaches the server (a wildcard address is not one)."""
    if host in {"0.0.0.0", ""}:
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/api/v1/models"


def _announce_when_listening(probe: str, registry: Registry, announcement: str) -> None:
    """Print the roster and the URL once the server answers, never before.

    Runs beside ``uvicorn.run`` in the parent process, so it works for any number
    of workers: the roster is checked here (the same checks a worker makes), and
    the lines appear only when a request to the URL has been answered.
    """
    from arena.battles.roster import Roster

    roster = asyncio.run(Roster.build(registry))
    asyncio.run(roster.aclose())
    lines = []
    for spec in registry.models:
        reason = roster.skipped.get(spec.name)
        state = "ready  " if reason is None else "skipped"
        lines.append(f"  {state} {spec.name}" + (f": {reason}" if reason else ""))
    ready = len(registry.models) - len(roster.skipped)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if httpx.get(probe, timeout=2).status_code < 500:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    else:
        return
    typer.echo(f"Models: {ready} ready, {len(roster.skipped)} skipped")
    typer.echo("\n".join(lines))
    typer.echo(announcement)


def _usable_port(host: str, port: int) -> int:
    """The port to listen on, checked before anything is printed or migrated.

    A port in use then gets one clear line instead of a server log, and ``--port 0``
    becomes the free port the announcement names.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise InvalidInput(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        return int(probe.getsockname()[1])


def _as_dict(settings: Settings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in settings.__slots__}  # type: ignore[attr-defined]


def _safe(url: str | None) -> str:
    """Never print a password that came in a URL."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True) if url else "default"
