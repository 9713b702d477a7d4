"""Which models the votes actually rate, and an honest value for the others.

Invariant: a model is *rated* when it belongs to the *core* of its connected
component: the largest strongly connected component (at least two models; the
one holding the most votes) of the directed graph with an edge i -> j whenever
i beat j at least once. Ties add no edge: a model known only by ties, or one that
never lost, never won, or sits in a chain with no cycle back, has no finite
maximum-likelihood score (Zermelo 1929; Ford 1957), and ties alone are too thin
to pin one down (a single tie would borrow its opponent's interval).

Rated scores are fitted on the votes among core models only, and centred (or
anchored) on core models only, so a vote involving any unrated model cannot
move them. Each unrated model gets the maximum a posteriori score under a weak
normal prior (mean: its component's core mean, sd :data:`PRIOR_SD_POINTS`),
with the core held fixed, and no interval: the data do not bound it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arena.ratings.bt import DEFAULT_L2, bt_gradient, bt_hessian, bt_loglik, fit_theta
from arena.ratings.counts import PairCounts
from arena.ratings.fastmath import strong_components

__all__ = [
    "NOT_RATED",
    "PRIOR_SD_POINTS",
    "Identification",
    "fit_identified",
    "fit_unrated",
    "identify",
]

#: Prior standard deviation of an unrated model's score, in points (400 per factor 10
#: in odds): a weak pull, about a factor 3 in odds, towards the rated models' mean.
PRIOR_SD_POINTS = 200.0
NOT_RATED = "not yet rated"


@dataclass(frozen=True)
class Identification:
    """Who is rated.

    Attributes
    ----------
    rated : np.ndarray of bool, shape (K,)
    component : np.ndarray of int64, shape (K,)
        Connected component of the undirected comparison graph (0 = largest).
    notes : list of (str or None), length K
        Why each unrated model is unrated; None for rated models.
    """

    rated: np.ndarray
    component: np.ndarray
    notes: list[str | None]


def _beat_graph_scc(counts: PairCounts) -> np.ndarray:
    k = counts.n_models
    src = np.concatenate([counts.a[counts.wins_a > 0], counts.b[counts.wins_b > 0]])
    dst = np.concatenate([counts.b[counts.wins_a > 0], counts.a[counts.wins_b > 0]])
    return strong_components(src, dst, k)


def identify(counts: PairCounts) -> Identification:
    """Rated models (each component's core) and a note for every other model."""
    from arena.ratings.graph import components

    k = counts.n_models
    comp = components(counts)
    rated = np.zeros(k, dtype=bool)
    notes: list[str | None] = [None] * k
    if k == 0:
        return Identification(rated, comp, notes)
    strong = _beat_graph_scc(counts)
    n = counts.battles
    same = strong[counts.a] == strong[counts.b]
    # Votes inside each strong component, and its size: the core is the biggest by votes.
    scc_votes = np.bincount(strong[counts.a][same], n[same], minlength=strong.max() + 1)
    scc_size = np.bincount(strong)
    for c in np.unique(comp):
        members = np.flatnonzero(comp == c)
        sccs = np.unique(strong[members])
        sccs = sccs[scc_size[sccs] >= 2]
        if sccs.size:
            best = sccs[np.lexsort((-scc_size[sccs], -scc_votes[sccs]))[0]]
            rated[members[strong[members] == best]] = True
    wins = np.bincount(counts.a, counts.wins_a, minlength=k) + np.bincount(
        counts.b, counts.wins_b, minlength=k
    )
    losses = np.bincount(counts.a, counts.wins_b, minlength=k) + np.bincount(
        counts.b, counts.wins_a, minlength=k
    )
    votes = counts.votes_per_model()
    has_core = {int(c): bool(rated[comp == c].any()) for c in np.unique(comp)}
    for i in np.flatnonzero(~rated):
        if votes[i] == 0:
            why = "no votes"
        elif wins[i] == 0 and losses[i] == 0:
            why = "only ties, which do not say which side is stronger"
        elif losses[i] == 0:
            why = "never lost, so the votes give only a lower bound"
        elif wins[i] == 0:
            why = "never won, so the votes give only an upper bound"
        elif has_core[int(comp[i])]:
            why = (
                "its wins and losses do not form a cycle with the rated models "
                "(a chain), so the votes do not fix its score"
            )
        else:
            why = "no cycle of wins and losses in its group, so the votes do not fix its score"
        notes[i] = f"{NOT_RATED}: {why}; score from a weak prior, interval unknown"
    return Identification(rated, comp, notes)


def fit_identified(
    counts: PairCounts,
    ident: Identification | None = None,
    *,
    l2: float = DEFAULT_L2,
    prior_sd_points: float = PRIOR_SD_POINTS,
    scale: float = 400.0,
    base: float = 10.0,
    max_iter: int | None = None,
) -> tuple[np.ndarray, Identification, PairCounts, bool]:
    """Log-odds strengths: core MLE on core votes, prior MAP for the rest.

    Returns
    -------
    theta : np.ndarray, shape (K,)
    ident : Identification
    core : PairCounts
        The votes among rated models (over the rated models only), what
        intervals are computed from.
    converged : bool
        Whether the core fit converged.
    """
    ident = identify(counts) if ident is None else ident
    k = counts.n_models
    theta = np.zeros(k)
    core_models = [m for m, r in zip(counts.models, ident.rated, strict=True) if r]
    core = counts.subset(core_models)
    converged = True
    if core.n_models:
        wa, wb = core.half_win_weights()
        info: dict[str, bool] = {}
        theta[ident.rated] = fit_theta(
            core.a, core.b, wa, wb, core.n_models, l2=l2, max_iter=max_iter, info=info
        )
        converged = info.get("converged", True)
    theta = fit_unrated(
        counts, theta, ident, prior_sd_points=prior_sd_points, scale=scale, base=base
    )
    return theta, ident, core, converged


def fit_unrated(
    counts: PairCounts,
    theta: np.ndarray,
    ident: Identification,
    *,
    prior_sd_points: float = PRIOR_SD_POINTS,
    scale: float = 400.0,
    base: float = 10.0,
) -> np.ndarray:
    """Prior MAP of the unrated models' strengths, the rated ones held at ``theta``.

    Returns a copy of ``theta`` (shape (K,)) with the unrated entries filled in.
    """
    theta = np.array(theta, dtype=np.float64)
    free = ~ident.rated
    if not free.any():
        return theta
    sd_theta = prior_sd_points * np.log(base) / scale
    mu = np.zeros(theta.size)
    for c in np.unique(ident.component):
        in_core = ident.rated & (ident.component == c)
        mu[ident.component == c] = theta[in_core].mean() if in_core.any() else 0.0
    theta[free] = mu[free]
    return _fit_free(counts, theta, free, mu, 1.0 / sd_theta**2)


def _fit_free(
    counts: PairCounts,
    theta: np.ndarray,
    free: np.ndarray,
    mu: np.ndarray,
    prec: float,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> np.ndarray:
    """Newton on the free models' posterior with every other model held fixed."""
    touch = free[counts.a] | free[counts.b]
    a, b = counts.a[touch], counts.b[touch]
    wa, wb = (w[touch] for w in counts.half_win_weights())
    idx = np.flatnonzero(free)
    theta = theta.copy()

    def objective(t: np.ndarray) -> float:
        d = t[idx] - mu[idx]
        return bt_loglik(t, a, b, wa, wb, 0.0) - 0.5 * prec * float(d @ d)

    obj = objective(theta)
    for _ in range(max_iter):
        grad = bt_gradient(theta, a, b, wa, wb, 0.0)[idx] - prec * (theta[idx] - mu[idx])
        hess = bt_hessian(theta, a, b, wa + wb, 0.0)[np.ix_(idx, idx)]
        hess[np.diag_indices_from(hess)] += prec
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while True:
            cand = theta.copy()
            cand[idx] += t * step
            new = objective(cand)
            if new >= obj - 1e-12 * abs(obj) or t < 1e-8:
                break
            t *= 0.5
        theta, obj = cand, new
        if np.max(np.abs(t * step)) < tol:
            break
    return theta
