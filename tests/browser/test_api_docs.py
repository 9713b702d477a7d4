"""/docs in Chromium: Swagger UI runs from local assets under the app's own CSP."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_api_under_the_csp(page: Any) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 20
    expect(page.locator(".info .title")).to_contain_text("Arena")
    blocked = [m for m in page.arena_watch.console_errors if "Content Security Policy" in m]
    assert blocked == []
    origin = page.evaluate("location.origin")
    assert [u for u in requested if not u.startswith((origin, "data:"))] == []
