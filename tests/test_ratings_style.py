"""Style control: structured design products, agreement with plain logistic regression,
recovery of true strengths when length sways votes, intervals."""

from __future__ import annotations

import numpy as np
import pytest

from arena.ratings import StyleData, build_style_leaderboard, fit_style, style_features
from arena.ratings.style_design import StyleDesign as _Design
from arena.ratings.synthetic import simulate_votes


def _data(sv) -> StyleData:
    return StyleData.from_indices(sv.models, sv.ia, sv.ib, sv.outcome, sv.style_a, sv.style_b)


def _dense(data: StyleData) -> np.ndarray:
    n, k = data.y.size, data.n_models
    d = np.zeros((n, k))
    d[np.arange(n), data.ia] = 1.0
    d[np.arange(n), data.ib] -= 1.0
    return np.hstack([d, data.x])


def test_features_normalized() -> None:
    a = np.array([[10.0, 0.0], [0.0, 0.0], [5.0, 0.0]])
    b = np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 0.0]])
    x = style_features(a, b)
    raw = np.array([10 / 11, -10 / 11, 0.0])
    np.testing.assert_allclose(x[:, 0], (raw - raw.mean()) / raw.std())
    np.testing.assert_array_equal(x[:, 1], 0.0)  # constant column -> 0


def test_structured_products_match_dense_design() -> None:
    data = _data(simulate_votes(7, 800, seed=1, with_style=True, tie_rate=0.1))
    dz = _Design(data)
    z = _dense(data)
    rng = np.random.default_rng(0)
    w = rng.random(data.y.size)
    beta = rng.normal(size=z.shape[1])
    # The design keeps its rows sorted by pair: dz.rows maps the data's order to it.
    np.testing.assert_allclose(dz.eta(beta), dz.rows(z @ beta))
    np.testing.assert_allclose(dz.tmul(dz.rows(w)), z.T @ w)
    np.testing.assert_allclose(dz.gram(dz.rows(w)), z.T @ (z * w[:, None]), atol=1e-10)


def test_matches_logistic_regression() -> None:
    from sklearn.linear_model import LogisticRegression

    sv = simulate_votes(6, 5000, seed=3, style_effect=1.0)
    data = _data(sv)
    beta = fit_style(data)
    z = _dense(data)
    lr = LogisticRegression(fit_intercept=False, C=1e8, tol=1e-12, max_iter=10_000)
    lr.fit(z[:, 1:], data.y.astype(int))  # model 0 as reference
    coef = np.concatenate([[0.0], lr.coef_[0]])
    k = data.n_models
    theta = beta[:k] - beta[:k].mean()
    ref = coef[:k] - coef[:k].mean()
    np.testing.assert_allclose(theta * 400 / np.log(10), ref * 400 / np.log(10), atol=0.01)
    np.testing.assert_allclose(beta[k:], coef[k:], atol=1e-4)


def test_style_control_recovers_truth_raw_does_not() -> None:
    sv = simulate_votes(10, 150_000, seed=5, spread=0.5, style_effect=2.0)
    board = build_style_leaderboard(
        *sv.names(), sv.outcome, sv.style_a, sv.style_b, interval="sandwich"
    )
    truth = dict(zip(sv.models, sv.true_scores(), strict=True))
    style_err = np.mean([abs(r.score - truth[r.model]) for r in board.rows])
    raw_err = np.mean([abs(r.raw_score - truth[r.model]) for r in board.rows])
    assert style_err < 5.0
    assert raw_err > 4 * style_err
    assert board.style_control and board.style_coefficients["tokens"] > 0.3
    cover = np.mean([r.ci_lower <= truth[r.model] <= r.ci_upper for r in board.rows])
    assert cover >= 0.7
    assert all("raw_score" in d for d in board.to_dicts())


def test_style_bootstrap_reproducible_and_close_to_sandwich() -> None:
    sv = simulate_votes(6, 20_000, seed=8, style_effect=1.0, tie_rate=0.1)
    args = (*sv.names(), sv.outcome, sv.style_a, sv.style_b)
    b1 = build_style_leaderboard(*args, rounds=40, seed=1)
    b2 = build_style_leaderboard(*args, rounds=40, seed=1)
    assert b1.to_dicts(digits=15) == b2.to_dicts(digits=15)
    sand = {r.model: r for r in build_style_leaderboard(*args, interval="sandwich").rows}
    for r in b1.rows:
        s = sand[r.model]
        assert r.score == pytest.approx(s.score)
        assert r.ci_upper - r.ci_lower == pytest.approx(s.ci_upper - s.ci_lower, rel=0.3)


def test_style_min_votes_and_errors() -> None:
    sv = simulate_votes(5, 2000, seed=2, with_style=True)
    ma, mb = sv.names()
    board = build_style_leaderboard(
        np.concatenate([ma, ["rare"]]),
        np.concatenate([mb, [sv.models[0]]]),
        np.concatenate([sv.outcome, [1.0]]),
        np.vstack([sv.style_a, sv.style_a[:1]]),
        np.vstack([sv.style_b, sv.style_b[:1]]),
        interval="sandwich",
        min_votes=5,
    )
    assert "rare" not in [r.model for r in board.rows]
    with pytest.raises(ValueError):
        build_style_leaderboard(ma, mb, sv.outcome, sv.style_a[:10], sv.style_b[:10])


def test_style_bootstrap_rounds_are_exact_refits() -> None:
    from arena.ratings.style import style_bootstrap_beta

    data = _data(simulate_votes(5, 4000, seed=4, style_effect=1.0, tie_rate=0.1))
    beta = fit_style(data)
    boot = style_bootstrap_beta(data, beta, rounds=4, seed=9)
    rng = np.random.default_rng(9)
    n = data.y.size
    for r in range(4):
        wt = np.bincount(rng.integers(0, n, n), minlength=n).astype(np.float64)
        np.testing.assert_allclose(boot[r], fit_style(data, weights=wt, tol=1e-10), atol=1e-6)
