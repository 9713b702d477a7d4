"""The board page never dresses thin evidence up as a number (issue 16)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import DESKTOP, PHONE


def _row(model: str, score: float, rank: int | None, lo: float | None, hi: float | None) -> dict:
    return {
        "rank": rank,
        "rank_ub": rank,
        "model": model,
        "score": score,
        "ci_lower": lo,
        "ci_upper": hi,
        "votes": 40,
        "rated": rank is not None,
        "note": None
        if rank is not None
        else "not yet rated: never lost, so the votes give "
        "only a lower bound; score from a weak prior, interval unknown",
        "organization": "Org",
        "license": "MIT",
    }


def test_unrated_rows_show_no_rank_and_an_unknown_interval(page: Page) -> None:
    payload = {
        "total_votes": 120,
        "computed_at": "2026-01-02T03:04:05+00:00",
        "min_votes": 20,
        "too_few_votes": ["tiny"],
        "models": [
            _row("alpha", 1050.0, 1, 1020.0, 1080.0),
            _row("beta", 950.0, 2, 920.0, 980.0),
            _row("newbie", 1300.0, None, None, None),
        ],
    }

    def board(route: Any) -> None:
        route.fulfill(
            status=200, headers={"Content-Type": "application/json"}, body=json.dumps(payload)
        )

    page.route(re.compile(r".*/api/v1/leaderboard(\?.*)?$"), board)
    page.goto("/#/leaderboard")
    table = page.get_by_test_id("leaderboard-table")
    expect(table.get_by_test_id("leaderboard-row")).to_have_count(3)
    newbie = table.locator("tr[data-model='newbie']")
    expect(newbie.locator(".ci-text")).to_have_text("unknown")
    expect(newbie.locator("td.rank")).to_have_text("—")
    expect(table.locator("tr[data-model='alpha'] .ci-text")).to_have_text("+30/−30")
    # Sorted by rank, a model not yet rated comes last even with the highest score.
    expect(table.get_by_test_id("leaderboard-row").last).to_have_attribute("data-model", "newbie")
    expect(page.get_by_test_id("min-votes")).to_contain_text("shown from 20 votes (1 not yet)")


DATE = "2026-03-04T05:06:07+00:00"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_board_with_votes_says_who_waits_and_marks_deprecation_with_its_date(
    new_page: Callable[..., Page], size: str
) -> None:
    """Issue 33: never "No votes yet" when there are votes; deprecated with the date."""
    page = new_page(DESKTOP if size == "desktop" else PHONE)
    waiting = {
        "total_votes": 0,
        "all_votes": 9,
        "computed_at": "2026-01-02T03:04:05+00:00",
        "min_votes": 20,
        "too_few_votes": ["alpha", "beta"],
        "waiting": [{"model": "alpha", "votes": 9}, {"model": "beta", "votes": 9}],
        "models": [],
    }
    shown = {
        **waiting,
        "total_votes": 120,
        "all_votes": 123,
        "too_few_votes": ["tiny"],
        "waiting": [{"model": "tiny", "votes": 3}],
        "models": [
            _row("alpha", 1050.0, 1, 1020.0, 1080.0),
            {**_row("old", 950.0, 2, 920.0, 980.0), "deprecated": True, "deprecated_at": DATE},
        ],
    }
    boards = [waiting, shown]  # the first load, then Refresh

    def board(route: Any) -> None:
        body = boards[0] if len(boards) == 1 else boards.pop(0)
        route.fulfill(status=200, headers={"Content-Type": "application/json"},
                      body=json.dumps(body))  # fmt: skip

    page.route(re.compile(r".*/api/v1/leaderboard(\?.*)?$"), board)
    page.goto("/#/leaderboard")
    empty = page.get_by_test_id("leaderboard-empty")
    expect(empty).to_contain_text("9 votes so far")
    expect(empty).to_contain_text("alpha (9), beta (9)")
    expect(empty).to_contain_text("ARENA_LEADERBOARD_MIN_VOTES")
    expect(empty).not_to_contain_text("No votes yet")
    page.get_by_test_id("leaderboard-refresh").click()
    expect(page.get_by_test_id("leaderboard-row")).to_have_count(2)
    expect(page.get_by_test_id("waiting-note")).to_contain_text("Waiting for 20 votes: tiny (3)")
    expect(page.get_by_test_id("all-votes")).to_contain_text("of 123")
    expect(page.get_by_test_id("badge-deprecated")).to_have_text("deprecated since 2026-03-04")
