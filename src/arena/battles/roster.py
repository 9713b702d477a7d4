"""The contestants a server can use right now: registry entries with a working provider.

A model whose key is missing or whose endpoint is down is left out of new
battles with a logged reason; the server still starts.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from arena.errors import ArenaError
from arena.providers import build_provider
from arena.providers.base import Provider
from arena.registry import ModelSpec, Registry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Contestant:
    spec: ModelSpec
    provider: Provider

    @property
    def name(self) -> str:
        return self.spec.name


class Roster:
    def __init__(self, contestants: dict[str, Contestant], skipped: dict[str, str]) -> None:
        self._contestants = contestants
        self.skipped = skipped

    @classmethod
    async def build(cls, registry: Registry) -> Roster:
        contestants: dict[str, Contestant] = {}
        skipped: dict[str, str] = {}
        for spec in registry.models:
            try:
                provider = build_provider(spec)
                reason = await provider.check()
            except ArenaError as exc:
                reason = str(exc)
            except Exception as exc:  # a broken entry must not stop the server
                reason = f"{type(exc).__name__}: {exc}"
            if reason is None:
                contestants[spec.name] = Contestant(spec, provider)
            else:
                skipped[spec.name] = reason
                log.warning("model %s is not available for battles: %s", spec.name, reason)
        return cls(contestants, skipped)

    def get(self, name: str) -> Contestant | None:
        return self._contestants.get(name)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._contestants.values())

    async def aclose(self) -> None:
        await asyncio.gather(
            *(c.provider.aclose() for c in self._contestants.values()), return_exceptions=True
        )
