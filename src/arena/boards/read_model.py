"""The public board's read model: counted votes in, the board's JSON body out.

It reads from the store only the votes newer than the last one it saw and merges them
into running state: pair counts for the overall board (the fit runs on a K×K table)
plus compact per-vote columns (:class:`VoteColumns`) for category and style-controlled
boards. It is derived state: anyone can rebuild it from the store. The web app keeps
one per arena and caches its boards; ``arena leaderboard --db`` builds one, reads the
store once and prints a board, so the two print the same rows and fingerprint.

The running counts hold every counted vote, preview models included (the sampling
policy needs them); a board fits only the votes between shown (public or deprecated)
models, which is exactly what a release publishes, so its ``vote_set_sha256`` matches
the one ``arena leaderboard --votes`` prints for the release.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine

from arena.boards.assembly import board_body, with_rank_change
from arena.boards.columns import VoteColumns
from arena.categories.names import LANGUAGE_PREFIX
from arena.categories.structural import CATEGORIES
from arena.clock import SYSTEM_CLOCK, Clock
from arena.data.style_counts import side_style
from arena.errors import InvalidInput
from arena.ratings import Leaderboard, PairCounts, build_leaderboard, build_style_leaderboard
from arena.ratings.leaderboard import ORDERS
from arena.ratings.style import STYLE_FEATURES
from arena.store import battle_tags
from arena.store import repository as repo
from arena.store.speed_repo import model_speeds
from arena.store.trust_repo import pending_summary
from arena.store.vote_holds import holds_version
from arena.vocabulary import Arena

__all__ = ["BoardKey", "BoardReadModel", "Compute"]


@dataclass(frozen=True)
class BoardKey:
    """What makes one board differ from another (the cache key of a computed board)."""

    category: str = "overall"
    style_control: bool = False
    reweighted: bool = False
    emoji: bool = False
    """Style control with the emoji count as one more covariate (votes that count it)."""


Compute = Callable[[BoardKey], dict[str, Any]]


class BoardReadModel:
    """One arena's counted votes, and the boards computed from them."""

    def __init__(
        self,
        engine: Engine,
        rounds: int,
        describe: Callable[[str], dict[str, Any] | None],
        arena: Arena = Arena.text,
        *,
        min_votes: int = 0,
        category_min_votes: int = 10,
        style_unavailable: str | None = None,
        style_features: tuple[str, ...] = STYLE_FEATURES,
        style_of: Callable[[dict[str, Any], str], tuple[float, ...]] | None = None,
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.arena = arena
        self.rounds = rounds
        self.min_votes = min_votes
        self.category_min_votes = category_min_votes
        # Why this arena's board cannot control for style (None: it can).
        self.style_unavailable = style_unavailable
        # The arena's style covariates: their names, and how to read them from metadata.
        self.style_features = style_features
        self._style_of = style_of or side_style
        # Key of public battle ids: the fingerprint covers the ids a release publishes.
        self.id_key: str | None = None
        self._engine = engine
        self._describe = describe
        self._clock = clock
        self._flags_version: tuple[Any, ...] | None = None
        self.shown: frozenset[str] = frozenset()
        self.pending: dict[str, Any] = {"votes": 0, "clients": 0}
        self.speeds: dict[str, dict[str, Any]] | None = None
        self.reset()

    def reset(self) -> None:
        self.counts: PairCounts | None = None
        self.columns = VoteColumns(style_of=self._style_of)
        self._last_vote_id = 0
        self._cutoff: tuple[int, datetime | None] = (0, None)
        self._tags_since: datetime | None = None

    # ---- reading the store ---------------------------------------------
    def refresh(self) -> bool:
        """Read what is new in the store; True when computed boards are now stale."""
        stale = False
        with self._engine.connect() as conn:
            # Flags, reviews and releases of clients, and votes held or released for review.
            flags = (*repo.flagged_clients_version(conn), holds_version(conn))
            if flags != self._flags_version:
                # A newly flagged client's earlier votes must leave the counts: start over.
                self.reset()
                self._flags_version = flags
                stale = True
            votes, last_id, last_at = repo.counted_votes(
                conn, self._last_vote_id, arena=self.arena.value, id_key=self.id_key
            )
            tags, self._tags_since = battle_tags.tags_for_board(
                conn, self._last_vote_id, last_id, self._tags_since, self.id_key
            )
            shown = repo.board_models(conn)
            self.pending = pending_summary(conn)
            if votes or self.speeds is None:
                self.speeds = model_speeds(conn, self.arena.value)
        if shown != self.shown:
            # A preview model released (or a model added): its earlier votes join the board.
            self.shown = shown
            stale = True
        retagged = [self.columns.retag(vote_id, t) for vote_id, t in tags.items()]
        stale |= any(retagged)  # a retag, or a tag written after its vote
        if not votes:
            self._last_vote_id = max(self._last_vote_id, last_id)
            return stale
        _ids, a, b, w = (list(col) for col in zip(*(v[:4] for v in votes), strict=True))
        fresh = PairCounts.from_votes(a, b, w)
        self.counts = fresh if self.counts is None else self.counts + fresh
        for vote in votes:
            self.columns.append(vote, tags.get(str(vote[0])))
        self._last_vote_id = last_id
        self._cutoff = (last_id, last_at)
        return True

    def vote_rows(self, category: str, shown: frozenset[str]) -> list[tuple[str, str, str, str]]:
        """(public id, model a, model b, winner) of each vote counted so far in ``category``
        between two ``shown`` models, read again from the store."""
        with self._engine.connect() as conn:
            rows, _, _ = repo.counted_votes(conn, 0, arena=self.arena.value, id_key=self.id_key)
        out = []
        for vote_id, a, b, winner, *_ in rows:
            i = self.columns.position(str(vote_id))
            if i is None or a not in shown or b not in shown:
                continue  # newer than the board, or a model it does not show
            if category == "overall" or category in self.columns.categories[i]:
                out.append((str(vote_id), a, b, winner))
        return out

    def categories(self) -> list[str]:
        seen = set(CATEGORIES) | self.columns.seen_categories
        seen = {c for c in seen if not c.startswith(LANGUAGE_PREFIX)}
        return ["overall", *sorted(seen - {"overall"})]

    def languages(self) -> list[str]:
        """ISO 639-1 codes of the counted votes' prompts, as our classifier found them."""
        n = len(LANGUAGE_PREFIX)
        return sorted(c[n:] for c in self.columns.seen_categories if c.startswith(LANGUAGE_PREFIX))

    # ---- one board -------------------------------------------------------
    def board(
        self,
        category: str = "overall",
        style_control: bool = False,
        language: str | None = None,
        *,
        reweighted: bool = False,
        order: str = "rank",
        emoji: bool = False,
        compute: Compute | None = None,
    ) -> dict[str, Any]:
        """One board; a category or language board also carries each row's overall rank.

        ``compute`` returns the board of a key (the web passes its cache); by default
        each board is computed afresh.
        """
        compute = compute or self.compute
        if (style_control or emoji) and self.style_unavailable:
            raise InvalidInput(self.style_unavailable)
        style_control = style_control or emoji
        if order not in ORDERS:
            raise InvalidInput(f"order must be one of {', '.join(ORDERS)} (got {order!r})")
        if category not in self.categories():
            known = ", ".join(sorted(self.categories()))
            raise InvalidInput(f"unknown category {category!r}; available: {known}")
        if language is not None and category != "overall":
            raise InvalidInput("ask for a category or a language, not both")
        key = category if language is None else LANGUAGE_PREFIX + language.lower()
        board = compute(BoardKey(key, style_control, reweighted, emoji))
        if key != "overall":
            overall = compute(BoardKey("overall", style_control, reweighted, emoji))
            board = with_rank_change(board, overall)
        # Pending votes change without the counted ones changing: state them fresh.
        return {**board, **_ordered(board, order), "pending": self.pending}

    def compute(self, key: BoardKey) -> dict[str, Any]:
        category = key.category
        board = self._fit(key)
        min_here = 0 if category == "overall" else self.category_min_votes
        shown = self.shown if board is None else frozenset(r.model for r in board.rows)
        return board_body(
            board,
            arena=self.arena,
            category=category,
            style_control=key.style_control,
            emoji=key.emoji,
            describe=self._describe,
            min_votes=max(self.min_votes, min_here),
            row_min_votes=min_here,
            categories=self.categories(),
            languages=self.languages(),
            style_available=self.style_unavailable is None,
            counted={
                "cutoff_vote_id": self._cutoff[0],
                "cutoff_time": self._cutoff[1].isoformat() if self._cutoff[1] else None,
                # Exactly the counted votes: models left out for too few votes take theirs.
                "vote_set_sha256": self.columns.digest(
                    category, key.style_control, shown, emoji=key.emoji
                ),
                "bootstrap_rounds": 0 if key.style_control else self.rounds,
            },
            computed_at=self._clock.now().isoformat(timespec="seconds"),
            speeds=self.speeds,
        )

    def _fit(self, key: BoardKey) -> Leaderboard | None:
        columns = self.columns
        if not columns.winner:
            return None
        category, style_control, reweighted = key.category, key.style_control, key.reweighted
        shown = self.shown
        if category == "overall" and not style_control:
            assert self.counts is not None
            counts = self.counts.subset(sorted(shown))
            if not counts.total:
                return None
            return build_leaderboard(
                counts,
                interval="bootstrap",
                rounds=self.rounds,
                min_votes=self.min_votes,
                reweighted=reweighted,
            )
        n = len(columns.winner)
        mask = np.fromiter((category in c for c in columns.categories), bool, n)
        mask &= np.fromiter((m in shown for m in columns.model_a), bool, n)
        mask &= np.fromiter((m in shown for m in columns.model_b), bool, n)
        if style_control:
            mask &= np.asarray(columns.has_style, bool)
        if key.emoji:
            mask &= np.asarray(columns.has_emoji, bool)
        if not mask.any():
            return None
        a = np.asarray(columns.model_a, dtype=object)[mask]
        b = np.asarray(columns.model_b, dtype=object)[mask]
        w = np.asarray(columns.winner, dtype=object)[mask]
        if not style_control:
            return build_leaderboard(
                PairCounts.from_votes(a, b, w),
                interval="bootstrap",
                rounds=self.rounds,
                min_votes=self.min_votes,
                reweighted=reweighted,
            )
        names = (*self.style_features, *(("emoji",) if key.emoji else ()))
        style_a = np.asarray(columns.style_a, dtype=float)[mask]
        style_b = np.asarray(columns.style_b, dtype=float)[mask]
        if key.emoji:
            style_a = np.hstack([style_a, np.asarray(columns.tone_a, dtype=float)[mask]])
            style_b = np.hstack([style_b, np.asarray(columns.tone_b, dtype=float)[mask]])
        return build_style_leaderboard(
            a,
            b,
            w,
            style_a,
            style_b,
            interval="sandwich",
            min_votes=self.min_votes,
            reweighted=reweighted,
            feature_names=names,
        )


def _ordered(board: dict[str, Any], order: str) -> dict[str, Any]:
    from arena.ratings.leaderboard import order_rows

    return {"order": order, "models": order_rows(board["models"], order)}
