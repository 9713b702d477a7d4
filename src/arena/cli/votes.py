"""``arena votes scan|flagged|review``: flag anomalous voters, list them, decide on them."""

from __future__ import annotations

import getpass
from enum import StrEnum
from typing import Annotated

import typer

from arena.cli.options import DbOption
from arena.ratings.anomaly import DEFAULT_Z_THRESHOLD


def scan(
    db: DbOption = None,
    min_votes: Annotated[
        int, typer.Option("--min-votes", min=1, help="Clients with fewer votes are never flagged.")
    ] = 20,
    z: Annotated[
        float,
        typer.Option("--z", help="Flag clients whose likelihood z-score is below this."),
    ] = DEFAULT_Z_THRESHOLD,
) -> None:
    """Score every voter against the current ratings and flag anomalous ones for review.

    Flagged clients' votes stay in the data but leave the board; each new flag is an
    audit event. Example: arena votes scan --min-votes 30 --z -4.5
    """
    from rich.console import Console
    from rich.table import Table

    from arena.battles.anomaly_scan import scan_voters
    from arena.store import migrate
    from arena.store.engine import create_store_engine

    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        report = scan_voters(
            engine, min_votes=min_votes, z_threshold=z, actor=f"cli:{getpass.getuser()}"
        )
    finally:
        engine.dispose()
    console = Console()
    console.print(
        f"{report.votes} votes from {report.clients} clients; {report.scored} with "
        f">= {min_votes} votes scored; {len(report.flagged)} below z {z:g}, "
        f"{len(report.newly_flagged)} newly flagged."
    )
    if not report.flagged:
        return
    new = set(report.newly_flagged)
    table = Table("client", "votes", "z", "mean loglik", "expected", "new")
    for s in report.flagged:
        table.add_row(
            s.client[:12],
            str(s.votes),
            f"{s.z:.2f}",
            f"{s.mean_loglik:.3f}",
            f"{s.expected_loglik:.3f}",
            "yes" if s.client in new else "",
        )
    console.print(table)


class Decision(StrEnum):
    clear = "clear"
    flag = "flag"


def flagged(
    db: DbOption = None,
    all_clients: Annotated[
        bool, typer.Option("--all", help="Also list clients a reviewer cleared.")
    ] = False,
) -> None:
    """List clients flagged for review (votes off the board while flagged).

    Example: arena votes flagged --all
    """
    from sqlalchemy import select

    from arena.store import migrate
    from arena.store.engine import create_store_engine
    from arena.store.tables import FlaggedClientRow

    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        stmt = select(FlaggedClientRow).order_by(FlaggedClientRow.score)
        if not all_clients:
            stmt = stmt.where(FlaggedClientRow.status == "flagged")
        with engine.connect() as conn:
            rows = list(conn.execute(stmt))
    finally:
        engine.dispose()
    if not rows:
        typer.echo("no flagged clients")
        return
    # Plain lines, not a table: the full client hash must survive copy and paste.
    for r in rows:
        review = f"; {r.status} by {r.reviewed_by}: {r.review_reason}" if r.reviewed_by else ""
        typer.echo(f"{r.client_hash}  {r.status}  z={r.score:.2f}  {r.reason}{review}")


def review(
    client: Annotated[str, typer.Argument(help="The client hash, as `arena votes flagged` shows.")],
    decision: Annotated[
        Decision, typer.Argument(help="clear: votes count again; flag: votes off the board.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why; kept in the audit log.")],
    db: DbOption = None,
) -> None:
    """Record a reviewer's decision on a flagged client (an audit event with who and why).

    A cleared client is never flagged again by a scan; `review ... flag` can.
    Example: arena votes review 3f2a... clear --reason "a fan of one model, not a bot"
    """
    from arena.store import migrate
    from arena.store import repository as repo
    from arena.store.engine import create_store_engine

    if not reason.strip():
        typer.echo("error: --reason must not be empty", err=True)
        raise typer.Exit(2)
    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            row = repo.review_client(
                conn, client, decision.value, f"cli:{getpass.getuser()}", reason
            )
    finally:
        engine.dispose()
    typer.echo(f"client {row.client_hash} is now {row.status}")
