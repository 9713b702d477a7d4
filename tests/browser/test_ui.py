"""The web UI in a real browser against a real ``arena serve`` with loopback models.

Anonymous battles pick their own pair, so tests that need exact text use
side-by-side (or direct chat), where the test chooses the models.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import STREAM_TIMEOUT, send, stub_turn, wait_done
from tests.support.pow import solve

pytestmark = pytest.mark.browser

NAMES = ("echo-a", "echo-b", "markdown", "xss")


def echo(model: str, prompt: str, turn: int) -> str:
    return f"Reply from {model}: you said «{prompt}» (turn {turn})"


def open_side_by_side(page: Page, a: str, b: str) -> None:
    page.goto("/#/side-by-side")
    page.get_by_test_id("select-model-a").select_option(a)
    page.get_by_test_id("select-model-b").select_option(b)
    expect(page.get_by_test_id("reveal-a")).to_contain_text(a)
    expect(page.get_by_test_id("reveal-b")).to_contain_text(b)


def test_full_battle_stream_vote_reveal_new_round(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_test_id("pane-a")).to_contain_text("Assistant A")
    expect(page.get_by_test_id("pane-b")).to_contain_text("Assistant B")
    for winner in ("model_a", "model_b", "tie", "both_bad"):
        expect(page.get_by_test_id(f"vote-{winner}")).to_be_disabled()
    # Anonymous: nothing names a model before the vote.
    expect(page.get_by_test_id("reveal-a")).to_have_count(0)

    send(page, "Hello arena")
    expect(page.get_by_test_id("user-msg-a")).to_have_text("Hello arena")
    expect(page.get_by_test_id("user-msg-b")).to_have_text("Hello arena")
    wait_done(page)
    for side in ("a", "b"):
        expect(page.get_by_test_id(f"assistant-msg-{side}")).not_to_be_empty()
    expect(page.get_by_test_id("reveal-a")).to_have_count(0)

    page.get_by_test_id("vote-model_a").click()
    reveal_a = page.get_by_test_id("reveal-a")
    reveal_b = page.get_by_test_id("reveal-b")
    expect(reveal_a).to_contain_text("Test Org")
    expect(reveal_b).to_contain_text("Test Org")
    name_a = reveal_a.locator("strong").inner_text()
    name_b = reveal_b.locator("strong").inner_text()
    assert name_a in NAMES and name_b in NAMES and name_a != name_b
    # An echo model's answer names itself, so the reveal must match the pane it came from.
    for side, name in (("a", name_a), ("b", name_b)):
        if name.startswith("echo-"):
            expect(page.get_by_test_id(f"assistant-msg-{side}")).to_contain_text(
                echo(name, "Hello arena", 1)
            )
    expect(page.get_by_test_id("vote-model_a")).to_be_disabled()
    expect(page.get_by_test_id("vote-status")).to_contain_text("A is better")
    expect(page.get_by_test_id("prompt-input")).to_be_disabled()

    page.get_by_test_id("new-round").click()
    expect(page.get_by_test_id("prompt-input")).to_be_enabled()
    expect(page.get_by_test_id("prompt-input")).to_be_focused()
    expect(page.get_by_test_id("reveal-a")).to_have_count(0)
    expect(page.get_by_test_id("user-msg-a")).to_have_count(0)
    expect(page.get_by_test_id("vote-model_a")).to_be_disabled()
    send(page, "Second battle")
    wait_done(page)
    expect(page.get_by_test_id("vote-tie")).to_be_enabled()
    assert page.arena_watch.page_errors == []  # type: ignore[attr-defined]


def test_follow_up_turn_continues_both_conversations(page: Page) -> None:
    page.goto("/")
    send(page, "first question")
    wait_done(page)
    send(page, "and a follow-up")
    expect(page.get_by_test_id("user-msg-a")).to_have_count(2)
    expect(page.get_by_test_id("user-msg-b")).to_have_count(2)
    wait_done(page)
    expect(page.get_by_test_id("assistant-msg-a")).to_have_count(2)
    expect(page.get_by_test_id("assistant-msg-b")).to_have_count(2)
    page.get_by_test_id("vote-both_bad").click()
    expect(page.get_by_test_id("reveal-a")).to_contain_text("Test Org")
    for side in ("a", "b"):
        name = page.get_by_test_id(f"reveal-{side}").locator("strong").inner_text()
        if name.startswith("echo-"):
            second = page.get_by_test_id(f"assistant-msg-{side}").nth(1)
            expect(second).to_contain_text(echo(name, "and a follow-up", 2))


def test_side_by_side_names_shown_and_follow_up(page: Page) -> None:
    open_side_by_side(page, "echo-a", "echo-b")
    expect(page.get_by_test_id("reveal-a")).to_contain_text("Test Org")
    send(page, "compare")
    wait_done(page)
    expect(page.get_by_test_id("assistant-msg-a")).to_have_text(echo("echo-a", "compare", 1))
    expect(page.get_by_test_id("assistant-msg-b")).to_have_text(echo("echo-b", "compare", 1))
    send(page, "again")
    wait_done(page)
    expect(page.get_by_test_id("assistant-msg-a").nth(1)).to_have_text(echo("echo-a", "again", 2))
    expect(page.get_by_test_id("assistant-msg-b").nth(1)).to_have_text(echo("echo-b", "again", 2))


def test_keyboard_shift_enter_is_newline_enter_sends(page: Page) -> None:
    open_side_by_side(page, "echo-a", "echo-b")
    box = page.get_by_test_id("prompt-input")
    box.click()
    box.type("line one")
    box.press("Shift+Enter")
    box.type("line two")
    expect(box).to_have_value("line one\nline two")
    expect(page.get_by_test_id("user-msg-a")).to_have_count(0)
    box.press("Enter")
    expect(page.get_by_test_id("user-msg-a")).to_have_text("line one\nline two")
    expect(box).to_have_value("")
    wait_done(page)


def test_direct_chat_renders_markdown(page: Page) -> None:
    page.goto("/#/direct")
    page.get_by_test_id("select-model").select_option("markdown")
    expect(page.get_by_test_id("reveal-a")).to_contain_text("markdown")
    send(page, "how do I sort?")
    pane = page.get_by_test_id("pane-a")
    expect(pane).to_have_attribute("data-status", "done", timeout=STREAM_TIMEOUT)
    expect(page.get_by_test_id("pane-b")).to_have_count(0)
    reply = page.get_by_test_id("assistant-msg-a")
    expect(reply.locator("h1")).to_have_text("Sorting in Python")
    expect(reply.locator("strong")).to_have_text("sorted")
    expect(reply.locator("ul > li")).to_have_count(2)
    expect(reply.locator("table tbody tr")).to_have_count(2)
    code = reply.locator("pre code")
    expect(code).to_contain_text("print(sorted([3, 1, 2]))")
    expect(code).to_have_class(re.compile(r"hljs"))
    assert code.locator("span[class^='hljs-']").count() > 0


def test_model_output_html_is_text_never_executed(page: Page) -> None:
    open_side_by_side(page, "xss", "echo-a")
    send(page, "say something nasty")
    wait_done(page)
    reply = page.get_by_test_id("assistant-msg-a")
    expect(reply).to_contain_text("<script>alert(1)</script>")
    expect(reply).to_contain_text('<img src=x onerror="window.__xss=1">')
    assert reply.locator("script").count() == 0
    assert reply.locator("img").count() == 0
    assert page.locator("img[src='x']").count() == 0
    page.wait_for_timeout(300)  # give any injected handler a chance to fire
    assert page.evaluate("() => window.__xss") is None
    watch = page.arena_watch  # type: ignore[attr-defined]
    assert watch.dialogs == []
    assert watch.page_errors == []


def test_failed_side_shows_plain_message_and_offers_new_battle(page: Page) -> None:
    # The loopback roster has no failing model, so this stream is stubbed in the browser.
    events = [
        {"side": "a", "delta": "Partial answer"},
        {"side": "b", "error": "This model failed to answer."},
        {"side": "a", "done": True},
    ]
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events)

    def fulfil(route: Any) -> None:
        route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=body)

    page.route(re.compile(r".*/api/v1/battles/[^/]+/turns$"), fulfil)
    page.goto("/")
    send(page, "break please")
    error = page.get_by_test_id("side-error-b")
    expect(error).to_contain_text("This model failed to answer.")
    expect(page.get_by_test_id("assistant-msg-a")).to_have_text("Partial answer")
    expect(page.get_by_test_id("vote-model_a")).to_be_disabled()
    expect(page.get_by_test_id("prompt-input")).to_be_disabled()
    page.get_by_test_id("side-error-new-b").click()
    expect(page.get_by_test_id("side-error-b")).to_have_count(0)
    expect(page.get_by_test_id("prompt-input")).to_be_enabled()


def test_api_error_message_is_shown(page: Page) -> None:
    page.route(
        re.compile(r".*/api/v1/battles$"),
        lambda route: route.fulfill(
            status=429,
            headers={"Content-Type": "application/json"},
            body=json.dumps({"error": "Too many battles; try again in a minute."}),
        ),
    )
    page.goto("/")
    send(page, "hello")
    expect(page.get_by_test_id("error-banner")).to_contain_text("Too many battles")
    expect(page.get_by_test_id("prompt-input")).to_have_value("hello")
    expect(page.get_by_test_id("user-msg-a")).to_have_count(0)


def _anonymous_battle_via_api(client: httpx.Client) -> tuple[str, str]:
    """One anonymous battle with one finished turn, through the API: its id and all reply text."""
    created = client.post("/api/v1/battles", json={"mode": "anonymous"})
    assert created.status_code == 201, created.text
    battle = created.json()["battle_id"]
    text = []
    with client.stream("POST", f"/api/v1/battles/{battle}/turns", json={"prompt": "hi"}) as r:
        assert r.status_code == 200
        for line in r.iter_lines():
            if line.startswith("data:"):
                text.append(json.loads(line[5:]).get("delta", ""))
    return battle, "".join(text)


# The server keeps but does not count a vote cast sooner than this after the last token
# (Settings.min_vote_seconds), so the votes below wait it out.
MIN_VOTE_SECONDS = 2.0


def test_leaderboard_after_votes(page: Page, arena_server: str) -> None:
    # One vote through the page, the rest through the API; only anonymous votes count.
    # An echo model's reply names the model ("Reply from echo-a"), and the server does not
    # count votes on replies that name their model, so the counted votes are the battles
    # whose replies are free of "Reply from".
    page.goto("/")
    send(page, "rank us")
    wait_done(page)
    winners = ["model_a", "model_b", "tie", "both_bad"]
    with httpx.Client(base_url=arena_server, timeout=30) as client:
        clean: list[str] = []
        for _ in range(80):
            battle, text = _anonymous_battle_via_api(client)
            if "Reply from" not in text:
                clean.append(battle)
                if len(clean) == 4:
                    break
        assert clean, "no anonymous battle without an echo model in 80 tries"
        page.wait_for_timeout(MIN_VOTE_SECONDS * 1000 + 300)
        page.get_by_test_id("vote-model_a").click()
        expect(page.get_by_test_id("reveal-a")).to_contain_text("Test Org")
        counted: set[str] = set()
        for i, battle in enumerate(clean):
            # The server asks for proof of work (ARENA_POW_REQUIRED in arena_server).
            work = solve(client.get(f"/api/v1/battles/{battle}/challenge").json())
            reply = client.post(
                f"/api/v1/battles/{battle}/vote", json={"winner": winners[i % 4], "altcha": work}
            )
            assert reply.status_code == 200, reply.text
            # The reveal says whether the vote counted (the shared server has seen many
            # votes from this address by now); only counted votes put a model on the board.
            if reply.json()["counted"]:
                counted.update((reply.json()["model_a"]["name"], reply.json()["model_b"]["name"]))
        assert counted, "none of the API votes counted"

    page.get_by_test_id("nav-leaderboard").click()
    table = page.get_by_test_id("leaderboard-table")
    expect(table).to_be_visible()
    rows = table.get_by_test_id("leaderboard-row")
    for name in counted:
        expect(table.locator(f"tr[data-model='{name}']")).to_have_count(1)
    assert int(page.get_by_test_id("total-votes").inner_text().replace(",", "")) >= len(clean)
    expect(table.locator("thead")).to_contain_text("95% CI")
    expect(table.locator("thead")).to_contain_text("Rank (UB)")
    expect(rows.first).to_contain_text("Test Org")
    expect(rows.first).to_contain_text("MIT")
    # A model these few votes do not rate yet shows "unknown" (see test_leaderboard_thin.py).
    expect(rows.first.locator(".ci-text")).to_have_text(re.compile(r"^(\+\d+/−\d+|unknown)$"))
    expect(page.get_by_test_id("score-chart")).to_be_visible()
    expect(page.get_by_test_id("score-chart").locator("circle")).to_have_count(rows.count())

    # Sorting: by model name ascending, then descending, then by score.
    page.get_by_test_id("sort-model").click()
    names = [r.get_attribute("data-model") or "" for r in rows.all()]
    assert names == sorted(names, key=str.lower)
    page.get_by_test_id("sort-model").click()
    names = [r.get_attribute("data-model") or "" for r in rows.all()]
    assert names == sorted(names, key=str.lower, reverse=True)
    page.get_by_test_id("sort-score").click()
    scores = [float(r.locator("td.score").inner_text()) for r in rows.all()]
    assert scores == sorted(scores, reverse=True)


def test_pages_navigate_and_stack_on_a_phone(phone_page: Page) -> None:
    page = phone_page
    page.goto("/")
    a = page.get_by_test_id("pane-a").bounding_box()
    b = page.get_by_test_id("pane-b").bounding_box()
    assert a and b
    assert b["y"] >= a["y"] + a["height"] - 1, "panes should stack on a phone"
    assert a["width"] <= 390 and b["width"] <= 390
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways ({width}px)"
    for nav, testid in [
        ("nav-side-by-side", "page-side-by-side"),
        ("nav-direct", "page-direct"),
        ("nav-leaderboard", "page-leaderboard"),
        ("nav-battle", "page-battle"),
    ]:
        page.get_by_test_id(nav).click()
        expect(page.get_by_test_id(testid)).to_be_visible()


def _page_box(page: Page, testid: str) -> dict[str, float]:
    """The element's box in page coordinates (independent of scrolling)."""
    return page.get_by_test_id(testid).evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; }"
    )


