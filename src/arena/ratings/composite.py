"""Composite boards: one rating vector fitted across several arenas or categories.

Model: the votes of every component share one Bradley–Terry strength per model; the
log-likelihood is ``sum_c w_c / N_c * loglik_c`` (``N_c`` the component's votes), so
each component pulls with its own weight ``w_c`` however many votes it has (arena-rank's
``CompositeBradleyTerry`` weighs its components so). A component with ten times the
votes of another does not drown it; weights are relative (scaling all of them changes
nothing). Counts are rescaled so the total weight equals the votes counted (the tiny
ridge penalty of :mod:`arena.ratings.bt` keeps its usual meaning).

Intervals: a stratified bootstrap, each round redrawing every component's votes from
that component alone (multinomial over its cells), so a small component's uncertainty
is not diluted by a large one's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from arena.ratings.blas import with_one_blas_thread
from arena.ratings.bt import DEFAULT_L2, NOT_CONVERGED, fit_theta
from arena.ratings.counts import PairCounts
from arena.ratings.identify import fit_identified
from arena.ratings.intervals import percentile_interval
from arena.ratings.leaderboard import (
    Leaderboard,
    check_interval,
    rows_from_scores,
    score_map,
)

__all__ = ["build_composite_leaderboard", "composite_counts"]


def _scales(parts: Sequence[tuple[PairCounts, float]]) -> np.ndarray:
    weights = np.array([w for _, w in parts], dtype=np.float64)
    if not parts or (weights <= 0).any() or not np.isfinite(weights).all():
        raise ValueError("a composite board needs components with positive, finite weights")
    votes = np.array([c.total for c, _ in parts])
    if (votes <= 0).any():
        raise ValueError("every component of a composite board needs votes")
    return weights / weights.sum() * votes.sum() / votes


def composite_counts(parts: Sequence[tuple[PairCounts, float]]) -> PairCounts:
    """The components' counts, each scaled to its weight, summed over the union of models."""
    scales = _scales(parts)
    total = PairCounts.empty()
    for (counts, _), s in zip(parts, scales, strict=True):
        total = total + counts.scaled(np.full(counts.a.size, s))
    return total


def _raw_votes(parts: Sequence[tuple[PairCounts, float]], models: list[str]) -> np.ndarray:
    pos = {m: i for i, m in enumerate(models)}
    out = np.zeros(len(models))
    for counts, _ in parts:
        for m, v in zip(counts.models, counts.votes_per_model(), strict=True):
            out[pos[m]] += v
    return out


@with_one_blas_thread
def build_composite_leaderboard(
    parts: Sequence[tuple[PairCounts, float]],
    *,
    rounds: int = 100,
    seed: int = 0,
    anchor: tuple[str, float] | None = None,
    l2: float = DEFAULT_L2,
) -> Leaderboard:
    """One board from weighted components (``(counts, weight)`` each); bootstrap intervals.

    Rows' ``votes`` add a model's votes over the components (a vote in two components
    counts in both, as it pulls in both).
    """
    check_interval("bootstrap", rounds)
    scales = _scales(parts)
    combined = composite_counts(parts)
    models = combined.models
    k = len(models)
    theta, ident, core, converged = fit_identified(combined, l2=l2)
    votes = _raw_votes(parts, models)
    to_scores = score_map(models, ident, anchor, votes=votes)
    scores = to_scores(theta)
    lower = np.full(k, np.nan)
    upper = np.full(k, np.nan)
    rated = np.flatnonzero(ident.rated)
    if rated.size:
        boot = np.full((rounds, k), np.nan)
        boot[:, rated] = _stratified_bootstrap(parts, scales, core, theta[rated], rounds, seed, l2)
        lower[rated], upper[rated] = percentile_interval(to_scores(boot)[:, rated])
    rows = rows_from_scores(
        models,
        scores,
        lower,
        upper,
        votes,
        ident.component,
        notes=ident.notes,
        rated=ident.rated,
        pinned=None if anchor is None else anchor[0],
    )
    return Leaderboard(
        rows=rows,
        total_votes=round(sum(c.total for c, _ in parts)),
        interval="bootstrap",
        rounds=rounds,
        n_components=int(ident.component.max()) + 1 if k else 0,
        warnings=[] if converged else [NOT_CONVERGED],
    )


def _stratified_bootstrap(
    parts: Sequence[tuple[PairCounts, float]],
    scales: np.ndarray,
    core: PairCounts,
    theta_core: np.ndarray,
    rounds: int,
    seed: int,
    l2: float,
) -> np.ndarray:
    """Log-odds per round over the core models, each component resampled on its own."""
    rng = np.random.default_rng(seed)
    k, m = core.n_models, core.a.size
    pair_index = {(int(a), int(b)): i for i, (a, b) in enumerate(zip(core.a, core.b, strict=True))}
    pos = {name: i for i, name in enumerate(core.models)}
    maps = []
    for counts, _ in parts:
        # Each component's pairs, as indices into the core's pairs (-1: not in the core).
        remap = np.array([pos.get(name, -1) for name in counts.models], dtype=np.int64)
        ia, ib = remap[counts.a], remap[counts.b]
        where = np.array(
            [
                pair_index.get((min(x, y), max(x, y)), -1) if x >= 0 and y >= 0 else -1
                for x, y in zip(ia.tolist(), ib.tolist(), strict=True)
            ],
            dtype=np.int64,
        )
        flipped = ia > ib  # the core stores a < b; a component may order a pair otherwise
        table = np.stack([counts.wins_a, counts.wins_b, counts.ties], axis=1)
        maps.append((where, flipped, table))
    out = np.empty((rounds, k))
    for r in range(rounds):
        wa = np.zeros(m)
        wb = np.zeros(m)
        for (where, flipped, table), s in zip(maps, scales, strict=True):
            flat = table.ravel()
            n = round(float(flat.sum()))
            draw = rng.multinomial(n, flat / flat.sum()).reshape(table.shape) * s
            keep = where >= 0
            win_a = np.where(flipped, draw[:, 1], draw[:, 0]) + 0.5 * draw[:, 2]
            win_b = np.where(flipped, draw[:, 0], draw[:, 1]) + 0.5 * draw[:, 2]
            np.add.at(wa, where[keep], win_a[keep])
            np.add.at(wb, where[keep], win_b[keep])
        out[r] = fit_theta(core.a, core.b, wa, wb, k, l2=l2, theta0=theta_core)
    return out
