"""The category picker (tags, languages, experimental tags with their F1, rank change)
and the overview page, against the API shapes ``tests/test_categories_api.py`` checks
over real HTTP. The live test server has too few votes for category boards, so the
board calls are stubbed; the page itself is the real build served by ``arena serve``."""

from __future__ import annotations

import json
import re
from typing import Any

from playwright.sync_api import Page, expect

META = {
    "classifier": "arena-lexical",
    "version": "1+test",
    "tags": [
        {"name": "math", "kind": "task", "f1": 0.85, "experimental": False},
        {"name": "science", "kind": "occupational", "f1": 0.2, "experimental": True},
        {"name": "multi_turn", "kind": "structural", "f1": None, "experimental": False},
    ],
    "languages": ["zh"],
    "language_accuracy": 0.98,
    "language_experimental": False,
    "min_votes": 10,
}


def _row(model: str, rank: int, change: int | None) -> dict[str, Any]:
    return {
        "rank": rank,
        "rank_ub": rank,
        "model": model,
        "score": 1100.0 - 50 * rank,
        "ci_lower": 1090.0 - 50 * rank,
        "ci_upper": 1110.0 - 50 * rank,
        "votes": 40,
        "organization": "Org",
        "license": "MIT",
        "rank_overall": None if change is None else rank + change,
        "rank_change": change,
    }


def _json(route: Any, payload: dict[str, Any]) -> None:
    route.fulfill(
        status=200, headers={"Content-Type": "application/json"}, body=json.dumps(payload)
    )


def test_category_picker_and_overview(page: Page) -> None:
    asked: list[str] = []

    def board(route: Any) -> None:
        url = route.request.url
        asked.append(url)
        ranked = "category=" in url or "language=" in url
        rows = [_row("alpha", 1, 1 if ranked else None), _row("beta", 2, -1 if ranked else None)]
        _json(route, {"total_votes": 80, "computed_at": None, "models": rows,
                      "categories": ["overall", "math", "science"]})  # fmt: skip

    page.route(re.compile(r".*/api/v1/categories$"), lambda r: _json(r, META))
    page.route(re.compile(r".*/api/v1/leaderboard(\?.*)?$"), board)
    page.route(
        re.compile(r".*/api/v1/leaderboard/overview$"),
        lambda r: _json(
            r,
            {
                "categories": ["overall", "math", "science"],
                "models": [
                    {"model": "alpha", "ranks": {"overall": 2, "math": 1, "science": None}},
                    {"model": "beta", "ranks": {"overall": 1, "math": 2, "science": 1}},
                ],
                "min_votes": 10,
            },
        ),
    )
    page.goto("/#/leaderboard")
    picker = page.get_by_test_id("category-select")
    expect(picker.locator("option", has_text="Science (experimental, F1 0.20)")).to_have_count(1)
    expect(picker.locator("option", has_text="Chinese (zh)")).to_have_count(1)
    expect(page.get_by_test_id("rank-change")).to_have_count(0)  # overall: nothing to compare

    with page.expect_request(lambda r: "category=science" in r.url):
        picker.select_option("science")
    expect(page.get_by_test_id("category-experimental")).to_contain_text("F1 0.20")
    expect(page.get_by_test_id("category-min-votes")).to_contain_text("fewer than 10 votes")
    table = page.get_by_test_id("leaderboard-table")
    expect(table.locator("tr[data-model='alpha']").get_by_test_id("rank-change")).to_have_text("▲1")
    expect(table.locator("tr[data-model='beta']").get_by_test_id("rank-change")).to_have_text("▼1")

    with page.expect_request(lambda r: "language=zh" in r.url and "category=" not in r.url):
        picker.select_option("language:zh")
    expect(page.get_by_test_id("category-experimental")).to_have_count(0)

    page.get_by_test_id("nav-overview").click()
    grid = page.get_by_test_id("overview-table")
    expect(grid.get_by_test_id("overview-column")).to_have_text(["Overall", "Math", "Science*"])
    alpha = grid.locator("tr[data-model='alpha']")
    expect(alpha.locator("td[data-category='math']")).to_have_text("1")
    expect(alpha.locator("td[data-category='science']")).to_have_text("—")
    # A column header opens that category's board.
    with page.expect_request(lambda r: "category=math" in r.url):
        grid.get_by_role("link", name="Math").click()
    expect(page.get_by_test_id("category-select")).to_have_value("math")
    watch = page.arena_watch  # type: ignore[attr-defined]
    assert not watch.page_errors
