"""Anthropic's Messages API, streamed with the official async SDK.

The Messages API differs from chat completions in ways that matter here: the
system prompt is a separate field, ``max_tokens`` is mandatory, and a reply is
only complete once ``message_delta`` carries a ``stop_reason``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from arena.errors import ProviderError
from arena.providers.base import ChatMessage, Delta, GenerationParams, Usage
from arena.providers.common import ProviderBase, api_key_from_env
from arena.providers.timeouts import describe
from arena.registry import ModelSpec

DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY"
# The API refuses requests without max_tokens; this bounds a reply when the registry doesn't.
DEFAULT_MAX_TOKENS = 1024


def _content(message: ChatMessage) -> str | list[dict[str, Any]]:
    """Plain text, or image blocks (base64 source) followed by the text block."""
    if not message.images:
        return message.content
    blocks: list[dict[str, Any]] = [
        {
            "type": "image",
            "source": {"type": "base64", "media_type": i.mime_type, "data": i.base64()},
        }
        for i in message.images
    ]
    return [*blocks, {"type": "text", "text": message.content}]


class AnthropicProvider(ProviderBase):
    kind = "anthropic"
    default_max_tokens = DEFAULT_MAX_TOKENS

    def __init__(self, spec: ModelSpec) -> None:
        import anthropic  # imported on first use: the SDK costs seconds at start-up

        super().__init__(spec)
        base_url = spec.base_url
        if base_url is not None:
            # The SDK appends /v1/messages itself; accept OpenAI-style URLs ending in /v1 too.
            base_url = base_url.rstrip("/").removesuffix("/v1")
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key_from_env(spec, DEFAULT_KEY_ENV),
            base_url=base_url,
            max_retries=0,
            timeout=anthropic.Timeout(
                spec.timeout_total, connect=spec.timeout_connect, pool=spec.timeout_connect
            ),
        )

    async def _generate(
        self, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> AsyncIterator[Delta]:
        stream = await self._client.messages.create(**self._request(messages, params))
        prompt_tokens = completion_tokens = 0
        stop_reason: str | None = None
        try:
            async for event in stream:
                if event.type == "message_start":
                    prompt_tokens = event.message.usage.input_tokens or 0
                elif event.type == "content_block_delta":
                    text = getattr(event.delta, "text", None)
                    if text:
                        yield Delta(text=text)
                elif event.type == "message_delta":
                    stop_reason = event.delta.stop_reason or stop_reason
                    completion_tokens = event.usage.output_tokens or completion_tokens
        finally:
            await stream.close()
        if stop_reason is None:
            raise ProviderError("stream closed without a stop_reason (truncated reply)")
        yield Delta(usage=Usage(prompt_tokens, completion_tokens), finish_reason=stop_reason)

    def _request(self, messages: Sequence[ChatMessage], params: GenerationParams) -> dict[str, Any]:
        system = "\n\n".join(m.content for m in messages if m.role == "system")
        request: dict[str, Any] = {
            "model": self.spec.upstream_model,
            "messages": [
                {"role": m.role, "content": _content(m)} for m in messages if m.role != "system"
            ],
            "max_tokens": params.max_tokens or DEFAULT_MAX_TOKENS,
            "stream": True,
        }
        if system:
            request["system"] = system
        if params.temperature is not None:
            request["temperature"] = params.temperature
        if params.top_p is not None:
            request["top_p"] = params.top_p
        if params.extra:
            request["extra_body"] = dict(params.extra)
        return request

    async def check(self) -> str | None:
        import anthropic

        try:
            await self._client.models.list(timeout=self.spec.timeout_connect)
        except (anthropic.AuthenticationError, anthropic.PermissionDeniedError) as exc:
            return f"key rejected: {describe(exc)}"
        except anthropic.APIStatusError:
            return None
        except anthropic.APIError as exc:
            return f"endpoint unreachable: {describe(exc)}"
        return None

    async def aclose(self) -> None:
        await self._client.close()
