"""Style control: Bradley–Terry with style covariates, fitted by Newton/IRLS; this module
assembles the style-controlled board and is the import for the style API.

Model: logit P(A wins) = theta_A - theta_B + x . gamma, where x holds, per
style feature f, (a_f - b_f) / (a_f + b_f + 1) z-scored over the votes
(features: response tokens, header, list and bold counts). The reported score
is theta on the usual scale; gamma is reported in log-odds per standard
deviation.

Invariant: the design matrix is never materialised. Its model columns are +-1
indicators, so with the rows sorted by pair X^T W X is assembled from segment
sums per pair (model and cross blocks) and a small F x F product, in O(N F)
per Newton step. Ties enter as y = 1/2.

The encoding lives in ``style_data``, the implicit design in ``style_design`` and the
fits in ``style_fit``; their public names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from arena.ratings.blas import with_one_blas_thread
from arena.ratings.bt import DEFAULT_L2, NOT_CONVERGED
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
from arena.ratings.style_data import STYLE_FEATURES, StyleData, row_pair_weights, style_features
from arena.ratings.style_design import StyleDesign
from arena.ratings.style_fit import fit_style, style_bootstrap_beta, style_sandwich_cov

__all__ = [
    "STYLE_FEATURES",
    "StyleData",
    "build_style_leaderboard",
    "fit_style",
    "row_pair_weights",
    "style_bootstrap_beta",
    "style_features",
    "style_sandwich_cov",
]


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
    dz = StyleDesign(core_data)
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
