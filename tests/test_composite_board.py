"""Composite boards: one rating vector across weighted components, checked against a
textbook weighted logistic regression, and through ``arena leaderboard --composite``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from typer.testing import CliRunner

from arena.cli import app
from arena.ratings import PairCounts, build_leaderboard
from arena.ratings.composite import build_composite_leaderboard

MODELS = ["m0", "m1", "m2", "m3"]


def _component(rng: np.random.Generator, strength: np.ndarray, n: int):
    ia = rng.integers(0, 4, n)
    ib = (ia + rng.integers(1, 4, n)) % 4
    p = 1 / (1 + np.exp(-(strength[ia] - strength[ib])))
    u = rng.random(n)
    winner = np.where(u < 0.1, "tie", np.where(u < 0.1 + 0.9 * p, "model_a", "model_b"))
    names = np.array(MODELS)
    return names[ia], names[ib], winner


def _textbook_scores(components, weights) -> dict[str, float]:
    """Weighted logistic regression on one row per vote (a tie: half a win each way),
    each vote weighing w_c / N_c, on the explicit +1/-1 design."""
    rows, ys, ws = [], [], []
    for (a, b, winner), w in zip(components, weights, strict=True):
        per_vote = w / len(a)
        for x, y, win in zip(a, b, winner, strict=True):
            d = np.zeros(4)
            d[MODELS.index(x)] += 1
            d[MODELS.index(y)] -= 1
            outcomes = {"model_a": [(1, 1.0)], "model_b": [(0, 1.0)], "tie": [(1, 0.5), (0, 0.5)]}
            for label, share in outcomes[str(win)]:
                rows.append(d[1:])
                ys.append(label)
                ws.append(per_vote * share)
    fit = LogisticRegression(
        C=1e12, fit_intercept=False, solver="newton-cholesky", tol=1e-12, max_iter=1000
    )
    fit.fit(np.array(rows), np.array(ys), sample_weight=np.array(ws) / np.mean(ws))
    theta = np.concatenate([[0.0], fit.coef_[0]])
    pts = theta * 400 / np.log(10)
    return dict(zip(MODELS, pts - pts.mean() + 1000, strict=True))


@settings(max_examples=4, deadline=None)
@given(st.integers(0, 2**31 - 1), st.floats(0.2, 5.0))
def test_composite_matches_a_weighted_logistic_regression(seed: int, weight: float) -> None:
    rng = np.random.default_rng(seed)
    big = _component(rng, np.array([0.6, 0.2, -0.2, -0.6]), 1200)
    small = _component(rng, np.array([-0.5, 0.0, 0.1, 0.4]), 150)
    parts = [(PairCounts.from_votes(*big), 1.0), (PairCounts.from_votes(*small), weight)]
    board = build_composite_leaderboard(parts, rounds=20, seed=seed)
    expected = _textbook_scores([big, small], [1.0, weight])
    ours = board.scores()
    assert max(abs(ours[m] - expected[m]) for m in MODELS) < 0.01
    # the small component pulls with its weight, not its share of the votes
    pooled = build_leaderboard(parts[0][0] + parts[1][0], rounds=20).scores()
    if weight > 1:
        assert max(abs(ours[m] - pooled[m]) for m in MODELS) > 5
    for r in board.rows:
        assert r.ci_lower is None or r.ci_lower <= r.score <= r.ci_upper


def test_scaling_every_weight_changes_nothing() -> None:
    rng = np.random.default_rng(1)
    a = PairCounts.from_votes(*_component(rng, np.array([0.6, 0.2, -0.2, -0.6]), 600))
    b = PairCounts.from_votes(*_component(rng, np.array([0.1, 0.2, -0.2, 0.0]), 200))
    one = build_composite_leaderboard([(a, 1.0), (b, 3.0)], rounds=20).scores()
    ten = build_composite_leaderboard([(a, 10.0), (b, 30.0)], rounds=20).scores()
    assert all(abs(one[m] - ten[m]) < 1e-6 for m in one)
    with pytest.raises(ValueError, match="positive"):
        build_composite_leaderboard([(a, 1.0), (b, 0.0)], rounds=20)


def test_cli_composite_of_two_categories(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    votes = tmp_path / "votes.jsonl"
    with votes.open("w") as fh:
        for tag, strength in (("coding", [0.6, 0.2, -0.2, -0.6]), ("math", [-0.4, 0, 0.1, 0.3])):
            for x, y, w in zip(*_component(rng, np.array(strength), 300), strict=True):
                row = {"model_a": x, "model_b": y, "winner": w, "category_tag": [tag]}
                fh.write(json.dumps(row) + "\n")
    runner = CliRunner()
    args = ["leaderboard", "--votes", str(votes), "--format", "json", "--bootstrap", "20"]
    parts = ["--composite", "category:coding=1", "--composite", "category:math=3"]
    result = runner.invoke(app, [*args, *parts, "--min-votes", "0"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert [c["name"] for c in body["composite"]] == ["coding", "math"]
    assert {r["model"] for r in body["models"]} == set(MODELS)
    bad = runner.invoke(app, [*args, "--composite", "category:coding"])
    assert bad.exit_code == 2 and "KIND:NAME=WEIGHT" in bad.stderr
