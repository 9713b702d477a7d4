"""``arena leaderboard`` without ``--votes``: the server's board from its store, computed by
the web board's own code (:mod:`arena.cli.leaderboard_db`) and said the way the web says it.

Apart from the votes-file path (``arena.cli.leaderboard``) because the store's board takes
none of the file's filters: it counts exactly what the web board counts.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from arena.cli.leaderboard_show import (
    OutputFormat,
    draw_board,
    fail,
    print_store_table,
    write_csv,
)
from arena.errors import ArenaError

__all__ = ["store_counted_line", "store_leaderboard"]


def store_leaderboard(
    db: str | None,
    category: str | None,
    style_control: bool,
    rounds: int,
    output_format: OutputFormat,
    arena: str,
    min_votes: int,
    plot: Path | None,
    reweighted: bool,
    order: str,
    emoji: bool,
    unsupported: dict[str, object],
) -> None:
    """The server's board from its store, exactly as the web app computes it."""
    given = [name for name, value in unsupported.items() if value is not None]
    if given:
        needs = "needs" if len(given) == 1 else "need"
        raise fail(
            f"{', '.join(given)} {needs} --votes FILE; the store's board counts what the web "
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
        raise fail(str(exc)) from None
    rows = data["models"]
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(data, indent=2))
    elif output_format is OutputFormat.csv:
        write_csv(rows)
    else:
        print_store_table(data)
    typer.echo(store_counted_line(data, COUNTED_RULES), err=True)
    if plot is not None:
        _plot_store(data, plot)


def store_counted_line(data: dict, rules: str) -> str:
    """What the store's board counted: every vote, then how many the shown models hold and
    who waits for the minimum (a board with votes never reads as "0 votes")."""
    every, shown = data.get("all_votes") or data["total_votes"], data["total_votes"]
    line = f"counted {every} votes {rules}"
    waiting = data.get("waiting") or []
    if waiting:
        who = ", ".join(f"{w['model']} ({w['votes']})" for w in waiting)
        overall = data["category"] == "overall"
        setting = "ARENA_LEADERBOARD_MIN_VOTES" if overall else "ARENA_CATEGORY_MIN_VOTES"
        line += (
            f"\n{shown} of them between the models shown; waiting for {data['min_votes']} "
            f"votes: {who}. Change the minimum with --min-votes (the server: {setting})."
        )
    return line


def _plot_store(data: dict, out: Path) -> None:
    """--plot for the store's board: the scores with their intervals (no pair counts here)."""
    from types import SimpleNamespace

    rows = [SimpleNamespace(**r) for r in data["models"]]
    if not rows:
        typer.echo("no models to plot; --plot skipped", err=True)
        return
    board = SimpleNamespace(
        rows=rows, style_control=data["style_control"], total_votes=data["total_votes"]
    )
    try:
        draw_board(board, None, out)
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc}") from None
