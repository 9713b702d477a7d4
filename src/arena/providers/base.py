"""The one interface every model backend implements.

A provider turns a conversation into a stream of text deltas, ending with one
final delta that carries usage and the finish reason. Everything above this
layer (battles, web) depends only on this module, so adding a backend means
adding a class, never editing a switch.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ImageInput:
    """Image bytes already cleaned by ``arena.images``; providers only pass them on."""

    data: bytes
    mime_type: str

    def data_url(self) -> str:
        return f"data:{self.mime_type};base64,{base64.b64encode(self.data).decode()}"

    def base64(self) -> str:
        return base64.b64encode(self.data).decode()


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str
    images: tuple[ImageInput, ...] = ()
    """Images attached to this message (the vision arena); most messages have none."""


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Delta:
    """A piece of a reply. The last delta of a stream has ``finish_reason`` set."""

    text: str = ""
    usage: Usage | None = None
    finish_reason: str | None = None
    image: ImageInput | None = None
    """A picture the model made (image arenas), as the upstream sent it: not yet cleaned."""
    cited: dict[str, Any] | None = None
    """The sources a model that searches by itself cited, as its upstream sent them
    (``citations``, ``search_results``, ``annotations``); on the last delta only."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds. ``first_token`` bounds the wait for the first delta, ``total`` the whole reply."""

    connect: float = 10.0
    first_token: float = 60.0
    total: float = 300.0


@dataclass(frozen=True, slots=True)
class GenerationParams:
    """Sampling parameters; ``extra`` is passed to the backend untouched."""

    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Provider(Protocol):
    """A configured model endpoint that can stream chat replies."""

    kind: ClassVar[str]

    def stream(
        self, messages: Sequence[ChatMessage], params: GenerationParams
    ) -> AsyncIterator[Delta]:
        """Yield deltas; raise ``arena.errors.ProviderError`` on failure."""
        ...

    async def check(self) -> str | None:
        """Return ``None`` if usable for new battles, else a reason for the log."""
        ...

    async def aclose(self) -> None: ...
