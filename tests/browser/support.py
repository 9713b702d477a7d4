"""Helpers the browser tests share: sending a prompt, stubbing API answers, axe-core, screenshots.

Screenshots taken with ``review_shot`` are kept on every run (not only on failure) under
``test-artifacts/first-impressions/`` so a reviewer can look at the layouts the tests check.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
REVIEW_SHOTS = ROOT / "test-artifacts" / "first-impressions"
AXE_JS = ROOT / "ui" / "node_modules" / "axe-core" / "axe.min.js"
STREAM_TIMEOUT = 30_000

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# 1280x900 at 200% zoom lays out like a 640x450 CSS-pixel window (WCAG's reflow test).
ZOOM_200 = {"width": 640, "height": 450}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def send(page: Page, prompt: str) -> None:
    box = page.get_by_test_id("prompt-input")
    expect(box).to_be_enabled()
    box.fill(prompt)
    box.press("Enter")


def wait_done(page: Page, sides: tuple[str, ...] = ("a", "b")) -> None:
    for side in sides:
        expect(page.get_by_test_id(f"pane-{side}")).to_have_attribute(
            "data-status", "done", timeout=STREAM_TIMEOUT
        )


def sse(events: list[dict[str, Any]]) -> str:
    return "".join(f"data: {json.dumps(e)}\n\n" for e in events)


def stub_turn(page: Page, *turns: list[dict[str, Any]]) -> None:
    """The turns on this page answer with these stream events, one list per turn in order;
    the last list answers every later turn (one list: every turn)."""
    bodies = [sse(events) for events in turns]

    def fulfil(route: Any) -> None:
        body = bodies.pop(0) if len(bodies) > 1 else bodies[0]
        route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=body)

    page.route(re.compile(r".*/api/v1/battles/[^/]+/turns$"), fulfil)


def stub_json(page: Page, pattern: str, payload: dict[str, Any]) -> None:
    page.route(
        re.compile(pattern),
        lambda route: route.fulfill(
            status=200, headers={"Content-Type": "application/json"}, body=json.dumps(payload)
        ),
    )


def board_row(rank: int, model: str, score: float, votes: int, **extra: Any) -> dict[str, Any]:
    row = {
        "rank": rank,
        "rank_ub": rank,
        "model": model,
        "score": score,
        "ci_lower": score - 14,
        "ci_upper": score + 17,
        "votes": votes,
        "organization": "Hugging Face",
        "license": "Apache-2.0",
        "provisional": False,
        "deprecated": False,
    }
    row.update(extra)
    return row


# A board with the built-in roster's long names and one longer still.
BOARD = {
    "total_votes": 4321,
    "computed_at": "2026-01-02T03:04:05+00:00",
    "models": [
        board_row(1, "smollm2-135m-instruct-creative", 1042.0, 1800),
        board_row(2, "smollm2-135m-instruct", 1011.0, 1650),
        board_row(3, "gemma-3-270m", 990.0, 1500, organization="Google", license="Gemma"),
        board_row(
            4,
            "meta-llama-3.1-8b-instruct-q4-k-m-long-context",
            957.0,
            40,
            organization="Meta",
            license="Llama 3.1 Community",
            provisional=True,
        ),
    ],
}
EMPTY_BOARD = {"total_votes": 0, "computed_at": None, "models": []}


def review_shot(page: Page, name: str, full_page: bool = False) -> Path:
    """Save a screenshot for the reviewer (always, not only on failure)."""
    REVIEW_SHOTS.mkdir(parents=True, exist_ok=True)
    path = REVIEW_SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


def box(page: Page, testid: str) -> dict[str, float]:
    """The element's box in viewport coordinates."""
    found = page.get_by_test_id(testid).first.bounding_box()
    assert found, f"{testid} has no box"
    return found


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core (the npm dev dependency) in the page; one line per violating node."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing: run `cd ui && npm ci`")
    # Colours are judged at rest: let finite animations and transitions (a fade, the reveal)
    # end first; endless ones (the typing dots) keep running.
    page.wait_for_function(
        """() => document.getAnimations()
            .filter(a => a.effect && a.effect.getTiming().iterations !== Infinity)
            .every(a => a.playState !== "running")"""
    )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate(
        """async () => {
            // label-content-name-mismatch is experimental (off by default): a link whose
            // name differs from its visible text is one of the findings this scan guards.
            const r = await axe.run(document, {
                resultTypes: ["violations"],
                rules: { "label-content-name-mismatch": { enabled: true } },
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary || "")),
            }));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {node}"
        for v in violations
        if v["impact"] in impacts
        for node in v["nodes"]
    ]


def focused_testid(page: Page) -> str | None:
    return page.evaluate("() => document.activeElement?.dataset?.testid ?? null")


def tab_to(page: Page, testid: str, key: str = "Tab", limit: int = 30) -> int:
    """Press Tab (or Shift+Tab) until the element is focused, as a keyboard user would;
    how many presses it took."""
    for presses in range(limit):
        if focused_testid(page) == testid:
            return presses
        page.keyboard.press(key)
    raise AssertionError(f"{testid} not reached with {key}; focus is on {focused_testid(page)}")


def amend_json(page: Page, pattern: str, change: Any) -> None:
    """Let matching requests through to the server, and hand the page its JSON answer
    after ``change(body)`` (which edits the dict in place)."""

    def handle(route: Any) -> None:
        response = route.fetch()
        body = response.json()
        change(body)
        route.fulfill(response=response, body=json.dumps(body))

    page.route(re.compile(pattern), handle)


def top_in_view(page: Page, testid: str, container: str) -> bool:
    """Is the element's top edge inside its scrolling container's visible box?"""
    return page.evaluate(
        """([id, box]) => {
            const el = [...document.querySelectorAll(`[data-testid="${id}"]`)].pop();
            const pane = document.querySelector(`[data-testid="${box}"]`);
            if (!el || !pane) return false;
            const top = el.getBoundingClientRect().top, view = pane.getBoundingClientRect();
            return top >= view.top - 1 && top < view.bottom - 24;
        }""",
        [testid, container],
    )
