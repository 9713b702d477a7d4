"""First impressions at phone (390x844) and desktop (1280x900) size.

Each test checks a layout promise with geometry (what is on screen, what is cut) and saves a
screenshot under ``test-artifacts/first-impressions/`` for a reviewer to open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from .support import (
    BOARD,
    DESKTOP,
    EMPTY_BOARD,
    PHONE,
    SIZES,
    ZOOM_200,
    box,
    review_shot,
    send,
    stub_json,
    stub_turn,
    wait_done,
)

pytestmark = pytest.mark.browser

NewPage = Callable[..., Page]
BOARD_URL = r".*/api/v1/leaderboard(\?.*)?$"
MODELS_URL = r".*/api/v1/models$"


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport and width <= viewport["width"], f"page scrolls sideways ({width}px)"


def on_screen(page: Page, testid: str) -> dict[str, float]:
    """The element lies wholly inside the viewport (without scrolling)."""
    viewport = page.viewport_size
    assert viewport
    b = box(page, testid)
    assert b["x"] >= 0 and b["x"] + b["width"] <= viewport["width"] + 0.5, f"{testid}: {b}"
    assert b["y"] >= 0 and b["y"] + b["height"] <= viewport["height"] + 0.5, f"{testid}: {b}"
    return b


def not_cut(locator: Any) -> None:
    """The element's text is not clipped: its content fits its box (no ellipsis, no overflow)."""
    fits = locator.evaluate(
        "el => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1"
    )
    assert fits, f"text is cut: {locator.inner_text()!r}"


def test_poem_keeps_its_line_breaks(page: Page) -> None:
    poem = "An old silent pond\nA frog jumps into the pond\nSplash! Silence again."
    stub_turn(
        page,
        [
            {"side": "a", "delta": poem},
            {"side": "b", "delta": "one line"},
            {"side": "a", "done": True},
            {"side": "b", "done": True},
        ],
    )
    page.goto("/")
    send(page, "a haiku please")
    wait_done(page)
    reply = page.get_by_test_id("assistant-msg-a")
    expect(reply.locator("p")).to_have_count(1)
    expect(reply.locator("p br")).to_have_count(2)
    assert reply.inner_text().strip().splitlines() == poem.splitlines()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_leaderboard_shows_every_column(new_page: NewPage, size: str) -> None:
    page = new_page(SIZES[size])
    stub_json(page, BOARD_URL, BOARD)
    page.goto("/#/leaderboard")
    rows = page.get_by_test_id("leaderboard-row")
    expect(rows).to_have_count(len(BOARD["models"]))
    page.wait_for_timeout(300)  # the loading fade
    viewport = page.viewport_size
    assert viewport
    no_sideways_scroll(page)
    # Every column is in view without scrolling the table sideways.
    scroller = page.locator(".table-scroll")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table scrolls sideways"
    for row in rows.all():
        for cell in ("rank", "model-cell", "score", "ci-cell", "votes", "org", "license"):
            located = row.locator(f"td.{cell}")
            b = located.bounding_box()
            assert b and b["x"] >= 0 and b["x"] + b["width"] <= viewport["width"], (cell, b)
            not_cut(located)
    if size == "phone":
        # Cards: each value carries its label.
        labels = rows.first.locator("td").evaluate_all(
            "tds => tds.map(td => getComputedStyle(td, '::before').content)"
        )
        for label in ("Score", "95% CI", "Votes"):
            assert f'"{label}"' in labels, labels
    review_shot(page, f"{size}-leaderboard", full_page=True)

    # The chart: no label or tick runs past the drawing's edges.
    chart = page.get_by_test_id("score-chart")
    expect(chart).to_be_visible()
    outside = chart.evaluate(
        """svg => {
            const w = svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll("text")]
                .map(t => ({ text: t.textContent, b: t.getBBox() }))
                .filter(({ b }) => b.x < 0 || b.x + b.width > w)
                .map(({ text }) => text);
        }"""
    )
    assert outside == [], f"chart text clipped: {outside}"
    names = chart.locator("text.label").evaluate_all("ts => ts.map(t => t.textContent)")
    assert "smollm2-135m-instruct-creative" in names, names


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_leaderboard_empty_state_is_whole(new_page: NewPage, size: str) -> None:
    page = new_page(SIZES[size])
    stub_json(page, BOARD_URL, EMPTY_BOARD)
    page.goto("/#/leaderboard")
    expect(page.get_by_test_id("leaderboard-empty")).to_contain_text("No votes yet")
    on_screen(page, "leaderboard-empty")
    not_cut(page.get_by_test_id("leaderboard-empty"))
    no_sideways_scroll(page)
    review_shot(page, f"{size}-leaderboard-empty")


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("route", ["battle", "side-by-side", "direct"])
def test_prompt_box_is_on_screen_at_first_load(new_page: NewPage, size: str, route: str) -> None:
    page = new_page(SIZES[size])
    page.goto("/" if route == "battle" else f"/#/{route}")
    expect(page.get_by_test_id("pane-a")).to_be_visible()
    if route != "battle":
        expect(page.get_by_test_id("reveal-a")).to_be_visible()  # the roster has loaded
    on_screen(page, "composer")  # the prompt box, Send and the hint under them
    no_sideways_scroll(page)
    review_shot(page, f"{size}-{route}-first-load")


