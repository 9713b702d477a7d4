"""``arena votes scan|flagged|review|leak-eval``: flag anomalous voters, list them, decide on
them; measure the identity-leak check."""

from __future__ import annotations

import getpass
from enum import StrEnum
from pathlib import Path
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
    min_age_hours: Annotated[
        float,
        typer.Option(
            "--min-age-hours",
            min=0.0,
            help="Identities younger than this are new: out of the reference fit, judged as "
            "a group, and (if held) not released. Match ARENA_TRUST_MIN_AGE_HOURS.",
        ),
    ] = 72.0,
    trust_votes: Annotated[
        int,
        typer.Option("--trust-votes", min=0, help="Votes an identity needs to be established."),
    ] = 5,
) -> None:
    """Score every voter and flag anomalous ones for review; release matured new identities.

    Three tests: the whole record's likelihood under the ratings; favouritism (backing or
    opposing one model beyond its rating, against ratings fitted on established clients);
    coordination (new identities backing the same model together). Flagged clients' votes
    stay in the data but leave the board; each flag or release is an audit event.
    Example: arena votes scan --min-votes 30 --z -4.5
    """
    from rich.console import Console
    from rich.table import Table

    from arena.integrity.anomaly_scan import scan_voters
    from arena.integrity.rigging_scan import scan_rigging
    from arena.integrity.trust import TrustPolicy
    from arena.store import migrate
    from arena.store.engine import create_store_engine

    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        actor = f"cli:{getpass.getuser()}"
        report = scan_voters(engine, min_votes=min_votes, z_threshold=z, actor=actor)
        rigging = scan_rigging(engine, policy=TrustPolicy(min_age_hours, trust_votes), actor=actor)
    finally:
        engine.dispose()
    console = Console()
    console.print(
        f"{report.votes} votes from {report.clients} clients; {report.scored} with "
        f">= {min_votes} votes scored; {len(report.flagged)} below z {z:g}, "
        f"{len(report.newly_flagged)} newly flagged."
    )
    console.print(
        f"favouritism and coordination: {len(rigging.flagged)} found against ratings from "
        f"{rigging.established} established clients, {len(rigging.newly_flagged)} newly "
        f"flagged; {len(rigging.released)} new identities released, {rigging.held} still held."
    )
    if rigging.models is not None:
        m = rigging.models
        reference = (
            "the prior (young arena: too few veterans; no identity judged)"
            if m.young
            else f"{m.veterans} veterans"
        )
        console.print(
            f"model-level tests against {reference}: {len(m.flags)} model(s) flagged, "
            f"{m.held} votes newly held for review (arena votes release-held to release)."
        )
        for model, test, z_value in m.flags:
            typer.echo(f"  {model}  {test}  z={z_value:+.2f}")
    for f in rigging.flagged:
        typer.echo(
            f"  {f.client[:12]}  {f.test}  {f.model}  z={f.z:+.2f}  "
            f"{f.wins:g} wins / {f.battles} battles (expected {f.expected:.1f})"
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


def release_held(
    reason: Annotated[str, typer.Option("--reason", help="Why, for the audit log.")],
    model: Annotated[
        str | None, typer.Option("--model", help="Only votes on battles with this model.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Release votes the model-level tests held for review (an audit event with why).

    Each counts again unless another flag keeps it off the board.

    Example: arena votes release-held --model my-model --reason "a launch day, not a ring"
    """
    from arena.store import migrate
    from arena.store.engine import create_store_engine
    from arena.store.vote_holds import release_held as release

    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            released = release(conn, model, f"cli:{getpass.getuser()}", reason)
    finally:
        engine.dispose()
    typer.echo(f"{released} held votes released.")


STATUSES = ("flagged", "cleared", "held", "trusted")


class Decision(StrEnum):
    clear = "clear"
    flag = "flag"


def flagged(
    db: DbOption = None,
    all_clients: Annotated[
        bool,
        typer.Option("--all", help="Every client with a decision: also cleared, held, trusted."),
    ] = False,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="Only this status: flagged, cleared, held (new), trusted (released)."
        ),
    ] = None,
) -> None:
    """List clients flagged for review (votes off the board while flagged or held).

    Example: arena votes flagged --all
    Example: arena votes flagged --status held
    """
    from sqlalchemy import select

    if status is not None and status not in STATUSES:
        typer.echo(f"error: --status must be one of {', '.join(STATUSES)}", err=True)
        raise typer.Exit(2)
    from arena.store import migrate
    from arena.store.engine import create_store_engine
    from arena.store.tables import FlaggedClientRow

    engine = create_store_engine(db)
    try:
        migrate.upgrade(engine)
        stmt = select(FlaggedClientRow).order_by(FlaggedClientRow.score)
        if status is not None:
            stmt = stmt.where(FlaggedClientRow.status == status)
        elif not all_clients:
            stmt = stmt.where(FlaggedClientRow.status == "flagged")
        with engine.connect() as conn:
            rows = list(conn.execute(stmt))
    finally:
        engine.dispose()
    if not rows:
        typer.echo(f"no {status} clients" if status else "no flagged clients")
        return
    # Plain lines, not a table: the full client hash must survive copy and paste.
    for r in rows:
        review = f"; {r.status} by {r.reviewed_by}: {r.review_reason}" if r.reviewed_by else ""
        typer.echo(f"{r.client_hash}  {r.status}  z={r.score:.2f}  {r.reason}{review}")


def review(
    client: Annotated[str, typer.Argument(help="The client hash, as `arena votes flagged` shows.")],
    decision: Annotated[
        Decision,
        typer.Argument(help="clear: votes count (also a held identity's); flag: votes off."),
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


# The targets the identity-leak check is held to (issue 15): a miss lets a leak count on the
# board, a false flag only drops one vote from it.
TARGET_SELF_ID_RECALL = 0.95
TARGET_FALSE_FLAG_RATE = 0.02


def leak_eval(
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Another labelled JSONL set (default: the built-in one)."),
    ] = None,
    by_language: Annotated[
        bool, typer.Option("--by-language", help="Also print one row per language.")
    ] = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="List every reply the check got wrong.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help=f"Exit 1 unless self-identification recall >= {TARGET_SELF_ID_RECALL} and "
            f"false flags <= {TARGET_FALSE_FLAG_RATE:.0%}, on all replies and held-out ones.",
        ),
    ] = False,
) -> None:
    """Precision and recall of the identity-leak check on a labelled set of replies.

    The built-in set holds replies in several languages that identify their own model,
    and hard negatives (vendor comparisons, code, homonyms, denials). The rules were tuned
    on the `tune` split only; `heldout` and `fresh` (written after the rules were frozen)
    are the honest figures.
    Example: arena votes leak-eval --by-language --errors
    """
    from arena.integrity.leak_eval import evaluate, load_set

    scores = evaluate(load_set(file))
    rows = [k for k in ("all", "tune", "heldout", "fresh") if k in scores]
    if by_language:
        rows += sorted(k for k in scores if k.startswith("lang:"))
    # Plain columns: figures are read, compared and pasted into notes.
    typer.echo(
        f"{'slice':<8} {'replies':>7} {'leaks':>5} {'precision':>9} {'recall':>6} "
        f"{'self-id recall':>18} {'false flags':>16}"
    )
    for key in rows:
        s = scores[key]
        self_id = f"{s.self_id_recall:.3f} ({s.self_id_found}/{s.self_id})"
        false_flags = f"{s.false_flag_rate:.1%} ({s.fp}/{s.fp + s.tn})"
        typer.echo(
            f"{key:<8} {s.total:>7} {s.tp + s.fn:>5} {s.precision:>9.3f} {s.recall:>6.3f} "
            f"{self_id:>18} {false_flags:>16}"
        )
    if errors:
        for record in scores["all"].errors:
            what = "missed" if record["label"] else "false flag"
            typer.echo(f"{what}  {record['id']}  [{record['kind']}]  {record['text']!r}")
    if check:
        failed = [
            key
            for key in ("all", "heldout", "fresh")
            if key in scores
            and (
                scores[key].self_id_recall < TARGET_SELF_ID_RECALL
                or scores[key].false_flag_rate > TARGET_FALSE_FLAG_RATE
            )
        ]
        if failed:
            typer.echo(f"targets missed on: {', '.join(failed)}", err=True)
            raise typer.Exit(1)
