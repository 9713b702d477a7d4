"""The contestants a server can use right now: registry entries with a working provider.

A model whose key is missing or whose endpoint is down is left out of new
battles with a logged reason; the server still starts.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from arena.errors import ArenaError
from arena.providers import build_provider
from arena.providers.base import Provider
from arena.registry import ModelSpec, Registry
from arena.vocabulary import Arena

if TYPE_CHECKING:
    from arena.search import SearchBackend

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Contestant:
    spec: ModelSpec
    provider: Provider
    search: SearchBackend | None = None
    """Where Arena searches for this model in the search arena (None: it searches by
    itself, or does not serve that arena)."""

    @property
    def name(self) -> str:
        return self.spec.name


class Roster:
    def __init__(
        self,
        contestants: dict[str, Contestant],
        skipped: dict[str, str],
        backends: dict[str, SearchBackend] | None = None,
    ) -> None:
        self._contestants = contestants
        self.skipped = skipped
        self._backends = backends or {}

    @classmethod
    async def build(cls, registry: Registry) -> Roster:
        contestants: dict[str, Contestant] = {}
        skipped: dict[str, str] = {}
        backends = _search_backends(registry)
        for spec in registry.models:
            try:
                provider = build_provider(spec)
                reason = await provider.check()
            except ArenaError as exc:
                reason = str(exc)
            except Exception as exc:  # a broken entry must not stop the server
                reason = f"{type(exc).__name__}: {exc}"
            if reason is None:
                contestants[spec.name] = Contestant(spec, provider, _backend_of(spec, backends))
            else:
                skipped[spec.name] = reason
                log.warning("model %s is not available for battles: %s", spec.name, reason)
        return cls(contestants, skipped, backends)

    def get(self, name: str) -> Contestant | None:
        return self._contestants.get(name)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._contestants.values())

    async def aclose(self) -> None:
        await asyncio.gather(
            *(c.provider.aclose() for c in self._contestants.values()),
            *(b.aclose() for b in self._backends.values()),
            return_exceptions=True,
        )


def _search_backends(registry: Registry) -> dict[str, SearchBackend]:
    if not any(spec.serves(Arena.search) for spec in registry.models):
        return {}  # nothing to build: no model searches
    from arena.search import build_backends

    return build_backends(registry.search_backends)


def _backend_of(spec: ModelSpec, backends: dict[str, SearchBackend]) -> SearchBackend | None:
    if not spec.serves(Arena.search) or spec.search == "native":
        return None
    from arena.search import DEFAULT_BACKEND

    return backends[spec.search_backend or DEFAULT_BACKEND]
