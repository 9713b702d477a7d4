"""The ``arena`` click/typer application. Domain errors become a one-line message and
exit code 2, never a traceback.

A command's module (and with it SciPy, SQLAlchemy, FastAPI, Alembic...) is
imported only when that command runs or shows its own help: the groups below
load commands from ``arena.cli.commands.COMMANDS`` on demand.
"""

from __future__ import annotations

import importlib
from typing import Any

import click
import typer
from typer.core import TyperGroup, TyperOption

from arena.cli.commands import COMMANDS, GROUP_HELP, TOP_HELP
from arena.errors import ArenaError


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
    help=TOP_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(
    cls=_LazyGroup, help=GROUP_HELP["db"], no_args_is_help=True, rich_markup_mode=None
)
models_app = typer.Typer(
    cls=_LazyGroup, help=GROUP_HELP["models"], no_args_is_help=True, rich_markup_mode=None
)
tokens_app = typer.Typer(
    cls=_LazyGroup,
    help=GROUP_HELP["tokens"],
    no_args_is_help=True,
    rich_markup_mode=None,
)
votes_app = typer.Typer(cls=_LazyGroup, help=GROUP_HELP["votes"], no_args_is_help=True)
categories_app = typer.Typer(
    cls=_LazyGroup, help=GROUP_HELP["categories"], no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(db_app, name="db")
app.add_typer(models_app, name="models")
app.add_typer(tokens_app, name="tokens")
app.add_typer(votes_app, name="votes")
app.add_typer(categories_app, name="categories")
