"""``arena votes scan``: flag clients whose votes are unlikely under the ratings."""

from __future__ import annotations

import getpass
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
