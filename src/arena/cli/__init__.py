"""The ``arena`` command. Each sub-command lives in its own module of this package;
domain errors become a one-line message and exit code 2, never a traceback."""

from __future__ import annotations

import sys
from typing import Any

import click
import typer
from typer.core import TyperGroup

from arena.errors import ArenaError


class _ArenaGroup(TyperGroup):
    """Turns domain errors into ``error: ...`` and exit code 2 wherever the app is invoked."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArenaError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_ArenaGroup,
    name="arena",
    help="Arena: anonymous model battles, human votes, an honest leaderboard.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
models_app = typer.Typer(help="The model roster.", no_args_is_help=True)
app.add_typer(db_app, name="db")
tokens_app = typer.Typer(help="API tokens for the admin API.", no_args_is_help=True)
app.add_typer(models_app, name="models")
app.add_typer(tokens_app, name="tokens")
votes_app = typer.Typer(help="Votes: integrity checks and flag reviews.", no_args_is_help=True)
app.add_typer(votes_app, name="votes")


def _register() -> None:
    from arena.cli import db, models, serve

    app.command("serve")(serve.serve)
    _register_data()
    db_app.command("upgrade")(db.upgrade)
    models_app.command("list")(models.list_models)
    from arena.cli import admin

    models_app.command("set-status")(admin.set_status)
    tokens_app.command("create")(admin.create_token)
    from arena.cli import votes

    votes_app.command("scan")(votes.scan)
    votes_app.command("flagged")(votes.flagged)
    votes_app.command("review")(votes.review)
    votes_app.command("leak-eval")(votes.leak_eval)
    from arena.cli.simulate import simulate

    app.command("simulate")(simulate)
    try:
        from arena.cli.leaderboard import leaderboard
    except ImportError:  # pragma: no cover - during partial installs only
        return
    app.command("leaderboard")(leaderboard)


def _register_data() -> None:
    """Open data: ``arena export``, ``arena import``, ``arena release``."""
    from arena.cli import export, importer, release

    app.command("export")(export.export)
    app.command("import")(importer.import_)
    app.command("release")(release.release)


_register()


def main() -> None:
    try:
        app()
    except ArenaError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
