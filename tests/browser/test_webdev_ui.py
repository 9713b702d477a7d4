"""The WebDev arena in Chromium: apps run, respond to clicks, and cannot get out.

Every hostile app in ``webdev_hostile.HOSTILE`` runs in both previews of a real battle;
the test then looks for its evidence outside the frame. The corpus size and the number
of escapes (the target is 0) are the figures the issue asks for.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import wait_done
from tests.browser.webdev_hostile import (
    HEAVY,
    HOSTILE,
    NORMAL_CANVAS,
    NORMAL_COUNTER,
    REACT_BROKEN,
    REACT_COUNTER,
    WEBRTC,
    hostile,
    webrtc,
)
from tests.fake_upstream import FakeUpstream
from tests.support.udp import udp_listeners

pytestmark = pytest.mark.browser
SECRET = "s3cr3t-value"


def _build(page: Page, reply: str) -> None:
    """A WebDev battle whose both sides answer with ``reply`` (the parrot models)."""
    page.goto("/")
    page.get_by_test_id("arena-webdev").check()
    page.get_by_test_id("prompt-input").fill(reply)
    page.get_by_test_id("send-button").click()
    wait_done(page)
    for side in ("a", "b"):
        expect(page.get_by_test_id(f"preview-frame-{side}")).to_be_attached()


def _settled(page: Page, side: str, status: str = "rendered") -> None:
    expect(page.get_by_test_id(f"preview-{side}")).to_have_attribute("data-status", status)


def _watch_network(page: Page) -> list[str]:
    """URLs that got an answer from a server. Chromium reports a request that CSP blocked
    too (and then fails it), so only an answered request proves that it got out."""
    urls: list[str] = []
    page.context.on("response", lambda response: urls.append(response.url))
    return urls


def _responsive(page: Page) -> float:
    start = time.monotonic()
    assert page.evaluate("() => 6 * 7") == 42
    return time.monotonic() - start


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_app_cannot_escape(page: Page, name: str, fake_upstream: FakeUpstream) -> None:
    page.goto("/")
    page.evaluate(f"() => localStorage.setItem('arena-secret', '{SECRET}')")
    page.context.add_cookies([{"name": "secret", "value": SECRET, "url": page.url}])
    urls = _watch_network(page)
    pages_before = len(page.context.pages)
    _build(page, hostile(name, fake_upstream.root_url))
    page.wait_for_timeout(1500)  # time for timers, navigations and requests to happen
    for side in ("a", "b"):
        expect(page.get_by_test_id(f"preview-{side}")).not_to_have_attribute(
            "data-status", "loading"
        )
    leaked = [u for u in urls if "STEAL" in u]
    assert leaked == [], f"{name}: requests left the frame: {leaked}"
    assert page.url.split("#")[0].rstrip("/") == page.evaluate("location.origin"), page.url
    assert page.title() != "PWNED"
    assert len(page.context.pages) == pages_before, "a pop-up opened"
    assert page.arena_watch.dialogs == []  # type: ignore[attr-defined]
    # What an app reports is shown as its error; a secret it read would show up there.
    for side in ("a", "b"):
        shown = page.get_by_test_id(f"preview-{side}").locator(".preview-bar, .preview-error")
        text = " ".join(shown.all_inner_texts())
        assert SECRET not in text and "LEAK:" not in text, text
    # The voter can still vote: both previews settled.
    expect(page.get_by_test_id("vote-tie")).to_be_enabled()


# Long enough for ICE to send its first STUN requests (they go out within a second).
ICE_WAIT_MS = 2500


def test_the_stun_listener_hears_a_peer_connection_outside_the_preview(page: Page) -> None:
    """The control for the test below: the same connection, made by a page that is not a
    preview, reaches the listener. So 0 requests below means blocked, not unheard."""
    page.goto("/api/v1/models")  # any page of Arena's own, without the preview's guards
    with udp_listeners(["control"]) as listeners:
        page.evaluate(
            "port => { const pc = new RTCPeerConnection("
            "{iceServers: [{urls: `stun:127.0.0.1:${port}`}]});"
            "pc.createDataChannel('x'); pc.createOffer().then(o => pc.setLocalDescription(o)); }",
            listeners["control"].port,
        )
        page.wait_for_timeout(ICE_WAIT_MS)
        assert listeners["control"].stun_requests() > 0


@pytest.mark.parametrize("name", sorted(WEBRTC))
def test_a_preview_cannot_reach_the_network_through_webrtc(page: Page, name: str) -> None:
    attempts, _ = WEBRTC[name]
    with udp_listeners(attempts) as listeners:
        _build(page, webrtc(name, {a: listener.port for a, listener in listeners.items()}))
        for side in ("a", "b"):
            # The app's last script ran: every attempt before it was made.
            _settled(page, side, "error")
            expect(page.get_by_test_id(f"preview-error-{side}")).to_contain_text("RTC-DONE")
        page.wait_for_timeout(ICE_WAIT_MS)
        heard = {a: n for a, listener in listeners.items() if (n := len(listener.datagrams))}
    assert heard == {}, f"STUN requests got out of the preview: {heard}"


@pytest.mark.parametrize("name", sorted(HEAVY))
def test_heavy_app_leaves_the_page_responsive_and_can_be_stopped(page: Page, name: str) -> None:
    _build(page, HEAVY[name])
    page.wait_for_timeout(1000)
    assert _responsive(page) < 2.0
    for side in ("a", "b"):
        page.get_by_test_id(f"preview-stop-{side}").click()
        _settled(page, side, "stopped")
        expect(page.get_by_test_id(f"preview-frame-{side}")).to_have_count(0)
    expect(page.get_by_test_id("vote-model_a")).to_be_enabled()
    assert _responsive(page) < 2.0


def test_normal_apps_render_and_respond_to_clicks(page: Page) -> None:
    _build(page, NORMAL_COUNTER)
    expect(page.get_by_test_id("vote-model_a")).to_be_enabled()
    for side in ("a", "b"):
        _settled(page, side)
        frame = page.frame_locator(f"[data-testid=preview-frame-{side}]")
        frame.locator("#c").click()
        frame.locator("#c").click()
        expect(frame.locator("#c")).to_have_text("2")

    _build(page, NORMAL_CANVAS)
    frame = page.frame_locator("[data-testid=preview-frame-a]")
    _settled(page, "a")
    frame.locator("#g").click()
    expect(frame.locator("#s")).to_have_text("score 1")


def test_react_component_renders_with_tailwind_offline(page: Page) -> None:
    urls = _watch_network(page)
    _build(page, REACT_COUNTER)
    _settled(page, "a")
    frame = page.frame_locator("[data-testid=preview-frame-a]")
    button = frame.locator("#r")
    expect(button).to_have_text("clicked 0")
    button.click()
    expect(button).to_have_text("clicked 1")
    # Tailwind's classes were turned into real styles inside the frame.
    colour = button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), colour
    external = [u for u in urls if not u.startswith(page.evaluate("location.origin"))]
    assert external == []


def test_broken_app_shows_its_error_and_code_and_still_lets_people_vote(page: Page) -> None:
    _build(page, REACT_BROKEN)
    for side in ("a", "b"):
        _settled(page, side, "error")
        expect(page.get_by_test_id(f"preview-error-{side}")).to_contain_text("missing")
    page.get_by_test_id("toggle-code-a").click()
    expect(page.get_by_test_id("assistant-msg-a")).to_contain_text("missing.value")
    page.get_by_test_id("toggle-code-a").click()
    expect(page.get_by_test_id("preview-frame-a")).to_be_attached()
    page.get_by_test_id("vote-both_bad").click()
    names = {page.get_by_test_id(f"reveal-{s}").locator("strong").inner_text() for s in "ab"}
    assert names == {"parrot-a", "parrot-b"}


def test_full_screen_and_reload(page: Page) -> None:
    _build(page, NORMAL_COUNTER)
    _settled(page, "b")
    page.get_by_test_id("preview-full-b").click()
    box: Any = page.get_by_test_id("preview-b").bounding_box()
    assert box["width"] >= 1200
    page.get_by_test_id("preview-full-b").click()
    frame = page.frame_locator("[data-testid=preview-frame-b]")
    frame.locator("#c").click()
    expect(frame.locator("#c")).to_have_text("1")
    page.get_by_test_id("preview-reload-b").click()
    expect(page.frame_locator("[data-testid=preview-frame-b]").locator("#c")).to_have_text("0")
