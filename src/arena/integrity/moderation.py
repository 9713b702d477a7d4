"""The moderation hook: a prompt is checked before any model sees it.

Invariant: ``Moderator.check`` runs before ``BattleService.turn``, so a refused
prompt never reaches a provider (no tokens spent, nothing stored).

Two checks, cheapest first:

- a block list (``ARENA_BLOCKED_TERMS_FILE``): one entry per line, case-insensitive.
  ``/.../`` is a regular expression; anything else is a literal term matched as a
  whole word or phrase, so ``ass`` does not block ``class``. Blank lines and lines
  starting with ``#`` are ignored. A bad regex stops start-up, naming its line.
- an OpenAI-compatible moderation endpoint (``ARENA_MODERATION_URL``), asked
  ``POST {url}/moderations`` with a short timeout; ``results[0].flagged`` refuses.
  If the endpoint is down or answers nonsense the prompt is refused with 503
  (fail-closed): an operator who configured moderation wants it enforced, and the
  user can simply retry, whereas an unmoderated prompt cannot be taken back.
"""

from __future__ import annotations

import base64
import logging
import os
import re
from pathlib import Path

import httpx

from arena.errors import InvalidInput, ServiceUnavailable
from arena.settings import Settings

log = logging.getLogger(__name__)

REFUSED = "This prompt was refused by the moderation policy."
IMAGE_REFUSED = "This image was refused by the moderation policy."
UNAVAILABLE = "moderation unavailable, try again"
ENDPOINT_TIMEOUT_S = 5.0


def load_blocked_terms(path: str | Path) -> list[re.Pattern[str]]:
    """Compile the block list; raises ``InvalidInput`` naming the file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read ARENA_BLOCKED_TERMS_FILE {path}: {exc}") from None
    patterns = []
    for number, raw in enumerate(text.splitlines(), start=1):
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        if len(entry) > 2 and entry.startswith("/") and entry.endswith("/"):
            try:
                patterns.append(re.compile(entry[1:-1], re.IGNORECASE))
            except re.error as exc:
                raise InvalidInput(f"{path}:{number}: bad regular expression: {exc}") from None
        else:
            words = r"\s+".join(re.escape(word) for word in entry.split())
            patterns.append(re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE))
    return patterns


class ModerationEndpoint:
    """An OpenAI-compatible ``/moderations`` API; the HTTP client opens on first use."""

    def __init__(self, base_url: str, model: str, api_key: str | None) -> None:
        self.url = base_url.rstrip("/") + "/moderations"
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client: httpx.AsyncClient | None = None

    async def flagged(self, prompt: str | list[dict[str, object]]) -> bool:
        """``prompt`` is text, or typed parts (an image as a data URL), as the API takes."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=ENDPOINT_TIMEOUT_S, headers=self._headers)
        try:
            response = await self._client.post(
                self.url, json={"input": prompt, "model": self._model}
            )
            response.raise_for_status()
            return bool(response.json()["results"][0]["flagged"])
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("moderation endpoint %s failed: %r", self.url, exc)
            raise ServiceUnavailable(UNAVAILABLE) from None

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class Moderator:
    """Decides whether a prompt may be sent to the models."""

    def __init__(
        self, blocked: list[re.Pattern[str]], endpoint: ModerationEndpoint | None = None
    ) -> None:
        self._blocked = blocked
        self._endpoint = endpoint

    @classmethod
    def from_settings(cls, settings: Settings) -> Moderator:
        """Read the block list and resolve the key now, so mistakes stop start-up."""
        blocked = (
            load_blocked_terms(settings.blocked_terms_file) if settings.blocked_terms_file else []
        )
        endpoint = None
        if settings.moderation_url:
            key = None
            if settings.moderation_api_key_env:
                name = settings.moderation_api_key_env
                key = os.environ.get(name)
                if not key:
                    raise InvalidInput(
                        f"ARENA_MODERATION_API_KEY_ENV names {name}, but {name} is not set"
                    )
            endpoint = ModerationEndpoint(settings.moderation_url, settings.moderation_model, key)
        return cls(blocked, endpoint)

    async def check(self, prompt: str) -> str | None:
        """``None`` when the prompt may go on, else why it was refused (for logs only).

        Raises ``ServiceUnavailable`` when the moderation endpoint cannot answer.
        """
        for pattern in self._blocked:
            if pattern.search(prompt):
                return f"block list: {pattern.pattern}"
        if self._endpoint is not None and await self._endpoint.flagged(prompt):
            return "flagged by the moderation endpoint"
        return None

    async def enforce(self, prompt: str) -> None:
        """Raise ``InvalidInput`` with the public refusal message if ``check`` refuses."""
        reason = await self.check(prompt)
        if reason is not None:
            log.info("prompt refused: %s", reason)
            raise InvalidInput(REFUSED)

    async def enforce_image(self, data: bytes, mime_type: str) -> None:
        """Images go to the moderation endpoint too (as a data URL); the block list is text."""
        if self._endpoint is None:
            return
        url = f"data:{mime_type};base64,{base64.b64encode(data).decode()}"
        if await self._endpoint.flagged([{"type": "image_url", "image_url": {"url": url}}]):
            log.info("image refused: flagged by the moderation endpoint")
            raise InvalidInput(IMAGE_REFUSED)

    async def aclose(self) -> None:
        if self._endpoint is not None:
            await self._endpoint.aclose()
