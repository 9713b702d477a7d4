"""The image arenas in a real browser: pick an arena, attach an image, see pictures, vote."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import send, wait_done
from tests.support.images import photo_with_exif

pytestmark = pytest.mark.browser

PAINTERS = ("painter-a", "painter-b")
# A PNG whose EXIF names a camera, as a phone photo would carry it.
SECRET_PHOTO = photo_with_exif((900, 600), (200, 120, 40), "PNG", "secret-camera")


def _attach(page: Page, data: bytes, name: str = "photo.png", kind: str = "image/png") -> None:
    page.get_by_test_id("attach-input").set_input_files(
        {"name": name, "mimeType": kind, "buffer": data}
    )


def _pick(page: Page, arena: str) -> None:
    page.get_by_test_id(f"arena-{arena}").check()
    expect(page.get_by_test_id(f"arena-{arena}")).to_be_checked()


def _pictures_loaded(page: Page, side: str) -> None:
    picture = page.get_by_test_id(f"assistant-msg-{side}").get_by_test_id("picture").last
    expect(picture).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )


def test_arena_picker_lists_the_ready_arenas(page: Page) -> None:
    page.goto("/")
    picker = page.get_by_test_id("arena-picker")
    expect(picker).to_contain_text("Text")
    for arena in ("text", "vision", "text_to_image", "image_edit", "webdev"):
        expect(page.get_by_test_id(f"arena-{arena}")).to_have_count(1)


def test_vision_battle_needs_an_image_then_both_sides_answer_about_it(page: Page) -> None:
    page.goto("/")
    _pick(page, "vision")
    send(page, "What is in this picture?")
    expect(page.get_by_role("alert")).to_contain_text("Add an image first")
    # The prompt comes back, so nothing typed is lost.
    expect(page.get_by_test_id("prompt-input")).to_have_value("What is in this picture?")

    _attach(page, SECRET_PHOTO)
    expect(page.get_by_test_id("attach-preview")).to_be_visible()
    page.get_by_test_id("send-button").click()
    wait_done(page)
    for side in ("a", "b"):
        expect(page.get_by_test_id(f"user-msg-{side}").get_by_test_id("picture")).to_have_count(1)
        expect(page.get_by_test_id(f"assistant-msg-{side}")).to_contain_text(
            "What is in this picture?"
        )
    expect(page.get_by_test_id("reveal-a")).to_have_count(0)
    page.get_by_test_id("vote-tie").click()
    names = {page.get_by_test_id(f"reveal-{s}").locator("strong").inner_text() for s in "ab"}
    assert names == {"echo-a", "echo-b"}
    assert page.arena_watch.page_errors == []  # type: ignore[attr-defined]


def test_oversized_or_wrong_files_are_refused_in_the_page(page: Page) -> None:
    page.goto("/")
    _pick(page, "vision")
    _attach(page, b"\0" * (16 * 1024 * 1024))
    expect(page.get_by_test_id("attach-error")).to_contain_text("limit is 15 MB")
    _attach(page, b"not an image", "notes.txt", "text/plain")
    expect(page.get_by_test_id("attach-error")).to_contain_text("PNG, JPEG, WebP or GIF")
    _attach(page, b"\x89PNG\r\n\x1a\n broken", "broken.png")
    expect(page.get_by_test_id("attach-error")).to_contain_text("not an image Arena can read")
    expect(page.get_by_test_id("attach-preview")).to_have_count(0)


def test_text_to_image_shows_both_pictures_full_size_and_reveals_painters(page: Page) -> None:
    page.goto("/")
    _pick(page, "text_to_image")
    send(page, "a lighthouse at dusk")
    wait_done(page)
    for side in ("a", "b"):
        _pictures_loaded(page, side)
    page.get_by_test_id("assistant-msg-a").get_by_test_id("picture").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("img")).to_be_visible()
    dialog.get_by_test_id("picture-close").click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(page.get_by_test_id("reveal-a")).to_have_count(0)
    page.get_by_test_id("vote-model_b").click()
    names = {page.get_by_test_id(f"reveal-{s}").locator("strong").inner_text() for s in "ab"}
    assert names == set(PAINTERS)


def test_image_edit_takes_an_upload_then_keeps_editing(page: Page) -> None:
    page.goto("/")
    _pick(page, "image_edit")
    _attach(page, SECRET_PHOTO)
    expect(page.get_by_test_id("attach-preview")).to_be_visible()
    send(page, "make it blue")
    wait_done(page)
    send(page, "now add a hat")
    wait_done(page)
    for side in ("a", "b"):
        expect(page.get_by_test_id(f"assistant-msg-{side}")).to_have_count(2)
        _pictures_loaded(page, side)
    # The attach control is only for the first turn.
    expect(page.get_by_test_id("image-attach")).to_have_count(0)


def test_leaderboard_has_a_board_per_arena(page: Page) -> None:
    page.goto("/")
    _pick(page, "text_to_image")
    send(page, "a red bicycle")
    wait_done(page)
    page.get_by_test_id("vote-model_a").click()
    expect(page.get_by_test_id("reveal-a")).to_be_visible()

    page.goto("/#/leaderboard")
    page.get_by_test_id("arena-text_to_image").check()
    table = page.get_by_test_id("leaderboard-table")
    for name in PAINTERS:
        expect(table).to_contain_text(name)
    expect(table).not_to_contain_text("echo-a")
    expect(page.get_by_test_id("style-control-toggle")).to_have_count(0)
