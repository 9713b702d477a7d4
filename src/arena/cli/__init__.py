"""The ``arena`` command. Each sub-command lives in its own module of this package.

Start-up cost is the point of this module's shape: it imports nothing heavy.
``arena --help`` is answered from the command table (``arena.cli.commands``)
with click's own formatter, without loading typer or any command; everything
else goes through the typer app in ``arena.cli.typer_app``, which imports a
command's module only when that command is used. ``bench/cli_startup.py``
holds ``arena --help`` under 0.3 s.
"""

from __future__ import annotations

import sys
from typing import Any

from arena.cli.commands import COMMANDS, GROUP_HELP, TOP_HELP
from arena.errors import ArenaError

__all__ = ["COMMANDS", "app", "main", "top_level_help"]


def top_level_help() -> str:
    """``arena --help`` laid out as click lays it out (a test compares the two), from
    the table alone: importing click and typer would cost more than the rest."""
    import shutil
    import textwrap

    width = max(min(shutil.get_terminal_size().columns, 80) - 2, 50)
    rows = [(name, short) for name, (_, short) in COMMANDS["arena"].items()]
    # Groups have no short help of their own: click shortens their help to fit.
    limit = width - 6 - max(len(name) for name, _ in rows + list(GROUP_HELP.items()))
    rows += [(name, _shortened(text, limit)) for name, text in GROUP_HELP.items()]

    def section(title: str, items: list[tuple[str, str]]) -> list[str]:
        first = min(max(len(name) for name, _ in items), 30) + 2
        out = [f"{title}:"]
        for name, text in items:
            lines = textwrap.wrap(text, max(width - first - 2, 10)) or [""]
            if len(name) <= first - 2:
                out.append(f"  {name:<{first}}{lines[0]}")
            else:
                out += [f"  {name}", f"{' ' * (first + 2)}{lines[0]}"]
            out += [f"{' ' * (first + 2)}{line}" for line in lines[1:]]
        return out

    lines = ["Usage: arena [OPTIONS] COMMAND [ARGS]...", ""]
    lines += textwrap.wrap(TOP_HELP, width, initial_indent="  ", subsequent_indent="  ")
    lines += ["", *section("Options", [("--help", "Show this message and exit.")]), ""]
    lines += section("Commands", rows)
    return "\n".join(lines) + "\n"


def _shortened(text: str, limit: int) -> str:
    """click's ``make_default_short_help``: whole words, then ``...``."""
    if len(text) <= limit:
        return text
    kept = ""
    for word in text.split():
        if len(kept) + len(word) + (1 if kept else 0) > limit - 3:
            break
        kept = f"{kept} {word}" if kept else word
    return kept + "..."


def main() -> None:
    if sys.argv[1:] == ["--help"]:
        sys.stdout.write(top_level_help())
        return
    from arena.cli.typer_app import app

    try:
        app()
    except ArenaError as exc:
        import typer

        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


def __getattr__(name: str) -> Any:
    """``from arena.cli import app`` (tests, ``typer.testing``) loads the typer app."""
    if name in {"app", "db_app", "models_app", "tokens_app", "votes_app"}:
        from arena.cli import typer_app as module

        return getattr(module, name)
    raise AttributeError(name)
