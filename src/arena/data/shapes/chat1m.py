"""lmsys-chat-1m (LMSYS, 2023): one model's conversations, no votes.

``conversation_id``, ``model``, ``conversation``, ``openai_moderation`` per message,
``redacted``. Import stores them as direct-mode battles; a board has nothing to count.
"""

from __future__ import annotations

from typing import Any

from arena.data.shapes import Shape


def record(raw: dict[str, Any], source: str) -> Any:
    from arena.data.import_shapes import chat_record

    return chat_record(raw, source)


SHAPE = Shape(
    name="chat-1m",
    source="lmsys/lmsys-chat-1m",
    marks=("conversation_id", "conversation", "model"),
    id_columns=("conversation_id",),
    votes=False,
    record=record,
)
