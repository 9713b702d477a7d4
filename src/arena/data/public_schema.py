"""The public votes-file schema (DESIGN.md, "Votes file"), as one pyarrow schema.

Export and release write the shape LMArena publishes now
(arena-human-preference-140k): messages whose ``content`` is a list of typed
parts, ``conv_metadata`` with user/context token counts, ``category_tag`` as
the releases' nested struct of tags. After those columns come Arena's own
(``arena``, ``anony``, flags) and the metadata older releases published
(``judge``, ``dedup_tag``, moderation results), so an imported file exports
again with every published field. Keeping the schema in one place is what makes
an export, an import and a second export byte-identical.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = [
    "CATEGORY_TAG",
    "CONV_METADATA",
    "CONV_METADATA_FIELDS",
    "MESSAGE",
    "PART",
    "VOTES_SCHEMA",
]

# A typed content part: {"type": "text", "text": ...} or
# {"type": "image", "image": <image id or URL>, "mimeType": ...}.
PART = pa.struct(
    [
        ("type", pa.string()),
        ("text", pa.string()),
        ("image", pa.string()),
        ("mimeType", pa.string()),
    ]
)
MESSAGE = pa.struct(
    [("role", pa.string()), ("content", pa.list_(PART)), ("num_tokens", pa.int64())]
)
_HEADERS = pa.struct([(f"h{n}", pa.int64()) for n in range(1, 7)])
_LISTS = pa.struct([("ordered", pa.int64()), ("unordered", pa.int64())])
_BOLD = pa.struct([("**", pa.int64()), ("__", pa.int64())])

CONV_METADATA = pa.struct(
    [
        ("sum_user_tokens", pa.int64()),
        ("sum_assistant_a_tokens", pa.int64()),
        ("sum_assistant_b_tokens", pa.int64()),
        ("context_a_tokens", pa.int64()),
        ("context_b_tokens", pa.int64()),
        ("turns", pa.int64()),
        ("header_count_a", _HEADERS),
        ("list_count_a", _LISTS),
        ("bold_count_a", _BOLD),
        ("header_count_b", _HEADERS),
        ("list_count_b", _LISTS),
        ("bold_count_b", _BOLD),
    ]
)
CONV_METADATA_FIELDS = tuple(CONV_METADATA.field(i).name for i in range(CONV_METADATA.num_fields))

_CRITERIA_NAMES = (
    "complexity", "creativity", "domain_knowledge", "problem_solving",
    "real_world", "specificity", "technical_accuracy",
)  # fmt: skip
CRITERIA_NAMES = _CRITERIA_NAMES
"""The Arena-Hard criteria as LMArena's ``category_tag.criteria_v0.1`` names them."""
_CRITERIA = pa.struct([(name, pa.bool_()) for name in _CRITERIA_NAMES])
CATEGORY_TAG = pa.struct(
    [
        ("criteria_v0.1", _CRITERIA),
        (
            "creative_writing_v0.1",
            pa.struct([("creative_writing", pa.bool_()), ("score", pa.string())]),
        ),
        ("if_v0.1", pa.struct([("if", pa.bool_()), ("score", pa.int64())])),
        ("math_v0.1", pa.struct([("math", pa.bool_())])),
        # Arena's own tags (e.g. a category a battle was tagged with here); not in LMArena's files.
        ("tags", pa.list_(pa.string())),
    ]
)
_DEDUP = pa.struct([("high_freq", pa.bool_()), ("sampled", pa.bool_())])

VOTES_SCHEMA = pa.schema(
    [
        # arena-human-preference-140k, in its order
        ("id", pa.string()),
        ("model_a", pa.string()),
        ("model_b", pa.string()),
        ("winner", pa.string()),
        ("evaluation_session_id", pa.string()),
        ("evaluation_order", pa.int32()),
        ("conversation_a", pa.list_(MESSAGE)),
        ("conversation_b", pa.list_(MESSAGE)),
        ("conv_metadata", CONV_METADATA),
        ("category_tag", CATEGORY_TAG),
        ("language", pa.string()),
        ("is_code", pa.bool_()),
        ("timestamp", pa.timestamp("us", tz="UTC")),
        # Arena's own columns
        ("arena", pa.string()),
        ("anony", pa.bool_()),
        ("is_flagged", pa.bool_()),
        ("moderation_flags", pa.list_(pa.string())),
        # conv_metadata fields Arena computed because the source file had none
        ("computed_fields", pa.list_(pa.string())),
        # published by older releases (100k, 33k), kept as published
        ("judge", pa.string()),
        ("judge_hash", pa.string()),
        ("is_refusal", pa.bool_()),
        ("dedup_tag", _DEDUP),
        ("openai_moderation", pa.string()),  # JSON text: its shape differs between releases
        ("toxic_chat_tag", pa.string()),  # JSON text
    ]
)
