"""K x K matrices for plots: battle counts, observed and predicted win rates.

Invariant: entry [i, j] is always from row model i's point of view against
column model j, ties counted as half a win; the diagonal is NaN for rates.
"""

from __future__ import annotations

import numpy as np

from arena.ratings.counts import PairCounts

__all__ = ["battle_count_matrix", "predicted_win_rate_matrix", "win_rate_matrix"]


def battle_count_matrix(counts: PairCounts) -> np.ndarray:
    """Votes between each pair, symmetric, shape (K, K)."""
    k = counts.n_models
    m = np.zeros((k, k))
    m[counts.a, counts.b] = counts.battles
    m[counts.b, counts.a] = counts.battles
    return m


def win_rate_matrix(counts: PairCounts) -> np.ndarray:
    """Observed share of votes row model won against column model, shape (K, K).

    NaN where the two never met and on the diagonal.
    """
    k = counts.n_models
    wa, wb = counts.half_win_weights()
    wins = np.zeros((k, k))
    wins[counts.a, counts.b] = wa
    wins[counts.b, counts.a] = wb
    n = battle_count_matrix(counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, wins / n, np.nan)
    np.fill_diagonal(rate, np.nan)
    return rate


def predicted_win_rate_matrix(
    scores: np.ndarray, *, scale: float = 400.0, base: float = 10.0
) -> np.ndarray:
    """P(row beats column) under BT from scores, shape (K, K); NaN diagonal.

    Parameters
    ----------
    scores : np.ndarray, shape (K,)
    """
    s = np.asarray(scores, dtype=np.float64)
    p = 1.0 / (1.0 + base ** ((s[None, :] - s[:, None]) / scale))
    np.fill_diagonal(p, np.nan)
    return p
