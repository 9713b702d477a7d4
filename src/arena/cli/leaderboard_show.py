"""How ``arena leaderboard`` shows a board: rich tables, CSV, the matplotlib figure, and
its error exit (shared by the votes-file and the store paths)."""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import typer

__all__ = [
    "OutputFormat",
    "draw_board",
    "fail",
    "interval_text",
    "print_store_table",
    "print_table",
    "spread_text",
    "write_csv",
]

#: Columns of an empty board's CSV header.
ROW_COLUMNS = ("rank", "rank_ub", "rank_lb", "model", "score", "ci_lower", "ci_upper", "votes")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def fail(message: str) -> typer.Exit:
    """The exit for a message the user can act on: the message on stderr, code 2."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def write_csv(rows: list[dict], empty_columns: Sequence[str] = ROW_COLUMNS) -> None:
    """Rows as CSV on stdout, every key any row has; ``empty_columns`` heads an empty board."""
    keys = list(dict.fromkeys(k for r in rows for k in r)) or list(empty_columns)
    writer = csv.DictWriter(sys.stdout, fieldnames=keys, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def print_store_table(data: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    style = "Style-controlled l" if data["style_control"] else "L"
    style = "Style- and emoji-controlled l" if data.get("emoji_control") else style
    title = f"{style}eaderboard of the store ({data['category']})"
    if data.get("reweighted"):
        title += ", reweighted by pair frequency"
    table = Table(title=title, caption=f"{data['total_votes']} votes")
    for col in ("rank", "spread", "model", "score", "95% CI", "votes"):
        table.add_column(col, justify="left" if col == "model" else "right", no_wrap=col == "model")
    for r in data["models"]:
        since = (r.get("deprecated_at") or "")[:10]
        marks = f" (deprecated {since})".replace(" )", ")") if r.get("deprecated") else ""
        marks += " (provisional)" if r.get("provisional") else ""
        table.add_row(
            "—" if r["rank"] is None else str(r["rank"]), spread_text(r), r["model"] + marks,
            f"{r['score']:.1f}", interval_text(r), str(r["votes"]),
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


def spread_text(r: dict) -> str:
    """LMArena's rank spread: every rank from rank_ub to rank_lb fits the intervals."""
    if r.get("rank_ub") is None or r.get("rank_lb") is None:
        return "-"
    return f"{r['rank_ub']}–{r['rank_lb']}"


def interval_text(r: dict) -> str:
    if r["ci_lower"] is None or r["ci_upper"] is None:
        return "unknown"
    return f"{r['ci_lower']:.1f} – {r['ci_upper']:.1f}"


def print_table(board, rows: list[dict], source: Path, vote_set_sha256: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    title = f"{'Style-controlled ' if board.style_control else ''}leaderboard of {source}"
    if board.reweighted:
        title += ", reweighted by pair frequency"
    # The method goes in the caption: a long header would squeeze the model names.
    method = f"{board.interval}{f', {board.rounds} rounds' if board.rounds else ''}"
    ci = "95% CI"
    table = Table(title=title, caption=f"{board.total_votes} votes; 95% CI by {method}")
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
            spread_text(r),
            r["model"] + (" *" if r.get("note") else ""),
            f"{r['score']:.1f}",
            interval_text(r),
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


def draw_board(board, counts, out: Path) -> None:
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
    pos = {m: i for i, m in enumerate(counts.models)} if counts is not None else {}
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
