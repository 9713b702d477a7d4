"""Issue 13's whole journey in the browser, across three browsers.

Sign up, battle and vote, share the battle with someone (a second browser, signed out),
revoke the link, find the battle in the history by a word of the prompt, sign in on a
third browser and find it there too, then delete the account from there: the first
browser is signed out everywhere and its history is empty.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import send, wait_done

pytestmark = pytest.mark.browser
PASSWORD = "a long enough passphrase"


def _sign_in(page: Page, username: str, *, create: bool) -> None:
    page.goto("/")
    page.get_by_test_id("signin-link").click()
    if create:
        page.get_by_test_id("auth-switch").click()
    page.get_by_test_id("auth-username").fill(username)
    page.get_by_test_id("auth-password").fill(PASSWORD)
    page.get_by_test_id("auth-submit").click()
    expect(page.get_by_test_id("account-name")).to_have_text(username)


def _history(page: Page, word: str) -> Any:
    page.goto("/#/history")
    page.get_by_test_id("history-search").fill(word)
    page.get_by_test_id("history-search").press("Enter")
    return page.get_by_test_id("history-item")


def test_sign_up_battle_share_revoke_history_two_browsers_delete(
    page: Page, new_page: Callable[..., Any]
) -> None:
    username = f"journey-{uuid.uuid4().hex[:8]}"
    word = f"lighthouse{uuid.uuid4().hex[:6]}"
    _sign_in(page, username, create=True)

    page.goto("/")
    send(page, f"Tell me about the {word}")
    wait_done(page)
    page.get_by_test_id("vote-model_b").click()
    expect(page.get_by_test_id("reveal-b")).to_contain_text("Test Org")

    page.get_by_test_id("share-button").click()
    url = page.get_by_test_id("share-url").input_value()
    friend = new_page()  # another browser, not signed in
    friend.goto(url)
    expect(friend.get_by_test_id("shared-battle")).to_contain_text(word)
    page.get_by_test_id("share-revoke").click()
    expect(page.get_by_test_id("share-status")).to_contain_text("revoked")
    friend.reload()
    expect(friend.get_by_test_id("shared-battle")).to_have_count(0)

    items = _history(page, word)
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(word)

    laptop = new_page()  # the same person on another browser
    _sign_in(laptop, username, create=False)
    found = _history(laptop, word)
    expect(found).to_have_count(1)
    found.first.click()
    expect(laptop.get_by_test_id("history-view")).to_contain_text(word)

    laptop.goto("/#/signin")
    laptop.get_by_test_id("delete-account").click()
    laptop.get_by_test_id("delete-confirm").click()
    expect(laptop.get_by_test_id("signin-link")).to_be_visible()

    # Deleting the account ended every session, and the battle is no one's any more.
    assert page.request.get("/api/v1/me").status == 401
    page.reload()
    expect(page.get_by_test_id("signin-link")).to_be_visible()
    expect(_history(page, word)).to_have_count(0)
    for browser_page in (page, friend, laptop):
        assert browser_page.arena_watch.page_errors == []  # type: ignore[attr-defined]
