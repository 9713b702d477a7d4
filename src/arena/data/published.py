"""What a public votes file published beyond the vote itself, kept through the store.

Invariant: a field the file published is stored as published and exported as
published; a ``conv_metadata`` field the file lacks is computed from the text
(the same rules as live battles, :mod:`arena.data.style_counts`) and its name
is recorded in ``computed``, so anyone can tell a published count from ours.

Typed content parts (the 140k shape, and images for the vision arena) live
here too: a message's text is the concatenation of its text parts, and the
parts themselves are kept only when they say more than that text.
"""

from __future__ import annotations

import json
from typing import Any

from arena.data.public_schema import CONV_METADATA_FIELDS
from arena.data.style_counts import conv_metadata, estimate_tokens

__all__ = [
    "PUBLISHED_KEYS",
    "BadContent",
    "complete_metadata",
    "parse_content",
    "published_extras",
    "published_metadata",
]

# Columns older releases published that the store has no column for; kept verbatim.
PUBLISHED_KEYS = (
    "judge",
    "judge_hash",
    "dedup_tag",
    "is_refusal",
    "openai_moderation",
    "toxic_chat_tag",
    "redacted",
    "arena",
)
# Kept as JSON text in an exported file (their nested shape differs between releases).
JSON_TEXT_KEYS = ("openai_moderation", "toxic_chat_tag")
PART_KEYS = ("type", "text", "image", "mimeType")


class BadContent(ValueError):
    """A message content that is neither a string, nor null, nor a list of typed parts."""


def parse_content(value: Any) -> tuple[str, list[dict[str, Any]] | None]:
    """(text, parts or None): the stored form of one message's ``content``.

    ``parts`` is None when the content is a string or exactly one text part (the
    text says it all), ``[]`` when it was published as null (a Kaggle reply that
    never came, unlike an empty reply ``""``), else the parts without null keys.
    """
    if type(value) is str:
        return value, None
    if value is None:
        return "", []
    if isinstance(value, float) and value != value:  # NaN from a CSV/pandas null
        return "", []
    if not isinstance(value, list):
        raise BadContent("content must be a string or a list of typed parts")
    parts = []
    texts = []
    for i, part in enumerate(value):
        if not isinstance(part, dict):
            raise BadContent(f"content[{i}] must be an object with a type")
        clean = {k: v for k, v in part.items() if v is not None and k in PART_KEYS}
        kind = clean.get("type")
        if kind == "text":
            if not isinstance(clean.get("text", ""), str):
                raise BadContent(f"content[{i}].text must be a string")
            texts.append(clean.setdefault("text", ""))
        elif kind == "image":
            if not isinstance(clean.get("image"), str):
                raise BadContent(f"content[{i}].image must be a string (image id or URL)")
        else:
            raise BadContent(f"content[{i}].type must be text or image, got {kind!r}")
        parts.append(clean)
    text = "".join(texts)
    if len(parts) == 1 and parts[0]["type"] == "text" and len(parts[0]) == 2:
        return text, None
    return text, parts


def content_parts(content: str, parts: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The typed parts an export writes for a stored message."""
    if parts is None:
        return [{"type": "text", "text": content}]
    return parts


def _loads(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def published_extras(get: Any) -> dict[str, Any]:
    """The published columns the store keeps verbatim; ``get(key)`` reads one of a row."""
    out: dict[str, Any] = {}
    for key in PUBLISHED_KEYS:
        value = get(key)
        if value is None or (isinstance(value, float) and value != value) or value == "":
            continue
        if key in JSON_TEXT_KEYS or key == "dedup_tag":
            value = _loads(value)
        out[key] = value
    if out.get("arena") == "text":  # the default: nothing to keep
        del out["arena"]
    tag = _loads(get("category_tag"))
    if isinstance(tag, dict):
        out["category_tag"] = tag
    elif isinstance(tag, list) and tag:  # a plain list of tag names: Arena's own tags
        out["category_tag"] = {"tags": [str(t) for t in tag if isinstance(t, str)]}
    computed = get("computed_fields")
    if isinstance(computed, list) and computed:
        out["computed"] = [str(c) for c in computed]
    return out


def _meta_dict(value: Any) -> dict[str, Any]:
    value = _loads(value)
    return {k: v for k, v in value.items() if v is not None} if isinstance(value, dict) else {}


def published_metadata(published: Any, messages_a: list[tuple[Any, ...]]) -> dict[str, Any] | None:
    """The conv_metadata a file published, as the store keeps it; None when it had none.

    ``longest_prompt_chars`` is added for the board's ``long_query`` category, as
    live battles store it.
    """
    meta = _meta_dict(published)
    if not meta:
        return None
    prompts = [m[2] for m in messages_a if m[1] == "user"]
    meta["longest_prompt_chars"] = max((len(p) for p in prompts), default=0)
    return meta


def complete_metadata(
    published: Any,
    messages_a: list[tuple[Any, ...]],
    messages_b: list[tuple[Any, ...]],
) -> tuple[dict[str, Any], list[str]]:
    """(conv_metadata, names of the fields computed here) for one voted row.

    Messages are (turn, role, content, num_tokens, parts). Published values win;
    only the fields missing are computed, with the live battles' rules
    (:func:`arena.data.style_counts.conv_metadata`; token counts are the reported
    ones, else an estimate; a side's context is its prompts and replies).
    """
    meta = _meta_dict(published)
    missing = [k for k in CONV_METADATA_FIELDS if k not in meta]
    if not missing:
        return meta, []
    replies: dict[str, list[tuple[str, int | None]]] = {"a": [], "b": []}
    user_tokens = {"a": 0, "b": 0}
    turns = 0
    for side, messages in (("a", messages_a), ("b", messages_b)):
        for _, role, content, tokens, _ in messages:
            if role == "assistant":
                replies[side].append((content, tokens))
            else:
                user_tokens[side] += estimate_tokens(content) if tokens is None else tokens
                turns += side == "a" and role == "user"
    computed = conv_metadata(replies["a"], replies["b"])
    computed["sum_user_tokens"] = user_tokens["a"]
    computed["turns"] = turns
    for side in ("a", "b"):
        computed[f"context_{side}_tokens"] = (
            user_tokens[side] + computed[f"sum_assistant_{side}_tokens"]
        )
    for key in missing:
        meta[key] = computed[key]
    return meta, missing
