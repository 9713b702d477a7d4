"""History in the browser: chat, find it in #/history by a word of the reply, open it,
continue it, delete it; and the personal board page beside the public one."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import STREAM_TIMEOUT, send, wait_done

pytestmark = pytest.mark.browser


def test_history_search_open_continue_and_delete(page: Page) -> None:
    page.goto("/#/direct")
    page.get_by_test_id("select-model").select_option("echo-a")
    send(page, "remember the pelican")
    wait_done(page, ("a",))
    page.goto("/#/side-by-side")
    page.get_by_test_id("nav-history").click()
    items = page.get_by_test_id("history-item")
    expect(items.first).to_be_visible()

    # "you said" is in the echo reply, not the prompt: the search reads replies.
    page.get_by_test_id("history-search").fill("said «remember the pelican")
    page.get_by_test_id("history-search").press("Enter")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("remember the pelican")
    items.first.click()
    view = page.get_by_test_id("history-view")
    expect(view).to_contain_text("echo-a")
    reply = page.get_by_test_id("history-reply-a")
    expect(reply).to_contain_text("you said «remember the pelican»")

    page.get_by_test_id("history-continue").fill("and the heron")
    page.get_by_test_id("history-send").click()
    expect(view).to_contain_text("you said «and the heron» (turn 2)", timeout=STREAM_TIMEOUT)

    page.get_by_test_id("history-search").fill("nothing like this anywhere")
    page.get_by_test_id("history-search").press("Enter")
    expect(page.get_by_test_id("history-empty")).to_be_visible()

    page.get_by_test_id("history-search").fill("pelican")
    page.get_by_test_id("history-search").press("Enter")
    expect(items).to_have_count(1)
    items.first.click()
    page.get_by_test_id("history-delete").click()
    expect(items).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("history-empty")).to_be_visible()


def test_my_leaderboard_sits_beside_the_public_board(page: Page) -> None:
    page.goto("/#/leaderboard")
    page.get_by_test_id("my-board-link").click()
    expect(page.get_by_test_id("page-my-board")).to_be_visible()
    expect(page.get_by_test_id("my-board-empty")).to_be_visible()
    page.get_by_test_id("expertise-medicine").check()
    page.get_by_test_id("expertise-save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved")
    page.reload()
    expect(page.get_by_test_id("expertise-medicine")).to_be_checked()
