"""What the edge middlewares cost per request: client cookie, size and text checks, headers.

Calls a constant ASGI endpoint directly (no network), bare and wrapped, alternating in
rounds in one process, and prints microseconds per request and the added cost.

    python -m bench.edge
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from arena.web.client_cookie import ClientCookieMiddleware
from arena.web.edge import EdgeMiddleware

BODY = json.dumps({"prompt": "Explain the difference between a list and a tuple. " * 20}).encode()
COOKIE = (b"cookie", b"arena_client=" + b"A" * 43)


async def endpoint(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["method"] == "POST":
        while (await receive()).get("more_body"):
            pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def _scope(method: str, body: bytes, cookie: bool) -> dict[str, Any]:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if cookie:
        headers.append(COOKIE)
    return {
        "type": "http",
        "method": method,
        "path": "/api/v1/battles/0b0c1d2e-aaaa-bbbb-cccc-000000000000/turns",
        "raw_path": b"/api/v1/battles/0b0c1d2e-aaaa-bbbb-cccc-000000000000/turns",
        "query_string": b"",
        "headers": headers,
        "scheme": "http",
    }


async def _run(app: Any, scope: dict[str, Any], body: bytes, n: int) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(_message: dict[str, Any]) -> None:
        pass

    started = time.perf_counter()
    for _ in range(n):
        await app(dict(scope, headers=list(scope["headers"])), receive, send)
    return (time.perf_counter() - started) / n * 1e6


async def main() -> None:
    wrapped = ClientCookieMiddleware(EdgeMiddleware(endpoint, max_body_bytes=1 << 20))
    cases = {
        "GET, no cookie (first contact)": ("GET", b"", False),
        "GET, with cookie": ("GET", b"", True),
        "POST 1 kB JSON, with cookie": ("POST", BODY, True),
    }
    n, rounds = 5000, 5
    print("edge middlewares, microseconds per request (best of rounds):")
    for label, (method, body, cookie) in cases.items():
        scope = _scope(method, body, cookie)
        bare = min([await _run(endpoint, scope, body, n) for _ in range(rounds)])
        edge = min([await _run(wrapped, scope, body, n) for _ in range(rounds)])
        print(
            f"  {label:32s} bare {bare:6.1f}  with edge {edge:6.1f}  added {edge - bare:6.1f}"
            f"  (ratio {edge / bare:5.1f}x of an empty endpoint)"
        )


if __name__ == "__main__":
    asyncio.run(main())
