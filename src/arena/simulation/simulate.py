"""Simulated arenas with known true strengths, to measure what a sampling policy buys.

Invariant: outcomes follow Bradley–Terry exactly in expectation under the
engine's scoring (a tie is half a win): A wins with ``p - t/2``, B with
``1 - p - t/2``, a tie with ``t = tie_rate * 2 min(p, 1-p)``. Ties are thus
likelier between close models, and fitted scores stay unbiased for the truth.
The policy sees the board only through :func:`sampling_stats_from_counts`,
refitted every ``batch`` votes; between refits it draws from one fixed pair
distribution, as a server refreshing its stats periodically would. Intervals
are the ratings engine's sandwich intervals (fast enough to compute at every
checkpoint).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from arena.battles.sampling import SamplingPolicy, pair_indices, sampling_stats_from_counts
from arena.ratings import PairCounts, build_leaderboard

__all__ = [
    "Checkpoint",
    "NewModelReport",
    "PolicyRun",
    "simulate_from_scratch",
    "simulate_new_model",
]

POINTS_PER_LOGIT = 400.0 / np.log(10.0)

Progress = Callable[[int], None]
"""Called with the number of votes just simulated (for a progress bar)."""


@dataclass(frozen=True)
class Checkpoint:
    """The board after ``votes`` simulated votes (history not counted)."""

    votes: int
    mean_half_width: float
    spearman: float
    wrong_ranks: int
    mean_abs_error: float
    newcomer_half_width: float | None = None
    newcomer_votes: int | None = None
    max_established_widening: float | None = None
    """max over established models of half-width / half-width at arrival - 1."""


@dataclass
class PolicyRun:
    policy: str
    checkpoints: list[Checkpoint] = field(default_factory=list)


@dataclass
class NewModelReport:
    """The new-model scenario: votes each policy needs to bring the newcomer to ±target."""

    target: float
    established: int
    history_votes: int
    newcomer_true_score: float
    policy: PolicyRun
    baseline: PolicyRun
    policy_votes_to_target: float | None
    baseline_votes_to_target: float | None
    ratio: float | None
    """policy votes / baseline votes (below 0.5 means at least 50% fewer)."""
    max_established_widening: float | None
    """Worst widening of an established interval under the policy, until it hit the target."""
    widening_vs_baseline: float | None
    """Worst established half-width under the policy / the baseline's at the same votes, - 1."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Arena:
    """True strengths plus dense counts ``(K, K, 3)`` (A wins, B wins, ties; i < j)."""

    def __init__(self, theta: np.ndarray, tie_rate: float, rng: np.random.Generator) -> None:
        self.k = theta.size
        self.theta = theta
        self.models = [f"model-{n:03d}" for n in range(self.k)]
        self.counts = np.zeros((self.k, self.k, 3))
        self.rng = rng
        i, j = pair_indices(self.k)
        p = 1.0 / (1.0 + np.exp(-(theta[i] - theta[j])))
        t = tie_rate * 2.0 * np.minimum(p, 1.0 - p)
        self._outcome_p = np.stack([p - t / 2, 1.0 - p - t / 2, t], axis=1)
        self._pairs = (i, j)

    def play(self, probs: np.ndarray, n: int) -> None:
        """Cast ``n`` votes with pairs drawn from ``probs`` (over :func:`pair_indices`)."""
        per_pair = self.rng.multinomial(n, probs / probs.sum())
        results = self.rng.multinomial(per_pair, self._outcome_p)
        i, j = self._pairs
        self.counts[i, j] += results

    def pair_counts(self, k: int | None = None) -> PairCounts:
        """Counts over the first ``k`` models (all by default), in the engine's shape."""
        k = self.k if k is None else k
        i, j = pair_indices(k)
        cells = self.counts[i, j]
        nz = cells.sum(axis=1) > 0
        return PairCounts(self.models[:k], i[nz], j[nz], cells[nz, 0], cells[nz, 1], cells[nz, 2])

    def true_scores(self) -> np.ndarray:
        return 1000.0 + (self.theta - self.theta.mean()) * POINTS_PER_LOGIT


def _half_width(row) -> float:
    """Half the interval; infinite while the model is not rated (unknown bounds)."""
    if row.ci_lower is None or row.ci_upper is None:
        return float("inf")
    return (row.ci_upper - row.ci_lower) / 2.0


def _measure(arena: _Arena, votes: int, newcomer: int | None, base_hw: np.ndarray | None):
    """Fit the board with sandwich intervals and compare it with the truth."""
    board = build_leaderboard(arena.pair_counts(), interval="sandwich")
    rows = {r.model: r for r in board.rows}
    truth = arena.true_scores()
    fitted = [n for n, m in enumerate(arena.models) if m in rows]
    hw = np.full(arena.k, np.inf)
    score = np.full(arena.k, np.nan)
    for n in fitted:
        r = rows[arena.models[n]]
        hw[n], score[n] = _half_width(r), r.score
    t, s = truth[fitted], score[fitted]
    t = t - t.mean() + 1000.0
    wrong = int((np.argsort(np.argsort(-s)) != np.argsort(np.argsort(-t))).sum())
    checkpoint = Checkpoint(
        votes=votes,
        mean_half_width=float(hw[fitted].mean()),
        spearman=float(spearmanr(s, t).statistic) if len(fitted) > 2 else float("nan"),
        wrong_ranks=wrong,
        mean_abs_error=float(np.abs(s - t).mean()),
    )
    if newcomer is None:
        return checkpoint, hw
    note = rows.get(arena.models[newcomer])
    # A newcomer that won (or lost) every vote has a meaninglessly tight sandwich.
    new_hw = float(hw[newcomer]) if note is not None and note.note is None else float("inf")
    widening = float((hw[:newcomer] / base_hw - 1.0).max()) if base_hw is not None else None
    newcomer_votes = round(float(arena.counts[newcomer].sum() + arena.counts[:, newcomer].sum()))
    return (
        Checkpoint(**{**asdict(checkpoint), "newcomer_half_width": new_hw,
                      "newcomer_votes": newcomer_votes, "max_established_widening": widening}),
        hw,
    )  # fmt: skip


