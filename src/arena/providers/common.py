"""What every concrete provider shares, and the table of provider kinds.

A subclass of ``ProviderBase`` with a ``kind`` registers itself on definition,
so ``build_provider`` looks a registry entry's ``provider`` field up in a table
instead of a switch. The base class owns the parts that must be identical for
every backend: registry defaults under per-call parameters, the system prompt,
and the timeout/error guard. Subclasses only implement ``_generate``.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import ClassVar

from arena.errors import ProviderUnavailable
from arena.providers.base import ChatMessage, Delta, GenerationParams, Timeouts
from arena.providers.timeouts import guard
from arena.registry import ModelSpec

PROVIDER_KINDS: dict[str, type[ProviderBase]] = {}


class ProviderBase(ABC):
    """Base of the built-in providers; satisfies the ``Provider`` protocol."""

    kind: ClassVar[str]
    # The reply limit the backend applies when neither registry nor call sets one
    # (None: unknown, e.g. an OpenAI-compatible server's own default).
    default_max_tokens: ClassVar[int | None] = None

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if kind is None:
            return
        if kind in PROVIDER_KINDS and PROVIDER_KINDS[kind] is not cls:
            raise TypeError(f"provider kind {kind!r} is registered twice")
        PROVIDER_KINDS[kind] = cls

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.defaults = GenerationParams(
            temperature=spec.temperature,
            max_tokens=spec.max_tokens,
            top_p=spec.top_p,
            extra=dict(spec.extra_params),
        )
        self.timeouts = Timeouts(
            connect=spec.timeout_connect,
            first_token=spec.timeout_first_token,
            total=spec.timeout_total,
        )

    def stream(
        self, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> AsyncGenerator[Delta, None]:
        """Yield text deltas, then one delta with usage and ``finish_reason``.

        Raises only ``ProviderError``. Closing the generator early stops the backend.
        """
        prepared = with_system_prompt(messages, self.spec.system_prompt)
        return guard(self._generate(prepared, merge_params(self.defaults, params)), self.timeouts)

    @abstractmethod
    def _generate(
        self, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> AsyncIterator[Delta]:
        """The raw backend stream; may raise anything, the guard translates it."""

    @property
    def max_tokens(self) -> int | None:
        """The reply limit in force for a call with the registry's parameters."""
        return self.defaults.max_tokens or self.default_max_tokens

    @property
    def context_tokens(self) -> int | None:
        """How many tokens a conversation plus its reply may take; None: unknown."""
        return self.spec.context_tokens

    async def count_tokens(self, messages: Sequence[ChatMessage]) -> int | None:
        """Tokens ``messages`` take in the model's context, counted before sending.

        Without the model's tokenizer this is a deliberately high estimate (one
        token per three characters, plus a few per message for the chat markup),
        so a turn refused is one that would not have fitted; None when the model's
        context size is unknown, as nothing can be refused then.
        """
        if self.context_tokens is None:
            return None
        prepared = with_system_prompt(messages, self.spec.system_prompt)
        return sum(-(-len(m.content) // 3) + 8 for m in prepared) + 8

    async def check(self) -> str | None:
        return None

    async def warm(self) -> None:
        """Do slow one-off set-up now (e.g. load weights) instead of in the first reply."""
        return None

    async def aclose(self) -> None:
        return None


def merge_params(defaults: GenerationParams, override: GenerationParams) -> GenerationParams:
    """Per-call values win over the registry's; ``extra`` dicts merge key by key."""
    return GenerationParams(
        temperature=override.temperature
        if override.temperature is not None
        else defaults.temperature,
        max_tokens=override.max_tokens if override.max_tokens is not None else defaults.max_tokens,
        top_p=override.top_p if override.top_p is not None else defaults.top_p,
        extra={**defaults.extra, **override.extra},
    )


def with_system_prompt(
    messages: Sequence[ChatMessage], system_prompt: str | None
) -> list[ChatMessage]:
    """Prepend the registry's system prompt unless the conversation brings its own."""
    if system_prompt and not (messages and messages[0].role == "system"):
        return [ChatMessage("system", system_prompt), *messages]
    return list(messages)


def api_key_from_env(spec: ModelSpec, default_env: str | None = None) -> str | None:
    """The key named by ``api_key_env`` (or ``default_env``); ``None`` if neither is set.

    A named but unset variable is an operator mistake worth a precise message,
    so it raises ``ProviderUnavailable`` naming the variable.
    """
    env = spec.api_key_env or default_env
    if env is None:
        return None
    key = os.environ.get(env, "").strip()
    if not key:
        raise ProviderUnavailable(
            f"model {spec.name!r}: environment variable {env} is not set (it must hold the API key)"
        )
    return key
