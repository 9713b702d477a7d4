"""The ``arena`` command. Each sub-command lives in its own module of this package;
domain errors become a one-line message and exit code 2, never a traceback.

Start-up cost is the point of this module's shape: a command's module (and
with it SciPy, SQLAlchemy, FastAPI, Alembic...) is imported only when that
command runs or shows its own help. ``arena --help`` lists every command from
the ``COMMANDS`` table below without importing any of them
(``bench/cli_startup.py`` holds it under 0.3 s; a test checks the table's
one-line helps against the commands' docstrings).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click
import typer
from typer.core import TyperGroup, TyperOption

from arena.errors import ArenaError

# group -> command -> ("module:function", the first paragraph of its docstring).
# A new command is one line here; "arena" is the top level.
COMMANDS: dict[str, dict[str, tuple[str, str]]] = {
    "arena": {
        "serve": ("arena.cli.serve:serve", "Start the arena: the web UI and the JSON API."),
        "export": (
            "arena.cli.export:export",
            "Export every voted battle (flagged ones marked, raw session ids) as "
            "votes.parquet/.jsonl.",
        ),
        "import": (
            "arena.cli.importer:import_",
            "Import public votes files (33k/55k/100k/140k releases, our exports) or lmsys-chat-1m.",
        ),
        "release": (
            "arena.cli.release:release",
            "Publish anonymous, valid, unflagged votes between public models, scrubbed of "
            "personal data.",
        ),
        "simulate": (
            "arena.cli.simulate:simulate",
            "Simulate votes under a sampling policy and report interval widths and rank errors.",
        ),
        "leaderboard": (
            "arena.cli.leaderboard:leaderboard",
            "Rank the models in a votes file with Bradley–Terry and 95% intervals.",
        ),
    },
    "db": {"upgrade": ("arena.cli.db:upgrade", "Apply all schema migrations.")},
    "models": {
        "list": (
            "arena.cli.models:list_models",
            "Show the registry and whether each model can battle right now.",
        ),
        "set-status": (
            "arena.cli.admin:set_status",
            "Change a model's status; the change is an audit event with who and why.",
        ),
    },
    "tokens": {
        "create": (
            "arena.cli.admin:create_token",
            "Create an API token; it is printed once, and only its hash is stored.",
        ),
    },
    "votes": {
        "scan": (
            "arena.cli.votes:scan",
            "Score every voter against the current ratings and flag anomalous ones for review.",
        ),
        "flagged": (
            "arena.cli.votes:flagged",
            "List clients flagged for review (votes off the board while flagged).",
        ),
        "review": (
            "arena.cli.votes:review",
            "Record a reviewer's decision on a flagged client (an audit event with who and why).",
        ),
    },
}


class _LazyGroup(TyperGroup):
    """A group whose commands in ``COMMANDS`` are imported only when used.

    Commands registered the usual way (``app.command(...)``) still work; they
    are simply imported up front.
    """

    def _lazy(self) -> dict[str, tuple[str, str]]:
        return COMMANDS.get(self.name or "", {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        eager = super().list_commands(ctx)
        return [*self._lazy(), *(name for name in eager if name not in self._lazy())]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self._lazy():
            return super().get_command(ctx, cmd_name)
        target, short_help = self._lazy()[cmd_name]
        if getattr(ctx, "_arena_listing", False):
            # Listing only: the one-line help, without importing the command.
            return click.Command(cmd_name, help=short_help, short_help=short_help)
        module, _, attr = target.partition(":")
        function = getattr(importlib.import_module(module), attr)
        one = typer.Typer(
            add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None
        )
        one.command(cmd_name)(function)
        command = typer.main.get_command(one)
        command.name = cmd_name
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        ctx._arena_listing = True  # type: ignore[attr-defined]
        try:
            super().format_help(ctx, formatter)
        finally:
            ctx._arena_listing = False  # type: ignore[attr-defined]


class _ArenaGroup(_LazyGroup):
    """Turns domain errors into ``error: ...`` and exit code 2 wherever the app is invoked."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArenaError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None


def _flag_type_hidden(self: TyperOption, ctx: click.Context) -> str | None:
    """Help shows ``--help`` and other flags without a ``<bool>`` type (typer 0.2x
    prints one for every flag); options that take a value keep theirs."""
    if self.is_flag:
        return None
    return _display_type_rich(self, ctx)


_display_type_rich = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type_hidden  # type: ignore[method-assign]


app = typer.Typer(
    cls=_ArenaGroup,
    name="arena",
    help="Arena: anonymous model battles, human votes, an honest leaderboard.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(
    cls=_LazyGroup, help="Database maintenance.", no_args_is_help=True, rich_markup_mode=None
)
models_app = typer.Typer(
    cls=_LazyGroup, help="The model roster.", no_args_is_help=True, rich_markup_mode=None
)
tokens_app = typer.Typer(
    cls=_LazyGroup,
    help="API tokens for the admin API.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
votes_app = typer.Typer(
    cls=_LazyGroup, help="Votes: integrity checks and flag reviews.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(models_app, name="models")
app.add_typer(tokens_app, name="tokens")
app.add_typer(votes_app, name="votes")


def main() -> None:
    try:
        app()
    except ArenaError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
