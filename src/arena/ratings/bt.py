"""Bradley–Terry maximum likelihood on aggregated pair counts.

Invariant: every function here works in natural log-odds units ``theta`` with
P(i beats j) = sigmoid(theta_i - theta_j); conversion to the displayed scale
(``scale`` points per factor ``base`` in odds, mean or anchor at ``init``)
happens only in :func:`theta_to_scores`.

A tiny ridge penalty ``l2 * |theta|^2 / 2`` (``DEFAULT_L2``) keeps the problem
well posed when a model never lost or never won, or when the comparison graph
is split. Because the likelihood's gradient always sums to zero, the penalty
also centres ``theta`` on zero within each connected component. On ordinary
data its effect on scores is far below 0.01 points.
"""

from __future__ import annotations

import warnings

import numpy as np

from arena.ratings.counts import PairCounts
from arena.ratings.fastmath import expit, log_expit

__all__ = [
    "DEFAULT_L2",
    "bt_hessian",
    "bt_loglik",
    "fit_bradley_terry",
    "fit_theta",
    "theta_to_scores",
]

DEFAULT_L2 = 1e-6
#: Newton iterations before :func:`fit_theta` gives up (read at call time, so a test
#: can lower it to exercise the non-convergence path).
MAX_ITER = 200


def bt_loglik(
    theta: np.ndarray, a: np.ndarray, b: np.ndarray, wa: np.ndarray, wb: np.ndarray, l2: float
) -> float:
    """Penalized log-likelihood.

    Parameters
    ----------
    theta : np.ndarray, shape (K,)
    a, b : np.ndarray of int, shape (M,)
    wa, wb : np.ndarray, shape (M,)
        Half-win weights of each pair for A and for B.
    l2 : float
        Ridge penalty.
    """
    d = theta[a] - theta[b]
    return float(wa @ log_expit(d) + wb @ log_expit(-d) - 0.5 * l2 * theta @ theta)


def bt_gradient(
    theta: np.ndarray, a: np.ndarray, b: np.ndarray, wa: np.ndarray, wb: np.ndarray, l2: float
) -> np.ndarray:
    """Gradient of :func:`bt_loglik`, shape (K,)."""
    k = theta.size
    p = expit(theta[a] - theta[b])
    g = wa - (wa + wb) * p
    return np.bincount(a, g, minlength=k) - np.bincount(b, g, minlength=k) - l2 * theta


def bt_hessian(
    theta: np.ndarray, a: np.ndarray, b: np.ndarray, n: np.ndarray, l2: float
) -> np.ndarray:
    """Negative Hessian of :func:`bt_loglik` (positive definite), shape (K, K).

    Parameters
    ----------
    n : np.ndarray, shape (M,)
        Votes per pair.
    """
    k = theta.size
    p = expit(theta[a] - theta[b])
    h = n * p * (1.0 - p)
    hess = np.zeros((k, k))
    # Pairs are unique, so plain fancy assignment is safe (no accumulation needed).
    hess[a, b] = -h
    hess[b, a] = -h
    hess[np.arange(k), np.arange(k)] = (
        np.bincount(a, h, minlength=k) + np.bincount(b, h, minlength=k) + l2
    )
    return hess


def fit_theta(
    a: np.ndarray,
    b: np.ndarray,
    wa: np.ndarray,
    wb: np.ndarray,
    k: int,
    *,
    l2: float = DEFAULT_L2,
    theta0: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int | None = None,
    info: dict[str, bool] | None = None,
) -> np.ndarray:
    """Newton's method with step halving for the penalized BT likelihood.

    Non-convergence within ``max_iter`` (default :data:`MAX_ITER`) is never
    silent: it is recorded as ``info["converged"] = False`` when ``info`` is
    given (callers put it in their output), else raised as a RuntimeWarning.

    Parameters
    ----------
    a, b : np.ndarray of int, shape (M,)
    wa, wb : np.ndarray, shape (M,)
        Half-win weights for A and B.
    k : int
        Number of models.
    theta0 : np.ndarray, shape (K,), optional
        Warm start.

    Returns
    -------
    np.ndarray, shape (K,)
        Log-odds strengths (each connected component centred on 0).
    """
    theta = np.zeros(k) if theta0 is None else np.array(theta0, dtype=np.float64)
    if info is not None:
        info["converged"] = True
    if k == 0 or a.size == 0:
        return np.zeros(k)
    n = wa + wb
    ll = bt_loglik(theta, a, b, wa, wb, l2)
    converged = False
    for _ in range(MAX_ITER if max_iter is None else max_iter):
        grad = bt_gradient(theta, a, b, wa, wb, l2)
        hess = bt_hessian(theta, a, b, n, l2)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while True:
            cand = theta + t * step
            ll_new = bt_loglik(cand, a, b, wa, wb, l2)
            if ll_new >= ll - 1e-12 * abs(ll) or t < 1e-8:
                break
            t *= 0.5
        gain = ll_new - ll
        theta, ll = cand, ll_new
        size = float(np.max(np.abs(t * step)))
        # Stalled at float precision: the near-flat shift direction (curvature l2)
        # turns rounding noise in the gradient into steps of ~1e-10 that gain nothing.
        if size < tol or (size < 1e-6 and gain <= 1e-12 * abs(ll)):
            converged = True
            break
    if info is not None:
        info["converged"] = converged
    elif not converged:
        warnings.warn(NOT_CONVERGED, RuntimeWarning, stacklevel=2)
    return theta


