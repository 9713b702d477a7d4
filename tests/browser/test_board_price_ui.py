"""The board page shows rank spread, price and speed, the score-versus-price chart with
its Pareto front, a split board's notice, and asks for reweighted or lower-bound boards."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, expect


def _row(model: str, score: float, ub: int, lb: int, price: float | None, ttft: float) -> dict:
    return {
        "rank": ub,
        "rank_ub": ub,
        "rank_lb": lb,
        "model": model,
        "score": score,
        "ci_lower": score - 20,
        "ci_upper": score + 20,
        "votes": 400,
        "rated": True,
        "organization": "Org",
        "license": "MIT",
        "price_blended_per_mtok": price,
        "median_ttft_ms": ttft,
        "median_tokens_per_s": 87.4,
    }


def test_board_page_shows_spread_price_speed_and_the_front(page: Page) -> None:
    payload = {
        "total_votes": 1200,
        "computed_at": "2026-01-02T03:04:05+00:00",
        "disconnected": True,
        "components": 2,
        "pareto_front": ["cheap", "best"],
        "models": [
            _row("best", 1100.0, 1, 1, 12.0, 850.0),
            _row("middle", 1000.0, 2, 3, 20.0, 400.0),
            _row("cheap", 950.0, 2, 3, 0.5, 300.0),
            _row("unpriced", 900.0, 4, 4, None, 250.0),
        ],
    }
    asked: list[str] = []

    def board(route: Any) -> None:
        asked.append(route.request.url)
        route.fulfill(
            status=200, headers={"Content-Type": "application/json"}, body=json.dumps(payload)
        )

    page.route(re.compile(r".*/api/v1/leaderboard(\?.*)?$"), board)
    page.goto("/#/leaderboard")
    table = page.get_by_test_id("leaderboard-table")
    expect(table.get_by_test_id("leaderboard-row")).to_have_count(4)
    middle = table.locator("tr[data-model='middle']")
    expect(middle.get_by_test_id("rank-spread")).to_have_text("2–3")
    expect(table.locator("tr[data-model='best']").get_by_test_id("rank-spread")).to_have_text("1")
    expect(middle.get_by_test_id("price")).to_have_text("$20.00")
    expect(middle.get_by_test_id("ttft")).to_have_text("0.40 s")
    expect(middle.get_by_test_id("tokens-per-s")).to_have_text("87")
    expect(table.locator("tr[data-model='unpriced']").get_by_test_id("price")).to_have_text("—")
    expect(page.get_by_test_id("disconnected-note")).to_contain_text("2 separate groups")
    chart = page.get_by_test_id("price-chart")
    expect(chart.get_by_test_id("price-dot")).to_have_count(3)
    expect(chart.get_by_test_id("pareto-front")).to_be_visible()
    with page.expect_request(lambda r: "reweighted=true" in r.url):
        page.get_by_test_id("reweighted-toggle").check()
    with page.expect_request(lambda r: "order=lower" in r.url and "reweighted=true" in r.url):
        page.get_by_test_id("order-lower-toggle").check()
    assert any("order=lower" in url for url in asked)
