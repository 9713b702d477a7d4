"""A board's rows: the full-precision rows a fit yields, how they are ranked, and the one
place they are rounded and shaped for the API and the CLI.

Apart from the fit (``arena.ratings.leaderboard``) so that every producer of a board
(plain, style-controlled, composite) assembles and prints rows the same way: the CLI's
JSON and the web API then print identical rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from arena.ratings.intervals import rank_lower_bound, rank_upper_bound

__all__ = [
    "ORDERS",
    "UNKNOWN_INTERVAL",
    "Leaderboard",
    "Order",
    "RatedModel",
    "order_rows",
    "rows_from_scores",
]

UNKNOWN_INTERVAL = "interval unknown: the resampled scores do not vary"

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
