"""A new user's walk, keyboard only, at 1280x800 and 390x844: battle -> vote -> board ->
history -> share (issue 33). One walk per width checks everything that used to trip a
new user on the way, so it fails on any of them coming back:

- the prompt box has focus on load, and keeps it after Enter;
- a long paste is cut at the real limit (the smallest model's), said before sending;
- the vote buttons count down until a vote can count; the reveal says whether it counted,
  and why not (the phone walk is told its vote was kept off the board);
- the newest answer's top stays in view in both panes;
- the placeholder says the battle is voted, not "ask a follow-up";
- the board states its votes, can be downloaded (board and votes), and keeps the chosen
  category in the address;
- History shares a past battle; the shared page has a heading;
- every nav link is on screen; no console error (a signed-out load asks no 401).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    DESKTOP,
    PHONE,
    amend_json,
    focused_testid,
    tab_to,
    top_in_view,
    wait_done,
)
from tests.browser.webdev_hostile import NORMAL_COUNTER
from tests.support.api import counted_anonymous_vote

pytestmark = pytest.mark.browser

PROMPT_CHARS = 5_000  # what the page is told the smallest model reads
VOTE_DELAY = 3.0
REASON = "Not counted: it came 0.2 s after the answers ended; votes count from 2 s after."
# Long enough that each echoed answer is taller than its pane.
PROMPT = "Plan a week of meals for a family of four, with shopping lists. " * 40


def _arenas(body: dict[str, Any]) -> None:
    body["vote_delay_seconds"] = VOTE_DELAY
    for arena in body["arenas"]:
        arena["prompt_chars"] = PROMPT_CHARS


def _uncounted(body: dict[str, Any]) -> None:
    body["counted"] = False
    body["reason"] = REASON


def _nav_on_screen(page: Page, width: int) -> None:
    for route in ("battle", "leaderboard", "overview", "history"):
        box = page.get_by_test_id(f"nav-{route}").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"nav-{route} {box}"


def _newest_top_in_view(page: Page, side: str, testid: str) -> None:
    """The pane holds more than it shows (so the check can fail), and ``testid``'s top is
    in its visible part."""
    pane = page.get_by_test_id(f"pane-body-{side}")
    page.wait_for_timeout(300)  # pictures and frames have their size
    assert pane.evaluate("el => el.scrollHeight > el.clientHeight + 40"), f"pane {side} fits"
    assert top_in_view(page, testid, f"pane-body-{side}"), f"{testid} is out of view"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_keyboard_walk_battle_vote_board_history_share(
    new_page: Callable[..., Page], arena_server: str, size: str
) -> None:
    # The board has a counted vote whatever this walk's pair (another client's).
    with httpx.Client(base_url=arena_server, timeout=30) as client:
        counted_anonymous_vote(client)
    viewport = {**(DESKTOP if size == "desktop" else PHONE)}
    viewport["height"] = 800 if size == "desktop" else 844
    page = new_page(viewport)
    amend_json(page, r".*/api/v1/arenas$", _arenas)
    if size == "phone":  # the server counts these; the page must show a vote that did not
        amend_json(page, r".*/api/v1/battles/[^/]+/vote$", _uncounted)
    page.goto("/")
    box = page.get_by_test_id("prompt-input")
    expect(box).to_be_focused()
    _nav_on_screen(page, viewport["width"])

    # A long paste is cut at the real limit, and says so before anything is sent.
    page.keyboard.insert_text("x" * 200_000)
    cut = page.get_by_test_id("prompt-cut")
    expect(cut).to_contain_text(f"holds {PROMPT_CHARS:,}")
    expect(cut).to_contain_text("smallest model")
    assert len(box.input_value()) == PROMPT_CHARS
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(PROMPT.strip())
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("user-msg-a")).to_be_visible()
    expect(box).to_be_focused()  # Enter keeps focus in the box

    # Voting opens only when a vote can count: a countdown, not a silent drop.
    wait_done(page)
    status = page.get_by_test_id("vote-status")
    expect(status).to_contain_text("voting opens in")
    expect(page.get_by_test_id("vote-model_a")).to_be_disabled()
    expect(page.get_by_test_id("vote-model_a")).to_be_enabled(timeout=10_000)
    for side in "ab":  # the newest answer's top, not its bottom
        assert top_in_view(page, f"assistant-msg-{side}", f"pane-body-{side}"), side
    presses = tab_to(page, "vote-model_a", key="Shift+Tab")
    assert presses <= 6, f"{presses} Shift+Tabs from the prompt box to the vote"
    with page.expect_response(re.compile(r".*/vote$")) as voted:
        page.keyboard.press("Enter")
    reveal = voted.value.json()
    expect(page.get_by_test_id("reveal-a")).to_be_visible()
    # The page says what the server said: counted, or kept off the board and why (the
    # loopback echo models name themselves, an identity leak; the phone is told "too fast").
    bar = page.get_by_test_id("vote-bar")
    if reveal["counted"]:
        expect(status).to_contain_text("Your vote counts")
        expect(bar).to_have_attribute("data-counted", "true")
    else:
        expect(status).to_contain_text(reveal["reason"])
        expect(status).not_to_contain_text("Thanks")
        expect(bar).to_have_attribute("data-counted", "false")
    if size == "phone":
        assert reveal["reason"] == REASON
    expect(box).to_have_attribute("placeholder", re.compile("^Voted"))
    expect(page.get_by_test_id("new-round")).to_be_focused()

    # The board: its votes, downloads, the category in the address.
    tab_to(page, "nav-leaderboard", key="Shift+Tab", limit=40)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("leaderboard-row").first).to_be_visible()
    assert int(page.get_by_test_id("total-votes").inner_text().replace(",", "")) >= 1
    votes = page.get_by_test_id("download-votes").get_attribute("href")
    assert votes
    csv = page.request.get(votes)
    assert csv.ok and csv.text().splitlines()[0] == "id,model_a,model_b,winner"
    assert len(csv.text().splitlines()) >= 2
    with page.expect_download() as got:
        tab_to(page, "download-board-csv", limit=40)
        page.keyboard.press("Enter")
    assert got.value.suggested_filename == "arena-text-overall-board.csv"
    tab_to(page, "category-select", key="Shift+Tab", limit=40)
    page.keyboard.press("ArrowDown")
    expect(page).to_have_url(re.compile(r"#/leaderboard\?category=[a-z_]+$"))
    chosen = page.get_by_test_id("category-select").input_value()
    assert page.url.endswith(f"category={chosen}")

    # History: the battle just voted, shared from there.
    tab_to(page, "nav-history", key="Shift+Tab", limit=40)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("history-item")).to_have_count(1)  # this browser's one battle
    tab_to(page, "history-item", limit=40)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("history-view")).to_be_visible()
    tab_to(page, "share-button", limit=40)
    page.keyboard.press("Enter")
    link = page.get_by_test_id("share-url")
    expect(link).to_have_value(re.compile(r"/s/[A-Za-z0-9_-]{24,}$"))
    expect(page.get_by_test_id("share-revoke")).to_be_visible()
    url = link.input_value()

    # The shared page: a heading, both sides.
    page.goto(url)
    expect(page.get_by_test_id("shared-battle")).to_be_visible()
    expect(page.locator("h1")).to_have_count(1)
    # Panes keep the newest answer's top in view: a long text answer (side by side, two
    # echo models) and a WebDev app with its Reload/Stop/Full screen bar.
    page.goto("/#/side-by-side")
    page.get_by_test_id("select-model-a").select_option("echo-a")
    page.get_by_test_id("select-model-b").select_option("echo-b")
    box = page.get_by_test_id("prompt-input")
    box.focus()
    page.keyboard.insert_text(PROMPT.strip())
    page.keyboard.press("Enter")
    wait_done(page)
    for side in "ab":
        _newest_top_in_view(page, side, f"assistant-msg-{side}")
    page.goto("/")
    tab_to(page, "arena-text", key="Shift+Tab", limit=40)  # a radio group: one Tab stop
    for _ in range(6):
        if focused_testid(page) == "arena-webdev":
            break
        page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("arena-webdev")).to_be_checked()
    box.focus()
    page.keyboard.insert_text(NORMAL_COUNTER)
    page.keyboard.press("Enter")
    wait_done(page)
    for side in "ab":
        expect(page.get_by_test_id(f"preview-{side}")).to_have_attribute("data-status", "rendered")
        _newest_top_in_view(page, side, f"preview-reload-{side}")

    errors = page.arena_watch.console_errors + page.arena_watch.page_errors  # type: ignore[attr-defined]
    # The preview's CSP keeps CSP3's `webrtc 'block'` for browsers that implement it;
    # Chromium says it does not know the directive (its lockdown script closes WebRTC).
    errors = [e for e in errors if "directive 'webrtc'" not in e]
    assert errors == []
