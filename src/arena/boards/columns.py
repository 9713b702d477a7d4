"""What a board needs of each counted vote, kept as compact columns.

The read model appends every counted vote once (models, winner, its boards, its style
counts) and keeps, per board and pair, the sum of the votes' hashes, so any board's
``vote_set_sha256`` over any set of shown models is a sum over pairs: no hash per vote
is kept, and a retag moves a vote between boards without a rescan.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from arena.categories.names import LANGUAGE_PREFIX
from arena.categories.structural import battle_categories
from arena.data.style_counts import SENTIMENT_FIELDS, side_style, side_tone
from arena.data.vote_digest import MODULUS, digest_hex, vote_hash
from arena.store import battle_tags

__all__ = ["VoteColumns", "board_key"]

EMOJI_FIELD = SENTIMENT_FIELDS["emoji"].format("a")


@dataclass
class VoteColumns:
    """What the board needs of each counted vote, appended as votes arrive."""

    style_of: Callable[[dict[str, Any], str], tuple[float, ...]] = side_style
    """One side's style covariates from ``conv_metadata`` (the arena's own)."""

    model_a: list[str] = field(default_factory=list)
    model_b: list[str] = field(default_factory=list)
    winner: list[str] = field(default_factory=list)
    categories: list[frozenset[str]] = field(default_factory=list)
    style_a: list[tuple[float, ...]] = field(default_factory=list)
    style_b: list[tuple[float, ...]] = field(default_factory=list)
    # Tone covariates (emoji) per side, beside the arena's style ones.
    tone_a: list[tuple[float, ...]] = field(default_factory=list)
    tone_b: list[tuple[float, ...]] = field(default_factory=list)
    has_style: list[bool] = field(default_factory=list)
    # Votes whose stored metadata counts emoji (older votes do not: they stay off a
    # board that controls for emoji rather than count as emoji-free).
    has_emoji: list[bool] = field(default_factory=list)
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
        self.style_a.append(self.style_of(meta, "a"))
        self.style_b.append(self.style_of(meta, "b"))
        self.tone_a.append(side_tone(meta, "a"))
        self.tone_b.append(side_tone(meta, "b"))
        self.has_style.append(bool(meta))
        self.has_emoji.append(EMOJI_FIELD in meta)
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
            keys = [board_key(category, False)]
            if self.has_style[i]:  # only votes with style counts enter a style-controlled board
                keys.append(board_key(category, True))
            if self.has_emoji[i]:
                keys.append(board_key(category, True, emoji=True))
            for key in keys:
                self.digests[(key, a, b)] = (self.digests.get((key, a, b), 0) + sign * h) % MODULUS

    def digest(
        self, category: str, style_control: bool, shown: frozenset[str], emoji: bool = False
    ) -> str:
        key = board_key(category, style_control, emoji=emoji)
        total = sum(
            h for (k, a, b), h in self.digests.items() if k == key and a in shown and b in shown
        )
        return digest_hex(total % MODULUS)


def _vote_key(vote_id: str) -> int:
    """A 64-bit key of a vote id (8 bytes a vote instead of a dict entry and a string)."""
    return int.from_bytes(
        hashlib.blake2b(vote_id.encode(), digest_size=8).digest(), "little", signed=True
    )


def board_key(category: str, style_control: bool, *, emoji: bool = False) -> str:
    if emoji:
        return f"{category}/style+emoji"
    return f"{category}/style" if style_control else category
