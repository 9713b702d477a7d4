"""API requests that carry a body but no ``Content-Type`` are read as JSON.

``curl --data-binary @file`` or a hand-written client often omits the header;
FastAPI would then see bytes and answer "Input should be a valid dictionary".
Only a missing header is filled in: a body declared as ``text/plain`` or form
data is still refused (with a message saying to send JSON), because those are
the types a page on another site can post without a CORS preflight.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class JsonByDefault:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in BODY_METHODS
            and scope["path"].startswith("/api/")
            and not any(name == b"content-type" for name, _ in scope["headers"])
        ):
            headers = [*scope["headers"], (b"content-type", b"application/json")]
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)
