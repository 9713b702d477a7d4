"""Votes encoded for style control: the style covariates and the per-vote arrays the fit
reads.

Apart from the fit because the votes table, the board's read model and the field checks
need the covariate names and the encoding without any of the numerics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arena.ratings.counts import MIN_PAIR_COUNT, PairCounts, outcome_codes

STYLE_FEATURES = ("tokens", "headers", "lists", "bold")


def style_features(style_a: np.ndarray, style_b: np.ndarray) -> np.ndarray:
    """Normalized style differences, z-scored per column.

    Parameters
    ----------
    style_a, style_b : np.ndarray, shape (N, F)
        Raw non-negative counts for each side.

    Returns
    -------
    np.ndarray, shape (N, F), Fortran order
        ((a - b) / (a + b + 1) - mean) / std; a constant column becomes 0.
        (FastChat divides by a + b, undefined when both sides have none of a
        feature; the + 1 keeps such votes at 0.)

    Raises
    ------
    ValueError
        If a count is NaN, infinite or negative: one such value would otherwise
        zero or poison a whole column and silently switch that control off.
    """
    sa = np.asarray(style_a)
    sb = np.asarray(style_b)
    if sa.shape != sb.shape or sa.ndim != 2:
        raise ValueError("style_a and style_b must both have shape (N, F)")
    for side in (sa, sb):
        if side.size and not (np.isfinite(side).all() and (side >= 0).all()):
            raise ValueError("style counts must be finite and non-negative")
    n, f = sa.shape
    # Column by column into a Fortran-ordered result: each feature is then a
    # contiguous vector, and no (N, F) float64 temporaries are made.
    x = np.empty((n, f), order="F")
    for j in range(f):
        a = sa[:, j].astype(np.float64)
        b = sb[:, j].astype(np.float64)
        col = (a - b) / (a + b + 1.0)
        sd = col.std() if n else 0.0
        x[:, j] = (col - col.mean()) / sd if sd > 0 else 0.0
    return x


@dataclass(frozen=True)
class StyleData:
    """Encoded votes for style control.

    Attributes
    ----------
    models : list of str, length K
    ia, ib : np.ndarray of int64, shape (N,)
    y : np.ndarray, shape (N,)
        Outcome for A: 1, 0 or 0.5.
    x : np.ndarray, shape (N, F)
        Normalized style features.
    """

    models: list[str]
    ia: np.ndarray
    ib: np.ndarray
    y: np.ndarray
    x: np.ndarray

    @classmethod
    def from_votes(
        cls,
        model_a: Sequence[str] | np.ndarray,
        model_b: Sequence[str] | np.ndarray,
        outcome: np.ndarray | Sequence[float] | Sequence[str],
        style_a: np.ndarray,
        style_b: np.ndarray,
    ) -> StyleData:
        a = np.asarray(model_a, dtype=object).astype(str)
        b = np.asarray(model_b, dtype=object).astype(str)
        models, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
        return cls.from_indices(
            [str(m) for m in models], inv[: a.size], inv[a.size :], outcome, style_a, style_b
        )

    @classmethod
    def from_indices(
        cls,
        models: Sequence[str],
        ia: np.ndarray,
        ib: np.ndarray,
        outcome: np.ndarray | Sequence[float] | Sequence[str],
        style_a: np.ndarray,
        style_b: np.ndarray,
    ) -> StyleData:
        codes = outcome_codes(outcome)
        y = np.choose(codes, [1.0, 0.0, 0.5])
        x = style_features(style_a, style_b)
        ia = np.asarray(ia, dtype=np.int64)
        ib = np.asarray(ib, dtype=np.int64)
        if not (ia.size == ib.size == y.size == x.shape[0]):
            raise ValueError("model_a, model_b, outcome and style rows must align")
        keep = ia != ib
        if not keep.all():
            ia, ib, y, x = ia[keep], ib[keep], y[keep], x[keep]
        return cls(list(models), ia, ib, y, x)

    @property
    def n_models(self) -> int:
        return len(self.models)

    def pair_counts(self) -> PairCounts:
        return PairCounts.from_indices(self.models, self.ia, self.ib, self.y)

    def restrict(self, keep: Sequence[str]) -> StyleData:
        """Votes between models in ``keep`` only (features keep their z-scoring)."""
        models = [m for m in self.models if m in set(keep)]
        pos = {m: i for i, m in enumerate(models)}
        remap = np.array([pos.get(m, -1) for m in self.models], dtype=np.int64)
        ra, rb = remap[self.ia], remap[self.ib]
        sel = (ra >= 0) & (rb >= 0)
        return StyleData(models, ra[sel], rb[sel], self.y[sel], self.x[sel])


def row_pair_weights(data: StyleData) -> np.ndarray:
    """Each vote's weight ``1 / max(n_pair, MIN_PAIR_COUNT)`` scaled to mean 1
    (:meth:`PairCounts.inverse_pair_weights`; arena-rank's ``ContextualPairDataset``),
    shape (N,): unordered pairs, so both side orders of a pair share one weight."""
    lo, hi = np.minimum(data.ia, data.ib), np.maximum(data.ia, data.ib)
    _, pair, n_pair = np.unique(lo * data.n_models + hi, return_inverse=True, return_counts=True)
    w = 1.0 / np.maximum(n_pair[pair].astype(np.float64), MIN_PAIR_COUNT)
    return w / w.mean() if w.size else w
