"""95% intervals for Bradley–Terry scores: bootstrap over battles and sandwich.

Invariant: the bootstrap resamples battles exactly as resampling vote rows
with replacement would: one multinomial draw of N votes over the (pair,
outcome) cells per round, from ``numpy.random.default_rng(seed)``, so a seed
reproduces the intervals bit for bit. Each round is refitted from the full
fit, first with the full-data Hessian held fixed (cheap chord iterations,
batched over rounds), then with exact Newton for any round that has not
converged.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from arena.ratings.bt import DEFAULT_L2, bt_hessian, fit_theta
from arena.ratings.counts import PairCounts
from arena.ratings.fastmath import PairScatter, expit

__all__ = [
    "MIN_BOOTSTRAP_ROUNDS",
    "bootstrap_theta",
    "linear_map",
    "percentile_interval",
    "rank_lower_bound",
    "rank_upper_bound",
    "sandwich_cov",
]

Z95 = 1.959963984540054
#: Fewest bootstrap rounds a 95% interval may rest on: with fewer, the 2.5 and 97.5
#: percentiles are the extreme draws or an interpolation between two of them.
MIN_BOOTSTRAP_ROUNDS = 20


def bootstrap_theta(
    counts: PairCounts,
    theta_hat: np.ndarray,
    *,
    rounds: int = 100,
    seed: int = 0,
    l2: float = DEFAULT_L2,
    chunk: int = 100,
    tol: float = 1e-6,
    max_chord: int = 60,
    weight: np.ndarray | None = None,
) -> np.ndarray:
    """Refit BT on ``rounds`` multinomial resamples of the battles.

    With ``weight`` (one per pair, e.g. :meth:`PairCounts.inverse_pair_weights`), the
    votes are resampled as they were cast and each resampled vote keeps its pair's
    weight: the weights belong to the estimator, not to the data.

    Parameters
    ----------
    counts : PairCounts
        K models, M pairs.
    theta_hat : np.ndarray, shape (K,)
        Full-data log-odds fit, used as the warm start.
    rounds : int
        Bootstrap rounds R.
    seed : int
        Seed of ``numpy.random.default_rng``.
    chunk : int
        Rounds refitted together (bounds memory at about chunk * M * 48 bytes).
    tol : float
        Stop a round once its largest step is below ``tol`` log-odds (1e-6 is
        2e-4 points; the chord iteration contracts several-fold per step, so
        the error left is smaller still).

    Returns
    -------
    np.ndarray, shape (R, K)
        Log-odds strengths per round.
    """
    k, m = counts.n_models, counts.a.size
    out = np.empty((rounds, k))
    if rounds == 0 or m == 0:
        out[:] = theta_hat
        return out
    a, b = counts.a, counts.b
    table = np.stack([counts.wins_a, counts.wins_b, counts.ties], axis=1).ravel()
    n_total = round(float(table.sum()))
    # Draw over the non-empty cells only (empty cells always draw 0).
    cells = np.flatnonzero(table > 0)
    pvals = table[cells] / table[cells].sum()
    rng = np.random.default_rng(seed)
    scatter = PairScatter(a, b, k)
    w_pair = np.ones(m) if weight is None else np.asarray(weight, dtype=np.float64)
    h_full = bt_hessian(theta_hat, a, b, counts.battles * w_pair, l2)
    h_inv = np.linalg.inv(h_full)
    for start in range(0, rounds, chunk):
        r = min(chunk, rounds - start)
        draws = np.zeros((r, 3 * m))
        draws[:, cells] = rng.multinomial(n_total, pvals, size=r)
        draws = draws.reshape(r, m, 3)
        wa = (draws[:, :, 0] + 0.5 * draws[:, :, 2]) * w_pair
        wb = (draws[:, :, 1] + 0.5 * draws[:, :, 2]) * w_pair
        n = wa + wb
        theta = np.tile(theta_hat, (r, 1))
        step_size = np.full(r, np.inf)
        for _ in range(max_chord):
            live = ~(step_size < tol)  # NaN (a diverging chord) counts as live
            if not live.any():
                break
            th = theta[live]
            p = expit(np.take(th, a, axis=1) - np.take(th, b, axis=1))
            g = wa[live] - n[live] * p  # (r_live, M)
            grad = scatter(g) - l2 * th
            step = grad @ h_inv
            with np.errstate(over="ignore", invalid="ignore"):
                theta[live] = th + step
                step_size[live] = np.abs(step).max(axis=1)
        # Rare (e.g. an unbeaten model's curvature changes a lot): exact Newton.
        bad = ~(step_size < tol) | ~np.isfinite(theta).all(axis=1)
        for i in np.flatnonzero(bad):
            theta[i] = fit_theta(a, b, wa[i], wb[i], k, l2=l2, theta0=theta_hat)
        out[start : start + r] = theta
    return out


def sandwich_cov(
    counts: PairCounts,
    theta: np.ndarray,
    *,
    l2: float = DEFAULT_L2,
    weight: np.ndarray | None = None,
) -> np.ndarray:
    """Robust (sandwich) covariance of the log-odds strengths.

    ``H^-1 J H^-1`` with H the negative Hessian and J the sum over votes of
    the outer products of per-vote scores (ties scored at 1/2). With per-pair
    ``weight`` (a weighted likelihood over the raw ``counts``) each vote's score
    is multiplied by its weight: H takes ``w``, J takes ``w**2``.

    Returns
    -------
    np.ndarray, shape (K, K)
    """
    a, b = counts.a, counts.b
    if a.size == 0:
        return np.zeros((counts.n_models, counts.n_models))
    w = np.ones(a.size) if weight is None else np.asarray(weight, dtype=np.float64)
    p = expit(theta[a] - theta[b])
    s = counts.wins_a * (1 - p) ** 2 + counts.wins_b * p**2 + counts.ties * (0.5 - p) ** 2
    s = s * w**2
    h = bt_hessian(theta, a, b, counts.battles * w, l2)
    # J has the Laplacian shape of the Hessian with weights s instead of n p (1 - p).
    j = bt_hessian(np.zeros_like(theta), a, b, 4.0 * s, 0.0)
    h_inv = np.linalg.inv(h)
    return h_inv @ j @ h_inv


def linear_map(to_scores: Callable[[np.ndarray], np.ndarray], k: int) -> np.ndarray:
    """Matrix T with ``to_scores(theta) = T @ theta + const`` (the map is affine).

    Returns
    -------
    np.ndarray, shape (K, K)
    """
    eye = np.eye(k)
    return (to_scores(eye) - to_scores(np.zeros((1, k)))).T


def percentile_interval(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2.5 and 97.5 percentiles over rounds.

    Parameters
    ----------
    samples : np.ndarray, shape (R, K)

    Returns
    -------
    lower, upper : np.ndarray, shape (K,)
    """
    lo, hi = np.percentile(samples, [2.5, 97.5], axis=0)
    return lo, hi