def test_panes_side_by_side_on_desktop_and_no_jump_while_streaming(page: Page) -> None:
    open_side_by_side(page, "echo-a", "echo-b")
    a = _page_box(page, "pane-a")
    b = _page_box(page, "pane-b")
    bar = _page_box(page, "vote-bar")
    assert abs(a["y"] - b["y"]) < 1 and b["x"] > a["x"] + a["width"] - 1
    send(page, "stream " * 50)
    wait_done(page)
    after = _page_box(page, "pane-a")
    bar_after = _page_box(page, "vote-bar")
    assert abs(after["height"] - a["height"]) < 1, "pane height must not change with content"
    assert abs(bar_after["y"] - bar["y"]) < 1, "vote bar must not move"


def test_links_in_answers_are_safe(page: Page) -> None:
    text = (
        "See [the docs](https://example.com/docs) or [this](javascript:window.__xss=2) "
        'and <a href="javascript:window.__xss=3">raw</a>.'
    )
    stub_turn(
        page,
        [
            {"side": "a", "delta": text[:30]},
            {"side": "b", "delta": "plain"},
            {"side": "a", "delta": text[30:]},
            {"side": "a", "done": True},
            {"side": "b", "done": True},
        ],
    )
    page.goto("/")
    send(page, "links please")
    wait_done(page)
    reply = page.get_by_test_id("assistant-msg-a")
    docs = reply.get_by_role("link", name="the docs")
    expect(docs).to_have_attribute("href", "https://example.com/docs")
    expect(docs).to_have_attribute("target", "_blank")
    expect(docs).to_have_attribute("rel", re.compile(r"noopener.*noreferrer"))
    for a in reply.locator("a").all():
        assert not (a.get_attribute("href") or "").lower().startswith("javascript:")
    expect(reply).to_contain_text('<a href="javascript:window.__xss=3">raw</a>')
    reply.get_by_text("this", exact=True).click()
    assert page.evaluate("() => window.__xss") is None


