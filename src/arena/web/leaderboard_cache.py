"""The public board, kept up to date as votes arrive.

Each refresh reads from the store only the votes newer than the last one it saw
and merges them into running state: pair counts for the overall board (the fit
runs on a K×K table) plus compact per-vote columns (categories, style counts) for
category and style-controlled boards, computed in memory on request. A worker's
cache is derived state: any worker can rebuild it from the store.

The running counts hold every counted vote, preview models included (the
sampling policy needs them); a board fits only the votes between shown (public
or deprecated) models, which is exactly what a release publishes, so its
``vote_set_sha256`` matches the one ``arena leaderboard`` prints for the release.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine

from arena.battles.categories import CATEGORIES, battle_categories
from arena.battles.sampling import SamplingStats, sampling_stats_from_counts
from arena.data.vote_digest import MODULUS, digest_hex, vote_hash
from arena.errors import InvalidInput
from arena.ratings import Leaderboard, PairCounts, build_leaderboard, build_style_leaderboard
from arena.store import repository as repo
from arena.store.trust_repo import pending_summary

# Model status (preview, deprecated) can change on another worker: redraw at least this often.
BOARD_MAX_AGE = 15.0
UNDESCRIBED = {
    "organization": "unknown",
    "license": "unknown",
    "provisional": False,
    "deprecated": False,
    "deprecated_at": None,
}


@dataclass
class _Columns:
    """What the board needs of each counted vote, appended as votes arrive."""

    model_a: list[str] = field(default_factory=list)
    model_b: list[str] = field(default_factory=list)
    winner: list[str] = field(default_factory=list)
    categories: list[frozenset[str]] = field(default_factory=list)
    style_a: list[tuple[float, float, float, float]] = field(default_factory=list)
    style_b: list[tuple[float, float, float, float]] = field(default_factory=list)
    has_style: list[bool] = field(default_factory=list)
    seen_categories: set[str] = field(default_factory=set)
    # (board key, model a, model b) -> sum of vote hashes: any board's fingerprint over
    # any set of shown models is a sum over pairs, without keeping a hash per vote.
    digests: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def append(self, row: tuple[Any, ...]) -> None:
        vote_id, a, b, winner, is_code, turns, tag, meta = row
        meta = meta or {}
        self.model_a.append(a)
        self.model_b.append(b)
        self.winner.append(winner)
        longest = int(meta.get("longest_prompt_chars", 0) or 0)
        found = frozenset(battle_categories(is_code, turns or 0, longest, tag))
        self.categories.append(found)
        self.seen_categories |= found
        style_a, style_b = _style_counts(meta)
        self.style_a.append(style_a)
        self.style_b.append(style_b)
        self.has_style.append(bool(meta))
        h = vote_hash(str(vote_id), a, b, winner)
        for category in found | {"overall"}:
            keys = [_board_key(category, False)]
            if meta:  # only votes with style counts enter a style-controlled board
                keys.append(_board_key(category, True))
            for key in keys:
                self.digests[(key, a, b)] = (self.digests.get((key, a, b), 0) + h) % MODULUS

    def digest(self, category: str, style_control: bool, shown: frozenset[str]) -> str:
        key = _board_key(category, style_control)
        total = sum(
            h for (k, a, b), h in self.digests.items() if k == key and a in shown and b in shown
        )
        return digest_hex(total % MODULUS)


def _board_key(category: str, style_control: bool) -> str:
    return f"{category}/style" if style_control else category


def _style_counts(meta: dict[str, Any]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(tokens, headers, lists, bold) per side, as the ratings engine's STYLE_FEATURES."""

    def side(s: str) -> tuple[float, ...]:
        headers = sum((meta.get(f"header_count_{s}") or {}).values())
        lists = sum((meta.get(f"list_count_{s}") or {}).values())
        bold = sum((meta.get(f"bold_count_{s}") or {}).values())
        return (float(meta.get(f"sum_assistant_{s}_tokens") or 0), headers, lists, bold)

    return side("a"), side("b")  # type: ignore[return-value]


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
        self._lock = asyncio.Lock()
        self._checked_at = 0.0
        self._stats: SamplingStats | None = None
        self._flags_version: tuple[int, str, str] | None = None
        self._shown: frozenset[str] = frozenset()
        self._pending: dict[str, Any] = {"votes": 0, "clients": 0}
        self._reset()

    def _reset(self) -> None:
        self._counts: PairCounts | None = None
        self._columns = _Columns()
        self._last_vote_id = 0
        self._cutoff: tuple[int, datetime | None] = (0, None)
        self._boards: dict[tuple[str, bool], tuple[float, dict[str, Any]]] = {}

    async def get(self, category: str = "overall", style_control: bool = False) -> dict[str, Any]:
        async with self._lock:
            if time.monotonic() - self._checked_at > self._refresh_seconds:
                await asyncio.to_thread(self._refresh)
                self._checked_at = time.monotonic()
            if category not in self.categories():
                known = ", ".join(sorted(self.categories()))
                raise InvalidInput(f"unknown category {category!r}; available: {known}")
            key = (category, style_control)
            cached = self._boards.get(key)
            if cached is None or time.monotonic() - cached[0] > BOARD_MAX_AGE:
                board = await asyncio.to_thread(self._compute, category, style_control)
                self._boards[key] = (time.monotonic(), board)
                cached = self._boards[key]
            # Pending votes change without the counted ones changing: state them fresh.
            return {**cached[1], "pending": self._pending}

    def categories(self) -> list[str]:
        seen = set(CATEGORIES) | self._columns.seen_categories
        return ["overall", *sorted(seen - {"overall"})]

    def sampling_stats(self) -> SamplingStats | None:
        """What adaptive sampling policies know of the board, as of the last refresh."""
        return self._stats

    def invalidate(self, full: bool = False) -> None:
        """Recheck the store on the next read; ``full`` also redraws the boards."""
        self._checked_at = 0.0
        if full:
            self._boards.clear()

    def _refresh(self) -> None:
        with self._engine.connect() as conn:
            flags = repo.flagged_clients_version(conn)
            if flags != self._flags_version:
                # A newly flagged client's earlier votes must leave the counts: start over.
                self._reset()
                self._flags_version = flags
            votes, last_id, last_at = repo.counted_votes(conn, self._last_vote_id)
            shown = repo.board_models(conn)
            self._pending = pending_summary(conn)
        if shown != self._shown:
            # A preview model released (or a model added): its earlier votes join the board.
            self._shown = shown
            self._boards.clear()
        if not votes:
            self._last_vote_id = max(self._last_vote_id, last_id)
            return
        _ids, a, b, w = (list(col) for col in zip(*(v[:4] for v in votes), strict=True))
        fresh = PairCounts.from_votes(a, b, w)
        self._counts = fresh if self._counts is None else self._counts + fresh
        self._stats = sampling_stats_from_counts(self._counts)
        for vote in votes:
            self._columns.append(vote)
        self._last_vote_id = last_id
        self._cutoff = (last_id, last_at)
        self._boards.clear()

    def _compute(self, category: str, style_control: bool) -> dict[str, Any]:
        board = self._fit(category, style_control)
        rows: list[dict[str, Any]] = []
        if board is not None:
            for row in board.to_dicts():
                # The fit holds only shown models; a model this worker has not read yet
                # (another worker just released it) keeps its row, without the details.
                info = self._describe(row["model"]) or UNDESCRIBED
                rows.append({**row, **info})
        _rerank(rows)
        return {
            "total_votes": int(board.total_votes) if board is not None else 0,
            "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "category": category,
            "categories": self.categories(),
            "style_control": style_control,
            "style_control_available": True,
            "counted_votes": {
                "filters": {
                    "modes": ["anonymous"],
                    "valid_only": True,
                    "exclude_flagged_clients": True,
                    "exclude_held_clients": True,
                    "category": category,
                },
                "cutoff_vote_id": self._cutoff[0],
                "cutoff_time": self._cutoff[1].isoformat() if self._cutoff[1] else None,
                "vote_set_sha256": self._columns.digest(category, style_control, self._shown),
                "method": "style_control/sandwich" if style_control else "bradley_terry/bootstrap",
                "bootstrap_rounds": 0 if style_control else self._rounds,
                "seed": 0,
            },
            "models": rows,
        }

    def _fit(self, category: str, style_control: bool) -> Leaderboard | None:
        columns = self._columns
        if not columns.winner:
            return None
        shown = self._shown
        if category == "overall" and not style_control:
            assert self._counts is not None
            counts = self._counts.subset(sorted(shown))
            if not counts.total:
                return None
            return build_leaderboard(counts, interval="bootstrap", rounds=self._rounds)
        mask = np.fromiter((category in c for c in columns.categories), bool, len(columns.winner))
        mask &= np.fromiter((m in shown for m in columns.model_a), bool, len(columns.winner))
        mask &= np.fromiter((m in shown for m in columns.model_b), bool, len(columns.winner))
        if style_control:
            mask &= np.asarray(columns.has_style, bool)
        if not mask.any():
            return None
        a = np.asarray(columns.model_a, dtype=object)[mask]
        b = np.asarray(columns.model_b, dtype=object)[mask]
        w = np.asarray(columns.winner, dtype=object)[mask]
        if not style_control:
            counts = PairCounts.from_votes(a, b, w)
            return build_leaderboard(counts, interval="bootstrap", rounds=self._rounds)
        style_a = np.asarray(columns.style_a, dtype=float)[mask]
        style_b = np.asarray(columns.style_b, dtype=float)[mask]
        return build_style_leaderboard(a, b, w, style_a, style_b, interval="sandwich")


def _rerank(rows: list[dict[str, Any]]) -> None:
    """Ranks count only the models shown, so a hidden model leaves no gap or trace."""
    for row in rows:
        above = sum(1 for other in rows if other["ci_lower"] > row["ci_upper"])
        row["rank"] = row["rank_ub"] = 1 + above
    rows.sort(key=lambda r: (r["rank"], -r["score"]))
