"""A SearXNG instance as a search backend: its JSON API (``/search?format=json``).

The instance is the operator's (configured in the registry), so it is trusted even on
loopback; the results it lists are not: their text only goes to the model, and their
URLs are listed as sources without being fetched.
"""

from __future__ import annotations

from typing import Any

import httpx

from arena.registry import SearchBackendSpec
from arena.search import Passage
from arena.search.corpus import SearchError

MAX_RESPONSE_BYTES = 2_000_000
MAX_SNIPPET_CHARS = 1_500


class SearxngBackend:
    kind = "searxng"

    def __init__(self, spec: SearchBackendSpec) -> None:
        self.name = spec.name
        self.results = spec.results
        self._url = (spec.url or "").rstrip("/") + "/search"
        self._client = httpx.AsyncClient(timeout=spec.timeout, follow_redirects=False)

    async def search(self, query: str, limit: int | None = None) -> list[Passage]:
        params = {"q": query, "format": "json"}
        try:
            async with self._client.stream("GET", self._url, params=params) as response:
                if response.status_code != 200:
                    raise SearchError(f"SearXNG answered HTTP {response.status_code}")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_RESPONSE_BYTES:
                        raise SearchError("SearXNG's answer is too large")
        except httpx.HTTPError as exc:
            raise SearchError(f"SearXNG unreachable: {type(exc).__name__}") from None
        try:
            data = httpx.Response(200, content=bytes(body)).json()
        except ValueError:
            raise SearchError("SearXNG did not answer JSON (is format=json enabled?)") from None
        return parse_results(data, limit or self.results)

    async def aclose(self) -> None:
        await self._client.aclose()


def parse_results(data: Any, limit: int) -> list[Passage]:
    """Passages from SearXNG's ``results``; entries without an http(s) URL are skipped."""
    results = data.get("results") if isinstance(data, dict) else None
    out: list[Passage] = []
    for item in results if isinstance(results, list) else []:
        if not isinstance(item, dict):
            continue
        url = item.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            continue
        title = item.get("title") if isinstance(item.get("title"), str) else url
        text = item.get("content") if isinstance(item.get("content"), str) else ""
        out.append(Passage(url, title[:300], text[:MAX_SNIPPET_CHARS]))
        if len(out) >= limit:
            break
    return out
