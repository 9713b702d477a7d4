"""Emoji as a tone covariate: counted on the live turn path, fitted beside the style
covariates, and the fit is the textbook logistic regression on the explicit design."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from typer.testing import CliRunner

from arena.cli import app as cli_app
from arena.data.style_counts import emoji_count, side_style, side_tone, tone_counts
from arena.ratings.style import STYLE_FEATURES, StyleData, build_style_leaderboard, fit_style
from tests.support.api import voted_battle


def test_emoji_are_counted_per_pictograph() -> None:
    assert emoji_count("plain text, no pictures: 100% ascii") == 0
    assert emoji_count("Great question! 🎉🚀 Here you go 😊") == 3
    assert emoji_count("✅ done ❤ ok ⭐") == 3
    assert emoji_count("naïve café — “quotes” → arrows") == 0
    meta = tone_counts([("hi 😊", 3), ("again 😊😊", 3)], [("hello", 1)])
    assert meta == {"emoji_count_a": 3, "emoji_count_b": 0}
    assert side_tone(meta, "a") == (3.0,) and len(side_style(meta, "a")) == 4


def _votes(seed: int, n: int = 1500):
    """Four models; side A's emoji raise its win chance by a known log-odds."""
    rng = np.random.default_rng(seed)
    strength = np.array([0.8, 0.2, -0.3, -0.7])
    ia = rng.integers(0, 4, n)
    ib = (ia + rng.integers(1, 4, n)) % 4
    style_a = rng.poisson([300, 2, 3, 2, 1], size=(n, 5)).astype(float)
    style_b = rng.poisson([300, 2, 3, 2, 1], size=(n, 5)).astype(float)
    emoji_diff = (style_a[:, 4] - style_b[:, 4]) / (style_a[:, 4] + style_b[:, 4] + 1)
    p = 1 / (1 + np.exp(-(strength[ia] - strength[ib] + 1.2 * emoji_diff)))
    y = np.where(rng.random(n) < p, 1.0, 0.0)
    return ia, ib, y, style_a, style_b


def _sklearn_at_least(major: int, minor: int) -> bool:
    import sklearn

    parts = sklearn.__version__.split(".")
    return (int(parts[0]), int(parts[1])) >= (major, minor)


def _textbook(data: StyleData) -> np.ndarray:
    """Unpenalized logistic regression on the explicit design [D | X] (D: +1 for A's
    model, -1 for B's; the first model's column dropped so the fit is identified)."""
    k = data.n_models
    d = np.zeros((data.y.size, k))
    d[np.arange(data.y.size), data.ia] += 1
    d[np.arange(data.y.size), data.ib] -= 1
    design = np.hstack([d[:, 1:], data.x])
    # No penalty: C=inf from scikit-learn 1.8 on, penalty=None before.
    unpenalized = {"C": np.inf} if _sklearn_at_least(1, 8) else {"penalty": None}
    fit = LogisticRegression(**unpenalized, fit_intercept=False, tol=1e-10, max_iter=10_000)
    fit.fit(design, data.y)
    coef = fit.coef_[0]
    theta = np.concatenate([[0.0], coef[: k - 1]])
    return np.concatenate([theta - theta.mean(), coef[k - 1 :]])


@settings(max_examples=5, deadline=None)
@given(st.integers(0, 2**31 - 1))
def test_emoji_coefficient_matches_a_textbook_logistic_regression(seed: int) -> None:
    ia, ib, y, style_a, style_b = _votes(seed)
    data = StyleData.from_indices(["m0", "m1", "m2", "m3"], ia, ib, y, style_a, style_b)
    ours = fit_style(data)
    ours = np.concatenate([ours[:4] - ours[:4].mean(), ours[4:]])
    assert np.allclose(ours, _textbook(data), atol=1e-4)


def test_the_board_reports_the_emoji_coefficient() -> None:
    ia, ib, y, style_a, style_b = _votes(3)
    models = np.array(["m0", "m1", "m2", "m3"])
    names = (*STYLE_FEATURES, "emoji")
    board = build_style_leaderboard(
        models[ia], models[ib], y, style_a, style_b, interval="sandwich", feature_names=names
    )
    block = board.style_block()
    assert list(block) == list(names)
    emoji = block["emoji"]
    # the effect was drawn positive and large: its interval is above zero
    assert emoji["coefficient"] > 0 and emoji["ci_lower"] > 0
    plain = build_style_leaderboard(
        models[ia], models[ib], y, style_a[:, :4], style_b[:, :4], interval="sandwich"
    )
    assert "emoji" not in plain.style_block()


EMOJI_MODELS = [
    {"name": "chatty", "model": "parrot", "organization": "Org A"},
    {"name": "plain", "model": "markdown", "organization": "Org B"},
    {"name": "echo", "model": "echo-a", "organization": "Org C"},
]


def test_live_board_takes_emoji_reweighting_and_order(start_app, db_url: str) -> None:
    app = start_app(EMOJI_MODELS, leaderboard_refresh_seconds=0, leaderboard_min_votes=0)
    with app.client() as client:
        for i in range(12):
            voted_battle(client, f"party {i} 🎉🎉", winner=["model_a", "model_b", "tie"][i % 3])
        emoji = client.get("/api/v1/leaderboard?emoji=true").json()
        plain = client.get("/api/v1/leaderboard?style_control=true").json()
        lower = client.get("/api/v1/leaderboard?reweighted=true&order=lower").json()
        bad = client.get("/api/v1/leaderboard?order=score")
        every = client.get("/api/v1/leaderboard?emoji=true&reweighted=true&order=lower").json()
    assert emoji["emoji_control"] is True and emoji["style_control"] is True
    assert "emoji" in emoji["style_coefficients"]
    assert "emoji" not in plain["style_coefficients"] and plain["emoji_control"] is False
    assert emoji["total_votes"] == 12
    assert lower["reweighted"] is True and lower["order"] == "lower"
    assert all("rank_lb" in r for r in lower["models"])
    assert lower["disconnected"] is False
    assert bad.status_code == 422
    # The CLI's store board takes the same options and prints the same board.
    args = ["leaderboard", "--db", db_url, "--format", "json", "--min-votes", "0", "--emoji"]
    result = CliRunner().invoke(cli_app, [*args, "--reweighted", "--sort", "lower"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.stdout)
    for key in ("models", "style_coefficients", "reweighted", "order", "emoji_control"):
        assert cli[key] == every[key], key
    assert cli["counted_votes"]["vote_set_sha256"] == every["counted_votes"]["vote_set_sha256"]
