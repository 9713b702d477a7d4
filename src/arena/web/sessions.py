"""The session cookie: who is signed in, and the CSRF check on what they change.

``arena_session`` holds a random token, HTTP-only, ``SameSite=Lax``, ``Secure`` over
HTTPS; the store keeps only its SHA-256 (``arena.store.accounts_repo``). For a request
whose cookie names a live session, this middleware sets ``request.state.user_id`` (so
ownership and rate limits see the user) and, for POST/PUT/PATCH/DELETE, requires an
``X-CSRF-Token`` header equal to the session's token, else 403. The CSRF token is an
HMAC of the session token under the server secret: nothing more to store, and the page
can ask ``GET /api/v1/me`` for it again after a reload.

A request without the cookie, or with a dead one, passes untouched: anonymous use is
exactly what it was.
"""

from __future__ import annotations

import asyncio
import hmac
import json
from hashlib import sha256
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from arena.store import accounts_repo
from arena.web.cookies import cookie_header, read_token
from arena.web.state import app_state_of

__all__ = ["COOKIE_NAME", "SessionMiddleware", "csrf_token", "session_cookie"]

COOKIE_NAME = "arena_session"
CSRF_HEADER = b"x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token(secret: str, session_token: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{session_token}".encode(), sha256).hexdigest()


def session_cookie(token: str, max_age_s: int, https: bool) -> str:
    """The Set-Cookie value; an empty token with ``max_age_s=0`` clears it."""
    return cookie_header(COOKIE_NAME, token, max_age_s, https)


def read_session_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    return read_token(headers, COOKIE_NAME)


class SessionMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = read_session_token(scope["headers"])
        state: dict[str, Any] = scope.setdefault("state", {})
        running = app_state_of(scope["app"]) if "app" in scope else None
        if token is not None and running is not None:
            who = await asyncio.to_thread(
                accounts_repo.session_user, running.battles.engine, token, running.clock.now()
            )
            if who is not None:
                state["user_id"] = who.user_id
                state["username"] = who.username
                state["session_token"] = token
                if scope["method"] in UNSAFE and not self._csrf_ok(scope, running.secret, token):
                    await _forbidden(send)
                    return
        await self.app(scope, receive, send)

    @staticmethod
    def _csrf_ok(scope: Scope, secret: str, token: str) -> bool:
        sent = next((v for k, v in scope["headers"] if k == CSRF_HEADER), b"")
        return hmac.compare_digest(sent, csrf_token(secret, token).encode())


async def _forbidden(send: Send) -> None:
    body = json.dumps(
        {"error": "signed-in requests that change something need the X-CSRF-Token header"}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
