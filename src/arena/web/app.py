"""The ASGI app, built by a factory so tests can point it at any store and roster."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from arena import __version__
from arena.battles.roster import Roster
from arena.battles.service import BattleService
from arena.registry import load_registry
from arena.settings import Settings
from arena.store import migrate
from arena.store.engine import create_store_engine
from arena.store.writer import Writer
from arena.web.errors import install_error_handlers
from arena.web.leaderboard_cache import LeaderboardCache
from arena.web.routes import battles, public
from arena.web.ui import mount_ui

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    registry = load_registry(settings.models_file)  # fail fast on a bad file

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_store_engine(settings.db_url)
        if settings.migrate_on_start:
            migrate.upgrade(engine)
        writer = Writer(engine)
        roster = await Roster.build(registry)
        service = BattleService(engine, writer, roster)
        await service.sync_registry()
        app.state.battles = service
        app.state.leaderboard = LeaderboardCache(
            engine,
            settings.leaderboard_bootstrap_rounds,
            settings.leaderboard_refresh_seconds,
            _describer(service),
        )
        try:
            yield
        finally:
            await roster.aclose()
            writer.close()
            engine.dispose()

    app = FastAPI(
        title="Arena",
        version=__version__,
        description="Two anonymous models answer; people vote; the board ranks them.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(battles.router)
    app.include_router(public.router)
    mount_ui(app, settings.static_path)
    return app


def create_app_from_env() -> FastAPI:
    """Entry point for ``uvicorn --factory`` when several worker processes run."""
    return create_app(Settings.from_env())


def _describer(service: BattleService) -> Any:
    def describe(name: str) -> dict[str, Any] | None:
        contestant = service.roster.get(name)
        stored = service._models.get(name)
        if contestant is not None:
            spec = contestant.spec
            if spec.visibility.value == "preview":
                return None
            return {
                "organization": spec.organization,
                "license": spec.license,
                "provisional": False,
                "deprecated": spec.visibility.value == "deprecated",
            }
        if stored is not None and stored.visibility != "preview":
            return {
                "organization": stored.organization,
                "license": stored.license,
                "provisional": False,
                "deprecated": stored.visibility == "deprecated",
            }
        return None

    return describe