def rank_upper_bound(
    lower: np.ndarray, upper: np.ndarray, component: np.ndarray | None = None
) -> np.ndarray:
    """1 + number of models (in the same component) whose lower bound exceeds this upper bound.

    Parameters
    ----------
    lower, upper : np.ndarray, shape (K,)
    component : np.ndarray of int, shape (K,), optional

    Returns
    -------
    np.ndarray of int64, shape (K,)
    """
    lower = np.asarray(lower)
    upper = np.asarray(upper)
    comp = np.zeros(lower.size, dtype=np.int64) if component is None else np.asarray(component)
    above = (lower[None, :] > upper[:, None]) & (comp[None, :] == comp[:, None])
    return 1 + above.sum(axis=1).astype(np.int64)


def rank_lower_bound(
    lower: np.ndarray, upper: np.ndarray, component: np.ndarray | None = None
) -> np.ndarray:
    """The worst rank the intervals allow: the models (in the same component, this one
    included) whose upper bound reaches this model's lower bound.

    With :func:`rank_upper_bound` it gives LMArena's *rank spread*: every rank between
    the two is consistent with the 95% intervals. A model whose upper bound is -inf
    (an unrated one) never counts.

    Returns
    -------
    np.ndarray of int64, shape (K,)
    """
    lower = np.asarray(lower)
    upper = np.asarray(upper)
    comp = np.zeros(lower.size, dtype=np.int64) if component is None else np.asarray(component)
    reach = (upper[None, :] >= lower[:, None]) & (comp[None, :] == comp[:, None])
    return np.maximum(1, reach.sum(axis=1)).astype(np.int64)
