"""The ``search-arena-24k`` shape: a search battle as LMArena published its Search Arena.

One row a battle: ``model_a``, ``model_b``, ``winner``, ``judge``, ``turn``,
``timestamp``, ``messages_a``/``messages_b`` (``{"role", "content"}`` with string
content), ``system_a_metadata``/``system_b_metadata`` (``citation_format_standardized``,
``llm_config``, ``web_search_config`` and ``web_search_trace``: per turn, the cited
sources as ``[url, title]`` pairs), ``primary_intent``/``secondary_intent`` where
present, ``languages`` and ``conv_metadata``. Arena keeps its own richer trace
(queries, backend, the provider's original text) under ``arena_search_trace`` in the
same metadata, so a round trip through the file loses nothing Arena stored.

This module turns stored search battles into rows and rows back into messages with
their ``extra`` (sources, trace); the importer and exporter call it for the search arena.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

__all__ = ["from_search_arena_row", "is_search_arena_row", "to_search_arena_row"]

SHAPE_KEYS = ("messages_a", "messages_b", "system_a_metadata", "system_b_metadata")
INTENT_KEYS = ("primary_intent", "secondary_intent", "languages")


def is_search_arena_row(row: dict[str, Any]) -> bool:
    return all(k in row for k in ("messages_a", "messages_b")) and any(
        k in row for k in ("system_a_metadata", "system_b_metadata")
    )


def to_search_arena_row(
    battle: dict[str, Any], messages: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """A row of the 24k shape from a stored battle (``id``, ``model_a``, ``model_b``,
    ``winner``, ``created_at``, ``conv_metadata``; intents if known) and its messages."""
    row: dict[str, Any] = {
        "id": battle["id"],
        "model_a": battle["model_a"],
        "model_b": battle["model_b"],
        "winner": battle.get("winner"),
        "judge": battle.get("judge", "arena"),
        "turn": battle.get("turns") or _turns(messages),
        "timestamp": _iso(battle.get("created_at")),
        "conv_metadata": battle.get("conv_metadata") or {},
    }
    for key in INTENT_KEYS:
        if battle.get(key) is not None:
            row[key] = battle[key]
    for side in "ab":
        mine = [m for m in messages if m["side"] == side]
        row[f"messages_{side}"] = [{"role": m["role"], "content": m["content"]} for m in mine]
        replies = [m for m in mine if m["role"] == "assistant"]
        traces = [(m.get("extra") or {}).get("search_trace") for m in replies]
        row[f"system_{side}_metadata"] = {
            "citation_format_standardized": all(
                (t or {}).get("citation_format_standardized", False) for t in traces
            ),
            "llm_config": {"name": battle[f"model_{side}"]},
            "web_search_config": {"search_engine": _engine(traces)},
            "web_search_trace": [
                [[s["url"], s.get("title", "")] for s in (m.get("extra") or {}).get("sources", [])]
                for m in replies
            ],
            "arena_search_trace": traces,
        }
    return row


def from_search_arena_row(row: dict[str, Any]) -> dict[str, Any]:
    """The battle a 24k row describes: models, winner, turns, time, intents, and per
    side its messages (assistant ones with ``extra``: numbered sources, the trace)."""
    out: dict[str, Any] = {
        "model_a": row.get("model_a"),
        "model_b": row.get("model_b"),
        "winner": row.get("winner"),
        "timestamp": row.get("timestamp"),
        "conv_metadata": row.get("conv_metadata") or {},
        "messages": {},
    }
    for key in INTENT_KEYS:
        if row.get(key) is not None:
            out[key] = row[key]
    for side in "ab":
        meta = row.get(f"system_{side}_metadata") or {}
        cited = list(meta.get("web_search_trace") or [])
        traces = list(meta.get("arena_search_trace") or [])
        messages: list[dict[str, Any]] = []
        turn = 0
        reply = 0
        for m in row.get(f"messages_{side}") or []:
            if m.get("role") == "user":
                turn += 1
            message = {
                "side": side,
                "turn": max(turn, 1),
                "role": m.get("role"),
                "content": m.get("content") or "",
            }
            if m.get("role") == "assistant":
                sources = _sources(cited[reply] if reply < len(cited) else [])
                trace = traces[reply] if reply < len(traces) else None
                if trace is None:
                    trace = {
                        "backend": "imported",
                        "queries": [],
                        "results": sources,
                        "citation_format_standardized": bool(
                            meta.get("citation_format_standardized")
                        ),
                    }
                message["extra"] = {"sources": sources, "search_trace": trace}
                reply += 1
            messages.append(message)
        out["messages"][side] = messages
    return out


def _sources(items: Sequence[Any]) -> list[dict[str, Any]]:
    """Numbered sources from a turn's published citations (``[url, title]``, a bare
    URL, or ``{"url", "title"}``)."""
    sources = []
    for item in items:
        if isinstance(item, dict):
            url, title = item.get("url"), item.get("title")
        elif isinstance(item, (list, tuple)):
            url = next((x for x in item if isinstance(x, str) and x.startswith("http")), None)
            title = next((x for x in item if isinstance(x, str) and x != url), "")
        else:
            url, title = item, ""
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            continue
        domain = (urlsplit(url).hostname or "").removeprefix("www.")
        n = len(sources) + 1
        sources.append({"n": n, "title": str(title or domain), "url": url, "domain": domain})
    return sources


def _engine(traces: Sequence[dict[str, Any] | None]) -> str | None:
    kinds = {t.get("backend") for t in traces if t}
    return kinds.pop() if len(kinds) == 1 else None


def _turns(messages: Sequence[dict[str, Any]]) -> int:
    return sum(1 for m in messages if m["side"] == "a" and m["role"] == "user")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
