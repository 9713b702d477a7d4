"""Per-category boards for a release's ``leaderboard.json`` (issue 11).

Each board is what ``arena leaderboard --votes FILE --category C`` computes from
the released votes file (same reader, same fit, same seed), minus the models
with fewer than the minimum votes in that category, with each row's rank
change against the overall board, as the live API shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from arena.categories.names import CLASSIFIED_TAGS, STRUCTURAL_TAGS
from arena.errors import ArenaError

# The live board's default (Settings.category_min_votes).
RELEASE_MIN_VOTES = 10


def category_boards(
    votes: Path,
    overall: list[dict[str, Any]],
    computed_at: str,
    *,
    seed: int,
    rounds: int,
    min_votes: int = RELEASE_MIN_VOTES,
) -> dict[str, Any]:
    """``{category: board}`` for every tag with at least one vote in ``votes``."""
    from arena.data import VoteFilters, read_votes
    from arena.data.vote_set import vote_set_block
    from arena.ratings import build_leaderboard

    overall_rank = {row["model"]: row["rank"] for row in overall}
    boards: dict[str, Any] = {}
    for category in (*CLASSIFIED_TAGS, *STRUCTURAL_TAGS):
        filters = VoteFilters(category=category)
        try:
            table = read_votes(votes, filters=filters, style=False, fingerprint=True)
        except ArenaError:
            continue  # no vote carries this tag
        counts = table.pair_counts()
        if not counts.total:
            continue
        board = build_leaderboard(
            counts, interval="bootstrap", rounds=rounds, seed=seed, anchor=None, min_votes=0
        )
        rows = []
        for row in board.to_dicts():
            if row["votes"] < min_votes:
                continue
            before = overall_rank.get(row["model"])
            change = None if before is None else before - row["rank"]
            rows.append({**row, "rank_overall": before, "rank_change": change})
        boards[category] = {
            "total_votes": board.total_votes,
            "computed_at": computed_at,
            "min_votes": min_votes,
            "models": rows,
            "counted_votes": vote_set_block(
                filters, table.vote_set_sha256, "bootstrap", rounds, seed
            ),
        }
    return boards
