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
