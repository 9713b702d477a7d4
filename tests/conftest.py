"""Shared fixtures."""

from __future__ import annotations

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last: Playwright's sync API holds an event loop on the main
    thread while its fixtures live, so nothing after it may call ``asyncio.run``."""
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace("\\", "/"))
