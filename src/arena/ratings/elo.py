"""Online Elo, the classic per-vote update, for the "score over time" chart only.

Invariant: votes are processed in the order given (sort by timestamp first);
the leaderboard itself never uses these numbers, because online Elo depends on
vote order and is not a consistent estimator.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from arena.ratings.counts import outcome_codes

__all__ = ["elo_history", "online_elo"]


def _prepare(model_a, model_b, outcome):
    a = np.asarray(model_a, dtype=object).astype(str)
    b = np.asarray(model_b, dtype=object).astype(str)
    codes = outcome_codes(outcome)
    y = np.choose(codes, [1.0, 0.0, 0.5])
    models, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    return [str(m) for m in models], inv[: a.size], inv[a.size :], y


def elo_history(
    model_a: Sequence[str] | np.ndarray,
    model_b: Sequence[str] | np.ndarray,
    outcome: np.ndarray | Sequence[float] | Sequence[str],
    *,
    k: float = 4.0,
    scale: float = 400.0,
    base: float = 10.0,
    init: float = 1000.0,
    points: int = 100,
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Online Elo ratings sampled along the vote sequence.

    Parameters
    ----------
    model_a, model_b : array-like of str, shape (N,)
    outcome : array-like, shape (N,)
        Outcome for A (1.0, 0.0, 0.5) or winner strings.
    points : int
        Number of snapshots P (evenly spaced, the last after the final vote).

    Returns
    -------
    models : list of str, length K
    at : np.ndarray of int64, shape (P,)
        Number of votes processed at each snapshot.
    ratings : np.ndarray, shape (P, K)
        Ratings at each snapshot (``init`` before a model's first vote).
    """
    models, ia, ib, y = _prepare(model_a, model_b, outcome)
    n = y.size
    p = max(1, min(points, n)) if n else 0
    at = (
        np.unique(np.linspace(0, n, p + 1)[1:].round().astype(np.int64))
        if n
        else np.zeros(0, np.int64)
    )
    r = [init] * len(models)
    snaps = np.empty((at.size, len(models)))
    j = 0
    ia_l, ib_l, y_l = ia.tolist(), ib.tolist(), y.tolist()
    for t in range(n):
        i, o = ia_l[t], ib_l[t]
        ea = 1.0 / (1.0 + base ** ((r[o] - r[i]) / scale))
        delta = k * (y_l[t] - ea)
        r[i] += delta
        r[o] -= delta
        while j < at.size and at[j] == t + 1:
            snaps[j] = r
            j += 1
    return models, at, snaps


def online_elo(
    model_a: Sequence[str] | np.ndarray,
    model_b: Sequence[str] | np.ndarray,
    outcome: np.ndarray | Sequence[float] | Sequence[str],
    k: float = 4.0,
    *,
    scale: float = 400.0,
    base: float = 10.0,
    init: float = 1000.0,
) -> dict[str, float]:
    """Final online Elo rating of every model after processing votes in order.

    Parameters
    ----------
    model_a, model_b : array-like of str, shape (N,)
    outcome : array-like, shape (N,)
    k : float
        Update step (K-factor).

    Returns
    -------
    dict of str to float
    """
    models, _, snaps = elo_history(
        model_a, model_b, outcome, k=k, scale=scale, base=base, init=init, points=1
    )
    if snaps.shape[0] == 0:
        return {m: init for m in models}
    return {m: float(v) for m, v in zip(models, snaps[-1], strict=True)}
