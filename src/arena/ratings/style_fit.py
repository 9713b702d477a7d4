"""Fitting style control: the Newton/IRLS point fit, its bootstrap refits and the
sandwich covariance.

Apart from the board assembly (``arena.ratings.style``) because these are the numerics
the benches time and the property tests check, with no rows, names or anchors."""

from __future__ import annotations

import numpy as np

from arena.ratings.blas import with_one_blas_thread
from arena.ratings.bt import DEFAULT_L2
from arena.ratings.fastmath import expit
from arena.ratings.style_data import StyleData
from arena.ratings.style_design import StyleDesign


def _loglik(eta: np.ndarray, y: np.ndarray, wt: np.ndarray | None) -> float:
    # y log s(eta) + (1 - y) log s(-eta), with one exp and one log1p per row
    # (scipy's log_expit is several times slower at millions of rows).
    shared = -np.log1p(np.exp(-np.abs(eta)))
    ll = y * np.minimum(eta, 0.0) + (1.0 - y) * np.minimum(-eta, 0.0) + shared
    return float(ll.sum() if wt is None else wt @ ll)


@with_one_blas_thread
def fit_style(
    data: StyleData,
    *,
    weights: np.ndarray | None = None,
    beta0: np.ndarray | None = None,
    l2: float = DEFAULT_L2,
    tol: float = 1e-7,
    max_iter: int = 100,
    design: StyleDesign | None = None,
) -> np.ndarray:
    """Newton/IRLS fit of BT plus style covariates.

    Stops when the largest Newton step is below ``tol`` (log-odds; 1e-7 is
    2e-5 points: tighter is below the rounding noise of sums over millions
    of rows). Large steps are damped by step halving on the objective.

    Parameters
    ----------
    data : StyleData
        N votes, K models, F features.
    weights : np.ndarray, shape (N,), optional
        Row weights (bootstrap multiplicities).
    beta0 : np.ndarray, shape (K + F,), optional
        Warm start.

    Returns
    -------
    np.ndarray, shape (K + F,)
        Model strengths (log-odds) followed by style coefficients.
    """
    dz = design or StyleDesign(data)
    p_dim = dz.k + dz.f
    beta = np.zeros(p_dim) if beta0 is None else np.array(beta0, dtype=np.float64)
    if data.y.size == 0:
        return beta
    y = dz.y
    if weights is not None:
        weights = dz.rows(weights)
    eta = dz.eta(beta)
    obj: float | None = None
    for _ in range(max_iter):
        p = expit(eta)
        r = y - p
        w = p * (1.0 - p)
        if weights is not None:
            r = r * weights
            w = w * weights
        grad = dz.tmul(r) - l2 * beta
        hess = dz.gram(w) + l2 * np.eye(p_dim)
        step = np.linalg.solve(hess, grad)
        size = float(np.max(np.abs(step)))
        if size < 0.1:
            # Near the optimum Newton converges quadratically on this concave
            # objective; taking the full step unchecked saves a pass over the rows.
            beta = beta + step
            eta = dz.eta(beta)
            obj = None
        else:
            if obj is None:
                obj = _loglik(eta, y, weights) - 0.5 * l2 * beta @ beta
            t = 1.0
            while True:
                cand = beta + t * step
                eta_c = dz.eta(cand)
                obj_c = _loglik(eta_c, y, weights) - 0.5 * l2 * cand @ cand
                if obj_c >= obj - 1e-12 * abs(obj) or t < 1e-8:
                    break
                t *= 0.5
            beta, eta, obj = cand, eta_c, obj_c
            size *= t
        if size < tol:
            break
    return beta


@with_one_blas_thread
def style_bootstrap_beta(
    data: StyleData,
    beta_hat: np.ndarray,
    *,
    rounds: int = 100,
    seed: int = 0,
    l2: float = DEFAULT_L2,
    tol: float = 1e-5,
    max_chord: int = 30,
    design: StyleDesign | None = None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Refit style control on ``rounds`` row resamples (multinomial weights).

    ``weights`` (shape (N,), data order) are the estimator's own row weights
    (reweighting by pair frequency): a resampled row keeps its weight.

    Each round starts from the full fit and iterates with the full-data
    Hessian held fixed (a chord method: one gradient pass per step, no
    Hessian assembly) until a step is below ``tol`` log-odds (1e-5 = 0.002
    points; the iteration contracts by ~10x a step, so the error left is
    smaller still); rounds that do not converge are refitted with Newton.

    Parameters
    ----------
    data : StyleData
        N votes, K models, F features.
    beta_hat : np.ndarray, shape (K + F,)
        Full-data fit.

    Returns
    -------
    np.ndarray, shape (R, K + F)
    """
    dz = design or StyleDesign(data)
    n, y = data.y.size, dz.y
    out = np.empty((rounds, beta_hat.size))
    if n == 0:
        out[:] = beta_hat
        return out
    rng = np.random.default_rng(seed)
    row_w = np.ones(n) if weights is None else dz.rows(weights)
    p_hat = expit(dz.eta(beta_hat))
    resid_hat = y - p_hat
    h_inv = np.linalg.inv(dz.gram(row_w * p_hat * (1.0 - p_hat)) + l2 * np.eye(beta_hat.size))
    # Draw positions map to design rows through the inverse permutation, so a round's
    # weights are those of resampling the data's rows (the same seed, the same rounds).
    to_design = np.empty(n, dtype=np.int64)
    to_design[dz.order] = np.arange(n)
    buf = np.empty(n)  # reused: fresh 8 MB arrays per step cost page faults at 1M rows
    k = dz.k
    for r in range(rounds):
        draw = rng.integers(0, n, n)
        wt = np.bincount(to_design[draw], minlength=n).astype(np.float64) * row_w
        beta = beta_hat.copy()
        np.multiply(wt, resid_hat, out=buf)
        grad = dz.tmul(buf) - l2 * beta
        ok = False
        for _ in range(max_chord):
            step = h_inv @ grad
            beta = beta + step
            size = float(np.max(np.abs(step)))
            if not np.isfinite(size):
                break
            if size < tol:
                ok = True
                break
            # buf = wt * (y - expit(eta(beta))), in place.
            np.dot(beta[k:], dz.xt, out=buf)
            theta = beta[:k]
            buf += np.repeat(theta[dz.pa] - theta[dz.pb], dz.counts)
            expit(buf, out=buf)
            np.subtract(y, buf, out=buf)
            buf *= wt
            grad = dz.tmul(buf) - l2 * beta
        if not ok:
            wt_data = np.bincount(draw, minlength=n).astype(np.float64)
            if weights is not None:
                wt_data = wt_data * weights
            beta = fit_style(data, weights=wt_data, beta0=beta_hat, l2=l2, design=dz)
        out[r] = beta
    return out


def style_sandwich_cov(
    data: StyleData,
    beta: np.ndarray,
    *,
    l2: float = DEFAULT_L2,
    design: StyleDesign | None = None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Sandwich covariance H^-1 J H^-1 of all K + F coefficients (row ``weights``, data
    order, enter H once and J squared)."""
    dz = design or StyleDesign(data)
    w = np.ones(data.y.size) if weights is None else dz.rows(weights)
    p = expit(dz.eta(beta))
    h = dz.gram(w * p * (1.0 - p)) + l2 * np.eye(beta.size)
    j = dz.gram(w**2 * (dz.y - p) ** 2)
    h_inv = np.linalg.inv(h)
    return h_inv @ j @ h_inv