def test_side_by_side_at_900px_keeps_prompt_after_an_answer(new_page: NewPage) -> None:
    page = new_page(DESKTOP)
    page.goto("/#/side-by-side")
    expect(page.get_by_test_id("reveal-a")).to_be_visible()
    send(page, "hello")
    wait_done(page)
    on_screen(page, "prompt-input")
    on_screen(page, "vote-bar")


ROSTER = {
    "models": [
        {"name": "smollm2-135m-instruct", "organization": "Hugging Face"},
        {"name": "smollm2-135m-instruct-creative", "organization": "Hugging Face"},
        {"name": "gemma-3-270m", "organization": "Google"},
    ]
}


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_model_pickers_show_whole_names(new_page: NewPage, size: str) -> None:
    page = new_page(SIZES[size])
    stub_json(page, MODELS_URL, ROSTER)
    for route, pickers in (
        ("side-by-side", ("select-model-a", "select-model-b")),
        ("direct", ("select-model",)),
    ):
        page.goto(f"/#/{route}")
        for testid in pickers:
            select = page.get_by_test_id(testid)
            expect(select.locator("option")).to_have_count(3)
            for model in ROSTER["models"]:
                select.select_option(model["name"])
                # The chosen option's text, measured in the select's own font, fits inside it
                # next to the drop-down arrow.
                room = select.evaluate(
                    """el => {
                        const s = getComputedStyle(el);
                        const ctx = document.createElement("canvas").getContext("2d");
                        ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
                        const text = el.selectedOptions[0].textContent;
                        const inner = el.clientWidth - parseFloat(s.paddingLeft)
                            - parseFloat(s.paddingRight) - 20;
                        return inner - ctx.measureText(text).width;
                    }"""
                )
                assert room >= 0, f"{testid} cuts {model['name']} by {-room:.0f}px"
        no_sideways_scroll(page)
        review_shot(page, f"{size}-{route}-pickers")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_paste_over_the_limit_is_cut_with_a_plain_notice(new_page: NewPage, size: str) -> None:
    page = new_page(SIZES[size])
    page.goto("/")
    box_ = page.get_by_test_id("prompt-input")
    expect(page.get_by_test_id("prompt-count")).to_have_count(0)
    box_.focus()
    page.keyboard.insert_text("x" * 204_800)  # a 200 KB paste
    assert box_.input_value() == "x" * 16_000
    expect(page.get_by_test_id("prompt-count")).to_have_text("16,000 / 16,000 characters")
    notice = page.get_by_test_id("prompt-cut")
    expect(notice).to_contain_text("204,800 characters")
    expect(notice).to_contain_text("only the first 16,000 were kept")
    expect(notice).to_contain_text("188,800 were cut")
    expect(notice).to_have_attribute("role", "status")
    expect(notice).to_be_visible()
    review_shot(page, f"{size}-paste-200kb")
    # Shortening the text clears the notice; the counter follows.
    box_.press("End")
    box_.press("Backspace")
    expect(notice).to_have_text("")
    expect(page.get_by_test_id("prompt-count")).to_have_text("15,999 / 16,000 characters")


