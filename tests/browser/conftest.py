"""Browser fixtures: Debian's chromium driven by Playwright for Python.

Playwright's own browser download does not work here, so the tests launch the
system chromium (``scripts/install_browser.sh`` installs it). Each test gets a
fresh context; when a test fails, a screenshot of its page is written to
``test-artifacts/screenshots/`` (set ``ARENA_SCREENSHOTS=always`` to keep one
for every test). The server under test is the real ``arena serve`` from the
``arena_server`` fixture in ``tests/app_fixtures.py``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("ARENA_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
STATIC_INDEX = ROOT / "src" / "arena" / "web" / "static" / "index.html"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item so fixtures can see whether the test failed."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


def browser_required(environ: dict[str, str] | None = None) -> bool:
    """In CI (``CI`` set, as ``.ci/run`` runs) or with ``ARENA_REQUIRE_BROWSER``, a missing
    browser fails the browser tests instead of skipping them."""
    env = os.environ if environ is None else environ
    return any(
        env.get(name, "").lower() not in ("", "0", "false")
        for name in ("CI", "ARENA_REQUIRE_BROWSER")
    )


def missing_browser(message: str) -> None:
    if browser_required():
        pytest.fail(f"{message} (browser tests are required here: CI or ARENA_REQUIRE_BROWSER)")
    pytest.skip(message)


@pytest.fixture(scope="package")
def _playwright() -> Iterator[Any]:
    try:
        from playwright import sync_api
    except ImportError:
        missing_browser("Playwright is not installed: bash scripts/install.sh --test")
    if not Path(CHROMIUM).exists():
        missing_browser(f"{CHROMIUM} is missing: run scripts/install_browser.sh")
    with sync_api.sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def browser(_playwright: Any) -> Iterator[Any]:
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--headless"]
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def ui_built() -> Path:
    if not STATIC_INDEX.is_file():
        pytest.fail(
            f"{STATIC_INDEX} is missing: build the UI with `cd ui && npm ci && npm run build`"
        )
    return STATIC_INDEX


@dataclass
class PageWatch:
    """What the page did that a test may want to assert never happened."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def _open_page(
    browser: Any, base_url: str, viewport: dict[str, int], **options: Any
) -> tuple[Any, Any]:
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
    context = browser.new_context(base_url=base_url, viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = PageWatch()

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: watch.page_errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.arena_watch = watch  # type: ignore[attr-defined]
    return context, page


def _finish(context: Any, page: Any, request: pytest.FixtureRequest, suffix: str = "") -> None:
    report = getattr(request.node, "rep_call", None)
    failed = report is None or report.failed
    if failed or os.environ.get("ARENA_SCREENSHOTS") == "always":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1]) + suffix
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # a crashed page must not hide the real failure
            print(f"screenshot failed: {exc}")
    context.close()


@pytest.fixture
def page(
    browser: Any, arena_server: str, ui_built: Path, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """A desktop-sized page (1280x800) on the live server; screenshot on failure."""
    context, page = _open_page(browser, arena_server, DESKTOP)
    yield page
    _finish(context, page, request)


@pytest.fixture
def phone_page(
    browser: Any, arena_server: str, ui_built: Path, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """A phone-sized page (390x844)."""
    context, page = _open_page(browser, arena_server, PHONE)
    yield page
    _finish(context, page, request, "-phone")


@pytest.fixture
def new_page(
    browser: Any, arena_server: str, ui_built: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """Open pages at any size and with any context option: ``new_page(PHONE, color_scheme="dark")``.

    Every page opened is closed after the test (with a screenshot when it failed).
    """
    opened: list[tuple[Any, Any]] = []

    def make(viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context, page = _open_page(browser, arena_server, viewport, **options)
        opened.append((context, page))
        return page

    yield make
    for i, (context, page) in enumerate(opened):
        _finish(context, page, request, f"-{i}")
