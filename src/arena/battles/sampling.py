"""Which two models meet. The policy and the exact probability of the pair are stored
with every battle, so anyone can audit the sampling or reweight votes by it.

Invariant: every policy first computes one explicit distribution over the
unordered pairs of its candidates (:meth:`pair_probabilities`, summing to 1)
and :meth:`draw` samples from exactly that vector, so ``Pairing.probability``
is the true propensity of the pair, not an estimate. Adaptive policies
("weighted" with its few-votes boost, "active") are then *capped*: every
model's expected share of battle slots lies in ``[1/(4K), 4/K]`` (uniform is
``1/K``), so a policy can neither starve nor flood a model. The cap is met by
the smallest mixture with uniform pair sampling that satisfies it, which keeps
the probabilities exact and easy to audit.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from arena.battles.roster import Contestant
from arena.errors import InvalidInput, ServiceUnavailable
from arena.ratings.bt import bt_hessian, fit_theta
from arena.ratings.counts import PairCounts

__all__ = [
    "MAX_SHARE_FACTOR",
    "MIN_SHARE_FACTOR",
    "POLICY_NAMES",
    "ActivePolicy",
    "Pairing",
    "SamplingPolicy",
    "SamplingStats",
    "UniformPolicy",
    "WeightedRandomPolicy",
    "apply_share_cap",
    "model_shares",
    "pair_indices",
    "policy_by_name",
    "sampling_stats_from_counts",
]

#: A model's expected share of battle slots is at least 1/(MIN_SHARE_FACTOR * K) ...
MIN_SHARE_FACTOR = 4.0
#: ... and at most MAX_SHARE_FACTOR / K (uniform pair sampling gives exactly 1/K).
MAX_SHARE_FACTOR = 4.0
#: Prior sd of a model's log-odds strength (~174 points): what the active policy
#: assumes about a model with no votes, and the ridge that keeps its fit finite.
PRIOR_SD = 1.0


@dataclass(frozen=True, slots=True)
class Pairing:
    model_a: Contestant
    model_b: Contestant
    probability: float
    """Probability that this unordered pair was drawn (sides are then random)."""
    policy: str


@dataclass(frozen=True, eq=False)
class SamplingStats:
    """What adaptive policies know about the board when they draw.

    Attributes
    ----------
    models : tuple of str, length K
        Models with at least one vote, aligned with ``theta`` and ``cov``.
    votes_per_model : dict of str to int
        Votes each model took part in.
    pair_votes : dict of (str, str) to int
        Votes per unordered pair, keyed with the names sorted.
    theta : np.ndarray, shape (K,)
        Strengths in log-odds, centred on zero (MAP under a N(0, PRIOR_SD^2) prior).
    cov : np.ndarray, shape (K, K)
        Covariance of the centred strengths: the inverse prior-regularised
        Fisher information. Not the sandwich: the sandwich gives a model with
        no or one-sided votes a near-zero variance, exactly when it is least known.
    """

    models: tuple[str, ...]
    votes_per_model: dict[str, int]
    pair_votes: dict[tuple[str, str], int]
    theta: np.ndarray
    cov: np.ndarray


def sampling_stats_from_counts(counts: PairCounts, *, prior_sd: float = PRIOR_SD) -> SamplingStats:
    """Fit the board once so a policy can draw many pairs from it.

    Cheap enough to call every few hundred votes: one Newton fit and one K x K
    inverse on aggregated counts.
    """
    k = counts.n_models
    prec = 1.0 / prior_sd**2
    wa, wb = counts.half_win_weights()
    theta = fit_theta(counts.a, counts.b, wa, wb, k, l2=prec)
    cov = np.linalg.inv(bt_hessian(theta, counts.a, counts.b, counts.battles, prec)) if k else None
    centre = np.eye(k) - 1.0 / k if k else np.zeros((0, 0))
    votes = counts.votes_per_model()
    return SamplingStats(
        models=tuple(counts.models),
        votes_per_model={m: round(float(v)) for m, v in zip(counts.models, votes, strict=True)},
        pair_votes={
            (counts.models[a], counts.models[b]): round(float(n))
            for a, b, n in zip(counts.a.tolist(), counts.b.tolist(), counts.battles, strict=True)
        },
        theta=theta - theta.mean() if k else theta,
        cov=centre @ cov @ centre if cov is not None else centre,
    )


# ---------------------------------------------------------------- pair vectors


def pair_indices(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays (i, j), i < j, of the K(K-1)/2 unordered pairs; the order of every
    probability vector in this module."""
    return np.triu_indices(k, 1)


