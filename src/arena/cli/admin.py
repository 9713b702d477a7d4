"""``arena models set-status`` and ``arena tokens create``: the operator's side of integrity."""

from __future__ import annotations

import getpass
import secrets
from typing import Annotated

import typer

from arena.cli.options import DbOption
from arena.registry import Visibility

# The store and the web app's token hashing are imported when a command runs, not for
# its --help (issue 33).


def set_status(
    name: Annotated[str, typer.Argument(help="The model's registry name.")],
    status: Annotated[Visibility, typer.Argument(help="preview, public or deprecated.")],
    reason: Annotated[str, typer.Option("--reason", help="Why; kept in the audit log.")],
    db: DbOption = None,
) -> None:
    """Change a model's status; the change is an audit event with who and why.

    Example: arena models set-status gpt-x deprecated --reason "superseded by gpt-y"
    """
    from arena.battles.lifecycle import set_model_status
    from arena.store import migrate
    from arena.store.engine import create_store_engine
    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        actor = f"cli:{getpass.getuser()}"
        with engine.begin() as conn:
            model = set_model_status(conn, name, status, actor, reason)
    finally:
        engine.dispose()
    note = " (score provisional until 2,000 votes after release)" if model.provisional else ""
    typer.echo(f"{model.name} is now {model.visibility}{note}")


def create_token(
    name: Annotated[str, typer.Option("--name", help="Who or what the token is for.")],
    role: Annotated[str, typer.Option("--role", help="Only 'admin' exists today.")] = "admin",
    db: DbOption = None,
) -> None:
    """Create an API token; it is printed once, and only its hash is stored.

    Example: arena tokens create --name ops-team
    """
    from sqlalchemy import insert

    from arena.store import migrate
    from arena.store.engine import create_store_engine
    from arena.store.tables import ApiTokenRow
    from arena.web.auth import token_digest
    if role != "admin":
        typer.echo(f"error: unknown role {role!r}; use admin", err=True)
        raise typer.Exit(2)
    token = secrets.token_urlsafe(32)
    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            conn.execute(
                insert(ApiTokenRow).values(token_sha256=token_digest(token), name=name, role=role)
            )
    finally:
        engine.dispose()
    typer.echo(token)
