"""Is a vote worth counting? Flags that keep a vote in the data but off the board.

- ``identity_leak``: a side named its own model or organization ("I am Claude, made by
  Anthropic"), so the voter may not have been blind. The battle still reveals normally.
- ``fast_vote``: the vote came sooner after the last token than anyone could read.

A flagged vote is stored with its flags (and ``valid = False``); nothing is discarded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

# Words that give a model away, by organization (lower case). Registry entries may add
# their own with ``aliases``.
ORGANIZATION_ALIASES: dict[str, tuple[str, ...]] = {
    "anthropic": ("claude",),
    "openai": ("chatgpt", "gpt-4", "gpt-4o", "gpt-3.5", "gpt-5", "openai"),
    "google": ("gemini", "gemma", "bard", "deepmind"),
    "meta": ("llama", "meta ai"),
    "hugging face": ("smollm", "huggingface", "hugging face"),
    "mistral ai": ("mistral", "mixtral"),
    "alibaba": ("qwen", "tongyi"),
    "deepseek": ("deepseek",),
    "xai": ("grok",),
    "microsoft": ("phi-3", "phi-4", "copilot"),
}
MIN_TERM_LENGTH = 3


def identity_terms(name: str, organization: str, aliases: Iterable[str] = ()) -> list[str]:
    terms = {name, organization, *aliases, *ORGANIZATION_ALIASES.get(organization.lower(), ())}
    return sorted(t for t in terms if len(t) >= MIN_TERM_LENGTH and t.lower() != "unknown")


@lru_cache(maxsize=1024)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in terms)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w])", re.IGNORECASE)


def names_itself(replies: Iterable[str], terms: list[str]) -> bool:
    if not terms:
        return False
    pattern = _pattern(tuple(terms))
    return any(pattern.search(reply) for reply in replies)


def vote_flags(
    *,
    leaked_sides: list[str],
    last_token_at: datetime | None,
    voted_at: datetime,
    min_vote_seconds: float,
) -> dict[str, object]:
    flags: dict[str, object] = {}
    if leaked_sides:
        flags["identity_leak"] = sorted(leaked_sides)
    if last_token_at is not None and min_vote_seconds > 0:
        elapsed = (voted_at - last_token_at).total_seconds()
        if elapsed < min_vote_seconds:
            flags["fast_vote"] = round(elapsed, 3)
    return flags
