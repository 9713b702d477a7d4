"""Online Elo (chart only) and the K x K matrices for plots."""

from __future__ import annotations

import numpy as np
import pytest

from arena.ratings import (
    PairCounts,
    battle_count_matrix,
    elo_history,
    fit_bradley_terry,
    online_elo,
    predicted_win_rate_matrix,
    win_rate_matrix,
)
from arena.ratings.synthetic import simulate_votes


def test_online_elo_single_update() -> None:
    r = online_elo(["a"], ["b"], ["model_a"], k=4)
    assert r == {"a": pytest.approx(1002.0), "b": pytest.approx(998.0)}
    r = online_elo(["a", "a"], ["b", "b"], [1.0, 0.5], k=32)
    # Second vote: expected score of a is 1/(1+10^(-32/400)) after the first update.
    ea = 1 / (1 + 10 ** ((984 - 1016) / 400))
    assert r["a"] == pytest.approx(1016 + 32 * (0.5 - ea))
    assert sum(r.values()) == pytest.approx(2000.0)


def test_elo_history_and_order() -> None:
    sv = simulate_votes(5, 3000, seed=1)
    ma, mb = sv.names()
    models, at, snaps = elo_history(ma, mb, sv.outcome, points=10)
    assert at[-1] == 3000 and snaps.shape == (10, 5)
    final = online_elo(ma, mb, sv.outcome)
    np.testing.assert_allclose(snaps[-1], [final[m] for m in models])
    bt = fit_bradley_terry(PairCounts.from_votes(ma, mb, sv.outcome))
    assert np.argmax(snaps[-1]) == np.argmax(bt)


def test_matrices() -> None:
    c = PairCounts.from_votes(["a", "a", "b", "a"], ["b", "b", "a", "c"], [1.0, 0.5, 1.0, 0.0])
    n = battle_count_matrix(c)
    np.testing.assert_array_equal(n, [[0, 3, 1], [3, 0, 0], [1, 0, 0]])
    w = win_rate_matrix(c)
    assert w[0, 1] == pytest.approx(1.5 / 3) and w[1, 0] == pytest.approx(1.5 / 3)
    assert w[0, 2] == 0.0 and w[2, 0] == 1.0
    assert np.isnan(w[1, 2]) and np.isnan(w[0, 0])
    p = predicted_win_rate_matrix(np.array([1000.0, 1400.0]))
    assert p[1, 0] == pytest.approx(10 / 11)
    assert p[0, 1] + p[1, 0] == pytest.approx(1.0)
