"""Synthetic votes with known true strengths, for tests and the benchmark.

Invariant: with ``tie_rate=0`` the generator is exactly the model the engine
fits, so fitted scores converge to :meth:`SyntheticVotes.true_scores`. Ties
(``tie_rate > 0``) are drawn independently of strength, which shrinks fitted
scores toward the mean; use them to exercise tie handling, not accuracy.
Style counts follow a per-model verbosity, and ``style_effect`` adds
``style_effect * (tok_a - tok_b) / (tok_a + tok_b + 1)`` to the log-odds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SyntheticVotes", "simulate_votes"]


@dataclass(frozen=True)
class SyntheticVotes:
    """Simulated votes.

    Attributes
    ----------
    models : list of str, length K (sorted)
    theta : np.ndarray, shape (K,)
        True log-odds strengths (mean zero).
    ia, ib : np.ndarray of int64, shape (N,)
    outcome : np.ndarray, shape (N,)
        1.0, 0.0 or 0.5.
    style_a, style_b : np.ndarray, shape (N, 4)
        Tokens, headers, lists, bold per side.
    """

    models: list[str]
    theta: np.ndarray
    ia: np.ndarray
    ib: np.ndarray
    outcome: np.ndarray
    style_a: np.ndarray
    style_b: np.ndarray

    def true_scores(self, scale: float = 400.0, base: float = 10.0, init: float = 1000.0):
        """True strengths on the score scale, mean ``init``, shape (K,)."""
        t = self.theta - self.theta.mean()
        return init + t * scale / np.log(base)

    def names(self) -> tuple[np.ndarray, np.ndarray]:
        m = np.asarray(self.models, dtype=object)
        return m[self.ia], m[self.ib]


def simulate_votes(
    k: int,
    n: int,
    *,
    seed: int = 0,
    spread: float = 1.0,
    tie_rate: float = 0.0,
    style_effect: float = 0.0,
    with_style: bool = False,
) -> SyntheticVotes:
    """Draw N votes among K models with normal(0, spread) true log-odds strengths.

    Parameters
    ----------
    k, n : int
        Models and votes.
    tie_rate : float
        Probability that a vote is a tie.
    style_effect : float
        Log-odds added per unit of (tokens_a - tokens_b) / (tokens_a + tokens_b + 1).
    with_style : bool
        Draw style counts (implied when ``style_effect`` is non-zero).
    """
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, spread, k)
    theta -= theta.mean()
    ia = rng.integers(0, k, n)
    ib = (ia + rng.integers(1, k, n)) % k if k > 1 else ia.copy()
    eta = theta[ia] - theta[ib]
    if with_style or style_effect:
        verbosity = rng.normal(0.0, 0.6, k)
        tok_a = rng.lognormal(6.0, 0.5, n) * np.exp(verbosity[ia])
        tok_b = rng.lognormal(6.0, 0.5, n) * np.exp(verbosity[ib])
        style_a = np.stack(
            [tok_a, rng.poisson(2, n), rng.poisson(3, n), rng.poisson(2, n)], axis=1
        ).astype(np.float32)
        style_b = np.stack(
            [tok_b, rng.poisson(2, n), rng.poisson(3, n), rng.poisson(2, n)], axis=1
        ).astype(np.float32)
        x = (style_a[:, 0] - style_b[:, 0]) / (style_a[:, 0] + style_b[:, 0] + 1.0)
        eta = eta + style_effect * x
    else:
        style_a = style_b = np.zeros((n, 4), dtype=np.float32)
    p = 1.0 / (1.0 + np.exp(-eta))
    u = rng.random(n)
    tie = rng.random(n) < tie_rate
    outcome = np.where(tie, 0.5, np.where(u < p, 1.0, 0.0))
    models = [f"model-{i:04d}" for i in range(k)]
    return SyntheticVotes(models, theta, ia, ib, outcome, style_a, style_b)