def _run(
    arena: _Arena,
    policy: SamplingPolicy,
    budget: int,
    batch: int,
    *,
    newcomer: int | None = None,
    base_hw: np.ndarray | None = None,
    stop: Callable[[Checkpoint], bool] | None = None,
    progress: Progress | None = None,
) -> tuple[PolicyRun, list[np.ndarray]]:
    run, widths = PolicyRun(policy.name), []
    weights = [1.0] * arena.k
    done = 0
    while done < budget:
        n = min(batch, budget - done)
        counts = arena.pair_counts()
        stats = sampling_stats_from_counts(counts) if counts.a.size else None
        arena.play(policy.pair_probabilities(arena.models, weights, stats), n)
        done += n
        checkpoint, hw = _measure(arena, done, newcomer, base_hw)
        run.checkpoints.append(checkpoint)
        widths.append(hw)
        if progress is not None:
            progress(n)
        if stop is not None and stop(checkpoint):
            if progress is not None:
                progress(budget - done)
            break
    return run, widths


def _true_theta(k: int, spread: float, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(0.0, spread / POINTS_PER_LOGIT, k)


def simulate_from_scratch(
    policy: SamplingPolicy,
    *,
    models: int = 50,
    votes: int = 30_000,
    batch: int = 1000,
    seed: int = 0,
    spread: float = 120.0,
    tie_rate: float = 0.3,
    progress: Progress | None = None,
) -> PolicyRun:
    """A fresh board of ``models`` with normal(0, ``spread`` points) strengths.

    Returns one checkpoint per batch: mean 95% half-width, Spearman and wrong
    ranks against the truth, and mean absolute score error.
    """
    rng = np.random.default_rng(seed)
    arena = _Arena(_true_theta(models, spread, rng), tie_rate, rng)
    run, _ = _run(arena, policy, votes, batch, progress=progress)
    return run


def simulate_new_model(
    policy: SamplingPolicy,
    baseline: SamplingPolicy,
    *,
    established: int = 50,
    history_per_model: int = 3000,
    budget: int = 60_000,
    batch: int = 500,
    target: float = 25.0,
    seed: int = 0,
    spread: float = 120.0,
    tie_rate: float = 0.3,
    progress: Progress | None = None,
) -> NewModelReport:
    """A newcomer joins ``established`` models that already have about
    ``history_per_model`` votes each (uniform pairs). Each policy then runs on the
    same history and truth, until the newcomer's 95% half-width is at most
    ``target`` points or ``budget`` new votes are spent.
    """
    rng = np.random.default_rng(seed)
    k = established + 1
    theta = _true_theta(k, spread, rng)
    history = established * history_per_model // 2
    start = _Arena(theta, tie_rate, rng)
    start.play((pair_indices(k)[1] < established).astype(np.float64), history)
    base = build_leaderboard(start.pair_counts(established), interval="sandwich")
    base_rows = {r.model: r for r in base.rows}
    base_hw = np.array([_half_width(base_rows[x]) for x in start.models[:-1]])

    def reached(c: Checkpoint) -> bool:
        return c.newcomer_half_width is not None and c.newcomer_half_width <= target

    results = []
    for sub, pol in enumerate((policy, baseline)):
        arena = _Arena(theta, tie_rate, np.random.default_rng([seed, sub + 1]))
        arena.counts = start.counts.copy()
        results.append(
            _run(arena, pol, budget, batch, newcomer=k - 1, base_hw=base_hw, stop=reached,
                 progress=progress)
        )  # fmt: skip
    (run, widths), (base_run, base_widths) = results
    votes_p, votes_b = _votes_to(run, target), _votes_to(base_run, target)
    hit = next((n for n, c in enumerate(run.checkpoints) if reached(c)), len(run.checkpoints) - 1)
    widening = max(
        (c.max_established_widening or 0.0 for c in run.checkpoints[: hit + 1]), default=None
    )
    vs_base = None
    if hit < len(base_widths):
        vs_base = float((widths[hit][:-1] / base_widths[hit][:-1] - 1.0).max())
    truth = 1000.0 + (theta - theta.mean()) * POINTS_PER_LOGIT
    return NewModelReport(
        target=target,
        established=established,
        history_votes=history,
        newcomer_true_score=float(truth[-1]),
        policy=run,
        baseline=base_run,
        policy_votes_to_target=votes_p,
        baseline_votes_to_target=votes_b,
        ratio=votes_p / votes_b if votes_p is not None and votes_b else None,
        max_established_widening=widening,
        widening_vs_baseline=vs_base,
    )


def _votes_to(run: PolicyRun, target: float) -> float | None:
    """Votes at which the newcomer's half-width first reaches ``target``, interpolated
    between checkpoints on precision (1/half-width^2), which grows about linearly in votes."""
    prev: Checkpoint | None = None
    for c in run.checkpoints:
        hw = c.newcomer_half_width
        if hw is not None and hw <= target:
            if prev is None or prev.newcomer_half_width in (None, float("inf")):
                return float(c.votes)
            lo, hi = prev.newcomer_half_width**-2, hw**-2  # type: ignore[operator]
            frac = (target**-2 - lo) / (hi - lo) if hi > lo else 1.0
            return float(prev.votes + frac * (c.votes - prev.votes))
        prev = c
    return None
