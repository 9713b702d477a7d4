"""``arena export``: the store's votes as a public-schema Parquet or JSONL file."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from arena.cli.options import DbOption
from arena.errors import ArenaError


class FileFormat(StrEnum):
    parquet = "parquet"
    jsonl = "jsonl"


OutOption = Annotated[Path, typer.Option("--out", help="Directory to write into.")]
SinceOption = Annotated[
    str | None,
    typer.Option("--since", help="Only battles at or after this time (ISO 8601 or Unix seconds)."),
]
FormatOption = Annotated[FileFormat, typer.Option("--format", help="File format.")]


def to_datetime(value: str | None) -> datetime | None:
    from arena.data import parse_time

    seconds = parse_time(value)
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def export(
    out: OutOption,
    since: SinceOption = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only battles before this time.")
    ] = None,
    file_format: FormatOption = FileFormat.parquet,
    db: DbOption = None,
) -> None:
    """Export every voted battle (flagged ones marked, raw session ids) as votes.parquet/.jsonl.

    This is the operator's full copy; use `arena release` for a publishable one.

    Example: arena export --out backup/ --since 2025-01-01 --format jsonl
    """
    from arena.cli.progress import row_progress
    from arena.data.export import ExportOptions, count_rows, export_votes
    from arena.store import migrate
    from arena.store.engine import create_store_engine

    opts = ExportOptions(fmt=file_format.value, since=to_datetime(since), until=to_datetime(until))
    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            total = count_rows(conn, opts)
        with row_progress("exporting", total) as advance:
            result = export_votes(engine, out, opts, advance)
    except ArenaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    finally:
        engine.dispose()
    typer.echo(f"wrote {result.rows} votes to {result.path}")
