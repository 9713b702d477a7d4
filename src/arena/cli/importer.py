"""``arena import``: public votes or conversation files into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from arena.cli.options import DbOption
from arena.errors import ArenaError

SHOW_BAD = 20


def import_(
    files: Annotated[list[Path], typer.Argument(help="Parquet, JSONL, JSON or CSV files.")],
    db: DbOption = None,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Rows per transaction.")
    ] = 50_000,
) -> None:
    """Import public votes files (33k/55k/100k/140k releases, our exports) or lmsys-chat-1m.

    Idempotent on the row id; unknown models are created as public. Bad rows are
    reported with their line and reason, the rest is imported. Exit code 0 when rows
    were imported (or all were already there), 1 when every row was bad, 2 when a
    file cannot be read.

    Example: arena import arena-human-preference-100k.parquet --db sqlite:///arena.db
    """
    from arena.cli.progress import row_progress
    from arena.data.importer import import_files
    from arena.store import migrate
    from arena.store.engine import create_store_engine

    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        with row_progress("importing", None) as advance:
            report = import_files(engine, files, batch_size=batch_size, on_rows=advance)
    except ArenaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    finally:
        engine.dispose()
    for bad in report.bad[:SHOW_BAD]:
        typer.echo(f"{bad.file}:{bad.line}: {bad.reason}", err=True)
    if report.bad_count > SHOW_BAD:
        typer.echo(f"... and {report.bad_count - SHOW_BAD} more bad rows", err=True)
    for conflict in report.conflicts[:SHOW_BAD]:
        typer.echo(f"{conflict.file}: conflict: {conflict.reason}", err=True)
    if report.conflict_count > SHOW_BAD:
        typer.echo(f"... and {report.conflict_count - SHOW_BAD} more conflicts", err=True)
    created = f", {len(report.models_created)} new models" if report.models_created else ""
    conflicts = f", conflicting {report.conflict_count}" if report.conflict_count else ""
    typer.echo(
        f"read {report.read} rows: imported {report.imported}, already present "
        f"{report.skipped}{conflicts}, bad {report.bad_count}{created}"
    )
    if report.bad_count and report.imported == 0 and report.skipped == 0:
        raise typer.Exit(code=1)
