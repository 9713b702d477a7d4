"""What every request passes before any route: size, text validity, security headers.

- Bodies over ``max_body_bytes`` get 413: at once when ``Content-Length`` says so,
  and while reading when a chunked body grows past it. Nothing larger is buffered.
  Upload paths (``upload_limits``: images) have their own, larger limit.
- Text must be valid: a NUL character, an unpaired surrogate or bytes that are not
  UTF-8 in the path, the query or a JSON body, or any control character in the URL, get
  422 here, so no store (PostgreSQL
  refuses NUL in text) and no model ever sees them.
- Every response carries a Content-Security-Policy (scripts, styles, fonts and
  connections from this origin only; images from this origin and ``data:``; no
  framing), ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``.
  A route that sets its own CSP keeps it; ``/docs`` has no exception (its assets are local).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "EdgeMiddleware", "invalid_text"]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def invalid_text(value: str) -> bool:
    """True if ``value`` holds NUL or an unpaired surrogate (not storable as UTF-8)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_CONTROL = bytes(range(0x20)) + b"\x7f"


def _bad_url_part(raw: bytes) -> bool:
    """Percent-decoded path or query bytes that are not clean UTF-8 text: NUL or another
    control character (no identifier, number or name of this API holds one; ``\r9`` is
    not a number), or bytes that are not UTF-8."""
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if decoded != decoded.translate(None, _CONTROL):
        return True
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _bad_json(body: bytes) -> bool:
    """NUL or a lone surrogate anywhere in a JSON body's strings (keys included).

    Both can only arrive as ``\\u`` escapes (raw NUL is not JSON, raw surrogates are not
    UTF-8), so bodies without ``\\u`` skip the parse. Invalid JSON is left to the route.
    """
    if b"\\u" not in body:
        return False
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    stack: list[Any] = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if invalid_text(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class _TooLarge(Exception):
    pass


class EdgeMiddleware:
    def __init__(
        self, app: ASGIApp, max_body_bytes: int, upload_limits: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # Paths that take files (image uploads) and their own, larger limit.
        self.upload_limits = upload_limits or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(scope, send)
        path = scope.get("raw_path") or scope["path"].encode()
        if _bad_url_part(path) or _bad_url_part(scope.get("query_string", b"")):
            await _error(send, 422, "the URL holds a control character or bytes that are not UTF-8")
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.upload_limits.get(scope["path"].rstrip("/"), self.max_body_bytes)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _error(send, 413, f"the request body is larger than {limit} bytes")
            return
        try:
            body, more = await _read_body(receive, limit)
        except _TooLarge:
            await _error(send, 413, f"the request body is larger than {limit} bytes")
            return
        if _is_json(scope) and _bad_json(body):
            await _error(send, 422, "text must not hold NUL characters or unpaired surrogates")
            return
        await self.app(scope, _replay(body, more, receive), send)

    @staticmethod
    def _with_headers(scope: Scope, send: Send) -> Send:
        csp = CSP

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", csp.encode()))
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in names)
                message["headers"] = headers
            await send(message)

        return wrapped


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return b"json" in value.lower()
    return True  # FastAPI reads a JSON body without a content type too


async def _read_body(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The whole body, refusing it once past ``limit``; and whether the client is still there."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, connected: bool, receive: Receive) -> Receive:
    """A ``receive`` that gives the buffered body once, then the real channel (disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if not connected:
            return {"type": "http.disconnect"}
        return await receive()

    return replay


async def _error(send: Send, status: int, message: str) -> None:
    payload = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