def _vote_stub(page: Page, a: str, b: str) -> None:
    stub_json(
        page,
        r".*/api/v1/battles/[^/]+/vote$",
        {
            "model_a": {"name": a, "organization": "Hugging Face"},
            "model_b": {"name": b, "organization": "Google"},
        },
    )


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_reveal_is_large_and_marks_the_voted_side(new_page: NewPage, size: str) -> None:
    page = new_page(SIZES[size])
    _vote_stub(page, "smollm2-135m-instruct-creative", "gemma-3-270m")
    page.goto("/")
    send(page, "who are you?")
    wait_done(page)
    page.get_by_test_id("vote-model_b").click()
    reveal_b = page.get_by_test_id("reveal-b")
    expect(reveal_b).to_contain_text("gemma-3-270m")
    # Large names, the voted side marked in words and with a ring; the other side unmarked.
    size_px = reveal_b.locator("strong").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size_px >= 20
    expect(page.get_by_test_id("verdict-b")).to_have_text("✓ Your pick")
    expect(page.get_by_test_id("verdict-a")).to_have_count(0)
    expect(page.get_by_test_id("pane-b")).to_have_class("pane pane-winner")
    # The next battle is one step away at once: nothing to wait for.
    expect(page.get_by_test_id("new-round")).to_be_enabled()
    expect(page.get_by_test_id("new-round")).to_be_focused()
    page.wait_for_timeout(400)  # let the short reveal animation finish for the picture
    review_shot(page, f"{size}-reveal")
    for side in ("a", "b"):
        not_cut(page.get_by_test_id(f"reveal-{side}").locator("strong"))


@pytest.mark.parametrize("verdict", ["tie", "both_bad"])
def test_reveal_marks_tie_and_both_bad(page: Page, verdict: str) -> None:
    _vote_stub(page, "smollm2-135m-instruct", "gemma-3-270m")
    page.goto("/")
    send(page, "hi")
    wait_done(page)
    page.get_by_test_id(f"vote-{verdict}").click()
    label = "Tie" if verdict == "tie" else "Both bad"
    for side in ("a", "b"):
        expect(page.get_by_test_id(f"verdict-{side}")).to_have_text(label)


def test_revealed_names_readable_at_200_percent_zoom(new_page: NewPage) -> None:
    page = new_page(ZOOM_200)
    long_a = "smollm2-135m-instruct-creative-sampling-variant-extra"
    _vote_stub(page, long_a, "gemma-3-270m")
    page.goto("/")
    send(page, "hi")
    wait_done(page)
    page.get_by_test_id("vote-model_a").click()
    name = page.get_by_test_id("reveal-a")
    expect(name).to_contain_text(long_a)
    not_cut(name.locator("strong"))
    expect(name).to_have_attribute("title", f"{long_a} · Hugging Face")
    pane = box(page, "pane-a")
    strong = name.locator("strong").bounding_box()
    assert strong and strong["x"] + strong["width"] <= pane["x"] + pane["width"]
    page.wait_for_timeout(400)
    review_shot(page, "zoom200-reveal")


def test_every_page_is_reachable_from_the_phone_nav(new_page: Callable[..., Any]) -> None:
    """More links than a phone is wide: they wrap, every page in sight (issue 33: a row that
    scrolled hid Leaderboard, Overview and History past the edge)."""
    page = new_page(PHONE)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link")
    count = links.count()
    assert count >= 6
    for i in range(count):
        link = links.nth(i)
        route = (link.get_attribute("data-testid") or "").removeprefix("nav-")
        link.click()  # scrolls the row to the link first, as a finger would
        expect(page.get_by_test_id(f"page-{route}")).to_be_visible()
    for i in range(count):
        box = links.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
