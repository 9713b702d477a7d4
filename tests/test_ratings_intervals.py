"""Intervals: bootstrap reproducibility, agreement with the sandwich and with naive resampling,
coverage, and rank_ub."""

from __future__ import annotations

import numpy as np
import pytest

from arena.ratings import PairCounts, build_leaderboard, rank_upper_bound
from arena.ratings.bt import fit_theta
from arena.ratings.intervals import bootstrap_theta
from arena.ratings.synthetic import simulate_votes


def _counts(sv) -> PairCounts:
    return PairCounts.from_indices(sv.models, sv.ia, sv.ib, sv.outcome)


def test_bootstrap_reproducible_bit_for_bit() -> None:
    c = _counts(simulate_votes(12, 5000, seed=1, tie_rate=0.1))
    one = build_leaderboard(c, rounds=50, seed=42).to_dicts(digits=15)
    two = build_leaderboard(c, rounds=50, seed=42).to_dicts(digits=15)
    other = build_leaderboard(c, rounds=50, seed=43).to_dicts(digits=15)
    assert one == two
    assert one != other
    # Scores do not depend on the seed, only the intervals do.
    assert [r["score"] for r in one] == [r["score"] for r in other]


def test_bootstrap_rounds_are_exact_refits() -> None:
    sv = simulate_votes(6, 2000, seed=9, tie_rate=0.1)
    c = _counts(sv)
    wa, wb = c.half_win_weights()
    theta = fit_theta(c.a, c.b, wa, wb, 6)
    boot = bootstrap_theta(c, theta, rounds=5, seed=3)
    # Replay the same multinomial draws and refit each from scratch with Newton.
    rng = np.random.default_rng(3)
    table = np.stack([c.wins_a, c.wins_b, c.ties], axis=1).ravel()
    cells = np.flatnonzero(table > 0)
    draws = np.zeros((5, table.size))
    draws[:, cells] = rng.multinomial(int(table.sum()), table[cells] / table.sum(), size=5)
    draws = draws.reshape(5, -1, 3)
    for r in range(5):
        ra = draws[r, :, 0] + 0.5 * draws[r, :, 2]
        rb = draws[r, :, 1] + 0.5 * draws[r, :, 2]
        np.testing.assert_allclose(boot[r], fit_theta(c.a, c.b, ra, rb, 6), atol=1e-6)


def test_bootstrap_matches_naive_row_resampling() -> None:
    sv = simulate_votes(6, 3000, seed=2)
    c = _counts(sv)
    fast = build_leaderboard(c, rounds=600, seed=0)
    rng = np.random.default_rng(123)
    reps = []
    for _ in range(600):
        idx = rng.integers(0, sv.outcome.size, sv.outcome.size)
        pc = PairCounts.from_indices(sv.models, sv.ia[idx], sv.ib[idx], sv.outcome[idx])
        wa, wb = pc.half_win_weights()
        th = fit_theta(pc.a, pc.b, wa, wb, 6)
        reps.append(1000 + (th - th.mean()) * 400 / np.log(10))
    lo, hi = np.percentile(np.array(reps), [2.5, 97.5], axis=0)
    rows = {r.model: r for r in fast.rows}
    for i, m in enumerate(sv.models):
        # Same distribution; allow the Monte Carlo noise of 600-round tail percentiles.
        tol = 0.12 * (hi[i] - lo[i])
        assert rows[m].ci_lower == pytest.approx(lo[i], abs=tol)
        assert rows[m].ci_upper == pytest.approx(hi[i], abs=tol)


def test_sandwich_close_to_bootstrap() -> None:
    c = _counts(simulate_votes(10, 50_000, seed=4, tie_rate=0.1))
    boot = {r.model: r for r in build_leaderboard(c, rounds=400, seed=1).rows}
    sand = build_leaderboard(c, interval="sandwich")
    for r in sand.rows:
        b = boot[r.model]
        width_b = b.ci_upper - b.ci_lower
        assert r.ci_upper - r.ci_lower == pytest.approx(width_b, rel=0.15)
        assert r.score == b.score


@pytest.mark.parametrize("interval", ["sandwich", "bootstrap"])
def test_coverage(interval: str) -> None:
    hits, total = 0, 0
    for seed in range(25 if interval == "bootstrap" else 60):
        sv = simulate_votes(8, 3000, seed=1000 + seed, spread=0.6)
        board = build_leaderboard(_counts(sv), interval=interval, rounds=100, seed=seed)
        truth = dict(zip(sv.models, sv.true_scores(), strict=True))
        for r in board.rows:
            hits += r.ci_lower <= truth[r.model] <= r.ci_upper
            total += 1
    assert 0.90 <= hits / total <= 0.99, hits / total


def test_anchored_intervals() -> None:
    c = _counts(simulate_votes(6, 4000, seed=6))
    board = build_leaderboard(c, interval="sandwich", anchor=(c.models[0], 1500.0))
    rows = {r.model: r for r in board.rows}
    anchor = rows[c.models[0]]
    assert anchor.score == pytest.approx(1500.0)
    assert anchor.ci_upper - anchor.ci_lower == pytest.approx(0.0, abs=1e-6)
    assert all(r.ci_upper - r.ci_lower > 1 for m, r in rows.items() if m != c.models[0])
    boot = build_leaderboard(c, rounds=30, anchor=(c.models[0], 1500.0))
    pinned = {r.model: r for r in boot.rows}[c.models[0]]
    assert pinned.ci_lower == pytest.approx(1500.0) == pinned.ci_upper


def test_rank_upper_bound() -> None:
    lower = np.array([10.0, 8.0, 2.0, 0.0])
    upper = np.array([12.0, 11.0, 9.0, 1.0])
    np.testing.assert_array_equal(rank_upper_bound(lower, upper), [1, 1, 2, 4])
    # Components rank separately.
    np.testing.assert_array_equal(
        rank_upper_bound(lower, upper, np.array([0, 0, 1, 1])), [1, 1, 1, 2]
    )


def test_rows_sorted_and_rank_equals_rank_ub() -> None:
    board = build_leaderboard(_counts(simulate_votes(15, 20_000, seed=8)), rounds=50)
    d = board.to_dicts()
    assert [r["rank"] for r in d] == [r["rank_ub"] for r in d]
    keys = [(r["rank"], -r["score"]) for r in d]
    assert keys == sorted(keys)
    assert set(d[0]) >= {"rank", "rank_ub", "model", "score", "ci_lower", "ci_upper", "votes"}
    assert sum(r["votes"] for r in d) == 2 * board.total_votes
