"""Categories of a battle, decided from its prompts, for per-category boards.

Deliberately simple and transparent rules (no hidden classifier): anyone can
re-derive a battle's categories from the released conversation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_CODE = re.compile(
    r"```|^\s*(def |class |import |from \S+ import |#include|public static|function\s*\w*\(|"
    r"SELECT .+ FROM |const \w+ = |let \w+ = |fn \w+\()",
    re.MULTILINE | re.IGNORECASE,
)
LONG_QUERY_CHARS = 500

# Category name -> what it means; "overall" counts every vote.
CATEGORIES = {
    "overall": "every counted vote",
    "coding": "a prompt contains code",
    "multi_turn": "more than one turn before the vote",
    "long_query": f"a prompt of at least {LONG_QUERY_CHARS} characters",
}


def looks_like_code(prompts: Iterable[str]) -> bool:
    return any(_CODE.search(p) for p in prompts)


def battle_categories(
    is_code: bool | None, turns: int, longest_prompt: int, tag: str | None
) -> set[str]:
    found = {"overall"}
    if is_code:
        found.add("coding")
    if turns > 1:
        found.add("multi_turn")
    if longest_prompt >= LONG_QUERY_CHARS:
        found.add("long_query")
    if tag:
        found.add(tag)
    return found
