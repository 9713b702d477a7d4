"""From counts to the ranked rows the API and the CLI print.

Invariant: scores stay full-precision floats in :class:`RatedModel`; rounding
happens once, in :meth:`Leaderboard.to_dicts`, which both the CLI's JSON and
the web API use, so the two print identical rows. ``rank`` equals ``rank_ub``
(DESIGN.md), computed among the rated models of each connected component of the
comparison graph; a model the votes do not rate (:mod:`arena.ratings.identify`)
has no rank and no interval, never a precise-looking stand-in.

This module fits; the rows themselves (:class:`Leaderboard`, :class:`RatedModel`) and
their shaping live in :mod:`arena.ratings.board_rows` and are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from arena.ratings.blas import with_one_blas_thread
from arena.ratings.board_rows import (
    ORDERS,
    Leaderboard,
    Order,
    RatedModel,
    order_rows,
    rows_from_scores,
)
from arena.ratings.bt import DEFAULT_L2, NOT_CONVERGED, _anchor_index, theta_to_scores
from arena.ratings.centre import established
from arena.ratings.counts import PairCounts
from arena.ratings.identify import Identification, fit_identified
from arena.ratings.intervals import (
    MIN_BOOTSTRAP_ROUNDS,
    Z95,
    bootstrap_theta,
    linear_map,
    percentile_interval,
    sandwich_cov,
)

__all__ = [
    "DEFAULT_MIN_VOTES",
    "ORDERS",
    "Interval",
    "Leaderboard",
    "Order",
    "RatedModel",
    "build_leaderboard",
    "check_interval",
    "established",
    "order_rows",
    "rows_from_scores",
    "score_map",
]

#: Votes a model needs before a board shows it (the web board, ``arena leaderboard``
#: and ``arena release`` all default to this; LMArena likewise hides newcomers).
DEFAULT_MIN_VOTES = 20

Interval = Literal["sandwich", "bootstrap"]


def drop_rare(counts: PairCounts, min_votes: int) -> tuple[PairCounts, list[str]]:
    """Drop models with fewer than ``min_votes`` votes (repeat until stable)."""
    excluded: list[str] = []
    while min_votes > 0 and counts.n_models:
        v = counts.votes_per_model()
        low = [m for m, n in zip(counts.models, v, strict=True) if n < min_votes]
        if not low:
            break
        excluded += low
        counts = counts.subset([m for m in counts.models if m not in set(low)])
    return counts, sorted(excluded)


@with_one_blas_thread
def build_leaderboard(
    counts: PairCounts,
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
    reweighted: bool = False,
) -> Leaderboard:
    """Bradley–Terry leaderboard with 95% intervals.

    Only models whose score the votes pin down are rated (see
    :mod:`arena.ratings.identify`): their scores and intervals come from the
    votes among rated models alone, so an unbeaten newcomer cannot move them.
    The others get a weak-prior score, no interval and a note.

    Parameters
    ----------
    counts : PairCounts
        K models, M pairs.
    interval : {"bootstrap", "sandwich"}
        Bootstrap percentiles (``rounds`` >= :data:`MIN_BOOTSTRAP_ROUNDS`
        resamples, ``seed``) or the robust normal interval (score +- 1.96 sd).
    anchor : (str, float), optional
        Pin a rated model's score; otherwise each component's rated models
        have mean ``init``.
    min_votes : int
        Models with fewer votes are left out of the fit and the rows.
    reweighted : bool
        Weigh each vote by the inverse of its pair's frequency
        (:meth:`PairCounts.inverse_pair_weights`, LMArena's default since July 2025),
        after ``min_votes``; intervals resample the votes as cast.

    Returns
    -------
    Leaderboard
    """
    check_interval(interval, rounds)
    read = counts
    counts, excluded = drop_rare(counts, min_votes)
    before = dict(zip(read.models, read.votes_per_model(), strict=True))
    models = counts.models
    k = counts.n_models
    fitted = counts.scaled(counts.inverse_pair_weights()) if reweighted else counts
    theta, ident, core, converged = fit_identified(fitted, l2=l2, scale=scale, base=base)
    weight = None
    if reweighted:  # the intervals resample the votes as cast, each keeping its weight
        weighted_core, core = core, counts.subset(core.models)
        weight = weighted_core.battles / np.where(core.battles > 0, core.battles, 1.0)
    to_scores = score_map(
        models, ident, anchor, scale=scale, base=base, init=init, votes=counts.votes_per_model()
    )
    scores = to_scores(theta)
    lower = np.full(k, np.nan)
    upper = np.full(k, np.nan)
    rated = np.flatnonzero(ident.rated)
    if rated.size:
        theta_core = theta[rated]
        if interval == "bootstrap":
            boot = np.full((rounds, k), np.nan)
            boot[:, rated] = bootstrap_theta(
                core, theta_core, rounds=rounds, seed=seed, l2=l2, weight=weight
            )
            lo, hi = percentile_interval(to_scores(boot)[:, rated])
        else:
            cov_core = sandwich_cov(core, theta_core, l2=l2, weight=weight)
            t = linear_map(to_scores, k)[np.ix_(rated, rated)]
            sd = np.sqrt(np.clip(np.diag(t @ cov_core @ t.T), 0.0, None))
            lo, hi = scores[rated] - Z95 * sd, scores[rated] + Z95 * sd
        lower[rated], upper[rated] = lo, hi
    rows = rows_from_scores(
        models,
        scores,
        lower,
        upper,
        counts.votes_per_model(),
        ident.component,
        notes=ident.notes,
        rated=ident.rated,
        pinned=None if anchor is None else anchor[0],
    )
    return Leaderboard(
        rows=rows,
        total_votes=round(counts.total),
        interval=interval,
        rounds=rounds if interval == "bootstrap" else 0,
        n_components=int(ident.component.max()) + 1 if k else 0,
        excluded=excluded,
        min_votes=min_votes,
        warnings=[] if converged else [NOT_CONVERGED],
        reweighted=reweighted,
        waiting={m: round(before[m]) for m in excluded},
        all_votes=round(read.total),
    )


def check_interval(interval: str, rounds: int) -> None:
    """Refuse settings whose intervals would mean nothing."""
    if interval not in ("bootstrap", "sandwich"):
        raise ValueError(f"interval must be 'bootstrap' or 'sandwich', not {interval!r}")
    if interval == "bootstrap" and rounds < MIN_BOOTSTRAP_ROUNDS:
        raise ValueError(
            f"bootstrap needs at least {MIN_BOOTSTRAP_ROUNDS} rounds for a 95% interval "
            f"(got {rounds}); 100 is the default"
        )


def score_map(
    models: list[str],
    ident: Identification,
    anchor: tuple[str, float] | None,
    *,
    scale: float = 400.0,
    base: float = 10.0,
    init: float = 1000.0,
    votes: np.ndarray | None = None,
) -> Callable[[np.ndarray], np.ndarray]:
    """Log-odds -> displayed scores, centred (or anchored) on established models only.

    With ``votes`` (per model), the mean at ``init`` is taken over the *established*
    models (:func:`established`), so a rated newcomer does not shift everyone's score;
    without, over every rated model.
    """
    idx = _anchor_index(models, anchor)
    if idx is not None and not ident.rated[idx]:
        raise ValueError(f"anchor model {models[idx]!r} is not rated ({ident.notes[idx]})")
    centre = ident.rated if votes is None else established(ident.rated, votes, ident.component)

    def to_scores(theta: np.ndarray) -> np.ndarray:
        return theta_to_scores(
            theta,
            scale=scale,
            base=base,
            init=init,
            anchor_index=idx,
            anchor_value=None if anchor is None else anchor[1],
            component=ident.component,
            centre=centre,
        )

    return to_scores
