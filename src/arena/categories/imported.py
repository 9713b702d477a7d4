"""Tags a votes file brings with it, in our vocabulary (imported data keeps its own tags).

Two shapes carry tags: the 140k release's nested struct (``criteria_v0.1``,
``if_v0.1``, ``math_v0.1``, ``creative_writing_v0.1``, each with booleans; our own
export adds Arena's tag names in its ``tags`` field) and a plain list of tag names.
A plain string (older releases) stays in ``battles.category_tag`` as before.
"""

from __future__ import annotations

from typing import Any

from arena.categories.names import ALL_TAGS, CRITERIA, HARD_MIN

CLASSIFIER = "imported"
VERSION = "file"
# The 140k release's criteria names -> ours.
_CRITERIA = {c: c for c in CRITERIA} | {"real_world": "real_world_application"}
_FLAGS = {"if": "instruction_following", "math": "math", "creative_writing": "creative_writing"}


def file_tags(value: Any) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(tags, criteria) from a file's ``category_tag``; None when it carries none we know."""
    if isinstance(value, list | tuple):
        tags = tuple(sorted({t for t in value if isinstance(t, str) and t in ALL_TAGS}))
        return (tags, ()) if tags else None
    if not isinstance(value, dict):
        return None
    tags: set[str] = {t for t in value.get("tags") or () if isinstance(t, str) and t in ALL_TAGS}
    criteria: list[str] = []
    for group, flags in value.items():
        if not isinstance(flags, dict):
            continue
        if str(group).startswith("criteria"):
            criteria = sorted(
                _CRITERIA[k] for k, v in flags.items() if v is True and k in _CRITERIA
            )
            if len(criteria) >= HARD_MIN:
                tags.add("hard_prompt")
            continue
        for key, flag in flags.items():
            if flag is True and key in _FLAGS:
                tags.add(_FLAGS[key])
    if not tags and not criteria:
        return None
    return tuple(sorted(tags)), tuple(criteria)
