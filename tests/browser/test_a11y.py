"""Keyboard and screen-reader use: axe-core on every page, focus, live regions, skip link.

axe-core comes from the UI's npm dev dependencies and is injected into the live page; a
serious or critical finding on any page, in light or dark mode, fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .support import (
    BOARD,
    EMPTY_BOARD,
    SIZES,
    STREAM_TIMEOUT,
    axe_violations,
    review_shot,
    send,
    stub_json,
    wait_done,
)

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
TURNS_URL = re.compile(r".*/api/v1/battles/[^/]+/turns$")
BOARD_URL = r".*/api/v1/leaderboard(\?.*)?$"


def focused_testid(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement?.dataset?.testid ?? null")


def tab_to(page: Page, testid: str, key: str = "Tab", limit: int = 25) -> None:
    """Press Tab (or Shift+Tab) until the element is focused, as a keyboard user would."""
    for _ in range(limit):
        if focused_testid(page) == testid:
            return
        page.keyboard.press(key)
    raise AssertionError(f"{testid} not reached with {key}; focus is on {focused_testid(page)}")


def release(page: Page, held: list[Any]) -> None:
    """Let the held turn request through to the server, and stop holding new ones."""
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the turn request was never made"
    held[0].continue_()
    page.unroute(TURNS_URL)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_axe_finds_no_serious_violations(new_page: NewPage, size: str, scheme: str) -> None:
    page = new_page(SIZES[size], color_scheme=scheme, bypass_csp=True)
    found: dict[str, list[str]] = {}

    def scan(state: str) -> None:
        found[state] = axe_violations(page)

    page.goto("/")
    expect(page.get_by_test_id("pane-a")).to_be_visible()
    scan("battle, first load")
    page.get_by_test_id("prompt-input").focus()
    page.keyboard.insert_text("x" * 16_001)
    expect(page.get_by_test_id("prompt-cut")).not_to_be_empty()
    scan("battle, prompt cut at the limit")

    # Hold the turn's request so the page stays in its streaming state while axe looks.
    held: list[Any] = []
    page.route(TURNS_URL, lambda route: held.append(route))
    send(page, "Hello")
    expect(page.locator(".typing").first).to_be_visible()
    scan("battle, answering")
    release(page, held)
    wait_done(page)
    scan("battle, answers in")
    page.get_by_test_id("vote-model_a").click()
    expect(page.get_by_test_id("reveal-a")).to_be_visible()
    scan("battle, revealed")
    review_shot(page, f"{size}-{scheme}-battle-revealed")

    page.goto("/#/side-by-side")
    expect(page.get_by_test_id("reveal-a")).to_be_visible()
    scan("side-by-side")

    page.goto("/#/direct")
    page.get_by_test_id("select-model").select_option("markdown")
    send(page, "how do I sort?")
    wait_done(page, ("a",))
    expect(page.get_by_test_id("assistant-msg-a").locator("pre code")).to_be_visible()
    scan("direct chat, Markdown answer")
    review_shot(page, f"{size}-{scheme}-direct-markdown")

    stub_json(page, BOARD_URL, BOARD)
    page.goto("/#/leaderboard")
    expect(page.get_by_test_id("leaderboard-row")).to_have_count(len(BOARD["models"]))
    page.wait_for_timeout(300)
    scan("leaderboard")
    review_shot(page, f"{size}-{scheme}-leaderboard", full_page=True)
    page.unroute(re.compile(BOARD_URL))
    stub_json(page, BOARD_URL, EMPTY_BOARD)
    page.get_by_test_id("leaderboard-refresh").click()
    expect(page.get_by_test_id("leaderboard-empty")).to_be_visible()
    scan("leaderboard, empty")

    report = {state: v for state, v in found.items() if v}
    assert report == {}, "\n".join(f"{s}:\n  " + "\n  ".join(v) for s, v in report.items())


def test_keyboard_walk_prompt_send_vote_new_round(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_test_id("pane-a")).to_be_visible()
    # Focus starts in the prompt box; the skip link is the first stop from the top of the
    # page, shown on screen, and moves focus to the content without changing the route.
    expect(page.get_by_test_id("prompt-input")).to_be_focused()
    tab_to(page, "skip-link", key="Shift+Tab", limit=40)
    skip = page.get_by_test_id("skip-link")
    expect(skip).to_be_focused()
    b = skip.bounding_box()
    assert b and b["y"] >= 0, "the focused skip link is off screen"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.evaluate("() => location.hash") in ("", "#/")

    tab_to(page, "prompt-input")
    page.keyboard.type("Hello by keyboard")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("send-button")).to_be_focused()
    page.keyboard.press("Enter")
    # The send button disables itself; focus goes back to the prompt box, not to the page.
    expect(page.get_by_test_id("prompt-input")).to_be_focused()
    expect(page.get_by_test_id("user-msg-a")).to_have_text("Hello by keyboard")
    wait_done(page)

    tab_to(page, "vote-model_a", key="Shift+Tab")
    page.keyboard.press("Enter")
    status = page.get_by_test_id("vote-status")
    expect(page.get_by_test_id("reveal-a")).to_be_visible()
    # The reveal is announced: both names are in the vote bar's live region.
    expect(status).to_have_attribute("aria-live", "polite")
    for side in ("a", "b"):
        name = page.get_by_test_id(f"reveal-{side}").locator("strong").inner_text()
        expect(status).to_contain_text(name)
    # After the vote, focus is on the next step.
    expect(page.get_by_test_id("new-round")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("prompt-input")).to_be_focused()
    expect(page.get_by_test_id("prompt-input")).to_be_enabled()
    expect(page.get_by_test_id("user-msg-a")).to_have_count(0)
    page.keyboard.type("Second round")
    page.keyboard.press("Enter")
    wait_done(page)


def test_clicking_send_keeps_focus_in_the_prompt_box(page: Page) -> None:
    page.goto("/#/side-by-side")
    expect(page.get_by_test_id("reveal-a")).to_be_visible()
    page.get_by_test_id("prompt-input").fill("by mouse")
    page.get_by_test_id("send-button").click()
    expect(page.get_by_test_id("prompt-input")).to_be_focused()
    wait_done(page)


@pytest.mark.parametrize(
    ("route", "picker", "pane"),
    [("side-by-side", "select-model-a", "reveal-a"), ("direct", "select-model", "reveal-a")],
)
def test_arrowing_through_a_model_picker_keeps_focus(
    page: Page, route: str, picker: str, pane: str
) -> None:
    page.goto(f"/#/{route}")
    select = page.get_by_test_id(picker)
    expect(select.locator("option")).to_have_count(4)
    page.get_by_test_id("prompt-input").fill("kept while choosing")
    select.focus()
    for _ in range(2):
        before = select.input_value()
        page.keyboard.press("ArrowDown")
        expect(select).not_to_have_value(before)
        # The view follows the choice, and the picker keeps the focus.
        expect(page.get_by_test_id(pane)).to_contain_text(select.input_value())
        expect(select).to_be_focused()
    # Choosing a model starts a new conversation, but what was typed stays.
    expect(page.get_by_test_id("prompt-input")).to_have_value("kept while choosing")


def test_direct_chat_announces_a_finished_answer(page: Page) -> None:
    page.goto("/#/direct")
    page.get_by_test_id("select-model").select_option("echo-b")
    region = page.get_by_test_id("answer-announcement")
    # The live region is there, empty, before the answer (screen readers watch it from load).
    expect(region).to_have_count(1)
    expect(region).to_have_text("")
    expect(region).to_have_attribute("role", "status")
    send(page, "anyone there?")
    expect(region).to_have_text(
        "echo-b (Test Org) answered: Reply from echo-b: you said «anyone there?» (turn 1)",
        timeout=STREAM_TIMEOUT,
    )
    # "New chat" disables itself; the prompt box takes the focus.
    page.get_by_test_id("new-chat").click()
    expect(page.get_by_test_id("prompt-input")).to_be_focused()
    expect(region).to_have_text("")


def test_streaming_indicator_is_text_not_a_label_on_a_span(page: Page) -> None:
    held: list[Any] = []
    page.route(TURNS_URL, lambda route: held.append(route))
    page.goto("/")
    send(page, "wait")
    typing = page.get_by_test_id("pane-a").locator(".typing")
    expect(typing).to_be_visible()
    assert typing.get_attribute("aria-label") is None
    expect(typing).to_have_text("Answering…")
    release(page, held)
    wait_done(page)
