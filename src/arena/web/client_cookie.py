"""The client cookie: how the server knows which client created a battle.

On first contact the server sets ``arena_client``, a random token, HTTP-only (page
scripts cannot read it) and ``SameSite=Lax`` (another site cannot post with it). Browsers
send it back by themselves; API clients keep it in a cookie jar. The token itself is
never stored: battles keep ``client_key(secret, token)`` (see ``arena.battles.ownership``).
A request without a valid cookie gets a fresh one, and so cannot touch earlier battles.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from arena.web.cookies import cookie_header, read_token

__all__ = ["COOKIE_NAME", "ClientCookieMiddleware", "client_cookie", "client_token"]

COOKIE_NAME = "arena_client"
MAX_AGE_S = 400 * 24 * 3600  # the longest lifetime browsers honour


def client_token(scope: Scope) -> str | None:
    """The request's client token, set by the middleware."""
    return scope.get("state", {}).get("client_token")


def client_cookie(token: str, https: bool) -> str:
    """The Set-Cookie value for a client token."""
    return cookie_header(COOKIE_NAME, token, MAX_AGE_S, https)


class ClientCookieMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = read_token(scope["headers"], COOKIE_NAME)
        fresh = token is None
        if token is None:
            token = secrets.token_urlsafe(32)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["client_token"] = token

        async def send_with_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                cookie = client_cookie(token, scope.get("scheme") == "https")
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)
