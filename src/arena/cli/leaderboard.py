"""``arena leaderboard``: the leaderboard of a votes file or of the server's store.

Without ``--votes`` it reads the store (``--db``, default the server's) through
the web board's own code (:mod:`arena.cli.leaderboard_db`). With ``--votes`` it
counts what LMArena's boards count (anonymous votes, ``dedup_tag.sampled``) unless
told otherwise, and says what it counted.

The JSON rows are produced by the same :meth:`Leaderboard.to_dicts` as the web
API, so ``arena leaderboard --format json`` and ``/api/v1/leaderboard`` agree.
Everything except ``computed_at`` is deterministic for a given ``--seed``. The store's path
lives in :mod:`arena.cli.leaderboard_store`, the showing in :mod:`arena.cli.leaderboard_show`.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from arena.cli.leaderboard_show import OutputFormat, draw_board, fail, print_table, write_csv
from arena.cli.leaderboard_store import store_leaderboard
from arena.cli.options import DbOption
from arena.clock import SYSTEM_CLOCK
from arena.errors import ArenaError


class IntervalKind(StrEnum):
    bootstrap = "bootstrap"
    sandwich = "sandwich"


class SortOrder(StrEnum):
    rank = "rank"
    lower = "lower"


def _parse_anchor(value: str | None) -> tuple[str, float] | None:
    if value is None:
        return None
    name, sep, score = value.rpartition("=")
    try:
        if not sep or not name:
            raise ValueError
        return name, float(score)
    except ValueError:
        raise typer.BadParameter(
            "use MODEL=SCORE, e.g. gpt-4o-mini=1000", param_hint="--anchor"
        ) from None


def leaderboard(
    votes: Annotated[
        Path | None,
        typer.Option(
            "--votes",
            help="Votes file (Parquet, JSONL, CSV) or a directory of them. "
            "Without it: the server's store (--db).",
        ),
    ] = None,
    db: DbOption = None,
    style_control: Annotated[
        bool, typer.Option("--style-control", help="Control for length and markdown style.")
    ] = False,
    category: Annotated[
        str | None, typer.Option("--category", help="Only votes tagged with this category.")
    ] = None,
    arena: Annotated[
        str,
        typer.Option(
            "--arena",
            help="The arena's board: text, vision, text_to_image, image_edit or webdev.",
        ),
    ] = "text",
    bootstrap: Annotated[
        int,
        typer.Option(
            "--bootstrap", min=20, help="Bootstrap rounds for the intervals (at least 20)."
        ),
    ] = 100,
    interval: Annotated[
        IntervalKind, typer.Option("--interval", help="Interval method.")
    ] = IntervalKind.bootstrap,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="Output format.")
    ] = OutputFormat.table,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Also draw scores with intervals and the win-rate heatmap."),
    ] = None,
    anchor: Annotated[
        str | None, typer.Option("--anchor", help="Pin a model's score: MODEL=SCORE.")
    ] = None,
    min_votes: Annotated[
        int | None,
        typer.Option(
            "--min-votes",
            min=0,
            help="Leave out models with fewer votes (default: the web board's, "
            "ARENA_LEADERBOARD_MIN_VOTES or 20).",
        ),
    ] = None,
    anonymous_only: Annotated[
        bool,
        typer.Option(
            "--anonymous-only",
            help="Fail unless the file has an 'anony' column (anonymous only is the default).",
        ),
    ] = False,
    exclude_flagged: Annotated[
        bool, typer.Option("--exclude-flagged", help="Drop votes marked flagged/is_flagged.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only votes at or after this time (ISO 8601, any zone offset; no offset = UTC).",
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only votes before this date/time.")
    ] = None,
    include_named: Annotated[
        bool,
        typer.Option(
            "--include-named",
            help="Also count votes from non-anonymous battles (anony=false); "
            "by default only anonymous votes count, as on the web board and LMArena.",
        ),
    ] = False,
    include_deduped: Annotated[
        bool,
        typer.Option(
            "--include-deduped",
            help="Also count rows a release marks dedup_tag.sampled=false; "
            "by default they are left out, as LMArena does.",
        ),
    ] = False,
    reweighted: Annotated[
        bool,
        typer.Option(
            "--reweighted/--no-reweighted",
            help="Weigh each vote by the inverse of its pair's frequency (LMArena's default "
            "since July 2025). Off by default: the plain fit is the efficient one when "
            "Bradley–Terry holds, and keeps boards comparable with earlier releases.",
        ),
    ] = False,
    sort: Annotated[
        SortOrder,
        typer.Option(
            "--sort",
            help="Row order: rank (rank_ub, LMArena's) or lower (the interval's lower bound).",
        ),
    ] = SortOrder.rank,
    composite: Annotated[
        list[str] | None,
        typer.Option(
            "--composite",
            help="One board fitted across components, each KIND:NAME=WEIGHT with KIND "
            "category or arena (repeat; at least two). Each component weighs its WEIGHT "
            "whatever its number of votes. With --votes.",
        ),
    ] = None,
    emoji: Annotated[
        bool,
        typer.Option(
            "--emoji",
            help="Style control with the emoji count as one more covariate (LMArena's tone "
            "control); the store's board only, published files carry no emoji counts.",
        ),
    ] = False,
) -> None:
    """Rank the models in a votes file, or the server's store, with Bradley–Terry and 95% CIs.

    Example: arena leaderboard --votes votes.parquet --format json --style-control --seed 1

    Example: arena leaderboard --db sqlite:///arena.db --category coding
    """
    from arena.vocabulary import Arena

    try:
        arena = Arena.parse(arena).value
    except ArenaError as exc:
        raise fail(str(exc)) from None
    if min_votes is None:
        from arena.settings import Settings

        min_votes = Settings.from_env().leaderboard_min_votes
    if votes is None:
        store_leaderboard(
            db, category, style_control, bootstrap, output_format, arena, min_votes, plot,
            reweighted, sort.value, emoji,
            {"--since": since, "--until": until, "--anchor": anchor,
             "--include-named": include_named or None,
             "--include-deduped": include_deduped or None,
             "--exclude-flagged": exclude_flagged or None,
             "--anonymous-only": anonymous_only or None,
             "--composite": composite or None},
        )  # fmt: skip
        return
    from arena.cli.votes_path import looks_like_database

    if emoji:
        raise fail(
            "--emoji needs the store's board (--db): published votes files carry no emoji "
            "counts in conv_metadata"
        )
    if looks_like_database(votes):
        raise fail(
            f"{votes} is a database, not a votes file: use "
            f"`arena leaderboard --db sqlite:///{votes}` to read the server's store"
        )
    from arena.data import VoteFilters, parse_time, read_votes
    from arena.data.vote_set import vote_set_block
    from arena.errors import InvalidInput
    from arena.ratings import build_leaderboard, build_style_leaderboard
    from arena.ratings.leaderboard import order_rows

    anchor_pair = _parse_anchor(anchor)
    try:
        filters = VoteFilters(
            category=category,
            anonymous_only=anonymous_only,
            exclude_flagged=exclude_flagged,
            since=parse_time(since),
            until=parse_time(until),
            include_named=include_named,
            include_deduped=include_deduped,
            arena=arena,
        )
        if composite:
            if style_control or interval is IntervalKind.sandwich or category or reweighted:
                raise InvalidInput(
                    "--composite takes no --style-control, --category, --reweighted or "
                    "--interval sandwich: name categories as components"
                )
            _print_composite(votes, filters, composite, bootstrap, seed, anchor_pair, output_format)
            return
        table = read_votes(votes, filters=filters, style=style_control, fingerprint=True)
        if style_control:
            board = build_style_leaderboard(
                None,
                None,
                None,
                None,
                None,
                data=table.style_data(),
                interval=interval.value,
                rounds=bootstrap,
                seed=seed,
                anchor=anchor_pair,
                min_votes=min_votes,
                reweighted=reweighted,
            )
        else:
            board = build_leaderboard(
                table.pair_counts(),
                interval=interval.value,
                rounds=bootstrap,
                seed=seed,
                anchor=anchor_pair,
                min_votes=min_votes,
                reweighted=reweighted,
            )
    except (ArenaError, ValueError) as exc:
        raise fail(str(exc)) from None

    computed_at = SYSTEM_CLOCK.now().isoformat(timespec="seconds")
    digest = counted_fingerprint(table, board)
    counted = vote_set_block(filters, digest, interval.value, bootstrap, seed)
    counted["dropped_rows"] = dict(table.dropped)
    if style_control:
        counted["method"] = f"style_control/{interval.value}"
    typer.echo(
        _counted_line(len(table.outcome), table.rows_read, filters, table.left_out), err=True
    )
    report_dropped(table.dropped, board.warnings)
    body = {**board.to_json_obj(computed_at), "order": sort.value}
    body["models"] = order_rows(body["models"], sort.value)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps({**body, "counted_votes": counted}, indent=2))
    elif output_format is OutputFormat.csv:
        write_csv(body["models"])
    else:
        print_table(board, body["models"], votes, digest)
    if plot is not None and not board.rows:
        typer.echo("no models to plot; --plot skipped", err=True)
    elif plot is not None:
        try:
            draw_board(board, table.pair_counts(), plot)
        except OSError as exc:
            raise fail(f"cannot write {plot}: {exc}") from None


def _print_composite(votes, filters, specs, rounds, seed, anchor, output_format) -> None:
    from arena.cli.leaderboard_composite import composite_board

    board, counted = composite_board(
        votes, filters, list(specs), rounds=rounds, seed=seed, anchor=anchor
    )
    computed_at = SYSTEM_CLOCK.now().isoformat(timespec="seconds")
    body = {**board.to_json_obj(computed_at), "composite": counted}
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(body, indent=2))
        return
    if output_format is OutputFormat.csv:
        write_csv(body["models"], ("model",))
        return
    parts = ", ".join(
        f"{c['kind']} {c['name']} x{c['weight']:g} ({c['votes']} votes)" for c in counted
    )
    print_table(board, body["models"], votes, None)
    typer.echo(f"composite of {parts}")


def _counted_line(kept: int, read: int, filters, left_out: dict[str, int] | None) -> str:
    """What the board counted, in one line (on stderr, so JSON on stdout stays clean)."""
    left_out = left_out or {}
    rules = []
    if filters.include_named:
        rules.append("anonymous and named votes")
    elif "named" not in left_out:
        rules.append("no 'anony' column, so every vote is taken as anonymous")
    else:
        rules.append(
            f"anonymous votes only ({left_out.get('named', 0)} named left out; "
            "--include-named counts them)"
        )
    if not filters.include_deduped and left_out.get("deduped"):
        rules.append(
            f"dedup_tag.sampled rows only ({left_out['deduped']} left out; "
            "--include-deduped counts them)"
        )
    if left_out.get("other arenas"):
        rules.append(f"{filters.arena} arena only ({left_out['other arenas']} from other arenas)")
    return f"counted {kept} of {read} rows: " + "; ".join(rules)


def counted_fingerprint(table, board) -> str | None:
    """``vote_set_sha256`` of exactly the votes the board counted (models left out for
    too few votes take their votes with them)."""
    return table.fingerprint(r.model for r in board.rows)


def report_dropped(dropped: dict[str, int], warnings: list[str]) -> None:
    """Say on stderr which rows were not counted and why, and any fit warning."""
    if dropped:
        reasons = ", ".join(f"{n} {why}" for why, n in dropped.items())
        typer.echo(f"rows not counted: {reasons}", err=True)
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
