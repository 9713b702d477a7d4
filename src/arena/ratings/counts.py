"""Votes collapsed to counts over unique model pairs.

Invariant: a :class:`PairCounts` holds one row per unordered pair of distinct
models that met at least once, stored canonically with ``a < b`` (indices into
``models``, which is sorted), so that swapping the sides of a vote and flipping
its winner yields the same counts. Ties and ``both_bad`` are both stored in
``ties`` and count as half a win for each side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arena.vocabulary import FILE_WINNERS, Winner

__all__ = ["WINNER_OUTCOME", "PairCounts", "outcome_codes", "parse_winner"]

#: Every accepted spelling of a vote's winner (the one vocabulary's), mapped to the
#: outcome for model A.
WINNER_OUTCOME: dict[str, float] = {
    spelling: Winner(value).outcome for spelling, value in FILE_WINNERS.items()
}

#: arena-rank's ``min_pair_count``: a pair seen fewer times weighs as if seen this often.
MIN_PAIR_COUNT = 50.0

# Outcome codes used inside the counts: 0 = A wins, 1 = B wins, 2 = tie.
A_WINS, B_WINS, TIE = 0, 1, 2


def parse_winner(s: str) -> float:
    """Map a winner string to the outcome for model A.

    Parameters
    ----------
    s : str
        ``model_a``, ``model_b``, ``tie``, ``both_bad`` or ``tie (bothbad)``
        (case and surrounding spaces ignored).

    Returns
    -------
    float
        1.0 if A won, 0.0 if B won, 0.5 for a tie or both bad.

    Raises
    ------
    ValueError
        If the spelling is unknown.
    """
    try:
        return WINNER_OUTCOME[str(s).strip().lower()]
    except KeyError:
        raise ValueError(
            f"unknown winner {s!r}; expected one of {sorted(WINNER_OUTCOME)}"
        ) from None


def outcome_codes(outcome: np.ndarray | Sequence[float] | Sequence[str]) -> np.ndarray:
    """Convert outcomes (floats 1/0/0.5 or winner strings) to codes 0/1/2.

    Parameters
    ----------
    outcome : array-like, shape (N,)
        Floats in {1.0, 0.0, 0.5} or winner strings.

    Returns
    -------
    np.ndarray of int8, shape (N,)
        0 when A won, 1 when B won, 2 for a tie.
    """
    arr = np.asarray(outcome)
    if arr.dtype.kind in "OUS":
        arr = np.array([parse_winner(s) for s in arr.tolist()], dtype=np.float64)
    arr = arr.astype(np.float64, copy=False)
    codes = np.full(arr.shape, -1, dtype=np.int8)
    codes[arr == 1.0] = A_WINS
    codes[arr == 0.0] = B_WINS
    codes[arr == 0.5] = TIE
    if (codes < 0).any():
        bad = arr[codes < 0][:3].tolist()
        raise ValueError(f"outcomes must be 1.0, 0.0 or 0.5; got {bad}")
    return codes


def _aggregate(
    models: list[str],
    ia: np.ndarray,
    ib: np.ndarray,
    codes: np.ndarray,
    weight: np.ndarray | None = None,
) -> PairCounts:
    """Collapse per-vote (or per-group) rows into canonical pair counts."""
    k = len(models)
    ia = np.asarray(ia, dtype=np.int64)
    ib = np.asarray(ib, dtype=np.int64)
    codes = np.asarray(codes, dtype=np.int64)
    w = None if weight is None else np.asarray(weight, dtype=np.float64)
    keep = ia != ib  # a model against itself tells nothing
    if not keep.all():
        ia, ib, codes = ia[keep], ib[keep], codes[keep]
        w = None if w is None else w[keep]
    swap = ia > ib
    lo = np.where(swap, ib, ia)
    hi = np.where(swap, ia, ib)
    # Swapping the sides flips A-wins <-> B-wins; ties stay ties.
    codes = np.where(swap & (codes < TIE), 1 - codes, codes)
    pair = lo * k + hi
    if k * k * 3 <= 30_000_000:
        flat = np.bincount(pair * 3 + codes, weights=w, minlength=k * k * 3)
        cells = flat.reshape(k * k, 3)
        nz = np.flatnonzero(cells.sum(axis=1) > 0)
        table = cells[nz]
        keys = nz
    else:  # too many models for a dense table: sort-based grouping
        keys, inv = np.unique(pair, return_inverse=True)
        table = np.zeros((keys.size, 3))
        np.add.at(table, (inv, codes), 1.0 if w is None else w)
    return PairCounts(
        models=list(models),
        a=(keys // k).astype(np.int64),
        b=(keys % k).astype(np.int64),
        wins_a=table[:, A_WINS].astype(np.float64),
        wins_b=table[:, B_WINS].astype(np.float64),
        ties=table[:, TIE].astype(np.float64),
    )


def _encode(model_a: Sequence[str] | np.ndarray, model_b: Sequence[str] | np.ndarray):
    a = np.asarray(model_a, dtype=object).astype(str)
    b = np.asarray(model_b, dtype=object).astype(str)
    if a.shape != b.shape:
        raise ValueError("model_a and model_b must have the same length")
    models, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    return [str(m) for m in models], inv[: a.size], inv[a.size :]


@dataclass(frozen=True)
class PairCounts:
    """Aggregated battle counts over unique model pairs.

    Attributes
    ----------
    models : list of str, length K
        Model names, sorted; indices in ``a`` and ``b`` refer to this list.
    a, b : np.ndarray of int64, shape (M,)
        Model indices of each pair, with ``a < b``.
    wins_a, wins_b, ties : np.ndarray of float64, shape (M,)
        Number of votes won by ``a``, by ``b``, and tied (including both bad).
    """

    models: list[str]
    a: np.ndarray
    b: np.ndarray
    wins_a: np.ndarray
    wins_b: np.ndarray
    ties: np.ndarray

    # ---- constructors -------------------------------------------------
    @classmethod
    def empty(cls, models: Sequence[str] = ()) -> PairCounts:
        """Counts with no battles (optionally over a known roster)."""
        z = np.zeros(0)
        zi = np.zeros(0, dtype=np.int64)
        return cls(sorted(set(models)), zi, zi.copy(), z, z.copy(), z.copy())

    @classmethod
    def from_votes(
        cls,
        model_a: Sequence[str] | np.ndarray,
        model_b: Sequence[str] | np.ndarray,
        outcome: np.ndarray | Sequence[float] | Sequence[str],
    ) -> PairCounts:
        """Aggregate one row per vote.

        Parameters
        ----------
        model_a, model_b : array-like of str, shape (N,)
            The two models of each vote.
        outcome : array-like, shape (N,)
            Outcome for model A (1.0, 0.0, 0.5) or winner strings.
        """
        models, ia, ib = _encode(model_a, model_b)
        codes = outcome_codes(outcome)
        if codes.shape != ia.shape:
            raise ValueError("outcome must have one entry per vote")
        return _aggregate(models, ia, ib, codes)

    @classmethod
    def from_indices(
        cls,
        models: Sequence[str],
        ia: np.ndarray,
        ib: np.ndarray,
        outcome: np.ndarray,
        count: np.ndarray | None = None,
    ) -> PairCounts:
        """Aggregate rows already encoded as indices into a sorted ``models`` list.

        Parameters
        ----------
        models : sequence of str, length K
            Sorted, unique model names.
        ia, ib : np.ndarray of int, shape (N,)
            Indices of model A and model B.
        outcome : np.ndarray, shape (N,)
            Outcome for A (1.0, 0.0, 0.5) or codes already (int8 0/1/2).
        count : np.ndarray, shape (N,), optional
            Weight of each row (default 1).
        """
        models = list(models)
        if models != sorted(set(models)):
            raise ValueError("models must be sorted and unique")
        oc = np.asarray(outcome)
        codes = oc if oc.dtype == np.int8 else outcome_codes(oc)
        return _aggregate(models, ia, ib, codes, count)

    @classmethod
    def from_grouped(
        cls,
        model_a: Sequence[str] | np.ndarray,
        model_b: Sequence[str] | np.ndarray,
        winner_or_outcome: Sequence[str] | np.ndarray,
        count: Sequence[float] | np.ndarray,
    ) -> PairCounts:
        """Aggregate a ``GROUP BY model_a, model_b, winner`` result.

        Parameters
        ----------
        model_a, model_b : array-like of str, shape (G,)
        winner_or_outcome : array-like, shape (G,)
            Winner strings or outcomes for A.
        count : array-like, shape (G,)
            Number of votes in each group.
        """
        models, ia, ib = _encode(model_a, model_b)
        cnt = np.asarray(count, dtype=np.float64)
        if (cnt < 0).any():
            raise ValueError("counts must be non-negative")
        return _aggregate(models, ia, ib, outcome_codes(winner_or_outcome), cnt)

    @classmethod
    def from_codes(
        cls, models: Sequence[str], ia: np.ndarray, ib: np.ndarray, codes: np.ndarray
    ) -> PairCounts:
        """Aggregate encoded votes (no self-battles) in three passes over the rows.

        One ``np.bincount`` over directed (A, B, outcome) cells, then the K x K
        table is folded onto canonical pairs (B beating A on (A, B) is A losing),
        so the per-row work is one key and one count, whatever K.

        Parameters
        ----------
        models : sequence of str, length K (sorted, unique)
        ia, ib : np.ndarray of int, shape (N,)
        codes : np.ndarray of int8, shape (N,)
            0 A won, 1 B won, 2 tie.
        """
        k = len(models)
        if k * k * 3 > 30_000_000 or k == 0:
            return cls.from_indices(models, ia, ib, np.asarray(codes, dtype=np.int8))
        dt = np.int32 if k * k * 3 < 2**31 else np.int64
        key = np.asarray(ia, dtype=dt) * dt(k) + np.asarray(ib, dtype=dt)
        key *= 3
        key += codes
        t = np.bincount(key, minlength=k * k * 3).astype(np.float64).reshape(k, k, 3)
        t[np.arange(k), np.arange(k)] = 0.0  # a model against itself tells nothing
        tt = t.transpose(1, 0, 2)
        wins_a = t[..., A_WINS] + tt[..., B_WINS]
        wins_b = t[..., B_WINS] + tt[..., A_WINS]
        ties = t[..., TIE] + tt[..., TIE]
        a, b = np.triu_indices(k, 1)
        total = wins_a[a, b] + wins_b[a, b] + ties[a, b]
        nz = total > 0
        a, b = a[nz], b[nz]
        return cls(
            list(models),
            a.astype(np.int64),
            b.astype(np.int64),
            wins_a[a, b],
            wins_b[a, b],
            ties[a, b],
        )

    # ---- combination --------------------------------------------------
    def merge(self, other: PairCounts) -> PairCounts:
        """Sum of two count tables over the union of their models."""
        models = sorted(set(self.models) | set(other.models))
        pos = {m: i for i, m in enumerate(models)}
        parts = []
        for pc in (self, other):
            remap = np.array([pos[m] for m in pc.models], dtype=np.int64)
            ra, rb = (remap[pc.a], remap[pc.b]) if len(pc.models) else (pc.a, pc.b)
            for code, w in ((A_WINS, pc.wins_a), (B_WINS, pc.wins_b), (TIE, pc.ties)):
                parts.append((ra, rb, np.full(ra.size, code, dtype=np.int64), w))
        ia = np.concatenate([p[0] for p in parts])
        ib = np.concatenate([p[1] for p in parts])
        codes = np.concatenate([p[2] for p in parts])
        w = np.concatenate([p[3] for p in parts])
        nz = w > 0
        out = _aggregate(models, ia[nz], ib[nz], codes[nz], w[nz])
        return out

    def __add__(self, other: PairCounts) -> PairCounts:
        return self.merge(other)

    def subset(self, keep: Sequence[str]) -> PairCounts:
        """Counts restricted to battles between models in ``keep``."""
        keep_set = set(keep)
        models = [m for m in self.models if m in keep_set]
        pos = {m: i for i, m in enumerate(models)}
        remap = np.array([pos.get(m, -1) for m in self.models], dtype=np.int64)
        ra = remap[self.a] if self.a.size else self.a
        rb = remap[self.b] if self.b.size else self.b
        sel = (ra >= 0) & (rb >= 0)
        return PairCounts(
            models,
            ra[sel],
            rb[sel],
            self.wins_a[sel],
            self.wins_b[sel],
            self.ties[sel],
        )

    # ---- summaries ----------------------------------------------------
    @property
    def n_models(self) -> int:
        return len(self.models)

    @property
    def battles(self) -> np.ndarray:
        """Votes per pair, shape (M,)."""
        return self.wins_a + self.wins_b + self.ties

    @property
    def total(self) -> float:
        """Total number of votes."""
        return float(self.battles.sum())

    def votes_per_model(self) -> np.ndarray:
        """Votes each model took part in, shape (K,), aligned with ``models``."""
        k = self.n_models
        n = self.battles
        return np.bincount(self.a, n, minlength=k) + np.bincount(self.b, n, minlength=k)

    def votes_by_model(self) -> dict[str, int]:
        """Votes each model took part in, by name."""
        return {
            m: round(float(v)) for m, v in zip(self.models, self.votes_per_model(), strict=True)
        }

    def wins_per_model(self) -> np.ndarray:
        """Wins with ties counted as half, shape (K,)."""
        k = self.n_models
        wa = self.wins_a + 0.5 * self.ties
        wb = self.wins_b + 0.5 * self.ties
        return np.bincount(self.a, wa, minlength=k) + np.bincount(self.b, wb, minlength=k)

    def scaled(self, weight: np.ndarray) -> PairCounts:
        """The same pairs with every count of pair ``m`` multiplied by ``weight[m]``."""
        w = np.asarray(weight, dtype=np.float64)
        return PairCounts(
            self.models, self.a, self.b, self.wins_a * w, self.wins_b * w, self.ties * w
        )

    def inverse_pair_weights(self, min_pair_count: float = MIN_PAIR_COUNT) -> np.ndarray:
        """Per-pair weights so that pairs weigh alike however often they met.

        LMArena's reweighting (arena-rank's ``PairDataset(reweighted=True)``): a vote
        weighs ``1 / max(n_pair, min_pair_count)``, so a pair the sampler favoured (a
        new model shown often against one rival) cannot dominate the fit, while a pair
        seen a few times is not blown up to the weight of a well-measured one. Scaled
        so the weights sum to the N votes (the fit does not depend on the scale).
        Shape (M,), aligned with ``a`` and ``b``.
        """
        n = self.battles
        if not n.size:
            return n.copy()
        w = 1.0 / np.maximum(n, min_pair_count)
        return w * (n.sum() / float(n @ w))

    def half_win_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """Weights for the BT likelihood: (wins_a + ties/2, wins_b + ties/2), each (M,)."""
        return self.wins_a + 0.5 * self.ties, self.wins_b + 0.5 * self.ties
