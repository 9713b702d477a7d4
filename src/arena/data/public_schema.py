"""The public votes-file schema (DESIGN.md, "Votes file"), as one pyarrow schema.

Export and release write exactly these columns in this order; the importer reads
them back. Keeping the schema in one place is what makes an export, an import
and a second export byte-identical.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["CONV_METADATA", "MESSAGE", "VOTES_SCHEMA"]

MESSAGE = pa.struct([("role", pa.string()), ("content", pa.string())])
_HEADERS = pa.struct([(f"h{n}", pa.int64()) for n in range(1, 7)])
_LISTS = pa.struct([("ordered", pa.int64()), ("unordered", pa.int64())])
_BOLD = pa.struct([("**", pa.int64()), ("__", pa.int64())])

CONV_METADATA = pa.struct(
    [
        ("sum_assistant_a_tokens", pa.int64()),
        ("sum_assistant_b_tokens", pa.int64()),
        ("header_count_a", _HEADERS),
        ("header_count_b", _HEADERS),
        ("list_count_a", _LISTS),
        ("list_count_b", _LISTS),
        ("bold_count_a", _BOLD),
        ("bold_count_b", _BOLD),
    ]
)

VOTES_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("model_a", pa.string()),
        ("model_b", pa.string()),
        ("winner", pa.string()),
        ("evaluation_session_id", pa.string()),
        ("evaluation_order", pa.int32()),
        ("conversation_a", pa.list_(MESSAGE)),
        ("conversation_b", pa.list_(MESSAGE)),
        ("turn", pa.int32()),
        ("anony", pa.bool_()),
        ("language", pa.string()),
        ("timestamp", pa.timestamp("us", tz="UTC")),
        ("category_tag", pa.list_(pa.string())),  # the file's own tag and ours (issue 11)
        ("is_code", pa.bool_()),
        ("is_flagged", pa.bool_()),
        ("moderation_flags", pa.list_(pa.string())),
        ("conv_metadata", CONV_METADATA),
    ]
)
