"""The live board applies the same thin-evidence rules as the CLI and releases (issue 16)."""

from __future__ import annotations

import inspect

import pytest

from arena.boards.assembly import rerank as _rerank
from arena.cli.leaderboard import leaderboard as leaderboard_command
from arena.data.release import DEFAULT_MIN_VOTES as RELEASE_MIN_VOTES
from arena.errors import InvalidInput
from arena.ratings.leaderboard import DEFAULT_MIN_VOTES
from arena.settings import Settings
from arena.web.leaderboard_cache import LeaderboardCache
from tests.support.api import voted_battle
from tests.support.rosters import STYLE_MODELS as MODELS


def test_min_votes_default_is_one_number_everywhere() -> None:
    cli_default = inspect.signature(leaderboard_command).parameters["min_votes"].default
    assert Settings().leaderboard_min_votes == DEFAULT_MIN_VOTES == RELEASE_MIN_VOTES
    # The CLI's default is the server's setting (ARENA_LEADERBOARD_MIN_VOTES), read at run time.
    assert cli_default is None and DEFAULT_MIN_VOTES == 20


def test_board_states_min_votes_and_hides_thin_models(start_app) -> None:
    app = start_app(MODELS, leaderboard_refresh_seconds=0, leaderboard_min_votes=5)
    with app.client() as client:
        for i in range(8):
            voted_battle(client, f"fact {i}", winner=["model_a", "model_b"][i % 2])
        board = client.get("/api/v1/leaderboard").json()
        styled = client.get("/api/v1/leaderboard?style_control=true").json()
    assert board["min_votes"] == 5 and styled["min_votes"] == 5
    shown = {r["model"] for r in board["models"]}
    assert shown.isdisjoint(board["too_few_votes"])
    assert all(r["votes"] >= 5 for r in board["models"])
    assert shown | set(board["too_few_votes"]) <= {m["name"] for m in MODELS}
    for r in board["models"]:
        if not r["rated"]:
            assert r["rank"] is None and r["ci_lower"] is None and "not yet rated" in r["note"]
        else:
            assert isinstance(r["rank"], int)
    if styled["models"]:
        assert {"tokens", "headers", "lists", "bold"} <= set(styled["style_coefficients"])


def test_rerank_keeps_unrated_and_unknown_rows_honest() -> None:
    rows = [
        {"model": "new", "score": 1300.0, "ci_lower": None, "ci_upper": None, "rated": False},
        {"model": "a", "score": 1100.0, "ci_lower": 1050.0, "ci_upper": 1150.0, "rated": True},
        {"model": "b", "score": 900.0, "ci_lower": 850.0, "ci_upper": 950.0, "rated": True},
        {"model": "c", "score": 1000.0, "ci_lower": None, "ci_upper": None, "rated": True},
    ]
    _rerank(rows)
    ranks = {r["model"]: r["rank"] for r in rows}
    assert ranks == {"a": 1, "c": 1, "b": 2, "new": None}
    assert rows[-1]["model"] == "new"


@pytest.mark.parametrize("rounds", [1, 19])
def test_too_few_board_rounds_refused(rounds: int) -> None:
    with pytest.raises(InvalidInput, match="at least 20"):
        LeaderboardCache(None, rounds, 1.0, lambda name: None)  # type: ignore[arg-type]
