"""The ASGI app, built by a factory so tests can point it at any store and roster."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from arena import __version__
from arena.battles.lifecycle import PROVISIONAL_VOTES
from arena.battles.roster import Roster
from arena.battles.sampling import policy_by_name
from arena.battles.service import BattleService
from arena.clock import SYSTEM_CLOCK, Clock
from arena.errors import InvalidInput
from arena.integrity.moderation import Moderator
from arena.integrity.pow import PowPolicy, VoteWork
from arena.integrity.rigging_scan import periodic_rigging_scan
from arena.integrity.trust import hold_policy
from arena.registry import load_registry
from arena.settings import Settings
from arena.store import migrate
from arena.store import repository as repo
from arena.store.blobs import FileBlobStore
from arena.store.engine import create_store_engine
from arena.store.server_secrets import CLIENT_SALT, server_secret
from arena.store.writer import Writer
from arena.vocabulary import Arena
from arena.web.client_address import parse_proxies
from arena.web.client_cookie import ClientCookieMiddleware
from arena.web.docs import mount_docs
from arena.web.edge import EdgeMiddleware
from arena.web.errors import install_error_handlers
from arena.web.json_body import JsonByDefault
from arena.web.leaderboard_cache import ArenaBoards, LeaderboardCache
from arena.web.presence import WorkerPresence
from arena.web.ratelimit import build_limiter
from arena.web.routes import (
    accounts,
    admin,
    battles,
    categories,
    images,
    me,
    preview,
    public,
    sharing,
    stats,
)
from arena.web.routes.arenas import arena_routers
from arena.web.routes.images import CLEANING_SLOTS
from arena.web.sessions import SessionMiddleware
from arena.web.state import AppState
from arena.web.ui import mount_ui

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, clock: Clock = SYSTEM_CLOCK) -> FastAPI:
    """The app for ``settings`` (from ``ARENA_*`` variables when None).

    ``clock`` decides every expiry, lease, hold and window (tests pass a ``ManualClock``).
    """
    settings = settings or Settings.from_env()
    registry = load_registry(settings.models_file)  # fail fast on a bad file
    policy_by_name(settings.sampling_policy)  # and on an unknown sampling policy
    moderator = Moderator.from_settings(settings)  # and on a bad block list or missing key
    parse_proxies(settings.trusted_proxies)  # and on a bad proxy list
    if settings.category_judge_model:  # and on a category judge that is not in the registry
        from arena.categories.judge import LlmJudge

        try:
            LlmJudge.spec_of(registry, settings.category_judge_model, settings.category_judge_mode)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # First, so an unreachable Redis stops start-up before anything else is built.
        limiter = await build_limiter(settings, clock)
        engine = create_store_engine(settings.db_url)
        if settings.migrate_on_start:
            migrate.upgrade(engine)
        secret = server_secret(engine, settings.secret_key)
        client_salt = server_secret(engine, settings.client_salt, CLIENT_SALT)
        pow_policy = PowPolicy(client_salt, settings.pow_required, settings.pow_base)
        writer = Writer(engine)
        roster = await Roster.build(registry)
        images = FileBlobStore(settings.images_path)
        service = BattleService(
            engine,
            writer,
            roster,
            policy_by_name(settings.sampling_policy),
            images=images,
            clock=clock,
        )
        service.min_vote_seconds = settings.min_vote_seconds
        service.max_prompt_chars = settings.max_prompt_chars
        trust = hold_policy(settings)
        service.hold_new_clients = trust.describe() if trust else None
        presence = WorkerPresence(writer, settings.worker_heartbeat_seconds, clock)
        service.worker_id = presence.worker_id
        await presence.start()  # frees turn leases of workers killed mid-turn
        await service.sync_registry()
        if settings.category_judge_model:  # issue 11: the LLM judge of categories
            from arena.categories.judge import LlmJudge

            service.judge = LlmJudge.from_settings(settings, registry)
        describe = _describer(service, engine)

        def arena_board(arena: Arena) -> LeaderboardCache:
            cache = LeaderboardCache(
                engine,
                settings.leaderboard_bootstrap_rounds,
                settings.leaderboard_refresh_seconds,
                describe,
                arena,
                min_votes=settings.leaderboard_min_votes,
            )
            cache.id_key = secret  # fingerprints cover the ids a release publishes
            cache.category_min_votes = settings.category_min_votes
            return cache

        board = ArenaBoards(arena_board)
        service.stats_source = board.sampling_stats
        # The first fit also gives the sampling policy its statistics.
        for arena in service.arenas():
            await board.get(arena)
        AppState(
            settings=settings,
            clock=clock,
            secret=secret,
            client_salt=client_salt,
            battles=service,
            leaderboard=board,
            moderator=moderator,
            images=images,
            vote_work=VoteWork(pow_policy, engine, clock),
            limiter=limiter,
            image_slots=asyncio.Semaphore(CLEANING_SLOTS),
        ).install(app)
        # Load local weights in the background so the first battle does not wait for them.
        warming = [
            asyncio.create_task(_warm(c.provider)) for c in roster if hasattr(c.provider, "warm")
        ]
        if trust is not None and settings.rigging_scan_seconds > 0:
            warming.append(
                asyncio.create_task(
                    periodic_rigging_scan(
                        engine, trust, settings.rigging_scan_seconds, board, clock
                    )
                )
            )
        try:
            yield
        finally:
            for task in warming:
                task.cancel()
            await presence.stop()
            await roster.aclose()
            if service.judge is not None:
                await service.judge.aclose()
            writer.close()
            engine.dispose()
            await limiter.aclose()
            await moderator.aclose()

    app = FastAPI(
        title="Arena",
        version=__version__,
        description="Two anonymous models answer; people vote; the board ranks them.",
        lifespan=lifespan,
        docs_url=None,  # web/docs.py serves /docs from local assets, under the CSP
        redoc_url=None,
    )
    install_error_handlers(app)
    app.add_middleware(JsonByDefault)
    app.include_router(battles.router)
    app.include_router(public.router)
    app.include_router(admin.router)
    app.include_router(stats.router)
    app.include_router(categories.router)
    app.include_router(images.router)
    app.include_router(preview.router)
    app.include_router(me.router)
    app.include_router(sharing.router)  # issue 13: share links
    app.include_router(accounts.router)
    for router in arena_routers():  # an arena's own routes (web/routes/arenas/)
        app.include_router(router)
    mount_docs(app)
    mount_ui(app, settings.static_path)
    # Added last, so they run first: the cookie exists before the edge can refuse a
    # request, and every answer (refusals included) carries it and the security headers.
    app.add_middleware(SessionMiddleware)  # issue 13: signed-in user and CSRF
    app.add_middleware(
        EdgeMiddleware,
        max_body_bytes=settings.max_body_bytes,
        # An image upload may be as large as images may be, plus its multipart framing.
        upload_limits={"/api/v1/images": settings.image_max_bytes + 64 * 1024},
    )
    app.add_middleware(ClientCookieMiddleware)
    return app


async def _warm(provider: Any) -> None:
    try:
        await provider.warm()
    except Exception as exc:  # the first battle will report it properly
        log.warning("could not preload a model: %s", exc)


def create_app_from_env() -> FastAPI:
    """Entry point for ``uvicorn --factory`` when several worker processes run."""
    return create_app(Settings.from_env())


def price_columns(spec: Any) -> dict[str, float | None]:
    """A row's registry prices; None when the registry does not list them."""
    from arena.boards.assembly import blended_price

    cols = {
        "price_input_per_mtok": getattr(spec, "price_input_per_mtok", None),
        "price_output_per_mtok": getattr(spec, "price_output_per_mtok", None),
    }
    return {**cols, "price_blended_per_mtok": blended_price(**cols)}


def _describer(service: BattleService, engine: Engine) -> Any:
    """Public facts for a board row; ``None`` when this worker does not know the model yet."""

    def describe(name: str) -> dict[str, Any] | None:
        stored = service.stored_model(name)
        contestant = service.roster.get(name)
        if stored is None and contestant is None:
            return None
        status = service.status(name)
        if status == "preview":
            return None
        provisional = False
        if stored is not None and stored.provisional and stored.released_at is not None:
            with engine.connect() as conn:
                since = repo.votes_since(conn, name, stored.released_at)
            provisional = since < PROVISIONAL_VOTES
        spec = contestant.spec if contestant else None
        return {
            **price_columns(spec),
            "organization": stored.organization if stored else spec.organization,  # type: ignore[union-attr]
            "license": stored.license if stored else spec.license,  # type: ignore[union-attr]
            "provisional": provisional,
            "deprecated": status == "deprecated",
            "deprecated_at": (
                stored.status_changed_at.isoformat(timespec="seconds")
                if stored is not None and status == "deprecated"
                else None
            ),
        }

    return describe
