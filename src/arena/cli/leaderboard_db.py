"""``arena leaderboard`` without ``--votes``: the server's own board, read from its store.

Invariant: the board is computed by the read model the web app caches
(:class:`arena.boards.read_model.BoardReadModel`: the same counted-vote query,
shown-model filter, categories, intervals and fingerprint), so the CLI and
``GET /api/v1/leaderboard`` on the same store print the same rows and the same
``vote_set_sha256``; nothing here re-states which votes count.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from arena.cli.votes_path import looks_like_database
from arena.errors import InvalidInput

__all__ = ["COUNTED_RULES", "looks_like_database", "store_board"]

COUNTED_RULES = (
    "as the web board counts: valid votes in anonymous battles (side-by-side and direct "
    "chats left out), not from a client flagged for review, between public or deprecated models"
)


def _describer(engine: Engine) -> Any:
    """Public facts for a board row, from the store alone (no registry file needed)."""
    from arena.battles.lifecycle import PROVISIONAL_VOTES
    from arena.store import repository as repo

    def describe(name: str) -> dict[str, Any] | None:
        with engine.connect() as conn:
            stored = repo.get_model(conn, name)
            if stored is None or stored.visibility == "preview":
                return None
            provisional = False
            if stored.provisional and stored.released_at is not None:
                since = repo.votes_since(conn, name, stored.released_at)
                provisional = since < PROVISIONAL_VOTES
        deprecated = stored.visibility == "deprecated"
        return {
            "organization": stored.organization,
            "license": stored.license,
            "provisional": provisional,
            "deprecated": deprecated,
            "deprecated_at": (
                stored.status_changed_at.isoformat(timespec="seconds") if deprecated else None
            ),
        }

    return describe


def _check_sqlite_file(url: str) -> None:
    """Reading must not create an empty database where the user expected the server's."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    path = Path(parsed.database)
    if parsed.database != ":memory:" and not path.is_file():
        raise InvalidInput(
            f"no arena database at {path}: start `arena serve` to create one, pass "
            "--db URL for another store, or --votes FILE for a votes file"
        )
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "votes" not in tables:
        raise InvalidInput(f"{path} is not an arena database (no votes table)")


def store_board(
    db: str | None,
    *,
    category: str,
    style_control: bool,
    rounds: int,
    arena: str = "text",
    min_votes: int = 20,
    reweighted: bool = False,
    order: str = "rank",
    emoji: bool = False,
) -> dict[str, Any]:
    """The board ``GET /api/v1/leaderboard?category=..&style_control=..`` would return."""
    from arena.battles.arenas import arena_plugin
    from arena.boards.read_model import BoardReadModel
    from arena.boards.schema import LeaderboardOut
    from arena.settings import Settings
    from arena.store.engine import create_store_engine, default_db_url, normalize_url
    from arena.store.server_secrets import server_secret
    from arena.vocabulary import Arena

    url = normalize_url(db) if db else default_db_url()
    _check_sqlite_file(url)
    engine = create_store_engine(url)
    try:
        settings = Settings.from_env()
        plugin = arena_plugin(Arena(arena))
        model = BoardReadModel(
            engine,
            rounds,
            _describer(engine),
            Arena(arena),
            min_votes=min_votes,
            category_min_votes=settings.category_min_votes,
            style_unavailable=plugin.style_unavailable,
            style_features=plugin.style_features,
            style_of=plugin.style_values,
        )
        # The fingerprint covers the public ids a release publishes, as the server's does.
        model.id_key = server_secret(engine, settings.secret_key)
        model.refresh()
        data = model.board(category, style_control, reweighted=reweighted, order=order, emoji=emoji)
        # the API's own response model, so the JSON is the API's byte for byte
        return LeaderboardOut.model_validate(data).model_dump(mode="json")
    except SQLAlchemyError as exc:
        reason = str(exc.orig) if getattr(exc, "orig", None) else type(exc).__name__
        raise InvalidInput(
            f"cannot read the leaderboard from the store: {reason} "
            "(is it an arena database? `arena db upgrade --db URL` brings an old one up to date)"
        ) from None
    finally:
        engine.dispose()