def model_shares(probs: np.ndarray, k: int) -> np.ndarray:
    """Each model's expected share of battle slots (two per battle), shape (K,); sums to 1."""
    i, j = pair_indices(k)
    return 0.5 * (np.bincount(i, probs, minlength=k) + np.bincount(j, probs, minlength=k))


def apply_share_cap(
    probs: np.ndarray,
    k: int,
    *,
    min_factor: float = MIN_SHARE_FACTOR,
    max_factor: float = MAX_SHARE_FACTOR,
) -> np.ndarray:
    """Mix ``probs`` with uniform pair sampling, as little as needed for every model's
    slot share to lie in ``[1/(min_factor K), max_factor/K]``.

    Shares move linearly from ``s_i`` to ``1/K`` as the uniform weight grows, so the
    smallest sufficient weight has a closed form and the result stays exact.
    """
    if k < 2:
        return probs
    lo, hi, u = 1.0 / (min_factor * k), max_factor / k, 1.0 / k
    s = model_shares(probs, k)
    need = np.zeros(k)
    over, under = s > hi, s < lo
    need[over] = (s[over] - hi) / (s[over] - u)
    need[under] = (lo - s[under]) / (u - s[under])
    lam = float(need.max())
    if lam <= 0.0:
        return probs
    # A hair more than the minimum so rounding never leaves a share just outside.
    lam = min(1.0, lam * (1.0 + 1e-9) + 1e-15)
    return (1.0 - lam) * probs + lam / probs.size


def _normalise(scores: np.ndarray) -> np.ndarray:
    total = float(scores.sum())
    if not np.isfinite(total) or total <= 0.0:
        return np.full(scores.size, 1.0 / scores.size)
    return scores / total


# ---------------------------------------------------------------- policies


class SamplingPolicy(Protocol):
    """Draws the pair for an anonymous battle.

    ``draw`` must return the exact probability of the unordered pair it drew;
    ``pair_probabilities`` exposes the whole distribution (for audits and for
    the simulator, which draws thousands of pairs per refit).
    """

    name: str

    def pair_probabilities(
        self, names: Sequence[str], weights: Sequence[float], stats: SamplingStats | None
    ) -> np.ndarray: ...

    def draw(
        self,
        candidates: Sequence[Contestant],
        rng: random.Random,
        *,
        stats: SamplingStats | None = None,
    ) -> Pairing: ...


class _PairVectorPolicy:
    """Shared ``draw``: sample one pair from ``pair_probabilities`` with Python's rng."""

    name: str

    def pair_probabilities(
        self, names: Sequence[str], weights: Sequence[float], stats: SamplingStats | None
    ) -> np.ndarray:
        raise NotImplementedError

    def draw(
        self,
        candidates: Sequence[Contestant],
        rng: random.Random,
        *,
        stats: SamplingStats | None = None,
    ) -> Pairing:
        pool = [c for c in candidates if c.spec.sampling_weight > 0]
        if len(pool) < 2:
            raise ServiceUnavailable("fewer than two models are available for battles right now")
        names = [c.name for c in pool]
        probs = self.pair_probabilities(names, [c.spec.sampling_weight for c in pool], stats)
        cumulative = list(itertools.accumulate(probs.tolist()))
        pick = min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), probs.size - 1)
        while probs[pick] <= 0.0:  # a zero-width bucket can only be hit by rounding
            pick -= 1
        i, j = pair_indices(len(pool))
        return Pairing(pool[i[pick]], pool[j[pick]], float(probs[pick]), self.name)


