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
import hashlib
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine

from arena.battles.arenas import arena_plugin
from arena.battles.categories import CATEGORIES, battle_categories
from arena.battles.sampling import SamplingStats, sampling_stats_from_counts
from arena.categories.names import LANGUAGE_PREFIX
from arena.data.style_counts import side_style
from arena.data.vote_digest import MODULUS, digest_hex, vote_hash
from arena.errors import InvalidInput
from arena.ratings import Leaderboard, PairCounts, build_leaderboard, build_style_leaderboard
from arena.store import battle_tags
from arena.store import repository as repo
from arena.store.trust_repo import pending_summary
from arena.store.vote_holds import holds_version
from arena.vocabulary import Arena

# Model status (preview, deprecated) can change on another worker: redraw at least this often.
BOARD_MAX_AGE = 15.0
# A model shows on a category or language board only with this many votes there.
CATEGORY_MIN_VOTES = 10
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

    style_of: Callable[[dict[str, Any], str], tuple[float, ...]] = side_style
    """One side's style covariates from ``conv_metadata`` (the arena's own)."""
    model_a: list[str] = field(default_factory=list)
    model_b: list[str] = field(default_factory=list)
    winner: list[str] = field(default_factory=list)
    categories: list[frozenset[str]] = field(default_factory=list)
    style_a: list[tuple[float, ...]] = field(default_factory=list)
    style_b: list[tuple[float, ...]] = field(default_factory=list)
    has_style: list[bool] = field(default_factory=list)
    seen_categories: set[str] = field(default_factory=set)
    # Each vote's categories before our classifier's tags, the tags, and a 64-bit key
    # of its id, so a retag can find a counted vote and move it between boards. Sets and
    # tags are interned (a board has few distinct ones): the lists hold only pointers.
    base: list[frozenset[str]] = field(default_factory=list)
    tagged: list[battle_tags.StoredTags | None] = field(default_factory=list)
    keys: array = field(default_factory=lambda: array("q"))
    _order: np.ndarray | None = None
    _interned: dict[Any, Any] = field(default_factory=dict)
    # (board key, model a, model b) -> sum of vote hashes: any board's fingerprint over
    # any set of shown models is a sum over pairs, without keeping a hash per vote.
    digests: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def append(self, row: tuple[Any, ...], ours: battle_tags.StoredTags | None = None) -> None:
        vote_id, a, b, winner, is_code, turns, tag, meta = row
        meta = meta or {}
        self.keys.append(_vote_key(str(vote_id)))
        self._order = None
        self.model_a.append(a)
        self.model_b.append(b)
        self.winner.append(winner)
        longest = int(meta.get("longest_prompt_chars", 0) or 0)
        self.base.append(
            self._intern(frozenset(battle_categories(is_code, turns or 0, longest, tag)))
        )
        self.tagged.append(self._intern(ours))
        found = self._intern(self._found(len(self.base) - 1))
        self.categories.append(found)
        self.seen_categories |= found
        style_a, style_b = self.style_of(meta, "a"), self.style_of(meta, "b")
        self.style_a.append(style_a)
        self.style_b.append(style_b)
        self.has_style.append(bool(meta))
        self._add_hash(len(self.model_a) - 1, str(vote_id), found | {"overall"}, +1)

    def _found(self, i: int) -> frozenset[str]:
        """A vote's boards: its stored structural and imported tags, plus ours.

        With our tags, ``coding`` and ``long_query`` are the classifier's (exact rules
        over the prompt); without them, the older prompt-shape rules decide.
        """
        ours = self.tagged[i]
        if ours is None:
            return self.base[i]
        kept = self.base[i] - {"coding", "long_query"}
        lang = {LANGUAGE_PREFIX + ours.language} if ours.language else set()
        return frozenset(kept | set(ours.tags) | lang)

    def _intern(self, value: Any) -> Any:
        return self._interned.setdefault(value, value)

    def position(self, vote_id: str) -> int | None:
        """Where a counted vote sits in the columns, or None."""
        keys = np.frombuffer(self.keys, dtype=np.int64)
        if not len(keys):
            return None
        if self._order is None:
            self._order = np.argsort(keys, kind="stable")
        key = _vote_key(vote_id)
        at = int(np.searchsorted(keys, key, sorter=self._order))
        if at < len(keys) and keys[self._order[at]] == key:
            return int(self._order[at])
        return None

    def retag(self, vote_id: str, ours: battle_tags.StoredTags) -> bool:
        """New tags for a counted vote; True when its boards changed."""
        i = self.position(vote_id)
        if i is None or self.tagged[i] == ours:
            return False
        old = self.categories[i]
        self.tagged[i] = self._intern(ours)
        new = self._intern(self._found(i))
        if new == old:
            return False
        self.categories[i] = new
        self.seen_categories |= new
        self._add_hash(i, vote_id, old - new, -1)
        self._add_hash(i, vote_id, new - old, +1)
        return True

    def _add_hash(self, i: int, vote_id: str, boards: frozenset[str], sign: int) -> None:
        """Add (or remove) vote ``i``'s hash to the fingerprints of ``boards``."""
        a, b = self.model_a[i], self.model_b[i]
        h = vote_hash(vote_id, a, b, self.winner[i])
        for category in boards:
            keys = [_board_key(category, False)]
            if self.has_style[i]:  # only votes with style counts enter a style-controlled board
                keys.append(_board_key(category, True))
            for key in keys:
                self.digests[(key, a, b)] = (self.digests.get((key, a, b), 0) + sign * h) % MODULUS

    def digest(self, category: str, style_control: bool, shown: frozenset[str]) -> str:
        key = _board_key(category, style_control)
        total = sum(
            h for (k, a, b), h in self.digests.items() if k == key and a in shown and b in shown
        )
        return digest_hex(total % MODULUS)


