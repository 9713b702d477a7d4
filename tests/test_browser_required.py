"""Browser tests fail, not skip, when Chromium or Playwright is missing in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGET = "tests/browser/test_browser_present.py"


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "ARENA_REQUIRE_BROWSER")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", TARGET],
        cwd=ROOT,
        env={**base, "ARENA_CHROMIUM": "/nonexistent/chromium", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("env", [{"CI": "true"}])
def test_a_missing_browser_fails_where_browsers_are_required(env: dict[str, str]) -> None:
    result = _run(**env)
    assert result.returncode != 0, result.stdout
    assert "1 error" in result.stdout and "skipped" not in result.stdout, result.stdout
    assert "/nonexistent/chromium is missing" in result.stdout


def test_a_missing_browser_skips_on_a_developer_machine() -> None:
    result = _run()
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout, result.stdout