def test_leaderboard_marks_rows_and_offers_categories_and_style_control(page: Page) -> None:
    # The live server has no deprecated or provisional models, so the board is stubbed.
    seen: list[str] = []

    def board(route: Any) -> None:
        seen.append(route.request.url)
        style = "style_control=true" in route.request.url
        payload = {
            "total_votes": 1234,
            "computed_at": "2026-01-02T03:04:05+00:00",
            "categories": ["overall", "coding", {"name": "hard_prompts", "label": "Hard prompts"}],
            "style_control_available": True,
            "models": [
                {
                    "rank": 1,
                    "rank_ub": 1,
                    "model": "alpha",
                    "score": 1100.0 + (5 if style else 0),
                    "ci_lower": 1090.0,
                    "ci_upper": 1111.0,
                    "votes": 900,
                    "organization": "A Org",
                    "license": "MIT",
                    "provisional": False,
                    "deprecated": False,
                },
                {
                    "rank": 2,
                    "rank_ub": 1,
                    "model": "beta",
                    "score": 1050.0,
                    "ci_lower": 990.0,
                    "ci_upper": 1102.0,
                    "votes": 12,
                    "organization": "B Org",
                    "license": "proprietary",
                    "provisional": True,
                    "deprecated": False,
                },
                {
                    "rank": 3,
                    "rank_ub": 3,
                    "model": "gamma",
                    "score": 900.0,
                    "ci_lower": 880.0,
                    "ci_upper": 921.0,
                    "votes": 322,
                    "organization": "C Org",
                    "license": "Apache-2.0",
                    "deprecated": True,
                },
            ],
        }
        route.fulfill(
            status=200, headers={"Content-Type": "application/json"}, body=json.dumps(payload)
        )

    page.route(re.compile(r".*/api/v1/leaderboard(\?.*)?$"), board)
    page.goto("/#/leaderboard")
    table = page.get_by_test_id("leaderboard-table")
    expect(table.get_by_test_id("leaderboard-row")).to_have_count(3)
    expect(page.get_by_test_id("total-votes")).to_have_text("1,234")
    expect(
        table.locator("tr[data-model='beta']").get_by_test_id("badge-provisional")
    ).to_be_visible()
    expect(
        table.locator("tr[data-model='gamma']").get_by_test_id("badge-deprecated")
    ).to_be_visible()
    expect(table.locator("tr[data-model='alpha'] .ci-text")).to_have_text("+11/−10")
    expect(table.locator("tr[data-model='beta'] td.rank")).to_have_text("1")

    with page.expect_request(lambda r: "category=coding" in r.url):
        page.get_by_test_id("category-select").select_option("coding")
    with page.expect_request(
        lambda r: "category=coding" in r.url and "style_control=true" in r.url
    ):
        page.get_by_test_id("style-control-toggle").check()
    expect(table.locator("tr[data-model='alpha'] td.score")).to_have_text("1105")
    options = page.get_by_test_id("category-select").locator("option")
    expect(options.first).to_have_text("Overall")
    expect(options.filter(has_text="Coding")).to_have_count(1)
    expect(options.filter(has_text="Hard prompts")).to_have_count(1)
    page.get_by_test_id("sort-votes").click()
    expect(table.get_by_test_id("leaderboard-row").first).to_have_attribute("data-model", "alpha")
    page.get_by_test_id("sort-votes").click()
    expect(table.get_by_test_id("leaderboard-row").first).to_have_attribute("data-model", "beta")