def _vote_key(vote_id: str) -> int:
    """A 64-bit key of a vote id (8 bytes a vote instead of a dict entry and a string)."""
    return int.from_bytes(
        hashlib.blake2b(vote_id.encode(), digest_size=8).digest(), "little", signed=True
    )


def _board_key(category: str, style_control: bool) -> str:
    return f"{category}/style" if style_control else category


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
        from arena.ratings.intervals import MIN_BOOTSTRAP_ROUNDS

        self.arena = arena
        if rounds < MIN_BOOTSTRAP_ROUNDS:
            raise InvalidInput(
                f"ARENA_LEADERBOARD_BOOTSTRAP_ROUNDS must be at least {MIN_BOOTSTRAP_ROUNDS}"
                f" (got {rounds})"
            )
        if min_votes < 0:
            raise InvalidInput(f"ARENA_LEADERBOARD_MIN_VOTES must be >= 0 (got {min_votes})")
        self._min_votes = min_votes
        self._engine = engine
        self._rounds = rounds
        self._refresh_seconds = refresh_seconds
        self._describe = describe
        self.category_min_votes = CATEGORY_MIN_VOTES
        # Key of public battle ids: the fingerprint covers the ids a release publishes.
        self.id_key: str | None = None
        self._lock = asyncio.Lock()
        self._checked_at = 0.0
        self._stats: SamplingStats | None = None
        self._flags_version: tuple[int, str, str, int] | None = None
        self._shown: frozenset[str] = frozenset()
        self._pending: dict[str, Any] = {"votes": 0, "clients": 0}
        self._reset()

    def _reset(self) -> None:
        self._counts: PairCounts | None = None
        self._columns = _Columns(style_of=arena_plugin(self.arena).style_values)
        self._last_vote_id = 0
        self._cutoff: tuple[int, datetime | None] = (0, None)
        self._boards: dict[tuple[str, bool], tuple[float, dict[str, Any]]] = {}
        self._tags_since: datetime | None = None

    async def get(
        self, category: str = "overall", style_control: bool = False, language: str | None = None
    ) -> dict[str, Any]:
        """One board; a category or language board also carries each row's overall rank."""
        plugin = arena_plugin(self.arena)
        if style_control and not plugin.style_features:
            raise InvalidInput(
                f"style control adjusts for text length and Markdown; the {self.arena.value} "
                f"arena's answers are {plugin.answers}"
            )
        async with self._lock:
            if time.monotonic() - self._checked_at > self._refresh_seconds:
                await asyncio.to_thread(self._refresh)
                self._checked_at = time.monotonic()
            if category not in self.categories():
                known = ", ".join(sorted(self.categories()))
                raise InvalidInput(f"unknown category {category!r}; available: {known}")
            if language is not None and category != "overall":
                raise InvalidInput("ask for a category or a language, not both")
            key = category if language is None else LANGUAGE_PREFIX + language.lower()
            board = await self._board(key, style_control)
            # Pending votes change without the counted ones changing: state them fresh.
            if key == "overall":
                return {**board, "pending": self._pending}
            overall = await self._board("overall", style_control)
            return {**_with_rank_change(board, overall), "pending": self._pending}

    async def vote_rows(self, category: str = "overall") -> list[tuple[str, str, str, str]]:
        """The votes behind a board, to download: (public id, model a, model b, winner) for
        each counted vote in ``category`` between two models the board shows. Over the
        overall board their fingerprint is its ``vote_set_sha256``."""
        data = await self.get(category)
        shown = frozenset(r["model"] for r in data["models"])
        async with self._lock:
            columns = self._columns

            def read() -> list[tuple[Any, ...]]:
                with self._engine.connect() as conn:
                    rows, _, _ = repo.counted_votes(
                        conn, 0, arena=self.arena.value, id_key=self.id_key
                    )
                return rows

            out = []
            for vote_id, a, b, winner, *_ in await asyncio.to_thread(read):
                i = columns.position(str(vote_id))
                if i is None or a not in shown or b not in shown:
                    continue  # newer than the board, or a model it does not show
                if category == "overall" or category in columns.categories[i]:
                    out.append((str(vote_id), a, b, winner))
            return out

    async def _board(self, key: str, style_control: bool) -> dict[str, Any]:
        cached = self._boards.get((key, style_control))
        if cached is None or time.monotonic() - cached[0] > BOARD_MAX_AGE:
            board = await asyncio.to_thread(self._compute, key, style_control)
            self._boards[(key, style_control)] = (time.monotonic(), board)
            cached = self._boards[(key, style_control)]
        return cached[1]

    def categories(self) -> list[str]:
        seen = set(CATEGORIES) | self._columns.seen_categories
        seen = {c for c in seen if not c.startswith(LANGUAGE_PREFIX)}
        return ["overall", *sorted(seen - {"overall"})]

    def languages(self) -> list[str]:
        """ISO 639-1 codes of the counted votes' prompts, as our classifier found them."""
        n = len(LANGUAGE_PREFIX)
        return sorted(c[n:] for c in self._columns.seen_categories if c.startswith(LANGUAGE_PREFIX))

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
            # Flags, reviews and releases of clients, and votes held or released for review.
            flags = (*repo.flagged_clients_version(conn), holds_version(conn))
            if flags != self._flags_version:
                # A newly flagged client's earlier votes must leave the counts: start over.
                self._reset()
                self._flags_version = flags
            votes, last_id, last_at = repo.counted_votes(
                conn, self._last_vote_id, arena=self.arena.value, id_key=self.id_key
            )
            tags, self._tags_since = battle_tags.tags_for_board(
                conn, self._last_vote_id, last_id, self._tags_since, self.id_key
            )
            shown = repo.board_models(conn)
            self._pending = pending_summary(conn)
        if shown != self._shown:
            # A preview model released (or a model added): its earlier votes join the board.
            self._shown = shown
            self._boards.clear()
        retagged = [self._columns.retag(vote_id, t) for vote_id, t in tags.items()]
        if any(retagged):  # a retag, or a tag written after its vote
            self._boards.clear()
        if not votes:
            self._last_vote_id = max(self._last_vote_id, last_id)
            return
        _ids, a, b, w = (list(col) for col in zip(*(v[:4] for v in votes), strict=True))
        fresh = PairCounts.from_votes(a, b, w)
        self._counts = fresh if self._counts is None else self._counts + fresh
        self._stats = sampling_stats_from_counts(self._counts)
        for vote in votes:
            self._columns.append(vote, tags.get(str(vote[0])))
        self._last_vote_id = last_id
        self._cutoff = (last_id, last_at)
        self._boards.clear()

    def _compute(self, category: str, style_control: bool) -> dict[str, Any]:
        is_language = category.startswith(LANGUAGE_PREFIX)
        language = category[len(LANGUAGE_PREFIX) :] if is_language else None
        board = self._fit(category, style_control)
        rows: list[dict[str, Any]] = []
        category_min = 0 if category == "overall" else self.category_min_votes
        waiting = board.waiting_rows() if board is not None else []
        if board is not None:
            for row in board.to_dicts():
                if row["votes"] < category_min:
                    # too few votes in this category to rank the model there: it waits
                    waiting.append({"model": row["model"], "votes": row["votes"]})
                    continue
                # The fit holds only shown models; a model this worker has not read yet
                # (another worker just released it) keeps its row, without the details.
                info = self._describe(row["model"]) or UNDESCRIBED
                rows.append({**row, **info})
        _rerank(rows)
        extra: dict[str, Any] = {}
        if board is not None and board.style_control:
            extra["style_coefficients"] = board.style_block()
        if board is not None and board.warnings:
            extra["warnings"] = board.warnings
        return {
            "total_votes": int(board.total_votes) if board is not None else 0,
            "arena": self.arena.value,
            # A model is shown from this many votes (a category board may ask for more).
            "min_votes": max(self._min_votes, category_min),
            "too_few_votes": sorted(w["model"] for w in waiting),
            # Who waits for the minimum, with the votes each has: never "no votes" when
            # there are some (issue 33).
            "waiting": sorted(waiting, key=lambda w: (-w["votes"], w["model"])),
            "all_votes": max(board.all_votes, board.total_votes) if board is not None else 0,
            **extra,
            "computed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "category": "overall" if language else category,
            "categories": self.categories(),
            "language": language,
            "languages": self.languages(),
            "style_control": style_control,
            "style_control_available": bool(arena_plugin(self.arena).style_features),
            "counted_votes": {
                "filters": {
                    "modes": ["anonymous"],
                    "valid_only": True,
                    "exclude_flagged_clients": True,
                    "arena": self.arena.value,
                    "exclude_held_clients": True,
                    "category": category,
                },
                "cutoff_vote_id": self._cutoff[0],
                "cutoff_time": self._cutoff[1].isoformat() if self._cutoff[1] else None,
                # Exactly the counted votes: models left out for too few votes take theirs.
                "vote_set_sha256": self._columns.digest(
                    category,
                    style_control,
                    self._shown if board is None else frozenset(r.model for r in board.rows),
                ),
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
            return build_leaderboard(
                counts, interval="bootstrap", rounds=self._rounds, min_votes=self._min_votes
            )
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
            return build_leaderboard(
                counts, interval="bootstrap", rounds=self._rounds, min_votes=self._min_votes
            )
        style_a = np.asarray(columns.style_a, dtype=float)[mask]
        style_b = np.asarray(columns.style_b, dtype=float)[mask]
        return build_style_leaderboard(
            a,
            b,
            w,
            style_a,
            style_b,
            interval="sandwich",
            min_votes=self._min_votes,
            feature_names=arena_plugin(self.arena).style_features,
        )


def _with_rank_change(board: dict[str, Any], overall: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``board`` whose rows carry ``rank_overall`` and ``rank_change``.

    ``rank_change`` is positive when a model ranks higher (a smaller number) here
    than overall, as LMArena's arrows show it.
    """
    overall_rank = {row["model"]: row["rank"] for row in overall["models"]}
    rows = []
    for row in board["models"]:
        before = overall_rank.get(row["model"])
        # An unrated model has no rank, here or overall: no change to show.
        change = None if before is None or row["rank"] is None else before - row["rank"]
        rows.append({**row, "rank_overall": before, "rank_change": change})
    return {**board, "models": rows}


def _rerank(rows: list[dict[str, Any]]) -> None:
    """Ranks count only the models shown, so a hidden model leaves no gap or trace.

    Unrated models keep a null rank and sort last; an unknown bound ranks as unbounded.
    """
    inf = float("inf")
    for row in rows:
        if not row.get("rated", True):
            row["rank"] = row["rank_ub"] = None
            continue
        upper = inf if row["ci_upper"] is None else row["ci_upper"]
        above = sum(
            1
            for other in rows
            if other.get("rated", True)
            and other["ci_lower"] is not None
            and other["ci_lower"] > upper
        )
        row["rank"] = row["rank_ub"] = 1 + above
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, -r["score"]))


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
