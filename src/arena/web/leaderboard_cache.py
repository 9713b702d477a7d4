"""The public board, kept up to date from aggregated counts.

Each refresh reads only the votes newer than the last one it saw, already
grouped by (model_a, model_b, winner) in SQL, and merges them into the running
pair counts; the fit then runs on a K×K table, never on raw rows. A worker's
cache is derived state: any worker can rebuild it from the store.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from arena.battles.sampling import SamplingStats, sampling_stats_from_counts
from arena.data.vote_digest import add_votes, digest_hex
from arena.ratings import PairCounts, build_leaderboard
from arena.store import repository as repo

# Model status (preview, deprecated) can change on another worker: redraw at least this often.
BOARD_MAX_AGE = 15.0


class LeaderboardCache:
    def __init__(
        self,
        engine: Engine,
        rounds: int,
        refresh_seconds: float,
        describe: Callable[[str], dict[str, Any] | None],
    ) -> None:
        self._engine = engine
        self._rounds = rounds
        self._refresh_seconds = refresh_seconds
        self._describe = describe
        self._counts: PairCounts | None = None
        self._last_vote_id = 0
        self._checked_at = 0.0
        self._board: dict[str, Any] | None = None
        self._lock = asyncio.Lock()
        self._computed_at = 0.0
        self._stats: SamplingStats | None = None
        self._flags_version: tuple[int, str] | None = None
        self._digest = 0
        self._cutoff: tuple[int, datetime | None] = (0, None)

    async def get(self) -> dict[str, Any]:
        async with self._lock:
            if self._board is None or time.monotonic() - self._checked_at > self._refresh_seconds:
                self._board = await asyncio.to_thread(self._refresh)
                self._checked_at = time.monotonic()
            return self._board

    def sampling_stats(self) -> SamplingStats | None:
        """What adaptive sampling policies know of the board, as of the last refresh."""
        return self._stats

    def invalidate(self, full: bool = False) -> None:
        """Recheck on the next read; ``full`` also forgets the counts (a status changed)."""
        self._checked_at = 0.0
        if full:
            self._board = None

    def _refresh(self) -> dict[str, Any]:
        with self._engine.connect() as conn:
            flags = repo.flagged_clients_version(conn)
            if flags != self._flags_version:
                # A newly flagged client's earlier votes must leave the counts: start over.
                self._counts, self._last_vote_id, self._board = None, 0, None
                self._digest, self._cutoff = 0, (0, None)
                self._flags_version = flags
            votes, last_id, last_at = repo.counted_votes(conn, self._last_vote_id)
        stale = time.monotonic() - self._computed_at > BOARD_MAX_AGE
        if votes or self._board is None or stale:
            if votes:
                _ids, a, b, w = (list(col) for col in zip(*votes, strict=True))
                fresh = PairCounts.from_grouped(a, b, w, [1] * len(w))
                self._counts = fresh if self._counts is None else self._counts + fresh
                self._stats = sampling_stats_from_counts(self._counts)
                self._digest = add_votes(self._digest, votes)
                self._cutoff = (last_id, last_at)
            self._last_vote_id = last_id
            self._computed_at = time.monotonic()
            return self._compute()
        return self._board

    def _compute(self) -> dict[str, Any]:
        rows: list[dict[str, Any]] = []
        total = 0
        if self._counts is not None:
            board = build_leaderboard(
                self._counts, interval="bootstrap", rounds=self._rounds, seed=0
            )
            total = int(board.total_votes)
            for row in board.to_dicts():
                info = self._describe(row["model"])
                if info is None:  # hidden (preview) or unknown: not on the public board
                    continue
                rows.append({**row, **info})
        _rerank(rows)
        return {
            "total_votes": total,
            "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "category": "overall",
            "style_control": False,
            "counted_votes": {
                "filters": {
                    "modes": ["anonymous"],
                    "valid_only": True,
                    "exclude_flagged_clients": True,
                },
                "cutoff_vote_id": self._cutoff[0],
                "cutoff_time": self._cutoff[1].isoformat() if self._cutoff[1] else None,
                "vote_set_sha256": digest_hex(self._digest),
                "method": "bradley_terry_mle/bootstrap",
                "bootstrap_rounds": self._rounds,
                "seed": 0,
            },
            "models": rows,
        }


def _rerank(rows: list[dict[str, Any]]) -> None:
    """Ranks count only the models shown, so a hidden model leaves no gap or trace."""
    for row in rows:
        above = sum(1 for other in rows if other["ci_lower"] > row["ci_upper"])
        row["rank"] = row["rank_ub"] = 1 + above
    rows.sort(key=lambda r: (r["rank"], -r["score"]))
