"""The votes a board counts, encoded: model ids, winner codes, style counts, fingerprint."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from arena.data.vote_digest import digest_hex, limbs_to_int
from arena.errors import InvalidInput
from arena.ratings.counts import PairCounts
from arena.ratings.style import StyleData
from arena.vocabulary import Winner

__all__ = ["CODE_OUTCOME", "DROP_REASONS", "VotesTable"]

#: Outcome for model A of each winner code (0 A won, 1 B won, 2 tie, 3 both bad).
CODE_OUTCOME = np.array([w.outcome for w in Winner])

#: Why a row is not counted, in the order a row is charged to (one reason per row).
DROP_REASONS = (
    "duplicate id",
    "missing model name",
    "model against itself",
    "missing winner",
    "unknown winner",
    "no conv_metadata",
    "null, NaN or negative style count",
)


@dataclass(frozen=True)
class VotesTable:
    """Encoded votes.

    Attributes
    ----------
    models : list of str, length K (sorted)
    ia, ib : np.ndarray of int32, shape (N,)
    codes : np.ndarray of int8, shape (N,)
        0 A won, 1 B won, 2 tie or both bad.
    style_a, style_b : np.ndarray, shape (N, 4), or None
        Raw style counts (tokens, headers, lists, bold) when requested.
    rows_read : int
        Rows seen before filters.
    vote_set_sha256 : str or None
        Fingerprint of exactly the counted votes (:mod:`arena.data.vote_digest`),
        when asked for and the file has an id column.
    dropped : dict of str to int
        Rows not counted, by reason (:data:`DROP_REASONS`).
    """

    models: list[str]
    ia: np.ndarray
    ib: np.ndarray
    codes: np.ndarray
    style_a: np.ndarray | None = None
    style_b: np.ndarray | None = None
    rows_read: int = 0
    vote_set_sha256: str | None = None
    # rows left out by each default rule (``named``, ``deduped``), for "what was counted"
    left_out: dict[str, int] | None = None
    dropped: dict[str, int] = field(default_factory=dict)
    # (a, b, limb sums) of the counted votes' values per unordered model pair
    pair_digest: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def outcome(self) -> np.ndarray:
        """Outcome for model A (1.0, 0.0, 0.5), shape (N,)."""
        return CODE_OUTCOME[self.codes]

    def fingerprint(self, models: Iterable[str]) -> str | None:
        """``vote_set_sha256`` of the counted votes between ``models`` only (what a
        board fitted after dropping rare models counts)."""
        if self.pair_digest is None:
            return None
        wanted = set(models)
        keep = np.array([m in wanted for m in self.models], dtype=bool)
        a, b, sums = self.pair_digest
        return digest_hex(limbs_to_int(sums[keep[a] & keep[b]]))

    def pair_counts(self) -> PairCounts:
        return PairCounts.from_codes(self.models, self.ia, self.ib, self.codes)

    def style_data(self) -> StyleData:
        if self.style_a is None or self.style_b is None:
            raise InvalidInput("style control needs conv_metadata style counts in the votes file")
        return StyleData.from_indices(
            self.models, self.ia, self.ib, self.outcome, self.style_a, self.style_b
        )

    def model_names(self) -> tuple[np.ndarray, np.ndarray]:
        names = np.asarray(self.models, dtype=object)
        return names[self.ia], names[self.ib]
