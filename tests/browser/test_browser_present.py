"""Chromium launches: the fixture every browser test stands on."""

from __future__ import annotations

from typing import Any


def test_chromium_launches(browser: Any) -> None:
    assert browser.version
