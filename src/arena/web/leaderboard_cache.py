"""The public board, kept up to date as votes arrive: caching around the read model.

What a board counts and how it is assembled lives in :mod:`arena.boards`; this module
only decides when to read the store again (every ``refresh_seconds``, or when told)
and keeps computed boards until they are stale. A worker's cache is derived state:
any worker can rebuild it from the store.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from arena.battles.arenas import arena_plugin
from arena.battles.sampling import SamplingStats, sampling_stats_from_counts
from arena.boards.assembly import UNDESCRIBED
from arena.boards.read_model import BoardKey, BoardReadModel
from arena.errors import InvalidInput
from arena.vocabulary import Arena

__all__ = ["BOARD_MAX_AGE", "CATEGORY_MIN_VOTES", "UNDESCRIBED", "ArenaBoards", "LeaderboardCache"]

# Model status (preview, deprecated) can change on another worker: redraw at least this often.
BOARD_MAX_AGE = 15.0
# A model shows on a category or language board only with this many votes there.
CATEGORY_MIN_VOTES = 10


def check_rounds(rounds: int, min_votes: int) -> None:
    from arena.ratings.intervals import MIN_BOOTSTRAP_ROUNDS

    if rounds < MIN_BOOTSTRAP_ROUNDS:
        raise InvalidInput(
            f"ARENA_LEADERBOARD_BOOTSTRAP_ROUNDS must be at least {MIN_BOOTSTRAP_ROUNDS}"
            f" (got {rounds})"
        )
    if min_votes < 0:
        raise InvalidInput(f"ARENA_LEADERBOARD_MIN_VOTES must be >= 0 (got {min_votes})")


class LeaderboardCache:
    def __init__(
        self,
        engine: Engine,
        rounds: int,
        refresh_seconds: float,
        describe: Callable[[str], dict[str, Any] | None],
        arena: Arena = Arena.text,
        *,
        min_votes: int = 0,
    ) -> None:
        check_rounds(rounds, min_votes)
        self.arena = arena
        self.model = BoardReadModel(
            engine,
            rounds,
            describe,
            arena,
            min_votes=min_votes,
            category_min_votes=CATEGORY_MIN_VOTES,
            style_unavailable=arena_plugin(arena).style_unavailable,
            style_features=arena_plugin(arena).style_features,
            style_of=arena_plugin(arena).style_values,
        )
        self._refresh_seconds = refresh_seconds
        self._lock = asyncio.Lock()
        self._checked_at = 0.0
        self._stats: SamplingStats | None = None
        self._boards: dict[BoardKey, tuple[float, dict[str, Any]]] = {}

    @property
    def id_key(self) -> str | None:
        return self.model.id_key

    @id_key.setter
    def id_key(self, value: str | None) -> None:
        self.model.id_key = value

    @property
    def category_min_votes(self) -> int:
        return self.model.category_min_votes

    @category_min_votes.setter
    def category_min_votes(self, value: int) -> None:
        self.model.category_min_votes = value

    async def get(
        self,
        category: str = "overall",
        style_control: bool = False,
        language: str | None = None,
        *,
        reweighted: bool = False,
        order: str = "rank",
        emoji: bool = False,
    ) -> dict[str, Any]:
        """One board; a category or language board also carries each row's overall rank."""
        async with self._lock:
            if time.monotonic() - self._checked_at > self._refresh_seconds:
                await asyncio.to_thread(self._refresh)
                self._checked_at = time.monotonic()
            return await asyncio.to_thread(
                self.model.board,
                category,
                style_control,
                language,
                reweighted=reweighted,
                order=order,
                emoji=emoji,
                compute=self._cached,
            )

    async def vote_rows(self, category: str = "overall") -> list[tuple[str, str, str, str]]:
        """The votes behind a board, to download: (public id, model a, model b, winner) for
        each counted vote in ``category`` between two models the board shows. Over the
        overall board their fingerprint is its ``vote_set_sha256``."""
        data = await self.get(category)
        shown = frozenset(r["model"] for r in data["models"])
        async with self._lock:
            return await asyncio.to_thread(self.model.vote_rows, category, shown)

    def _cached(self, key: BoardKey) -> dict[str, Any]:
        cached = self._boards.get(key)
        if cached is None or time.monotonic() - cached[0] > BOARD_MAX_AGE:
            cached = self._boards[key] = (time.monotonic(), self.model.compute(key))
        return cached[1]

    def categories(self) -> list[str]:
        return self.model.categories()

    def languages(self) -> list[str]:
        return self.model.languages()

    def sampling_stats(self) -> SamplingStats | None:
        """What adaptive sampling policies know of the board, as of the last refresh."""
        return self._stats

    def invalidate(self, full: bool = False) -> None:
        """Recheck the store on the next read; ``full`` also redraws the boards."""
        self._checked_at = 0.0
        if full:
            self._boards.clear()

    def _refresh(self) -> None:
        if self.model.refresh():
            self._boards.clear()
            if self.model.counts is not None:
                self._stats = sampling_stats_from_counts(self.model.counts)


class ArenaBoards:
    """One board cache per arena, each made on first use: arenas share nothing but the store."""

    def __init__(self, make: Callable[[Arena], LeaderboardCache]) -> None:
        self._make = make
        self._boards: dict[Arena, LeaderboardCache] = {}

    def board(self, arena: Arena = Arena.text) -> LeaderboardCache:
        if arena not in self._boards:
            self._boards[arena] = self._make(arena)
        return self._boards[arena]

    async def get(self, arena: Arena = Arena.text, **options: Any) -> dict[str, Any]:
        return await self.board(arena).get(**options)

    def sampling_stats(self, arena: Arena = Arena.text) -> SamplingStats | None:
        board = self._boards.get(arena)
        return board.sampling_stats() if board is not None else None

    def invalidate(self, full: bool = False) -> None:
        for board in self._boards.values():
            board.invalidate(full)
