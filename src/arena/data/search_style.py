"""Style covariates of the search board: length, citations, and what kind of sites.

Search Arena's board found people reward longer answers, more citations and some
kinds of source; so its style control adjusts for the reply's tokens, the number of
distinct sources it cites, and the share of its citations that go to each kind of
site (``arena.search.domains``; "other" is the baseline and has no column). They are
written into the battle's ``conv_metadata`` beside the text counts:
``citation_count_a`` and ``cited_domain_kinds_a`` (``{kind: citations}``), per side.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from arena.data.style_counts import style_field
from arena.search.citations import cited
from arena.search.domains import DOMAIN_KINDS, domain_kind

__all__ = ["SEARCH_STYLE_FEATURES", "search_metadata", "search_side_style"]

KIND_FEATURES = tuple(f"cite_{kind}" for kind in DOMAIN_KINDS if kind != "other")
SEARCH_STYLE_FEATURES = ("tokens", "citations", *KIND_FEATURES)


def search_metadata(messages: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """``citation_count_{a,b}`` and ``cited_domain_kinds_{a,b}`` from the stored replies
    (their text and, in ``extra``, their numbered sources)."""
    counts = {"a": 0, "b": 0}
    kinds: dict[str, dict[str, int]] = {"a": {}, "b": {}}
    for m in messages:
        side = m.get("side")
        if m.get("role") != "assistant" or side not in counts:
            continue
        sources = {s.get("n"): s for s in (m.get("extra") or {}).get("sources") or []}
        numbers = cited(
            m.get("content") or "", max((n for n in sources if isinstance(n, int)), default=0)
        )
        counts[side] += len(numbers)
        for n in numbers:
            kind = domain_kind(str(sources[n].get("domain", "")))
            kinds[side][kind] = kinds[side].get(kind, 0) + 1
    meta: dict[str, Any] = {}
    for side in "ab":
        meta[f"citation_count_{side}"] = counts[side]
        meta[f"cited_domain_kinds_{side}"] = kinds[side]
    return meta


def search_side_style(meta: dict[str, Any], side: str) -> tuple[float, ...]:
    """One side's covariates in ``SEARCH_STYLE_FEATURES`` order (missing fields: 0)."""
    tokens = float(meta.get(style_field("tokens", side)) or 0)
    total = float(meta.get(f"citation_count_{side}") or 0)
    kinds = meta.get(f"cited_domain_kinds_{side}") or {}
    shares = [
        float(kinds.get(f.removeprefix("cite_"), 0)) / total if total else 0.0
        for f in KIND_FEATURES
    ]
    return (tokens, total, *shares)
