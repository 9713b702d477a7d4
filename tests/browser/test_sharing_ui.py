"""Sharing in the browser: vote, share, open the link in another browser context (someone
else), see both sides, the vote and the names; revoke, and the link is dead."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.support import axe_violations, send, wait_done


def test_share_open_elsewhere_then_revoke(page: Page, new_page: Callable[..., Any]) -> None:
    page.goto("/")
    expect(page.get_by_test_id("pane-a")).to_be_visible()
    send(page, "Share this, and mail me at ada@example.com")
    wait_done(page)
    # Anonymous: no share before the vote.
    expect(page.get_by_test_id("share-button")).to_have_count(0)
    page.get_by_test_id("vote-model_a").click()
    expect(page.get_by_test_id("reveal-a")).to_contain_text("Test Org")
    names = {s: page.get_by_test_id(f"reveal-{s}").locator("strong").inner_text() for s in "ab"}

    page.get_by_test_id("share-button").click()
    link = page.get_by_test_id("share-url")
    expect(link).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]{24,}$"))
    url = link.input_value()

    # Another context: another client cookie, someone else. (CSP bypassed only so axe-core
    # can be injected; the page's CSP is tested over HTTP in tests/test_sharing.py.)
    viewer = new_page(bypass_csp=True)
    viewer.goto(url)
    expect(viewer.get_by_test_id("shared-battle")).to_be_visible()
    expect(viewer.get_by_test_id("shared-vote")).to_contain_text("A is better")
    for side in "ab":
        expect(viewer.get_by_test_id(f"user-msg-{side}")).to_have_text(
            "Share this, and mail me at [EMAIL]"
        )
        expect(viewer.get_by_test_id(f"assistant-msg-{side}")).not_to_be_empty()
        expect(viewer.get_by_test_id(f"reveal-{side}").locator("strong")).to_have_text(names[side])
    expect(viewer.locator("body")).not_to_contain_text("ada@example.com")
    # The unfurl tags are in the served page.
    og = viewer.locator('meta[property="og:description"]')
    expect(og).to_have_attribute("content", "Share this, and mail me at [EMAIL]")
    assert viewer.arena_watch.page_errors == []  # type: ignore[attr-defined]
    assert axe_violations(viewer) == []

    page.get_by_test_id("share-revoke").click()
    expect(page.get_by_test_id("share-status")).to_contain_text("revoked")
    viewer.reload()
    expect(viewer.get_by_test_id("shared-missing")).to_contain_text("revoked")
    expect(viewer.get_by_test_id("shared-battle")).to_have_count(0)
