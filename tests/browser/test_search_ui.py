"""The search arena in Chromium: pick it, get two cited answers, open the sources, vote."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import wait_done

pytestmark = pytest.mark.browser


def test_search_battle_shows_sources_that_load_nothing_before_a_click(page: Page) -> None:
    requested: list[str] = []
    page.context.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    page.get_by_test_id("arena-search").check()
    page.get_by_test_id("prompt-input").fill("When did the tower open?")
    page.get_by_test_id("send-button").click()
    wait_done(page)
    for side in ("a", "b"):
        sources = page.get_by_test_id(f"sources-{side}")
        expect(sources).to_be_visible()
        sources.locator("summary").click()
        links = sources.locator("a")
        expect(links.first).to_be_visible()
        for i in range(links.count()):
            assert links.nth(i).get_attribute("target") == "_blank"
            assert links.nth(i).get_attribute("rel") == "noopener noreferrer nofollow"
    texts = " ".join(page.get_by_test_id(f"assistant-msg-{s}").inner_text() for s in "ab")
    assert "[1]" in texts
    assert "utm_source" not in page.content()
    # Nothing was fetched from a source's host: no favicon, no preview.
    hosts = ("wikipedia.org", "reddit.com", "paris.example", "history.example")
    assert not [u for u in requested if any(h in u for h in hosts)]
    page.get_by_test_id("vote-model_a").click()
    expect(page.get_by_test_id("reveal-a")).to_be_visible()
