"""The OpenAI Images API (``/v1/images/generations`` and ``/v1/images/edits``).

OpenAI and the servers that copy its protocol answer a prompt with a picture, not a
stream. To keep one battle flow for every arena, this provider still speaks the
``Provider`` stream: it yields one ``Delta`` carrying the image bytes, then the
closing delta. The last user message's text is the prompt; if that message carries
an image, the request is an edit of it, else a generation.

A provider's own image URL never leaves this module: when the upstream answers
with ``url`` instead of ``b64_json``, the bytes are fetched here, server-side, so
the browser only ever sees Arena's cleaned copy.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx

from arena.errors import ProviderError
from arena.providers.base import ChatMessage, Delta, GenerationParams, ImageInput, Usage
from arena.providers.common import ProviderBase, api_key_from_env

MAX_IMAGE_BYTES = 20 * 1024 * 1024
_SUFFIX = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}


class OpenAIImagesProvider(ProviderBase):
    kind = "openai_images"

    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        key = api_key_from_env(spec)
        self._client = httpx.AsyncClient(
            base_url=str(spec.base_url).rstrip("/") + "/",
            headers={"Authorization": f"Bearer {key}"} if key else {},
            timeout=httpx.Timeout(spec.timeout_total, connect=spec.timeout_connect),
        )

    async def _generate(
        self, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> AsyncIterator[Delta]:
        last = next((m for m in reversed(messages) if m.role == "user"), None)
        if last is None or not last.content.strip():
            raise ProviderError("an image request needs a prompt")
        fields: dict[str, Any] = {"model": self.spec.upstream_model, "prompt": last.content}
        fields.update(params.extra)
        if last.images:
            source = last.images[-1]
            files = {"image": (f"image.{_SUFFIX.get(source.mime_type, 'png')}", source.data)}
            form = {k: str(v) for k, v in fields.items()}
            response = await self._client.post("images/edits", data=form, files=files)
        else:
            response = await self._client.post(
                "images/generations", json={**fields, "response_format": "b64_json"}
            )
        if response.status_code >= 400:
            raise ProviderError(f"images endpoint answered HTTP {response.status_code}")
        image = await self._read_image(response)
        yield Delta(image=image)
        yield Delta(usage=Usage(), finish_reason="stop")

    async def _read_image(self, response: httpx.Response) -> ImageInput:
        try:
            first = response.json()["data"][0]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ProviderError("images endpoint answered without an image") from None
        if first.get("b64_json"):
            try:
                data = base64.b64decode(first["b64_json"], validate=True)
            except (binascii.Error, ValueError):
                raise ProviderError("images endpoint sent invalid base64") from None
        elif first.get("url"):
            fetched = await self._client.get(first["url"])
            if fetched.status_code >= 400:
                raise ProviderError(f"image download answered HTTP {fetched.status_code}")
            data = fetched.content
        else:
            raise ProviderError("images endpoint answered without an image")
        if not data or len(data) > MAX_IMAGE_BYTES:
            raise ProviderError("images endpoint sent an empty or oversized image")
        # The type is learnt when the image is cleaned; this is only a hint.
        return ImageInput(data, "image/png")

    async def aclose(self) -> None:
        await self._client.aclose()
