"""``arena models list``."""

from __future__ import annotations

import asyncio

from rich import box
from rich.console import Console
from rich.table import Table

from arena.battles.roster import Roster
from arena.cli.options import DbOption, ModelsOption
from arena.errors import InvalidInput
from arena.registry import load_registry


def _stored_statuses(db: str | None) -> dict[str, tuple[str, str]]:
    """name -> (status, date of the last change) from the store, whose statuses win over
    the registry file's once a model is registered (``arena models set-status``).

    Reads only: a store that does not exist yet is created by ``arena serve``, not here.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from arena.cli.leaderboard_db import _check_sqlite_file
    from arena.store import repository as repo
    from arena.store.engine import create_store_engine, normalize_url

    url = normalize_url(db)
    _check_sqlite_file(url)
    engine = create_store_engine(url)
    try:
        with engine.connect() as conn:
            stored = repo.list_models(conn)
    except SQLAlchemyError as exc:
        raise InvalidInput(f"cannot read the models from the store: {exc.orig or exc}") from None
    finally:
        engine.dispose()
    return {m.name: (m.visibility, m.status_changed_at.date().isoformat()) for m in stored}


def list_models(models: ModelsOption = None, db: DbOption = None) -> None:
    """Show the registry, the arenas each model serves, and whether it can battle now.

    With --db (or ARENA_DB_URL) the status is the store's: what `arena models set-status`
    set, deprecated with its date.

    Example: arena models list --models my-models.yaml --db sqlite:///arena.db
    """
    registry = load_registry(models)
    try:
        stored = _stored_statuses(db) if db else {}
    except InvalidInput as exc:
        import typer

        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    roster = asyncio.run(Roster.build(registry))
    # Names are what a person types next (set-status NAME): never cut, even at 80
    # columns. Why a model is skipped goes below the table, where it can be long.
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    longest = max(len(spec.name) for spec in registry.models)
    table.add_column("name", no_wrap=True, min_width=longest)
    for header in ("provider", "organization", "license", "arenas"):
        table.add_column(header, overflow="fold")
    table.add_column("status", no_wrap=True)
    for spec in registry.models:
        ready = "ready" if spec.name not in roster.skipped else "skipped"
        visibility, since = stored.get(spec.name, (spec.visibility.value, ""))
        if visibility == "deprecated":
            status = f"deprecated {since}".strip()  # no new battles; on the board, marked
        elif visibility == "public":
            status = ready
        else:
            status = f"{visibility}, {ready}"
        table.add_row(
            spec.name,
            spec.provider,
            spec.organization,
            spec.license,
            ",".join(a.value for a in spec.arenas or ()),
            status,
        )
    console = Console()
    console.print(table)
    for name, reason in roster.skipped.items():
        console.print(f"{name} is skipped: {reason}", soft_wrap=True, highlight=False)
    asyncio.run(roster.aclose())
