"""Accounts in a real browser: sign up, battle, sign out, sign in again, delete the account.

Every battle request of a signed-in page must carry the CSRF token (the server answers
403 otherwise), so a battle that streams and takes its vote shows the token is sent,
also after a reload, when it comes back from ``GET /api/v1/me``.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import send, wait_done

pytestmark = pytest.mark.browser
PASSWORD = "a long enough passphrase"


def _fill(page: Page, username: str, password: str) -> None:
    page.get_by_test_id("auth-username").fill(username)
    page.get_by_test_id("auth-password").fill(password)
    page.get_by_test_id("auth-submit").click()


def _battle_and_vote(page: Page, prompt: str) -> None:
    send(page, prompt)
    wait_done(page)
    page.get_by_test_id("vote-model_a").click()
    expect(page.get_by_test_id("reveal-a")).to_contain_text("Test Org")


def test_sign_up_battle_sign_out_sign_in_delete(page: Page) -> None:
    username = f"ui-{uuid.uuid4().hex[:10]}"
    page.goto("/")
    page.get_by_test_id("signin-link").click()
    page.get_by_test_id("auth-switch").click()  # to "Create an account"
    _fill(page, username, "short")
    expect(page.get_by_test_id("error-banner")).to_contain_text("at least 8")
    _fill(page, username, PASSWORD)
    expect(page.get_by_test_id("account-name")).to_have_text(username)
    expect(page.get_by_test_id("page-battle")).to_be_visible()

    _battle_and_vote(page, "first, signed in")
    page.reload()  # the token lives in memory only; /me gives it back
    expect(page.get_by_test_id("account-name")).to_have_text(username)
    _battle_and_vote(page, "second, after a reload")

    page.get_by_test_id("signout").click()
    expect(page.get_by_test_id("signin-link")).to_be_visible()
    assert page.request.get("/api/v1/me").status == 401

    page.get_by_test_id("signin-link").click()
    _fill(page, username, "wrong password")
    expect(page.get_by_test_id("error-banner")).to_contain_text("wrong username or password")
    _fill(page, username, PASSWORD)
    expect(page.get_by_test_id("account-name")).to_have_text(username)
    exported = page.request.get("/api/v1/me/export").json()
    prompts = {
        m["content"] for b in exported["battles"] for m in b["messages"] if m["role"] == "user"
    }
    assert {"first, signed in", "second, after a reload"} <= prompts
    assert all(b["vote"]["winner"] == "model_a" for b in exported["battles"])

    # The account page deletes the account; signing in then fails like any wrong password.
    page.goto("/#/signin")
    page.get_by_test_id("delete-account").click()
    page.get_by_test_id("delete-confirm").click()
    expect(page.get_by_test_id("signin-link")).to_be_visible()
    assert page.request.get("/api/v1/me").status == 401
    page.get_by_test_id("signin-link").click()
    _fill(page, username, PASSWORD)
    expect(page.get_by_test_id("error-banner")).to_contain_text("wrong username or password")
    assert page.arena_watch.page_errors == []  # type: ignore[attr-defined]
