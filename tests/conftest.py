"""Shared fixtures."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from tests.fake_upstream import FakeUpstream, start_fake_upstream

pytest_plugins = ["tests.app_fixtures"]


@pytest.fixture(scope="session")
def fake_upstream() -> Iterator[FakeUpstream]:
    """A loopback OpenAI/Anthropic-compatible server for the whole test session."""
    upstream = start_fake_upstream()
    yield upstream
    upstream.stop()


@pytest.fixture(params=["UTC", "Asia/Kathmandu"])
def time_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a test in UTC and again in a zone far from it (+05:45, a quarter-hour offset),
    so a naive timestamp read as local time instead of UTC shows (issue 31)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last: Playwright's sync API holds an event loop on the main
    thread while its fixtures live, so nothing after it may call ``asyncio.run``."""
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace("\\", "/"))
