"""Talking to models: one ``Provider`` interface, one class per kind of backend.

``build_provider`` turns a registry entry into a ready provider by looking its
``provider`` field up in ``PROVIDER_KINDS``, which the classes fill in
themselves when their modules are imported below. Adding a backend means
adding a module with a ``ProviderBase`` subclass and importing it here.
"""

from __future__ import annotations

from arena.errors import ProviderError, ProviderUnavailable
from arena.providers import anthropic as _anthropic
from arena.providers import local as _local
from arena.providers import openai_compat as _openai_compat
from arena.providers import openai_images as _openai_images
from arena.providers.base import ChatMessage, Delta, GenerationParams, Provider, Timeouts, Usage
from arena.providers.common import PROVIDER_KINDS, ProviderBase
from arena.providers.timeouts import guard, guarded_stream
from arena.registry import ModelSpec

__all__ = [
    "PROVIDER_KINDS",
    "ChatMessage",
    "Delta",
    "GenerationParams",
    "Provider",
    "ProviderBase",
    "ProviderError",
    "ProviderUnavailable",
    "Timeouts",
    "Usage",
    "build_provider",
    "guard",
    "guarded_stream",
]

_BUILT_IN = (_anthropic, _local, _openai_compat, _openai_images)  # imported for their registration


def build_provider(spec: ModelSpec) -> Provider:
    """A provider for ``spec``. Cheap: no network and no model loading happen here.

    Raises ``ProviderUnavailable`` when the entry cannot work at all (for example
    its ``api_key_env`` variable is unset); callers skip such models with the
    message as the logged reason.
    """
    cls = PROVIDER_KINDS.get(spec.provider)
    if cls is None:
        known = ", ".join(sorted(PROVIDER_KINDS))
        raise ProviderUnavailable(
            f"model {spec.name!r}: unknown provider {spec.provider!r} ({known})"
        )
    return cls(spec)
