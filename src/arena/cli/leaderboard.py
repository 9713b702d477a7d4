"""``arena leaderboard``: the leaderboard of a votes file or of the server's store.

Without ``--votes`` it reads the store (``--db``, default the server's) through
the web board's own code (:mod:`arena.cli.leaderboard_db`). With ``--votes`` it
counts what LMArena's boards count (anonymous votes, ``dedup_tag.sampled``) unless
told otherwise, and says what it counted.

The JSON rows are produced by the same :meth:`Leaderboard.to_dicts` as the web
API, so ``arena leaderboard --format json`` and ``/api/v1/leaderboard`` agree.
Everything except ``computed_at`` is deterministic for a given ``--seed``.
"""

from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from arena.cli.options import DbOption
from arena.clock import SYSTEM_CLOCK
from arena.errors import ArenaError


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


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


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


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
        raise _fail(str(exc)) from None
    if min_votes is None:
        from arena.settings import Settings

        min_votes = Settings.from_env().leaderboard_min_votes
    if votes is None:
        _store_leaderboard(
            db, category, style_control, bootstrap, output_format, arena, min_votes,
            reweighted, sort.value, emoji,
            {"--since": since, "--until": until, "--anchor": anchor, "--plot": plot,
             "--include-named": include_named or None,
             "--include-deduped": include_deduped or None,
             "--exclude-flagged": exclude_flagged or None,
             "--anonymous-only": anonymous_only or None},
        )  # fmt: skip
        return
    from arena.cli.leaderboard_db import looks_like_database

    if emoji:
        raise _fail(
            "--emoji needs the store's board (--db): published votes files carry no emoji "
            "counts in conv_metadata"
        )
    if looks_like_database(votes):
        raise _fail(
            f"{votes} is a database, not a votes file: use "
            f"`arena leaderboard --db sqlite:///{votes}` to read the server's store"
        )
    from arena.data import VoteFilters, parse_time, read_votes
    from arena.data.release import vote_set_block
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
        raise _fail(str(exc)) from None

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
        rows = body["models"]
        keys = list(dict.fromkeys(k for r in rows for k in r)) or [
            "rank", "rank_ub", "rank_lb", "model", "score", "ci_lower", "ci_upper", "votes"
        ]  # fmt: skip
        writer = csv.DictWriter(sys.stdout, fieldnames=keys, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        _print_table(board, body["models"], votes, digest)
    if plot is not None and not board.rows:
        typer.echo("no models to plot; --plot skipped", err=True)
    elif plot is not None:
        try:
            _plot(board, table.pair_counts(), plot)
        except OSError as exc:
            raise _fail(f"cannot write {plot}: {exc}") from None


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


def _store_leaderboard(
    db: str | None,
    category: str | None,
    style_control: bool,
    rounds: int,
    output_format: OutputFormat,
    arena: str,
    min_votes: int,
    reweighted: bool,
    order: str,
    emoji: bool,
    unsupported: dict[str, object],
) -> None:
    """The server's board from its store, exactly as the web app computes it."""
    given = [name for name, value in unsupported.items() if value is not None]
    if given:
        raise _fail(
            f"{', '.join(given)} need --votes FILE; the store's board counts what the web "
            "board counts (try `arena release` then --votes release/ for other filters)"
        )
    from arena.cli.leaderboard_db import COUNTED_RULES, store_board

    try:
        data = store_board(
            db,
            category=category or "overall",
            style_control=style_control,
            rounds=rounds,
            arena=arena,
            min_votes=min_votes,
            reweighted=reweighted,
            order=order,
            emoji=emoji,
        )
    except ArenaError as exc:
        raise _fail(str(exc)) from None
    rows = data["models"]
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(data, indent=2))
    elif output_format is OutputFormat.csv:
        keys = list(dict.fromkeys(k for r in rows for k in r)) or [
            "rank", "rank_ub", "rank_lb", "model", "score", "ci_lower", "ci_upper", "votes"
        ]  # fmt: skip
        writer = csv.DictWriter(sys.stdout, fieldnames=keys, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        _print_store_table(data)
    typer.echo(f"counted {data['total_votes']} votes {COUNTED_RULES}", err=True)


def _print_store_table(data: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    style = "Style-controlled l" if data["style_control"] else "L"
    style = "Style- and emoji-controlled l" if data.get("emoji_control") else style
    title = f"{style}eaderboard of the store ({data['category']})"
    table = Table(title=title, caption=f"{data['total_votes']} votes")
    for col in ("rank", "spread", "model", "score", "95% CI", "votes"):
        table.add_column(col, justify="left" if col == "model" else "right", no_wrap=col == "model")
    for r in data["models"]:
        marks = " (deprecated)" if r.get("deprecated") else ""
        marks += " (provisional)" if r.get("provisional") else ""
        table.add_row(
            "—" if r["rank"] is None else str(r["rank"]), _spread_text(r), r["model"] + marks,
            f"{r['score']:.1f}", _interval_text(r), str(r["votes"]),
        )  # fmt: skip
    Console().print(table)
    for name, c in (data.get("style_coefficients") or {}).items():
        lo, hi = c["ci_lower"], c["ci_upper"]
        span = "unknown" if lo is None or hi is None else f"{lo:+.3f} to {hi:+.3f}"
        typer.echo(f"style coefficient {name}: {c['coefficient']:+.3f} (95% {span})")
    if data.get("disconnected"):
        typer.echo(
            f"The comparison graph has {data['components']} disconnected groups; "
            "scores and ranks compare only within a group."
        )
    digest = data.get("counted_votes", {}).get("vote_set_sha256")
    if digest:
        typer.echo(f"vote set sha256: {digest}")


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


def _spread_text(r: dict) -> str:
    """LMArena's rank spread: every rank from rank_ub to rank_lb fits the intervals."""
    if r.get("rank_ub") is None or r.get("rank_lb") is None:
        return "-"
    return f"{r['rank_ub']}–{r['rank_lb']}"


def _interval_text(r: dict) -> str:
    if r["ci_lower"] is None or r["ci_upper"] is None:
        return "unknown"
    return f"{r['ci_lower']:.1f} – {r['ci_upper']:.1f}"


def _print_table(board, rows: list[dict], source: Path, vote_set_sha256: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    title = f"{'Style-controlled ' if board.style_control else ''}leaderboard of {source}"
    ci = f"95% CI ({board.interval}{f', {board.rounds} rounds' if board.rounds else ''})"
    table = Table(title=title, caption=f"{board.total_votes} votes")
    longest = max((len(r.model) + 2 for r in board.rows), default=5)
    for col in ("rank", "spread", "model", "score", ci, "votes"):
        if col == "model":  # names are never cut; the interval header wraps instead
            table.add_column(col, no_wrap=True, min_width=longest)
        else:
            table.add_column(col, justify="right")
    if board.style_control:
        table.add_column("raw score", justify="right")
    if board.n_components > 1:
        table.add_column("group", justify="right")
    for r in rows:
        cells = [
            "-" if r["rank"] is None else str(r["rank"]),
            _spread_text(r),
            r["model"] + (" *" if r.get("note") else ""),
            f"{r['score']:.1f}",
            _interval_text(r),
            str(r["votes"]),
        ]
        if board.style_control:
            cells.append(f"{r['raw_score']:.1f}")
        if board.n_components > 1:
            cells.append(str(r["component"]))
        table.add_row(*cells)
    console = Console()
    console.print(table)
    for r in board.rows:
        if r.note:
            console.print(f"* {r.model}: {r.note}")
    if board.n_components > 1:
        console.print(
            f"The comparison graph has {board.n_components} disconnected groups; "
            "scores and ranks compare only within a group."
        )
    if board.excluded:
        console.print(f"Left out (fewer than {board.min_votes} votes): {', '.join(board.excluded)}")
    for name, c in board.style_block().items():
        lo, hi = c["ci_lower"], c["ci_upper"]
        span = "unknown" if lo is None or hi is None else f"{lo:+.3f} to {hi:+.3f}"
        console.print(f"style coefficient {name}: {c['coefficient']:+.3f} (95% {span})")
    if vote_set_sha256:
        typer.echo(f"vote set sha256: {vote_set_sha256}")  # one line, never wrapped


def _plot(board, counts, out: Path) -> None:
    """Scores with 95% intervals (top) and the observed win-rate heatmap (bottom).

    Stacked rather than side by side, so a page-wide figure keeps both readable
    without a gap between them; every heatmap cell carries its number, titles
    stay inside the figure (constrained layout), and the heatmap is left out
    when there are too many models for numbers to fit.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from arena.ratings import win_rate_matrix

    rows = board.rows
    k = len(rows)
    names = [r.model for r in rows]
    pos = {m: i for i, m in enumerate(counts.models)}
    order = [pos[m] for m in names if m in pos]
    heatmap = 1 < len(order) <= 30
    score_height = max(2.5, 0.32 * k + 1.2)
    map_height = 0.42 * len(order) + 2.8 if heatmap else 0.0
    fig = plt.figure(figsize=(9, score_height + map_height), layout="constrained")
    axes = fig.subplots(
        2 if heatmap else 1,
        1,
        height_ratios=[score_height, map_height] if heatmap else None,
        squeeze=False,
    )[:, 0]
    ax1 = axes[0]
    y = np.arange(k)[::-1]
    scores = np.array([r.score for r in rows])
    lo = np.array([r.score if r.ci_lower is None else r.ci_lower for r in rows])
    hi = np.array([r.score if r.ci_upper is None else r.ci_upper for r in rows])
    ax1.errorbar(scores, y, xerr=[scores - lo, hi - scores], fmt="o", capsize=3)
    for yi, score in zip(y, scores, strict=True):
        ax1.annotate(
            f"{score:.0f}",
            (score, yi),
            xytext=(0, 5),
            textcoords="offset points",
            ha="center",
            fontsize=7,
        )
    ax1.set_yticks(y, names, fontsize=8)
    ax1.set_ylim(-0.7, k - 0.3)
    ax1.set_xlabel("score (dots) with 95% interval (bars)")
    kind = "Style-controlled scores" if board.style_control else "Scores"
    ax1.set_title(f"{kind}, {board.total_votes} votes", fontsize=11)
    ax1.grid(axis="x", alpha=0.3)
    if not heatmap:
        fig.savefig(out, dpi=120)
        plt.close(fig)
        return
    ax2 = axes[1]
    rate = win_rate_matrix(counts)[np.ix_(order, order)]
    cmap = plt.get_cmap("RdBu").with_extremes(bad="#eeeeee")  # grey: never met
    im = ax2.imshow(np.ma.masked_invalid(rate), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    labels = [counts.models[i] for i in order]
    ax2.set_xticks(
        range(len(labels)), labels, rotation=40, ha="right", fontsize=7, rotation_mode="anchor"
    )
    ax2.set_yticks(range(len(labels)), labels, fontsize=7)
    size = 7 if len(labels) <= 15 else 5
    for i in range(len(labels)):
        for j in range(len(labels)):
            value = rate[i, j]
            text = "" if i == j else ("–" if np.isnan(value) else f"{value:.2f}")
            dark = not np.isnan(value) and abs(value - 0.5) > 0.3
            ax2.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=size,
                color="white" if dark else "black",
            )
    ax2.set_title("Observed win rate of the row model against the column model", fontsize=11)
    fig.colorbar(im, ax=ax2, shrink=0.8, label="share of votes won (ties count half)")
    fig.savefig(out, dpi=120)
    plt.close(fig)
