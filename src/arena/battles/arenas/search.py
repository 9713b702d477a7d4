"""The search arena: two search-augmented answers with sources, judged side by side.

A side is either a chat model that Arena searches for (the registry's
``search_backend``, else the bundled corpus: its numbered passages go in with the
prompt and the model cites them as ``[n]``) or a model that searches by itself
(``search: native``), whose reply's own citation fields are read and rewritten into
the same ``[n]`` format. Before the vote a side shows its text and its numbered
sources (``done`` carries ``sources``); the search trace (queries, results, the
provider's original text) is stored with the reply and shown only after the vote.

A native reply is held back until it ends, then sent once in the standard format: its
own citation style, streamed as it came, would name its provider. Page text found by a
search reaches the model only; nothing Arena decides depends on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from arena.battles.arenas.base import ArenaPlugin
from arena.battles.events import SideDelta, SideEvent
from arena.battles.side_run import REGISTRY_PARAMS, SideResult, SideRun
from arena.data.search_style import SEARCH_STYLE_FEATURES, search_metadata, search_side_style
from arena.integrity.validity import side_leaked
from arena.providers.base import ChatMessage
from arena.search import Passage
from arena.search import citations as cite
from arena.vocabulary import Arena

if TYPE_CHECKING:
    from arena.integrity.identity_terms import ModelIdentity

PASSAGE_BUDGET_CHARS = 1_600
"""Characters of passages a side is given in all: the built-in models hold 2,048
tokens, 768 of them for the reply."""


class SearchArena(ArenaPlugin):
    name = Arena.search
    label = "search"
    answers = "text with sources"
    messages_in_thread = False
    style_features = SEARCH_STYLE_FEATURES

    async def run_side(self, run: SideRun) -> AsyncIterator[SideEvent]:  # type: ignore[override]
        backend = run.contestant.search
        result = run.result
        prompt = run.messages[-1].content
        if backend is None:  # the model searches by itself
            raw: list[dict[str, Any]] = []
            async for _ in _stream(run, run.messages, raw):
                pass
            original = result.reply
            text, sources = cite.standardize(original, raw)
            result.text[:] = [text]
            if text:
                yield SideDelta(run.side, text)
            trace = {"backend": "native", "queries": [], "results": sources, "original": original}
        else:
            passages = fit_budget(await backend.search(prompt))
            sources = cite.sources_of(passages)
            ask = f"{cite.passages_prompt(passages)}\n\nQuestion: {prompt}"
            messages = [*run.messages[:-1], ChatMessage("user", ask)]
            async for delta in _stream(run, messages, None):
                yield SideDelta(run.side, delta)
            trace = {
                "backend": backend.kind,
                "queries": [prompt],
                "results": [{"n": s["n"], "url": s["url"], "title": s["title"]} for s in sources],
            }
        trace["pages_read"] = []  # result pages are listed as sources, never fetched
        trace["citation_format_standardized"] = True
        result.done_fields["sources"] = sources
        result.extra = {"sources": sources, "search_trace": trace}

    def more_style(self, messages: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return search_metadata(messages)

    def style_values(self, meta: dict[str, Any], side: str) -> tuple[float, ...]:
        return search_side_style(meta, side)

    def leaks_identity(self, replies: Sequence[dict[str, Any]], identity: ModelIdentity) -> bool:
        if side_leaked((m["content"] for m in replies), identity):
            return True
        names = (*identity.names, *identity.terms)
        return any(
            cite.own_domain((m.get("extra") or {}).get("sources", []), names) for m in replies
        )

    def shown_message(self, message: dict[str, Any], revealed: bool) -> dict[str, Any]:
        shown = super().shown_message(message, revealed)
        extra = message.get("extra") or {}
        if message["role"] == "assistant" and extra:
            shown["sources"] = extra.get("sources", [])
            if revealed:
                shown["search_trace"] = extra.get("search_trace")
        return shown


async def _stream(
    run: SideRun, messages: list[ChatMessage], raw: list[dict[str, Any]] | None
) -> AsyncIterator[str]:
    """The provider's text deltas, with usage and finish reason kept in ``run.result``."""
    result: SideResult = run.result
    async for delta in run.contestant.provider.stream(messages, REGISTRY_PARAMS):
        if delta.text:
            result.text.append(delta.text)
            yield delta.text
        if delta.usage is not None:
            result.prompt_tokens = delta.usage.prompt_tokens
            result.completion_tokens = delta.usage.completion_tokens
        if delta.finish_reason is not None:
            result.finish_reason = delta.finish_reason
        if delta.cited and raw is not None:
            raw.append(delta.cited)


def fit_budget(passages: Sequence[Passage], budget: int = PASSAGE_BUDGET_CHARS) -> list[Passage]:
    """One passage per page (a page's passages joined, best first), each cut to its
    share of ``budget`` characters: one source number per page."""
    pages: dict[str, Passage] = {}
    for p in passages:
        seen = pages.get(p.url)
        pages[p.url] = (
            p if seen is None else Passage(p.url, seen.title, f"{seen.text}\n…\n{p.text}")
        )
    if not pages:
        return []
    share = max(200, budget // len(pages))
    return [Passage(p.url, p.title, p.text[:share]) for p in pages.values()]


ARENA = SearchArena()
