"""What a file-based board counted, as the API's ``counted_votes`` block states it.

Its own module, light to import: ``arena leaderboard --votes`` needs it without the
store that the release module writes from.
"""

from __future__ import annotations

from typing import Any

__all__ = ["vote_set_block"]


def vote_set_block(
    filters: Any, digest: str | None, interval: str, rounds: int, seed: int
) -> dict[str, Any]:
    """Which votes a file-based board counted, as the API's ``counted_votes`` states it.

    ``vote_set_sha256`` is comparable with the server's: same votes, same hash
    (its ``vs2:`` prefix names the scheme, :mod:`arena.data.vote_digest`).
    """
    return {
        "filters": {
            "category": filters.category or "overall",
            "anonymous_only": filters.anonymous_only or not filters.include_named,
            "dedup_sampled_only": not filters.include_deduped,
            "exclude_flagged": filters.exclude_flagged,
            "since": filters.since,
            "until": filters.until,
            "arena": getattr(filters, "arena", "text"),
        },
        "vote_set_sha256": digest,
        "method": f"bradley_terry/{interval}",
        "bootstrap_rounds": rounds if interval == "bootstrap" else 0,
        "seed": seed,
    }