class UniformPolicy(_PairVectorPolicy):
    """Every unordered pair equally likely: the baseline the others are judged by."""

    name = "uniform/v1"

    def pair_probabilities(
        self, names: Sequence[str], weights: Sequence[float], stats: SamplingStats | None
    ) -> np.ndarray:
        k = len(names)
        return np.full(k * (k - 1) // 2, 2.0 / (k * (k - 1)))


class WeightedRandomPolicy(_PairVectorPolicy):
    """First model by weight, the second by weight among the rest (the v1 scheme),
    where a model's weight is its registry ``sampling_weight`` times a boost of up
    to ``boost`` for a model with few votes: ``1 + (boost - 1) * max(0, 1 - n/settle)``.
    A new model thus reaches a stable interval sooner, and the boost fades to
    nothing once it has ``settle`` votes. Without stats no model is boosted.
    """

    name = "weighted/v2"

    def __init__(self, boost: float = 4.0, settle: int = 1000) -> None:
        if boost < 1.0 or settle <= 0:
            raise ValueError("boost must be >= 1 and settle > 0")
        self.boost = boost
        self.settle = settle

    def pair_probabilities(
        self, names: Sequence[str], weights: Sequence[float], stats: SamplingStats | None
    ) -> np.ndarray:
        w = np.asarray(weights, dtype=np.float64)
        if stats is not None:
            n = np.array([stats.votes_per_model.get(m, 0) for m in names], dtype=np.float64)
            w = w * (1.0 + (self.boost - 1.0) * np.clip(1.0 - n / self.settle, 0.0, 1.0))
        total = float(w.sum())
        i, j = pair_indices(len(names))
        wi, wj = w[i], w[j]
        probs = wi / total * wj / (total - wi) + wj / total * wi / (total - wj)
        return apply_share_cap(probs, len(names))


class ActivePolicy(_PairVectorPolicy):
    """Pairs in proportion to how much one more vote would narrow the intervals.

    The rule of the Chatbot Arena paper (Chiang et al., 2024, sec. 5), applied to
    model scores: for pair (i, j) with win probability p, a vote adds Fisher
    information ``w = p(1-p)`` along ``x = e_i - e_j``, which lowers the variance
    of model k by ``w (C x)_k^2 / (1 + w x'Cx)``. The pair's weight is the summed
    drop in standard deviation (interval width) over all models, times the two
    registry weights; then the share cap applies. A model missing from the stats
    is taken as unknown: strength 0, variance ``PRIOR_SD^2``.
    """

    name = "active/v1"

    def pair_probabilities(
        self, names: Sequence[str], weights: Sequence[float], stats: SamplingStats | None
    ) -> np.ndarray:
        theta, cov = _board_over(names, stats)
        i, j = pair_indices(len(names))
        p = 1.0 / (1.0 + np.exp(-(theta[i] - theta[j])))
        info = p * (1.0 - p)
        cx = cov[:, i] - cov[:, j]  # (K, M): C x for every pair
        xcx = cx[i, np.arange(i.size)] - cx[j, np.arange(i.size)]
        drop = cx**2 * (info / (1.0 + info * xcx))  # variance drop of each model
        var = np.clip(np.diag(cov), 0.0, None)[:, None]
        gain = (np.sqrt(var) - np.sqrt(np.clip(var - drop, 0.0, None))).sum(axis=0)
        w = np.asarray(weights, dtype=np.float64)
        return apply_share_cap(_normalise(gain * w[i] * w[j]), len(names))


def _board_over(names: Sequence[str], stats: SamplingStats | None) -> tuple[np.ndarray, np.ndarray]:
    """Strengths and centred covariance over ``names``: known models from the stats
    (their marginal block), unknown ones independent with the prior variance."""
    k = len(names)
    theta = np.zeros(k)
    cov = np.eye(k) * PRIOR_SD**2
    if stats is not None:
        pos = {m: n for n, m in enumerate(stats.models)}
        known = [n for n, m in enumerate(names) if m in pos]
        src = [pos[names[n]] for n in known]
        theta[known] = stats.theta[src]
        cov[np.ix_(known, known)] = stats.cov[np.ix_(src, src)]
    centre = np.eye(k) - 1.0 / k
    return theta - theta.mean(), centre @ cov @ centre


#: Names accepted by :func:`policy_by_name`; "weighted" is the server's default.
POLICY_NAMES = ("uniform", "weighted", "active")


def policy_by_name(name: str) -> SamplingPolicy:
    """The policy for a configuration or CLI name: uniform, weighted (default) or active."""
    factories = {"uniform": UniformPolicy, "weighted": WeightedRandomPolicy, "active": ActivePolicy}
    try:
        return factories[name]()
    except KeyError:
        raise InvalidInput(
            f"unknown sampling policy {name!r}; choose one of {', '.join(POLICY_NAMES)}"
        ) from None
