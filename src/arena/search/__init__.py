"""Search backends of the search arena: where a chat model's passages come from.

A backend turns a query into numbered-to-be passages (``Passage``: url, title, text).
Two kinds, both configured by the operator in the registry's ``search_backends``:
a SearXNG instance (its JSON API, ``searxng.py``) and a local corpus indexed with
tantivy (``corpus.py``). With none declared, the bundled corpus (Python's own
reference documentation, shipped with every CPython) serves, so the arena works
offline on a fresh install.

What a backend returns is untrusted text: it goes to the model, never into Arena's
own decisions. Citations, their standard format and the domain kinds the search
board controls for live in ``citations.py`` and ``domains.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from arena.registry import SearchBackendSpec

__all__ = ["DEFAULT_BACKEND", "Passage", "SearchBackend", "build_backends"]

DEFAULT_BACKEND = "bundled"
"""The name the bundled corpus takes when the registry declares no backend."""


@dataclass(frozen=True, slots=True)
class Passage:
    url: str
    title: str
    text: str


class SearchBackend(Protocol):
    name: str
    kind: str

    async def search(self, query: str, limit: int | None = None) -> list[Passage]:
        """The best passages for ``query``, best first; raise ``SearchError`` on failure."""
        ...

    async def aclose(self) -> None: ...


def build_backends(specs: Sequence[SearchBackendSpec]) -> dict[str, SearchBackend]:
    """One backend per registry entry, and the bundled corpus under ``DEFAULT_BACKEND``.

    Nothing is read or indexed here: a corpus builds its index on its first search
    (off the event loop), so a server whose models never search starts as fast.
    """
    from arena.search.corpus import CorpusBackend, bundled_corpus
    from arena.search.searxng import SearxngBackend

    backends: dict[str, SearchBackend] = {DEFAULT_BACKEND: bundled_corpus()}
    for spec in specs:
        if spec.kind == "searxng":
            backends[spec.name] = SearxngBackend(spec)
        else:
            backends[spec.name] = CorpusBackend.from_spec(spec)
    return backends