class _Tracker:
    """A real HTTP host on loopback that records every request it gets (a tracking pixel)."""

    def __init__(self) -> None:
        import http.server
        import threading

        self.paths: list[str] = []
        tracker = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                tracker.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/gif")
                self.end_headers()
                self.wfile.write(b"GIF89a")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_images_in_replies_are_never_fetched(page: Page) -> None:
    tracker = _Tracker()
    try:
        pixel = f"{tracker.origin}/pixel.png?voter=1"
        text = f"Here is our logo: ![ACME logo]({pixel}) and a raw <img src='{pixel}&raw=1'>."
        stub_turn(
            page,
            [
                {"side": "a", "delta": text},
                {"side": "b", "delta": "plain"},
                {"side": "a", "done": True},
                {"side": "b", "done": True},
            ],
        )
        asked: list[str] = []  # requests the page made, or tried to (CSP stops them)
        page.on("request", lambda r: asked.append(r.url) if tracker.origin in r.url else None)
        page.goto("/")
        send(page, "show me a logo")
        wait_done(page)
        reply = page.get_by_test_id("assistant-msg-a")
        expect(reply).to_contain_text("ACME logo")  # the link text stands in for the image
        assert reply.locator("img").count() == 0
        # Even an image the page itself would add is refused by the Content-Security-Policy.
        script = "(src) => { const i = new Image(); i.src = src; document.body.appendChild(i); }"
        page.evaluate(script, pixel + "&js=1")
        page.wait_for_timeout(500)
        assert tracker.paths == []  # the host never heard from the browser
        assert all(url.endswith("&js=1") for url in asked)  # the reply never even tried
    finally:
        tracker.close()
