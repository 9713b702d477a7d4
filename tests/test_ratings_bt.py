"""Bradley–Terry fit: textbook agreement, derivatives, recovery, invariances, degenerate data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arena.ratings import PairCounts, build_leaderboard, fit_bradley_terry
from arena.ratings.bt import bt_gradient, bt_hessian, bt_loglik
from arena.ratings.synthetic import simulate_votes

LN10 = np.log(10.0)


def _counts(sv) -> PairCounts:
    return PairCounts.from_indices(sv.models, sv.ia, sv.ib, sv.outcome)


def test_matches_logistic_regression() -> None:
    from sklearn.linear_model import LogisticRegression

    sv = simulate_votes(8, 4000, seed=7, spread=0.8, tie_rate=0.15)
    counts = _counts(sv)
    scores = fit_bradley_terry(counts)
    # Row-by-row logistic regression, ties as two half-weight rows (one win each way).
    k, n = len(sv.models), sv.outcome.size
    x = np.zeros((n, k))
    x[np.arange(n), sv.ia] = 1.0
    x[np.arange(n), sv.ib] = -1.0
    tie = sv.outcome == 0.5
    xs = np.vstack([x, x[tie]])
    ys = np.concatenate([np.where(tie, 1, sv.outcome).astype(int), np.zeros(tie.sum(), int)])
    ws = np.concatenate([np.where(tie, 0.5, 1.0), np.full(tie.sum(), 0.5)])
    lr = LogisticRegression(fit_intercept=False, C=1e8, tol=1e-12, max_iter=10_000)
    lr.fit(xs[:, 1:], ys, sample_weight=ws)  # model 0 is the reference
    theta = np.concatenate([[0.0], lr.coef_[0]])
    ref = 1000 + (theta - theta.mean()) * 400 / LN10
    np.testing.assert_allclose(scores, ref, atol=0.01)
    assert abs(scores.mean() - 1000) < 1e-9


def test_wikipedia_example() -> None:
    # https://en.wikipedia.org/wiki/Bradley–Terry_model worked example: wins[i, j].
    wins = np.array([[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])
    i, j = np.nonzero(wins)
    names = np.array(list("ABCD"))
    counts = PairCounts.from_grouped(names[i], names[j], ["model_a"] * i.size, wins[i, j])
    s = fit_bradley_terry(counts, scale=1.0, base=np.e, init=0.0)
    p = np.exp(s) / np.exp(s).sum()
    np.testing.assert_allclose(p, [0.139, 0.226, 0.143, 0.492], atol=6e-4)


def test_gradient_and_hessian_finite_differences() -> None:
    sv = simulate_votes(5, 500, seed=2, tie_rate=0.2)
    c = _counts(sv)
    wa, wb = c.half_win_weights()
    rng = np.random.default_rng(0)
    theta = rng.normal(size=5)
    l2 = 0.3
    g = bt_gradient(theta, c.a, c.b, wa, wb, l2)
    h = bt_hessian(theta, c.a, c.b, c.battles, l2)
    eps = 1e-6
    for i in range(5):
        e = np.zeros(5)
        e[i] = eps
        num_g = (
            bt_loglik(theta + e, c.a, c.b, wa, wb, l2) - bt_loglik(theta - e, c.a, c.b, wa, wb, l2)
        ) / (2 * eps)
        assert num_g == pytest.approx(g[i], rel=1e-5, abs=1e-5)
        num_h = (
            bt_gradient(theta + e, c.a, c.b, wa, wb, l2)
            - bt_gradient(theta - e, c.a, c.b, wa, wb, l2)
        ) / (2 * eps)
        np.testing.assert_allclose(-num_h, h[:, i], rtol=1e-5, atol=1e-5)


def test_recovers_planted_strengths() -> None:
    sv = simulate_votes(20, 200_000, seed=11)
    s = fit_bradley_terry(_counts(sv))
    err = np.abs(s - sv.true_scores())
    assert err.mean() < 5.0
    assert (
        np.corrcoef(np.argsort(np.argsort(s)), np.argsort(np.argsort(sv.true_scores())))[0, 1]
        > 0.99
    )


def test_anchor() -> None:
    sv = simulate_votes(5, 5000, seed=4)
    c = _counts(sv)
    free = fit_bradley_terry(c)
    pinned = fit_bradley_terry(c, anchor=(c.models[2], 1200.0))
    assert pinned[2] == pytest.approx(1200.0)
    np.testing.assert_allclose(pinned - free, pinned[2] - free[2])
    with pytest.raises(ValueError, match="anchor"):
        fit_bradley_terry(c, anchor=("nobody", 1000.0))


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    k=st.integers(2, 6),
    shift=st.floats(-5, 5),
)
def test_swap_and_shift_invariance(seed: int, k: int, shift: float) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    theta = rng.normal(size=k)
    ia = rng.integers(0, k, n)
    ib = (ia + rng.integers(1, k, n)) % k
    u = rng.random(n)
    models = [f"m{i}" for i in range(k)]

    def draw(th: np.ndarray) -> np.ndarray:
        p = 1 / (1 + np.exp(-(th[ia] - th[ib])))
        return np.where(u < 0.1, 0.5, np.where(u < 0.1 + 0.9 * p, 1.0, 0.0))

    y = draw(theta)
    c = PairCounts.from_indices(models, ia, ib, y)
    s = fit_bradley_terry(c)
    # Swapping sides and flipping winners leaves scores unchanged.
    c_swapped = PairCounts.from_indices(models, ib, ia, 1.0 - y)
    np.testing.assert_allclose(fit_bradley_terry(c_swapped), s, atol=1e-6)
    # Adding a constant to every true strength gives the same data, hence the same board.
    y_shift = draw(theta + shift)
    np.testing.assert_array_equal(y_shift, y)
    np.testing.assert_allclose(
        fit_bradley_terry(PairCounts.from_indices(models, ia, ib, y_shift)), s
    )


def test_never_lost_is_finite_and_noted() -> None:
    a = ["champ", "champ", "x", "y", "x"]
    b = ["x", "y", "y", "x", "y"]
    w = ["model_a", "model_a", "model_a", "model_a", "model_b"]
    board = build_leaderboard(PairCounts.from_votes(a, b, w), interval="sandwich")
    rows = {r.model: r for r in board.rows}
    assert np.isfinite(rows["champ"].score)
    # Not rated: no rank, no interval, a note saying why; the rated pair is unaffected.
    assert rows["champ"].rank is None and not rows["champ"].rated
    assert rows["champ"].ci_lower is None and rows["champ"].ci_upper is None
    assert "never lost" in (rows["champ"].note or "")
    assert rows["x"].note is None and rows["x"].rank == 1
    boot = build_leaderboard(PairCounts.from_votes(a * 5, b * 5, w * 5), rounds=200, seed=1)
    for r in boot.rows:
        assert np.isfinite(r.score)
        if r.rated:
            assert r.ci_lower <= r.score <= r.ci_upper


def test_never_won_noted() -> None:
    counts = PairCounts.from_votes(
        ["a", "b", "c", "a", "b"], ["c", "c", "b", "b", "a"], [1.0, 1.0, 0.0, 1.0, 1.0]
    )
    board = build_leaderboard(counts, rounds=20)
    rows = {r.model: r for r in board.rows}
    assert "never won" in (rows["c"].note or "")
    assert rows["a"].note is None
    assert all(np.isfinite(r.score) for r in board.rows)
    assert rows["c"].score < rows["a"].score


def test_separated_group_noted() -> None:
    # {a, b} beat each other and always beat {c, d}, who beat each other.
    a = ["a", "b", "c", "d", "a", "b"]
    b = ["b", "a", "d", "c", "c", "d"]
    board = build_leaderboard(PairCounts.from_votes(a, b, [1.0] * 6), interval="sandwich")
    rated = [r for r in board.rows if r.rated]
    assert len(rated) == 2 and all(r.note is None for r in rated)
    assert all("cycle" in (r.note or "") for r in board.rows if not r.rated)


def test_disconnected_components_ranked_separately() -> None:
    a = ["p", "q", "p", "r", "s", "r", "s"]
    b = ["q", "p", "q", "s", "r", "s", "r"]
    w = ["model_a", "model_a", "model_a", "model_a", "model_a", "tie", "model_b"]
    board = build_leaderboard(PairCounts.from_votes(a, b, w), interval="sandwich")
    assert board.n_components == 2
    comps = {r.model: r.component for r in board.rows}
    assert comps["p"] == comps["q"] != comps["r"] == comps["s"]
    by_comp: dict[int, list[float]] = {}
    for r in board.rows:
        by_comp.setdefault(r.component, []).append(r.score)
        assert r.rank <= 2
    for scores in by_comp.values():
        assert np.mean(scores) == pytest.approx(1000.0)
    assert all("component" in d for d in board.to_dicts())


def test_one_model_and_no_votes() -> None:
    empty = build_leaderboard(PairCounts.empty())
    assert empty.rows == [] and empty.total_votes == 0 and empty.to_dicts() == []
    assert fit_bradley_terry(PairCounts.empty()).shape == (0,)
    solo = build_leaderboard(PairCounts.empty(["only"]), interval="sandwich")
    assert [r.model for r in solo.rows] == ["only"]
    assert solo.rows[0].score == 1000.0 and solo.rows[0].rank is None
    assert "no votes" in (solo.rows[0].note or "")
    # Self-battles only: the model is known but has nothing to compare.
    self_only = build_leaderboard(PairCounts.from_votes(["a"], ["a"], [1.0]))
    assert [r.votes for r in self_only.rows] == [0]


def test_min_votes_excludes() -> None:
    sv = simulate_votes(4, 400, seed=5)
    ma, mb = sv.names()
    ma = np.concatenate([ma, ["rare"]])
    mb = np.concatenate([mb, [sv.models[0]]])
    y = np.concatenate([sv.outcome, [1.0]])
    board = build_leaderboard(PairCounts.from_votes(ma, mb, y), min_votes=10, rounds=20)
    assert "rare" not in [r.model for r in board.rows]
    assert board.excluded == ["rare"]
    assert board.total_votes == 400
