"""What the chat panes say about how a turn ended: a reply cut at the token limit, both
sides failing, and a failed later turn that leaves the earlier ones votable.

The loopback roster has no model that is cut or fails on demand, so these streams
are stubbed in the browser (the server side of each has its own API test).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import send, stub_turn

pytestmark = pytest.mark.browser


def test_a_reply_cut_at_the_token_limit_says_so(page: Page) -> None:
    stub_turn(
        page,
        [
            {"side": "a", "delta": "This code defines the"},
            {"side": "b", "delta": "Done."},
            {"side": "a", "done": True, "finish_reason": "length", "max_tokens": 512},
            {"side": "b", "done": True, "finish_reason": "stop"},
        ],
    )
    page.goto("/")
    send(page, "explain this code")
    expect(page.get_by_test_id("cut-note-a")).to_have_text("Cut at 512 tokens")
    expect(page.get_by_test_id("cut-note-b")).to_have_count(0)
    expect(page.get_by_test_id("vote-model_a")).to_be_enabled()


def test_both_sides_failing_is_not_called_one_side(page: Page) -> None:
    stub_turn(
        page,
        [
            {"side": "a", "error": "This model could not answer."},
            {"side": "b", "error": "This model could not answer."},
        ],
    )
    page.goto("/")
    send(page, "hello")
    status = page.get_by_test_id("vote-status")
    expect(status).to_contain_text("Both sides failed")
    expect(status).not_to_contain_text("One side")


def test_a_failed_later_turn_leaves_the_earlier_answers_votable(page: Page) -> None:
    stub_turn(
        page,
        [
            {"side": "a", "delta": "First A"},
            {"side": "b", "delta": "First B"},
            {"side": "a", "done": True, "finish_reason": "stop"},
            {"side": "b", "done": True, "finish_reason": "stop"},
        ],
        [
            {"side": "a", "delta": "Second A"},
            {"side": "a", "done": True, "finish_reason": "stop"},
            {"side": "b", "error": "This turn was not kept."},
        ],
    )
    page.goto("/")
    send(page, "one")
    expect(page.get_by_test_id("vote-model_a")).to_be_enabled()
    send(page, "two")
    expect(page.get_by_test_id("side-error-b")).to_be_visible()
    expect(page.get_by_test_id("vote-status")).to_contain_text("Vote on the earlier answers")
    expect(page.get_by_test_id("vote-model_a")).to_be_enabled()