NOT_CONVERGED = (
    "the Bradley-Terry fit did not converge; scores may be off (please report the votes file)"
)


def theta_to_scores(
    theta: np.ndarray,
    *,
    scale: float = 400.0,
    base: float = 10.0,
    init: float = 1000.0,
    anchor_index: int | None = None,
    anchor_value: float | None = None,
    component: np.ndarray | None = None,
    centre: np.ndarray | None = None,
) -> np.ndarray:
    """Convert log-odds strengths to displayed scores.

    Parameters
    ----------
    theta : np.ndarray, shape (K,) or (R, K)
        Log-odds strengths (one row per bootstrap round if 2-D).
    anchor_index, anchor_value : optional
        Pin model ``anchor_index`` at ``anchor_value``; its component is
        shifted accordingly, other components keep their mean at ``init``.
    component : np.ndarray of int, shape (K,), optional
        Connected component of each model; each is centred separately.
    centre : np.ndarray of bool, shape (K,), optional
        Models whose mean sits at ``init`` (default all); a component with no
        such model is centred on all its models. Columns outside ``centre``
        never affect the others (they may even be NaN).

    Returns
    -------
    np.ndarray, same shape as ``theta``
    """
    pts = np.asarray(theta, dtype=np.float64) * (scale / np.log(base))
    k = pts.shape[-1]
    comp = np.zeros(k, dtype=np.int64) if component is None else np.asarray(component)
    out = np.empty_like(pts)
    mask = np.ones(k, dtype=bool) if centre is None else np.asarray(centre, dtype=bool)
    for c in np.unique(comp):
        cols = np.flatnonzero(comp == c)
        block = pts[..., cols]
        if anchor_index is not None and comp[anchor_index] == c:
            ref = pts[..., anchor_index : anchor_index + 1]
            out[..., cols] = block - ref + float(anchor_value)  # type: ignore[arg-type]
        else:
            ref_cols = cols[mask[cols]] if mask[cols].any() else cols
            ref = pts[..., ref_cols].mean(axis=-1, keepdims=True)
            out[..., cols] = block - ref + init
    return out


def fit_bradley_terry(
    counts: PairCounts,
    *,
    anchor: tuple[str, float] | None = None,
    scale: float = 400.0,
    base: float = 10.0,
    init: float = 1000.0,
    l2: float = DEFAULT_L2,
) -> np.ndarray:
    """Bradley–Terry scores from aggregated counts.

    Parameters
    ----------
    counts : PairCounts
        K models, M pairs.
    anchor : (str, float), optional
        Pin this model at this score instead of centring the mean at ``init``.
    scale, base, init : float
        ``scale`` points = a factor ``base`` in odds; mean score ``init``.
    l2 : float
        Ridge penalty in log-odds units (see module docstring).

    Returns
    -------
    np.ndarray, shape (K,)
        Scores aligned with ``counts.models``.
    """
    from arena.ratings.graph import components

    wa, wb = counts.half_win_weights()
    theta = fit_theta(counts.a, counts.b, wa, wb, counts.n_models, l2=l2)
    idx = _anchor_index(counts.models, anchor)
    return theta_to_scores(
        theta,
        scale=scale,
        base=base,
        init=init,
        anchor_index=idx,
        anchor_value=None if anchor is None else anchor[1],
        component=components(counts),
    )


def _anchor_index(models: list[str], anchor: tuple[str, float] | None) -> int | None:
    if anchor is None:
        return None
    try:
        return models.index(anchor[0])
    except ValueError:
        raise ValueError(f"anchor model {anchor[0]!r} has no votes") from None
