"""Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp server, gateways).

One class, configured per registry entry; vendors differ only in ``base_url``,
model id and key. One ``AsyncOpenAI`` client per provider keeps a connection
pool warm. Retries are off: a retry after part of a reply was streamed would
splice two different answers together.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from arena.errors import ProviderError
from arena.providers.base import ChatMessage, Delta, GenerationParams, Usage
from arena.providers.common import ProviderBase, api_key_from_env
from arena.providers.timeouts import describe
from arena.registry import ModelSpec

if TYPE_CHECKING:
    import openai

log = logging.getLogger(__name__)

# Local servers (Ollama, vLLM) ignore the key but the SDK insists on one.
UNUSED_KEY = "unused"


def _content(message: ChatMessage) -> str | list[dict[str, Any]]:
    """Plain text, or typed parts with each image as a data URL (vLLM, llama.cpp server,
    Ollama and OpenAI all accept ``image_url`` parts in this form)."""
    if not message.images:
        return message.content
    parts: list[dict[str, Any]] = [{"type": "text", "text": message.content}]
    parts += [{"type": "image_url", "image_url": {"url": i.data_url()}} for i in message.images]
    return parts


class OpenAICompatProvider(ProviderBase):
    kind = "openai"

    def __init__(self, spec: ModelSpec) -> None:
        import openai  # imported on first use: the SDK costs seconds at start-up

        super().__init__(spec)
        self._client = openai.AsyncOpenAI(
            base_url=spec.base_url,
            api_key=api_key_from_env(spec) or UNUSED_KEY,
            max_retries=0,
            # The SDK's aiohttp transport: measured at 40% less CPU per streamed
            # request than its default, and every turn opens two of them.
            http_client=openai.DefaultAioHttpClient(),
            timeout=openai.Timeout(
                spec.timeout_total, connect=spec.timeout_connect, pool=spec.timeout_connect
            ),
        )
        # Some compatible servers reject ``stream_options``; learnt on first refusal.
        self._ask_usage = True

    async def _generate(
        self, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> AsyncIterator[Delta]:
        stream = await self._open(messages, params)
        text_seen = False
        finish: str | None = None
        usage: Usage | None = None
        # Search-augmented endpoints add their sources to the chunks (Perplexity's
        # ``citations`` and ``search_results``, OpenAI's ``url_citation`` annotations).
        cited: dict[str, Any] = {}
        try:
            # The SDK sends the request, authenticates and maps HTTP errors; the events
            # are read from the raw response, because building a pydantic model for
            # every chunk was most of Arena's per-turn CPU.
            async for line in stream.response.aiter_lines():
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                chunk = json.loads(payload)
                if chunk.get("error"):
                    raise ProviderError(f"upstream error event: {str(chunk['error'])[:200]}")
                if chunk.get("usage"):
                    usage = Usage(
                        chunk["usage"].get("prompt_tokens") or 0,
                        chunk["usage"].get("completion_tokens") or 0,
                    )
                for key in ("citations", "search_results"):
                    if isinstance(chunk.get(key), list):
                        cited[key] = chunk[key]
                for choice in (chunk.get("choices") or [])[:1]:
                    notes = (choice.get("delta") or {}).get("annotations")
                    if isinstance(notes, list):
                        cited.setdefault("annotations", []).extend(notes)
                    content = (choice.get("delta") or {}).get("content")
                    if content:
                        text_seen = True
                        yield Delta(text=content)
                    if choice.get("finish_reason"):
                        finish = choice["finish_reason"]
        finally:
            await stream.close()
        if finish is None:
            # The SDK ends quietly when the connection closes between events.
            kind = "after partial text" if text_seen else "before any text"
            raise ProviderError(f"stream closed {kind} without a finish_reason")
        yield Delta(usage=usage, finish_reason=finish, cited=cited or None)

    async def _open(
        self, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> openai.AsyncStream[Any]:
        import openai

        request: dict[str, Any] = {
            "model": self.spec.upstream_model,
            "messages": [{"role": m.role, "content": _content(m)} for m in messages],
            "stream": True,
        }
        if params.temperature is not None:
            request["temperature"] = params.temperature
        if params.top_p is not None:
            request["top_p"] = params.top_p
        if params.max_tokens is not None:
            request["max_tokens"] = params.max_tokens
        request.update(params.extra)
        if self._ask_usage:
            try:
                return await self._post(
                    {**request, "stream_options": {"include_usage": True}}, openai
                )
            except openai.BadRequestError as exc:
                if "stream_options" not in str(exc):
                    raise
                log.info(
                    "%s: endpoint rejects stream_options; continuing without usage", self.spec.name
                )
                self._ask_usage = False
        return await self._post(request, openai)

    async def _post(self, body: dict[str, Any], openai: Any) -> openai.AsyncStream[Any]:
        """POST the body as built, through the SDK's client (auth, base URL, error types).

        ``chat.completions.create`` would first walk the whole conversation through
        the SDK's typed-params transform; that walk was the largest part of Arena's
        time to first delta, and the body is already in wire format.
        """
        return await self._client.post(
            "/chat/completions",
            cast_to=object,
            body=body,
            stream=True,
            stream_cls=openai.AsyncStream[Any],
        )

    async def check(self) -> str | None:
        import openai

        """Reachability and key validity; endpoints without ``/models`` count as reachable."""
        try:
            await self._client.models.list(timeout=self.spec.timeout_connect)
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            return f"key rejected by {self.spec.base_url}: {describe(exc)}"
        except openai.APIStatusError:
            return None
        except openai.APIError as exc:
            return f"endpoint {self.spec.base_url} unreachable: {describe(exc)}"
        return None

    async def aclose(self) -> None:
        await self._client.close()
