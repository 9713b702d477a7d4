"""Options shared by every command that touches the store or the roster."""

from __future__ import annotations

from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="ARENA_DB_URL",
        help="Database URL, e.g. sqlite:///arena.db or postgresql://user@host/db. "
        "Default: arena.db under your user data directory.",
    ),
]
ModelsOption = Annotated[
    str | None,
    typer.Option(
        "--models",
        envvar="ARENA_MODELS_FILE",
        help="Model registry YAML. Default: the built-in local models.",
    ),
]
