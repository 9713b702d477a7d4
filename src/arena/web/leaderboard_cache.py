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
            grouped, last_id = repo.grouped_votes(conn, self._last_vote_id)
        stale = time.monotonic() - self._computed_at > BOARD_MAX_AGE
        if grouped or self._board is None or stale:
            if grouped:
                a, b, w, n = (list(col) for col in zip(*grouped, strict=True))
                fresh = PairCounts.from_grouped(a, b, w, n)
                self._counts = fresh if self._counts is None else self._counts + fresh
                self._stats = sampling_stats_from_counts(self._counts)
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
            "models": rows,
        }


def _rerank(rows: list[dict[str, Any]]) -> None:
    """Ranks count only the models shown, so a hidden model leaves no gap or trace."""
    for row in rows:
        above = sum(1 for other in rows if other["ci_lower"] > row["ci_upper"])
        row["rank"] = row["rank_ub"] = 1 + above
    rows.sort(key=lambda r: (r["rank"], -r["score"]))
