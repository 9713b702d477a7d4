"""``arena leaderboard --votes FILE --composite KIND:NAME=WEIGHT ...``: one board fitted
across several arenas or categories of a votes file (:mod:`arena.ratings.composite`).

Each component is the file read with the board's filters and its own arena or category,
so a component counts exactly what that arena's or category's own board counts.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from arena.errors import InvalidInput

__all__ = ["composite_board", "parse_components"]

KINDS = ("category", "arena")


def parse_components(specs: list[str]) -> list[tuple[str, str, float]]:
    """``category:coding=2`` -> ("category", "coding", 2.0); a clear error otherwise."""
    out = []
    for spec in specs:
        head, sep, weight = spec.rpartition("=")
        kind, colon, name = head.partition(":")
        try:
            value = float(weight)
        except ValueError:
            value = float("nan")
        if not sep or not colon or kind not in KINDS or not name or not value > 0:
            raise InvalidInput(
                f"--composite {spec!r}: use KIND:NAME=WEIGHT with KIND category or arena and "
                "a positive weight, e.g. --composite category:coding=2 --composite arena:vision=1"
            )
        out.append((kind, name, value))
    if len(out) < 2:
        raise InvalidInput("a composite board needs at least two --composite components")
    if len({(k, n) for k, n, _ in out}) < len(out):
        raise InvalidInput("each --composite component may be named once")
    return out


def composite_board(votes, filters, specs: list[str], *, rounds: int, seed: int, anchor) -> Any:
    """The composite board and what each component counted (for ``counted_votes``)."""
    from arena.data import read_votes
    from arena.ratings.composite import build_composite_leaderboard

    parts = []
    counted = []
    for kind, name, weight in parse_components(specs):
        component = dataclasses.replace(filters, **{kind: name})
        table = read_votes(votes, filters=component)
        counts = table.pair_counts()
        if not counts.total:
            raise InvalidInput(f"--composite {kind}:{name} counts no votes in {votes}")
        parts.append((counts, weight))
        counted.append({"kind": kind, "name": name, "weight": weight, "votes": round(counts.total)})
    board = build_composite_leaderboard(parts, rounds=rounds, seed=seed, anchor=anchor)
    return board, counted
