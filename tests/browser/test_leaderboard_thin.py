"""The board page never dresses thin evidence up as a number (issue 16)."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, expect


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
