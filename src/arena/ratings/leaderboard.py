"""From counts to the ranked rows the API and the CLI print.

Invariant: scores stay full-precision floats in :class:`RatedModel`; rounding
happens once, in :meth:`Leaderboard.to_dicts`, which both the CLI's JSON and
the web API use, so the two print identical rows. ``rank`` equals ``rank_ub``
(DESIGN.md), computed within each connected component of the comparison graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from arena.ratings.bt import DEFAULT_L2, _anchor_index, fit_theta, theta_to_scores
from arena.ratings.counts import PairCounts
from arena.ratings.graph import components, separation_notes
from arena.ratings.intervals import (
    Z95,
    bootstrap_theta,
    linear_map,
    percentile_interval,
    rank_upper_bound,
    sandwich_cov,
)

__all__ = ["Interval", "Leaderboard", "RatedModel", "build_leaderboard", "rows_from_scores"]

Interval = Literal["sandwich", "bootstrap"]


@dataclass(frozen=True)
class RatedModel:
    """One leaderboard row (full precision)."""

    model: str
    score: float
    ci_lower: float
    ci_upper: float
    rank: int
    rank_ub: int
    votes: int
    component: int = 0
    raw_score: float | None = None
    note: str | None = None


@dataclass
class Leaderboard:
    """Ranked rows plus what produced them.

    Attributes
    ----------
    rows : list of RatedModel
        Sorted by component, then rank, then score descending.
    total_votes : int
        Votes used in the fit (after filters and ``min_votes``).
    interval : str
        ``"sandwich"`` or ``"bootstrap"``.
    rounds : int
        Bootstrap rounds (0 for sandwich).
    n_components : int
        Connected components of the comparison graph (ranks are within each).
    excluded : list of str
        Models left out for having fewer than ``min_votes`` votes.
    """

    rows: list[RatedModel]
    total_votes: int
    interval: str = "bootstrap"
    rounds: int = 0
    style_control: bool = False
    n_components: int = 1
    excluded: list[str] = field(default_factory=list)
    style_coefficients: dict[str, float] = field(default_factory=dict)

    def to_dicts(self, digits: int = 2) -> list[dict[str, Any]]:
        """Rows as the public API shapes them (rounded to ``digits``).

        Keys: rank, rank_ub, model, score, ci_lower, ci_upper, votes; plus
        raw_score with style control, component when the graph is split,
        and note when the score needs a caveat.
        """
        out = []
        for r in self.rows:
            d: dict[str, Any] = {
                "rank": r.rank,
                "rank_ub": r.rank_ub,
                "model": r.model,
                "score": round(r.score, digits),
                "ci_lower": round(r.ci_lower, digits),
                "ci_upper": round(r.ci_upper, digits),
                "votes": r.votes,
            }
            if r.raw_score is not None:
                d["raw_score"] = round(r.raw_score, digits)
            if self.n_components > 1:
                d["component"] = r.component
            if r.note:
                d["note"] = r.note
            out.append(d)
        return out

    def to_json_obj(self, computed_at: str) -> dict[str, Any]:
        """The ``/api/v1/leaderboard`` body (without the web's registry fields)."""
        return {
            "total_votes": self.total_votes,
            "computed_at": computed_at,
            "models": self.to_dicts(),
        }

    def scores(self) -> dict[str, float]:
        return {r.model: r.score for r in self.rows}


def rows_from_scores(
    models: list[str],
    scores: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    votes: np.ndarray,
    component: np.ndarray,
    *,
    notes: list[str | None] | None = None,
    raw_scores: np.ndarray | None = None,
) -> list[RatedModel]:
    """Assemble sorted rows; rank = rank_ub within each component.

    Parameters
    ----------
    models : list of str, length K
    scores, lower, upper, votes : np.ndarray, shape (K,)
    component : np.ndarray of int, shape (K,)
    """
    rank_ub = rank_upper_bound(lower, upper, component)
    order = np.lexsort((models, -scores, rank_ub, component))
    rows = []
    for i in order.tolist():
        rows.append(
            RatedModel(
                model=models[i],
                score=float(scores[i]),
                ci_lower=float(lower[i]),
                ci_upper=float(upper[i]),
                rank=int(rank_ub[i]),
                rank_ub=int(rank_ub[i]),
                votes=round(float(votes[i])),
                component=int(component[i]),
                raw_score=None if raw_scores is None else float(raw_scores[i]),
                note=None if notes is None else notes[i],
            )
        )
    return rows


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
) -> Leaderboard:
    """Bradley–Terry leaderboard with 95% intervals.

    Parameters
    ----------
    counts : PairCounts
        K models, M pairs.
    interval : {"bootstrap", "sandwich"}
        Bootstrap percentiles (``rounds`` resamples, ``seed``) or the robust
        normal interval (score +- 1.96 sd).
    anchor : (str, float), optional
        Pin a model's score; otherwise each component's mean is ``init``.
    min_votes : int
        Models with fewer votes are left out of the fit and the rows.

    Returns
    -------
    Leaderboard
    """
    if interval not in ("bootstrap", "sandwich"):
        raise ValueError(f"interval must be 'bootstrap' or 'sandwich', not {interval!r}")
    counts, excluded = drop_rare(counts, min_votes)
    models = counts.models
    k = counts.n_models
    comp = components(counts)
    idx = _anchor_index(models, anchor)

    def to_scores(theta: np.ndarray) -> np.ndarray:
        return theta_to_scores(
            theta,
            scale=scale,
            base=base,
            init=init,
            anchor_index=idx,
            anchor_value=None if anchor is None else anchor[1],
            component=comp,
        )

    wa, wb = counts.half_win_weights()
    theta = fit_theta(counts.a, counts.b, wa, wb, k, l2=l2)
    scores = to_scores(theta)
    if interval == "bootstrap":
        boot = bootstrap_theta(counts, theta, rounds=rounds, seed=seed, l2=l2)
        lower, upper = percentile_interval(to_scores(boot)) if k else (scores, scores)
    else:
        t = linear_map(to_scores, k)
        cov = t @ sandwich_cov(counts, theta, l2=l2) @ t.T
        sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        lower, upper = scores - Z95 * sd, scores + Z95 * sd
    rows = rows_from_scores(
        models,
        scores,
        np.asarray(lower),
        np.asarray(upper),
        counts.votes_per_model(),
        comp,
        notes=separation_notes(counts),
    )
    return Leaderboard(
        rows=rows,
        total_votes=round(counts.total),
        interval=interval,
        rounds=rounds if interval == "bootstrap" else 0,
        n_components=int(comp.max()) + 1 if k else 0,
        excluded=excluded,
    )
