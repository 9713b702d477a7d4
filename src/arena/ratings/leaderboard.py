"""From counts to the ranked rows the API and the CLI print.

Invariant: scores stay full-precision floats in :class:`RatedModel`; rounding
happens once, in :meth:`Leaderboard.to_dicts`, which both the CLI's JSON and
the web API use, so the two print identical rows. ``rank`` equals ``rank_ub``
(DESIGN.md), computed among the rated models of each connected component of the
comparison graph; a model the votes do not rate (:mod:`arena.ratings.identify`)
has no rank and no interval, never a precise-looking stand-in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from arena.ratings.blas import with_one_blas_thread
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
    rank_lower_bound,
    rank_upper_bound,
    sandwich_cov,
)

__all__ = [
    "DEFAULT_MIN_VOTES",
    "Interval",
    "Leaderboard",
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
UNKNOWN_INTERVAL = "interval unknown: the resampled scores do not vary"

Interval = Literal["sandwich", "bootstrap"]
#: How a board's rows are ordered: by ``rank`` (= rank_ub, LMArena's order) or by the
#: lower bound of the interval (TTS Arena's: a model must show it is good to rise).
Order = Literal["rank", "lower"]
ORDERS: tuple[str, ...] = ("rank", "lower")


@dataclass(frozen=True)
class RatedModel:
    """One leaderboard row (full precision)."""

    model: str
    score: float
    ci_lower: float | None
    ci_upper: float | None
    rank: int | None
    rank_ub: int | None
    votes: int
    component: int = 0
    raw_score: float | None = None
    note: str | None = None
    rated: bool = True
    rank_lb: int | None = None


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
    style_intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    min_votes: int = 0
    warnings: list[str] = field(default_factory=list)
    reweighted: bool = False
    waiting: dict[str, int] = field(default_factory=dict)
    """The models left out for too few votes, and how many each has (before the cut)."""
    all_votes: int = 0
    """Votes read, before models under ``min_votes`` were left out (``total_votes`` is after)."""

    def to_dicts(self, digits: int = 2) -> list[dict[str, Any]]:
        """Rows as the public API shapes them (rounded to ``digits``).

        Keys: rank, rank_ub, rank_lb (the worst rank the intervals allow: with rank_ub,
        the rank spread), model, score, ci_lower, ci_upper, votes, rated;
        plus raw_score with style control, component when the graph is split,
        and note when the score needs a caveat. An unrated model has null
        rank and bounds; a degenerate interval has null bounds ("unknown").
        """
        out = []
        for r in self.rows:
            d: dict[str, Any] = {
                "rank": r.rank,
                "rank_ub": r.rank_ub,
                "rank_lb": r.rank_lb,
                "model": r.model,
                "score": round(r.score, digits),
                "ci_lower": None if r.ci_lower is None else round(r.ci_lower, digits),
                "ci_upper": None if r.ci_upper is None else round(r.ci_upper, digits),
                "votes": r.votes,
                "rated": r.rated,
            }
            if r.raw_score is not None:
                d["raw_score"] = round(r.raw_score, digits)
            if self.n_components > 1:
                d["component"] = r.component
            if r.note:
                d["note"] = r.note
            out.append(d)
        return out

    def waiting_rows(self) -> list[dict[str, Any]]:
        """The models waiting for ``min_votes``, most votes first: what a board says instead
        of "no votes" when it shows nobody yet."""
        ordered = sorted(self.waiting.items(), key=lambda kv: (-kv[1], kv[0]))
        return [{"model": m, "votes": v} for m, v in ordered]

    def to_json_obj(self, computed_at: str) -> dict[str, Any]:
        """The ``/api/v1/leaderboard`` body (without the web's registry fields)."""
        out: dict[str, Any] = {
            "total_votes": self.total_votes,
            "computed_at": computed_at,
            "min_votes": self.min_votes,
            "too_few_votes": list(self.excluded),
            "reweighted": self.reweighted,
            "order": "rank",
            **self.graph_block(),
            "waiting": self.waiting_rows(),
            "all_votes": max(self.all_votes, self.total_votes),
            "models": self.to_dicts(),
        }
        if self.style_control:
            out["style_coefficients"] = self.style_block()
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out

    def graph_block(self) -> dict[str, Any]:
        """Whether the comparison graph is split: scores then compare only within a group,
        which a reader of the JSON must learn from the JSON, not from the table."""
        return {"components": self.n_components, "disconnected": self.n_components > 1}

    def style_block(self, digits: int = 4) -> dict[str, dict[str, float | None]]:
        """Each style coefficient (log-odds per sd of the feature) with its 95% interval."""
        out: dict[str, dict[str, float | None]] = {}
        for name, c in self.style_coefficients.items():
            lo, hi = self.style_intervals.get(name, (float("nan"), float("nan")))
            out[name] = {
                "coefficient": round(c, digits),
                "ci_lower": round(lo, digits) if np.isfinite(lo) else None,
                "ci_upper": round(hi, digits) if np.isfinite(hi) else None,
            }
        return out

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
    rated: np.ndarray | None = None,
    pinned: str | None = None,
) -> list[RatedModel]:
    """Assemble sorted rows; rank = rank_ub among rated models of each component.

    Unrated models (and NaN bounds) get null bounds and rank, and sort last in
    their component. A rated model whose interval has zero width (every
    resample gave the same score) gets null bounds and a note: a precise-looking
    number there would be a false claim. The anchor (``pinned``) is exempt: its
    score is fixed by definition.

    Parameters
    ----------
    models : list of str, length K
    scores, lower, upper, votes : np.ndarray, shape (K,)
    component : np.ndarray of int, shape (K,)
    """
    k = len(models)
    is_rated = np.ones(k, dtype=bool) if rated is None else np.asarray(rated, dtype=bool)
    lower = np.asarray(lower, dtype=np.float64)
    upper = np.asarray(upper, dtype=np.float64)
    known = is_rated & np.isfinite(lower) & np.isfinite(upper)
    # The interval must hold the score (a percentile interval can miss it when few
    # resamples vary) and have some width; otherwise it is unknown.
    lower = np.where(known, np.minimum(lower, scores), np.nan)
    upper = np.where(known, np.maximum(upper, scores), np.nan)
    width_zero = known & (upper - lower <= 1e-9 * np.maximum(1.0, np.abs(scores)))
    if pinned is not None:
        width_zero &= np.asarray(models, dtype=object) != pinned
    known &= ~width_zero
    lo_rank = np.where(known, lower, -np.inf)
    hi_rank = np.where(known, upper, np.inf)
    rank_ub = rank_upper_bound(np.where(is_rated, lo_rank, -np.inf), hi_rank, component)
    rank_lb = rank_lower_bound(lo_rank, np.where(is_rated, hi_rank, -np.inf), component)
    order = np.lexsort((models, -scores, np.where(is_rated, rank_ub, 10**9), component))
    rows = []
    for i in order.tolist():
        note = None if notes is None else notes[i]
        if width_zero[i]:
            note = UNKNOWN_INTERVAL if note is None else f"{note}; {UNKNOWN_INTERVAL}"
        rows.append(
            RatedModel(
                model=models[i],
                score=float(scores[i]),
                ci_lower=float(lower[i]) if known[i] else None,
                ci_upper=float(upper[i]) if known[i] else None,
                rank=int(rank_ub[i]) if is_rated[i] else None,
                rank_ub=int(rank_ub[i]) if is_rated[i] else None,
                rank_lb=int(rank_lb[i]) if is_rated[i] else None,
                votes=round(float(votes[i])),
                component=int(component[i]),
                raw_score=None if raw_scores is None else float(raw_scores[i]),
                note=note,
                rated=bool(is_rated[i]),
            )
        )
    return rows


def order_rows(rows: list[dict[str, Any]], by: str = "rank") -> list[dict[str, Any]]:
    """Rows (as :meth:`Leaderboard.to_dicts` shapes them) in the order ``by`` asks.

    ``"rank"`` keeps rank order; ``"lower"`` sorts each component by the interval's
    lower bound, highest first (an unknown bound or an unrated model sorts last).
    Ranks are not changed: only the order of the rows.
    """
    if by not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(ORDERS)}, not {by!r}")
    if by == "rank":
        return list(rows)
    inf = float("inf")

    def key(r: dict[str, Any]) -> tuple[int, float, float]:
        low = r.get("ci_lower")
        return (r.get("component") or 0, inf if low is None else -low, -r["score"])

    return sorted(rows, key=key)


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
