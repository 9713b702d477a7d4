"""``arena db upgrade``."""

from __future__ import annotations

import typer

from arena.cli.options import DbOption


def upgrade(db: DbOption = None) -> None:
    """Apply all schema migrations.

    Example: arena db upgrade --db postgresql://localhost/arena
    """
    from arena.store import migrate
    from arena.store.engine import create_store_engine

    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        typer.echo(f"database at revision {migrate.current_revision(engine)}")
    finally:
        engine.dispose()
