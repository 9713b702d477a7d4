"""Style control: Bradley–Terry with style covariates, fitted by Newton/IRLS.

Model: logit P(A wins) = theta_A - theta_B + x . gamma, where x holds, per
style feature f, (a_f - b_f) / (a_f + b_f + 1) z-scored over the votes
(features: response tokens, header, list and bold counts). The reported score
is theta on the usual scale; gamma is reported in log-odds per standard
deviation.

Invariant: the design matrix is never materialised. Its model columns are +-1
indicators, so with the rows sorted by pair X^T W X is assembled from segment
sums per pair (model and cross blocks) and a small F x F product, in O(N F)
per Newton step. Ties enter as y = 1/2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arena.ratings.blas import with_one_blas_thread
from arena.ratings.bt import DEFAULT_L2, NOT_CONVERGED
from arena.ratings.counts import MIN_PAIR_COUNT, PairCounts, outcome_codes
from arena.ratings.fastmath import expit
from arena.ratings.identify import fit_identified, fit_unrated
from arena.ratings.intervals import Z95, linear_map, percentile_interval
from arena.ratings.leaderboard import (
    Interval,
    Leaderboard,
    check_interval,
    drop_rare,
    rows_from_scores,
    score_map,
)

__all__ = [
    "STYLE_FEATURES",
    "StyleData",
    "build_style_leaderboard",
    "fit_style",
    "style_features",
]

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


class _Design:
    """Structured products with the implicit design [D | X] (D = +-1 model columns).

    Rows are held sorted by directed pair (model A, model B): every per-pair sum is
    then a contiguous segment sum (``np.add.reduceat``) and the model part of the
    linear predictor one ``np.repeat`` of K-sized differences, instead of gathers and
    ``np.bincount`` scatters over N rows. Vectors passed to and returned by these
    methods are in this row order; ``order`` maps it to the data's (row i here is
    row ``order[i]`` of the data) and :meth:`rows` converts. Features are kept
    transposed, shape (F, N), so each feature is contiguous.
    """

    def __init__(self, data: StyleData) -> None:
        k = self.k = data.n_models
        self.f = data.x.shape[1]
        key = data.ia.astype(np.int64) * k + data.ib
        # Stable sort of small keys: NumPy radix-sorts 16-bit integers (K <= 256).
        small = key.astype(np.uint16) if k * k <= 1 << 16 else key
        self.order = np.argsort(small, kind="stable")
        key = key[self.order]
        n = key.size
        if n:
            self.starts = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
        else:
            self.starts = np.zeros(0, dtype=np.int64)
        self.counts = np.diff(np.append(self.starts, n))
        pair = key[self.starts]
        self.pa = pair // max(k, 1)
        self.pb = pair % max(k, 1)
        self.upair = np.minimum(self.pa, self.pb) * k + np.maximum(self.pa, self.pb)
        self.y = data.y[self.order]
        self.xt = np.ascontiguousarray(np.asarray(data.x).T[:, self.order])
        self._buf = np.empty((1 + self.f, n))  # w and w * features, reused by gram

    def rows(self, v: np.ndarray) -> np.ndarray:
        """A per-row vector of the data, in this design's row order."""
        return np.asarray(v)[self.order]

    def eta(self, beta: np.ndarray) -> np.ndarray:
        """Linear predictor, shape (N,)."""
        theta = beta[: self.k]
        d = theta[self.pa] - theta[self.pb]
        return np.repeat(d, self.counts) + beta[self.k :] @ self.xt

    def _segments(self, v: np.ndarray) -> np.ndarray:
        if not self.starts.size:
            return np.zeros((*v.shape[:-1], 0))
        return np.add.reduceat(v, self.starts, axis=-1)

    def _dt_pairs(self, s: np.ndarray) -> np.ndarray:
        k = self.k
        return np.bincount(self.pa, s, minlength=k) - np.bincount(self.pb, s, minlength=k)

    def tmul(self, v: np.ndarray) -> np.ndarray:
        """[D | X]^T v, shape (K + F,)."""
        return np.concatenate([self._dt_pairs(self._segments(v)), self.xt @ v])

    def gram(self, w: np.ndarray) -> np.ndarray:
        """[D | X]^T diag(w) [D | X], shape (K + F, K + F)."""
        k, f = self.k, self.f
        buf = self._buf
        buf[0] = w
        xw = buf[1:]
        np.multiply(self.xt, w, out=xw)
        seg = self._segments(buf)  # (1 + F, pairs)
        s = np.bincount(self.upair, seg[0], minlength=k * k).reshape(k, k)
        s = s + s.T
        out = np.empty((k + f, k + f))
        out[:k, :k] = np.diag(s.sum(axis=1)) - s
        cross = np.empty((k, f))
        for j in range(f):
            cross[:, j] = self._dt_pairs(seg[j + 1])
        out[:k, k:] = cross
        out[k:, :k] = cross.T
        out[k:, k:] = xw @ self.xt.T
        return out


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
    design: _Design | None = None,
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
    dz = design or _Design(data)
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
    design: _Design | None = None,
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
    dz = design or _Design(data)
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
    design: _Design | None = None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Sandwich covariance H^-1 J H^-1 of all K + F coefficients (row ``weights``, data
    order, enter H once and J squared)."""
    dz = design or _Design(data)
    w = np.ones(data.y.size) if weights is None else dz.rows(weights)
    p = expit(dz.eta(beta))
    h = dz.gram(w * p * (1.0 - p)) + l2 * np.eye(beta.size)
    j = dz.gram(w**2 * (dz.y - p) ** 2)
    h_inv = np.linalg.inv(h)
    return h_inv @ j @ h_inv


@with_one_blas_thread
def build_style_leaderboard(
    model_a: Sequence[str] | np.ndarray | None,
    model_b: Sequence[str] | np.ndarray | None,
    outcome: np.ndarray | Sequence[float] | Sequence[str] | None,
    style_a: np.ndarray | None,
    style_b: np.ndarray | None,
    *,
    interval: Interval = "bootstrap",
    rounds: int = 100,
    seed: int = 0,
    anchor: tuple[str, float] | None = None,
    min_votes: int = 0,
    scale: float = 400.0,
    base: float = 10.0,
    init: float = 1000.0,
    l2: float = DEFAULT_L2,
    data: StyleData | None = None,
    reweighted: bool = False,
    feature_names: Sequence[str] | None = None,
) -> Leaderboard:
    """Style-controlled leaderboard; rows carry the raw BT score as ``raw_score``.

    Parameters
    ----------
    model_a, model_b : array-like of str, shape (N,)
    outcome : array-like, shape (N,)
        Outcome for A (1.0, 0.0, 0.5) or winner strings.
    style_a, style_b : np.ndarray, shape (N, F)
        Raw per-side counts, columns as in ``STYLE_FEATURES``.
    interval : {"bootstrap", "sandwich"}
        Bootstrap refits resample vote rows (multinomial, seeded); the
        sandwich is the cheap robust alternative.
    min_votes : int
        Models with fewer votes are left out (with their votes).
    data : StyleData, optional
        Already-encoded votes (then the first five arguments may be None).
    reweighted : bool
        Weigh each vote by the inverse of its pair's frequency, as
        :func:`arena.ratings.leaderboard.build_leaderboard` does.
    feature_names : sequence of str, optional
        Names of the F style columns (default ``STYLE_FEATURES``), as the
        coefficients are reported (e.g. ``emoji`` for the tone covariate).

    Returns
    -------
    Leaderboard
        With ``style_control=True`` and ``style_coefficients``.
    """
    check_interval(interval, rounds)
    if data is None:
        if model_a is None or model_b is None or outcome is None:
            raise ValueError("give the votes or an encoded StyleData")
        if style_a is None or style_b is None:
            raise ValueError("style control needs style_a and style_b")
        data = StyleData.from_votes(model_a, model_b, outcome, style_a, style_b)
    counts, excluded = drop_rare(data.pair_counts(), min_votes)
    if excluded:
        data = data.restrict(counts.models)
    k = data.n_models
    fitted = counts.scaled(counts.inverse_pair_weights()) if reweighted else counts
    raw_theta, ident, core, converged = fit_identified(fitted, l2=l2, scale=scale, base=base)
    to_scores = score_map(
        data.models,
        ident,
        anchor,
        scale=scale,
        base=base,
        init=init,
        votes=counts.votes_per_model(),
    )
    raw = to_scores(raw_theta)
    rated = np.flatnonzero(ident.rated)
    # Style is fitted on the votes among rated models only (as the plain board is).
    core_data = data if rated.size == k else data.restrict(core.models)
    kc = core_data.n_models
    dz = _Design(core_data)
    f = dz.f
    beta0 = np.concatenate([raw_theta[rated], np.zeros(f)])
    row_w = row_pair_weights(core_data) if reweighted else None
    beta = fit_style(core_data, l2=l2, design=dz, beta0=beta0, weights=row_w)
    theta = raw_theta.copy()
    theta[rated] = beta[:kc]
    theta = fit_unrated(fitted, theta, ident, scale=scale, base=base)
    scores = to_scores(theta)
    lower = np.full(k, np.nan)
    upper = np.full(k, np.nan)
    coef_lo = np.full(f, np.nan)
    coef_hi = np.full(f, np.nan)
    if kc:
        if interval == "bootstrap":
            boot_beta = style_bootstrap_beta(
                core_data, beta, rounds=rounds, seed=seed, l2=l2, design=dz, weights=row_w
            )
            boot = np.full((rounds, k), np.nan)
            boot[:, rated] = boot_beta[:, :kc]
            lower[rated], upper[rated] = percentile_interval(to_scores(boot)[:, rated])
            coef_lo, coef_hi = percentile_interval(boot_beta[:, kc:])
        else:
            cov = style_sandwich_cov(core_data, beta, l2=l2, design=dz, weights=row_w)
            t = linear_map(to_scores, k)[np.ix_(rated, rated)]
            sd = np.sqrt(np.clip(np.diag(t @ cov[:kc, :kc] @ t.T), 0.0, None))
            lower[rated], upper[rated] = scores[rated] - Z95 * sd, scores[rated] + Z95 * sd
            sd_coef = np.sqrt(np.clip(np.diag(cov[kc:, kc:]), 0.0, None))
            coef_lo, coef_hi = beta[kc:] - Z95 * sd_coef, beta[kc:] + Z95 * sd_coef
    rows = rows_from_scores(
        data.models,
        scores,
        lower,
        upper,
        counts.votes_per_model(),
        ident.component,
        notes=ident.notes,
        raw_scores=raw,
        rated=ident.rated,
        pinned=None if anchor is None else anchor[0],
    )
    known = tuple(feature_names) if feature_names is not None else STYLE_FEATURES
    names = list(known[:f]) + [f"feature_{i}" for i in range(len(known), f)]
    return Leaderboard(
        rows=rows,
        total_votes=int(data.y.size),
        interval=interval,
        rounds=rounds if interval == "bootstrap" else 0,
        style_control=True,
        n_components=int(ident.component.max()) + 1 if k else 0,
        excluded=excluded,
        style_coefficients={nm: float(c) for nm, c in zip(names, beta[kc:], strict=True)},
        style_intervals={
            nm: (float(lo), float(hi)) for nm, lo, hi in zip(names, coef_lo, coef_hi, strict=True)
        },
        min_votes=min_votes,
        warnings=[] if converged else [NOT_CONVERGED],
        reweighted=reweighted,
    )


def row_pair_weights(data: StyleData) -> np.ndarray:
    """Each vote's weight ``1 / max(n_pair, MIN_PAIR_COUNT)`` scaled to mean 1
    (:meth:`PairCounts.inverse_pair_weights`; arena-rank's ``ContextualPairDataset``),
    shape (N,): unordered pairs, so both side orders of a pair share one weight."""
    lo, hi = np.minimum(data.ia, data.ib), np.maximum(data.ia, data.ib)
    _, pair, n_pair = np.unique(lo * data.n_models + hi, return_inverse=True, return_counts=True)
    w = 1.0 / np.maximum(n_pair[pair].astype(np.float64), MIN_PAIR_COUNT)
    return w / w.mean() if w.size else w
