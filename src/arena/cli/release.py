"""``arena release``: a publishable, scrubbed votes file with its leaderboard and manifest."""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from arena.cli.export import FileFormat, FormatOption, OutOption, SinceOption, to_datetime
from arena.cli.options import DbOption
from arena.clock import SYSTEM_CLOCK
from arena.errors import ArenaError


def release(
    out: OutOption,
    cutoff: Annotated[
        str | None,
        typer.Option("--cutoff", "--until", help="Cut-off time (default: now, to the second)."),
    ] = None,
    since: SinceOption = None,
    file_format: FormatOption = FileFormat.parquet,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the leaderboard bootstrap.")] = 0,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", min=20, help="Bootstrap rounds (at least 20).")
    ] = 100,
    min_votes: Annotated[
        int,
        typer.Option(
            "--min-votes",
            min=0,
            envvar="ARENA_LEADERBOARD_MIN_VOTES",
            help="Leave models with fewer votes off leaderboard.json (the web board's setting).",
        ),
    ] = 20,
    salt: Annotated[
        str | None,
        typer.Option(
            "--salt",
            envvar="ARENA_RELEASE_SALT",
            help="Secret salt for hashing session ids. Keep it private and reuse it to make "
            "a release reproducible; default: a fresh random salt.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Publish anonymous, valid, unflagged votes between public models, scrubbed of personal data.

    Writes votes.parquet (or .jsonl), leaderboard.json and MANIFEST.json. Check it with
    `arena leaderboard --votes OUT/votes.parquet --format json --seed SEED`.

    Example: arena release --out release-2025-06/ --cutoff 2025-06-01 --seed 1
    """
    from arena.cli.progress import row_progress
    from arena.data.export import ExportOptions, count_rows
    from arena.data.release import build_release
    from arena.store import migrate
    from arena.store.engine import create_store_engine

    at = to_datetime(cutoff) or SYSTEM_CLOCK.now().replace(microsecond=0)
    start = to_datetime(since)
    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            total = count_rows(conn, ExportOptions(since=start, until=at, release=True))
        with row_progress("releasing", total) as advance:
            result = build_release(
                engine,
                out,
                cutoff=at,
                since=start,
                fmt=file_format.value,
                salt=salt if salt is not None else secrets.token_hex(16),
                seed=seed,
                rounds=bootstrap,
                on_rows=advance,
                min_votes=min_votes,
            )
    except ArenaError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    finally:
        engine.dispose()
    typer.echo(f"released {result.rows} votes to {result.out_dir} (cut-off {at.isoformat()})")
