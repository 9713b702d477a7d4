"""search-arena-24k (LMArena, 2025): battles between search-augmented models.

No ``id`` column: a battle is named by its side A conversation id
(``system_a_metadata.conv_id``). ``messages_a``/``messages_b`` hold the two sides;
about half the rows carry no vote (an empty ``winner``: dropped from a board and
counted as "missing winner", imported as battles without a vote).
"""

from __future__ import annotations

from typing import Any

from arena.data.shapes import Shape


def conversations(raw: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    from arena.data.import_shapes import _conversation

    return (
        _conversation(raw.get("messages_a"), "messages_a"),
        _conversation(raw.get("messages_b"), "messages_b"),
    )


SHAPE = Shape(
    name="search-arena",
    source="lmarena-ai/search-arena-24k",
    marks=("messages_a", "messages_b", "system_a_metadata"),
    id_columns=("id", "question_id", "system_a_metadata.conv_id"),
    optional_winner=True,
    conversations=conversations,
)
